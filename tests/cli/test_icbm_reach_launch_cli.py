"""openbmd icbm-reach --launch-on / --booster-rcs-m2, and the sites at notional stations (issue 13)."""
import json

import pytest
from cli_helpers import assert_usage_error

from openbmd.errors import InputError

ARGS = ("icbm-reach", "-a", "epaa-phase-3", "--field", "kozelsk", "--target", "washington",
        "--no-reaction-sweep", "--json")


def _run(run, *more):
    r = run(*ARGS, *more)
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_early_warning_never_launches_later_and_the_north_sea_ship_is_marked(run):
    firm = _run(run, "--launch-on", "firm-track")
    warn = _run(run, "--launch-on", "firm-track", "--launch-on", "early-warning")
    key = lambda c: (c["shape"], c["battery"])  # noqa: E731
    w = {key(c): c for c in warn["cases"]}
    for c in firm["cases"]:
        if c["engageable"]:  # a launch allowed earlier never takes an engagement away, nor delays it
            assert w[key(c)]["engageable"] and w[key(c)]["launch_s"] <= c["launch_s"]
    # the North Sea ship's station is notional; the land sites' are sourced
    sites = {s["battery"]: s for s in firm["sites"]}
    assert sites["ship-north-sea"]["notional_station"].startswith("N:")
    assert sites["deveselu"]["notional_station"] is None and sites["redzikowo"]["notional_station"] is None
    ns = firm["notional_stations"]
    assert set(ns["batteries"]) == {b for b, s in sites.items() if s["notional_station"]}
    land = {c["shape"] for c in firm["cases"] if c["engageable"] and not sites[c["battery"]]["notional_station"]}
    union = {c["shape"] for c in firm["cases"] if c["engageable"]}
    assert ns["engageable_cases"] == len(union)
    assert ns["only_from_notional_stations"] == len(union - land)
    assert (ns["note"] is None) == (not union - land)


def test_booster_rcs_option_reaches_the_analysis(run):
    """A 0.01 m^2 booster is not seen before burnout, a 10 m^2 one is (detection is monotone in
    RCS): the track, and so the launch, comes no later, and here strictly earlier."""
    small = _run(run, "--booster-rcs-m2", "0.01", "--shape", "depressed")
    big = _run(run, "--booster-rcs-m2", "10", "--shape", "depressed")
    b = {c["battery"]: c for c in big["cases"]}
    both = [(c, b[c["battery"]]) for c in small["cases"] if c["engageable"] and b[c["battery"]]["engageable"]]
    assert both
    assert all(y["launch_s"] <= x["launch_s"] for x, y in both)
    assert any(y["launch_s"] < x["launch_s"] for x, y in both)


@pytest.mark.parametrize("flag, value, words", [
    ("--launch-on", "on-a-hunch", ("--launch-on", "allowed: firm-track, early-warning")),
    ("--booster-rcs-m2", "0", ("--booster-rcs-m2", "> 0")),
    ("--booster-rcs-m2", "nan", ("--booster-rcs-m2", "finite")),
])
def test_bad_launch_mode_or_booster_rcs_exit_2(run, flag, value, words):
    assert_usage_error(run("icbm-reach", "-a", "epaa-phase-3", flag, value), *words)


def test_library_refuses_an_unknown_launch_mode():
    from openbmd.analyses.icbm_reach import icbm_reach

    with pytest.raises(InputError, match="allowed: a tuple of firm-track, early-warning"):
        icbm_reach("epaa-phase-3", fields=("Kozelsk",), targets=("Washington",), launch_on=("hunch",))
