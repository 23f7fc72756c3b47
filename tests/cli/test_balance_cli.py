"""`openbmd balance`: the JSON contract, the sweep chart, and one-line errors."""
import json

import pytest
from cli_helpers import assert_usage_error

FORCE = """
id = "two-fields"
[[group]]
field = "Uzhur"
missile = "ss-18"
missiles = 3
warheads_per_missile = 10
source = "N: test"
"""


@pytest.mark.parametrize("args, fragment", [
    (("--force", "nope"), "unknown force 'nope'"),
    (("--force", "russia-2024", "--discrimination", "2"), "--discrimination 2"),
    (("--force", "russia-2024", "--decoys-per-warhead", "-1"), "--decoys-per-warhead"),
    (("--force", "russia-2024", "--trials", "0"), "--trials"),
    (("--force", "russia-2024", "--out", "x.png"), "add --sweep"),
    (("--force", "russia-2024", "--out", "x.txt"), "x.txt"),
    (("--force", "russia-2024", "--doctrine", "salvo-99"), "unknown doctrine 'salvo-99'"),
])
def test_bad_options_are_one_line(run, args, fragment):
    assert_usage_error(run("balance", "-a", "gmd", *args), fragment)


def test_bad_force_file_names_its_line(run, tmp_path):
    f = tmp_path / "f.toml"
    f.write_text(FORCE.replace('"Uzhur"', '"Atlantis"'))
    assert_usage_error(run("balance", "-a", "gmd", "--force", str(f)), "f.toml:4: group[1].field")


@pytest.mark.slow
def test_balance_json_and_sweep_chart(run, tmp_path):
    """GMD against three SS-18s (30 warheads) from Uzhur: the keys, conservation, the chart (~30-60 s)."""
    f, png = tmp_path / "f.toml", tmp_path / "s.png"
    f.write_text(FORCE)
    res = run("balance", "-a", "gmd", "--force", str(f), "--json", "--sweep", "--trials", "300", "--out", str(png))
    assert res.code == 0, res.err
    s = json.loads(res.out)
    assert {"warheads", "interceptors", "expected_arriving", "arriving_interval", "engageable_share",
            "worst_case_arriving", "monte_carlo", "sweep", "assumptions"} <= set(s)
    assert s["warheads"] == 30 and s["interceptors"] == 44
    assert s["worst_case_arriving"] <= s["expected_arriving"] <= s["warheads"]
    lo, hi = s["arriving_interval"]
    assert 0 <= lo <= s["monte_carlo"]["mean_arriving"] <= hi <= 30
    assert sum(b["expected_rounds_used"] for b in s["batteries"]) <= 44 + 1e-9
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
