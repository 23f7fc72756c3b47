"""`openbmd raid`: the JSON contract, the PNG, and one-line errors naming the raid file's line."""
import json

import pytest
from cli_helpers import assert_usage_error

ARCH = """
id = "test-ship"
name = "one ship"
year = 2018
status = "notional"
description = "test"
[[sensor]]
id = "tpy2"
sensor = "an-tpy-2-fbm"
[[battery]]
id = "ship"
interceptor = "sm-3-iia"
lat_deg = 34.5
lon_deg = 27.0
magazine = 3
"""
RAID = """
name = "three at Ankara"
[[salvo]]
missile = "shahab-3"
from = "Tabriz"
to = "Ankara"
count = 3
"""


@pytest.fixture
def files(tmp_path):
    a, r = tmp_path / "a.toml", tmp_path / "r.toml"
    a.write_text(ARCH)
    r.write_text(RAID)
    return a, r


def test_raid_json_contract_and_png(run, files, tmp_path):
    a, r = files
    png = tmp_path / "raid.png"
    res = run("raid", "--architecture", str(a), "--raid", str(r), "--trials", "300", "--seed", "4", "--json",
              "--out", str(png))
    assert res.code == 0, res.err
    obj = json.loads(res.out)
    assert {"architecture", "threats", "expected_leakers", "p_no_leaker", "monte_carlo", "batteries",
            "groups"} <= set(obj)
    assert obj["architecture"] == "test-ship" and obj["threats"] == 3
    mc = obj["monte_carlo"]
    assert mc["trials"] == 300 and mc["seed"] == 4 and mc["leakers_95ci"][0] <= mc["mean_leakers"]
    (b,) = obj["batteries"]
    assert {"id", "interceptor", "magazine", "expected_used", "mean_used", "max_used", "p_exhausted"} <= set(b)
    assert b["magazine"] == 3 and b["max_used"] <= 3  # conservation of interceptors
    (g,) = obj["groups"]
    assert g["count"] == 3 and g["engageable_by"] == ["ship"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = run("raid", "--architecture", str(a), "--raid", str(r), "--trials", "300", "--seed", "4", "--json")
    assert {k: v for k, v in json.loads(again.out).items() if k != "seconds"} == \
        {k: v for k, v in obj.items() if k != "seconds"}


def test_raid_table(run, files):
    a, r = files
    res = run("raid", "--architecture", str(a), "--raid", str(r), "--trials", "100")
    assert res.code == 0, res.err
    assert "batteries" in res.out and "ship" in res.out and "expected leakers" in res.out


@pytest.mark.parametrize("old, new, fragment", [
    ('"shahab-3"', '"shahab-9"', ":4:"),
    ('"Tabriz"', '"Atlantis"', ":5:"),
    ("count = 3", "count = 0", ":7:"),
    ('"Ankara"', '"91,0"', ":6:"),
    ("count = 3", "count = = 3", ":7:"),
])
def test_bad_raid_file_is_one_line_with_its_line(run, files, old, new, fragment):
    a, r = files
    r.write_text(RAID.replace(old, new))
    res = run("raid", "--architecture", str(a), "--raid", str(r))
    assert_usage_error(res, str(r), fragment)


def test_bad_options_are_one_line(run, files, tmp_path):
    a, r = files
    assert_usage_error(run("raid", "--architecture", "atlantis", "--raid", str(r)), "atlantis")
    assert_usage_error(run("raid", "--architecture", str(a), "--raid", str(tmp_path / "none.toml")), "none.toml")
    assert_usage_error(run("raid", "--architecture", str(a), "--raid", str(r), "--trials", "0"), "--trials")
    assert_usage_error(run("raid", "--architecture", str(a), "--raid", str(r), "--out", str(tmp_path / "x.gif")),
                       ".gif")
