"""openbmd icbm-reach: the JSON contract, narrowing, charts, one-line errors."""
import json

from cli_helpers import assert_usage_error


def test_json_contract_narrowed_and_charts(run, tmp_path):
    r = run("icbm-reach", "-a", "epaa-phase-3", "--field", "KOZELSK", "--target", "washington",
            "--shape", "depressed", "--json", "--out", str(tmp_path / "reach"))
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["architecture"] == "epaa-phase-3"
    assert d["cases"]
    for c in d["cases"]:
        assert (c["field"], c["target"], c["shape"]) == ("Kozelsk", "Washington", "depressed")
        assert {"battery", "interceptor", "engageable", "margin_s", "needed_burnout_speed_km_s"} <= set(c)
        assert isinstance(c["engageable"], bool)
        assert (c["margin_s"] is None) == (not c["engageable"])
    for site in d["sites"]:
        within = [c for c in d["cases"] if c["battery"] == site["battery"]
                  and c["needed_burnout_speed_km_s"] is not None]
        assert site["cases_engageable_within_sweep"] == len(within)
    pngs = sorted(p.name for p in (tmp_path / "reach").glob("*.png"))
    assert len(pngs) == len({c["battery"] for c in d["cases"]})
    assert json.loads((tmp_path / "reach" / "icbm-reach.json").read_text())["cases"] == d["cases"]


def test_unknown_field_and_target_exit_2(run):
    assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", "--field", "moscow"), "allowed:", "Kozelsk")
    assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", "--target", "paris"), "allowed:", "Washington")
    assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", "--shape", "flat"), "allowed:")
