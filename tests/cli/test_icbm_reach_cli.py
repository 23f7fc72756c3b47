"""openbmd icbm-reach: the JSON contract, narrowing, charts, one-line errors."""
import json

import pytest

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
        # the interceptor's first launch and the earliest intercept's altitude: null when not engageable;
        # a launch after the ICBM's and before its impact, an intercept in the kill vehicle's band
        assert (c["launch_s"] is None) == (c["intercept_altitude_km"] is None) == (not c["engageable"])
        if c["engageable"]:
            assert 0.0 < c["launch_s"] < c["flight_time_s"]
            assert 50.0 < c["intercept_altitude_km"] < 2500.0
    for site in d["sites"]:
        within = [c for c in d["cases"] if c["battery"] == site["battery"]
                  and c["needed_burnout_speed_km_s"] is not None]
        assert site["cases_engageable_within_sweep"] == len(within)
    # the reaction sweep: default reaction times plus the architecture's own, every battery;
    # its row at the architecture's reaction time repeats the site's figures
    sweep = d["reaction_sweep"]
    assert {r["reaction_s"] for r in sweep} == {0.0, 30.0, 60.0, 120.0, d["reaction_s"]}
    for site in d["sites"]:
        own = [r for r in sweep if r["battery"] == site["battery"] and r["reaction_s"] == d["reaction_s"]]
        assert len(own) == 1
        assert own[0]["engageable_cases_at_own_speed"] == site["engageable_cases"]
        assert own[0]["slowest_needed_burnout_speed_km_s"] == site["slowest_needed_burnout_speed_km_s"]
        assert {"interceptor", "cases_engageable_within_sweep", "median_needed_burnout_speed_km_s"} <= set(own[0])
    pngs = sorted(p.name for p in (tmp_path / "reach").glob("*.png"))
    assert len(pngs) == len({c["battery"] for c in d["cases"]})
    assert json.loads((tmp_path / "reach" / "icbm-reach.json").read_text())["cases"] == d["cases"]


def test_unknown_field_and_target_exit_2(run):
    assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", "--field", "moscow"), "allowed:", "Kozelsk")
    assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", "--target", "paris"), "allowed:", "Washington")
    assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", "--shape", "flat"), "allowed:")


def test_reaction_sweep_values_and_skipping(run):
    r = run("icbm-reach", "-a", "epaa-phase-3", "--field", "kozelsk", "--target", "washington",
            "--shape", "depressed", "--reaction-sweep", "0, 90", "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert sorted({x["reaction_s"] for x in d["reaction_sweep"]}) == sorted({0.0, 90.0, d["reaction_s"]})
    for flag in (("--reaction-sweep", ""), ("--no-reaction-sweep",)):
        r = run("icbm-reach", "-a", "epaa-phase-3", "--field", "kozelsk", "--target", "washington",
                "--shape", "depressed", *flag, "--json")
        assert r.code == 0, r.err
        assert json.loads(r.out)["reaction_sweep"] == []


def test_bad_reaction_sweep_exit_2(run):
    for bad in ("-5", "abc", "30,,60", "nan", "1e9"):
        assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", "--reaction-sweep", bad),
                           "--reaction-sweep", "allowed:")


def test_launch_and_intercept_altitude_of_engageable_cases(run):
    """GBIs engage Kozelsk -> Washington: the first launch follows the ICBM's launch and precedes the
    earliest intercept's own time budget; the intercept lies above the kill vehicle's floor."""
    r = run("icbm-reach", "-a", "gmd", "--field", "kozelsk", "--target", "washington", "--shape", "min-energy",
            "--no-reaction-sweep", "--json")
    assert r.code == 0, r.err
    cases = json.loads(r.out)["cases"]
    eng = [c for c in cases if c["engageable"]]
    assert eng
    for c in cases:
        assert {"launch_s", "intercept_altitude_km"} <= set(c)
        assert (c["launch_s"] is None) == (not c["engageable"])
    for c in eng:
        assert 0.0 < c["launch_s"] < c["flight_time_s"]
        assert 119.9 <= c["intercept_altitude_km"] < 2500.0  # GBI kill vehicle floor 120 km (catalog)


@pytest.mark.parametrize("args, fragment", [(["--burnout-sigma-km-s", "0"], "sigma 0 km/s"),
                                            (["--burnout-sigma-km-s", "0.3", "--trials", "0"], "trials 0"),
                                            (["--burnout-sigma-km-s", "nan"], "finite")])
def test_bad_speed_draws_are_one_line(run, args, fragment):
    assert_usage_error(run("icbm-reach", "-a", "gmd", *args), fragment)
