"""The sensitivity sweep: its nominal row is the plain icbm-reach / coverage answer, and each
figure moves the answers the way physics says it must (more RCS or range never fewer engageable
cases, a later launch never more, Pk never changes what is engageable)."""
import dataclasses

import numpy as np
import pytest

from openbmd.analyses import sensitivity as S
from openbmd.analyses.sensitivity_figures import FIGURES, FirmRuleRadar, Setting, get_figures
from openbmd.errors import InputError

ARCHS = ("epaa-phase-3", "gmd")
FIELDS = ("Kozelsk", "Barnaul")
TARGETS = ("Washington", "Boston", "Seattle")
COV = {**S.COVERAGE_CASE, "step_deg": 2.0}


@pytest.fixture(scope="module")
def bench():
    return S.Bench.make(ARCHS, fields=FIELDS, targets=TARGETS, coverage_case=COV)


@pytest.fixture(scope="module")
def nominal(bench):
    return bench.metrics(Setting())


def test_nominal_equals_plain_icbm_reach(bench, nominal):
    from openbmd.analyses.icbm_reach import icbm_reach_set

    plain = icbm_reach_set(list(ARCHS), fields=FIELDS, targets=TARGETS, speeds_km_s=(7.0,), reaction_sweep_s=None)
    for r in plain:
        s = r.summary()
        got = nominal["reach"][r.architecture.id]
        assert got["by_battery"] == {b["battery"]: b["engageable_cases"] for b in s["sites"]}
        union = {(c["field"], c["target"], c["shape"]) for c in s["cases"] if c["engageable"]}
        assert got["engageable_cases"] == len(union)
        assert nominal["cases"] == len(r.cases)


def test_nominal_equals_plain_coverage(nominal):
    from openbmd.analyses.coverage import coverage

    s = coverage(COV["architecture"], COV["missile"], COV["area"], region=COV["region"],
                 step_deg=COV["step_deg"]).summary()
    assert nominal["coverage"]["defended_area_fraction"] == pytest.approx(s["defended_area_fraction"], abs=1e-12)
    assert nominal["coverage"]["mean_p_defense_threatened"] == pytest.approx(s["mean_p_defense_threatened"],
                                                                             abs=1e-12)


def _sweep(bench, name, values):
    fig = FIGURES[name]
    return [bench.metrics(fig.setting(v)) for v in values]


def _counts(ms):
    """(values, architecture, battery) engageable counts, and the coverage fractions."""
    by = np.array([[m["reach"][a]["by_battery"][b] for a in ARCHS for b in sorted(m["reach"][a]["by_battery"])]
                   for m in ms])
    cov = np.array([m["coverage"]["defended_area_fraction"] for m in ms])
    return by, cov


def test_a_larger_rcs_never_reduces_engageable_cases(bench):
    by, cov = _counts(_sweep(bench, "warhead-rcs", (0.01, 0.03, 0.1, 0.3, 1.0)))
    assert np.all(np.diff(by, axis=0) >= 0) and np.all(np.diff(cov) >= -1e-12)
    assert by[-1].sum() > by[0].sum()  # the figure matters here: GMD's radars see a 1 m^2 RV farther


def test_a_longer_reference_range_never_reduces_engageable_cases(bench):
    by, cov = _counts(_sweep(bench, "radar-reference-range", (0.7, 1.0, 1.3)))
    assert np.all(np.diff(by, axis=0) >= 0) and np.all(np.diff(cov) >= -1e-12)


def test_a_longer_reaction_never_increases_engageable_cases(bench):
    by, cov = _counts(_sweep(bench, "reaction-time", (0.0, 30.0, 60.0, 120.0)))
    assert np.all(np.diff(by, axis=0) <= 0) and np.all(np.diff(cov) <= 1e-12)


def test_a_faster_gbi_never_engages_less(bench):
    by, _ = _counts(_sweep(bench, "gbi-burnout-speed", (6.3, 7.0, 8.5)))
    assert np.all(np.diff(by, axis=0) >= 0)


def test_pk_moves_p_defense_never_engageability(bench, nominal):
    lo, hi = _sweep(bench, "single-shot-pk", (0.5, 0.9))
    assert lo["reach"] == nominal["reach"] == hi["reach"]
    assert lo["coverage"]["defended_area_fraction"] == nominal["coverage"]["defended_area_fraction"]
    assert lo["coverage"]["mean_p_defense_threatened"] < hi["coverage"]["mean_p_defense_threatened"]
    # one 0.9 shot at least: every defended cell has P(defense) >= 0.9 when every Pk is 0.9
    c = hi["coverage"]
    assert c["mean_p_defense_threatened"] >= 0.9 * c["defended_area_fraction"] - 1e-12


def test_dropping_the_north_sea_ship_removes_its_engagements(bench, nominal):
    m = bench.metrics(FIGURES["north-sea-station"].setting("dropped"))
    assert "ship-north-sea" not in m["reach"]["epaa-phase-3"]["by_battery"]
    assert m["reach"]["epaa-phase-3"]["engageable_cases"] <= nominal["reach"]["epaa-phase-3"]["engageable_cases"]
    assert m["reach"]["gmd"] == nominal["reach"]["gmd"]  # GMD has no North Sea ship


def test_figures_never_touch_the_catalog(bench):
    from openbmd.interceptors.catalog import get_interceptor

    bench.metrics(FIGURES["gbi-burnout-speed"].setting(8.5))
    bench.metrics(FIGURES["kv-min-altitude"].setting(1.3))
    g = get_interceptor("gbi-3stage")
    assert g.burnout_speed_km_s == 7.0 and g.kill_vehicle.min_intercept_alt_km == 120.0


def test_firm_rule_radar_at_the_default_rule_is_the_radar(bench):
    from openbmd.sensors.catalog import get_sensor

    radar = get_sensor("fylingdales")  # sees the Kozelsk flights: the test is not vacuous
    kw = {f.name: getattr(radar, f.name) for f in dataclasses.fields(radar) if f.init}
    s = bench.reach.samples
    same = FirmRuleRadar(**kw).track_times(s, 0.1)
    for a, b in zip(same, radar.track_times(s, 0.1)):
        np.testing.assert_array_equal(a, b)
    # more detections before a firm track: never earlier
    late = FirmRuleRadar(**kw, firm_after=10).track_times(s, 0.1)[1]
    ok = np.isfinite(same[1])
    assert ok.sum() >= 3 and np.any(late[ok] > same[1][ok])
    assert np.all(~np.isfinite(late[ok]) | (late[ok] >= same[1][ok]))


def test_flips_are_the_verdicts_that_change():
    r = S.sensitivity(ARCHS, figures=["north-sea-station"], fields=("Kozelsk",), targets=("Washington", "Boston"),
                      coverage_case=None)
    s = r.summary()
    nom = {v["name"]: v["nominal"] for v in s["verdicts"]}
    for f in s["flips"]:
        row = next(x for x in s["figures"] if x["name"] == f["figure"])
        assert row["verdicts"][f["at"]][f["verdict"]] == f["now"] != nom[f["verdict"]]
    assert nom["phase-4-none"] is None and nom["phase-3-irbm-90"] is None  # not in this run


def test_unknown_figure_lists_the_allowed():
    with pytest.raises(InputError, match="allowed: warhead-rcs"):
        get_figures(["warhead-rsc"])


def test_every_figure_declares_a_range_and_a_source():
    for f in FIGURES.values():
        assert f.why and f.label
        assert f.low != f.high and f.nominal not in (f.low, f.high)
        if all(isinstance(v, (int, float)) for v in (f.low, f.nominal, f.high)):
            assert f.low < f.nominal < f.high


# ---------------------------------------------------------------- booster RCS, launch mode, burn time
@pytest.mark.parametrize("name, value, kw", [
    ("booster-rcs", 10.0, {"booster_rcs_m2": 10.0}),
    ("launch-mode", "firm-track", {"launch_on": ("firm-track",)}),
    ("launch-mode", "early-warning", {"launch_on": ("firm-track", "early-warning")}),
])
def test_new_figures_equal_icbm_reach_run_with_the_same_keyword(bench, name, value, kw):
    """The sweep's plumbing (Setting -> signature / engine) against icbm-reach's own keywords."""
    from openbmd.analyses.icbm_reach import icbm_reach_set

    got = bench.metrics(FIGURES[name].setting(value))
    for r in icbm_reach_set(list(ARCHS), fields=FIELDS, targets=TARGETS, speeds_km_s=(7.0,),
                            reaction_sweep_s=None, **kw):
        s = r.summary()
        assert got["reach"][r.architecture.id]["by_battery"] == {b["battery"]: b["engageable_cases"]
                                                                 for b in s["sites"]}


@pytest.mark.parametrize("name", ["booster-rcs", "launch-mode", "sm-3-burn-time", "gbi-burn-time"])
def test_new_figures_at_their_nominal_value_are_the_nominal_row(bench, nominal, name):
    got = bench.metrics(FIGURES[name].setting(FIGURES[name].nominal))
    assert got["reach"] == nominal["reach"]
    assert got["coverage"] == nominal["coverage"]


def _outcomes(bench, arch_id, rcs, **kw):
    from openbmd.engagement.engine import engage_many

    return engage_many(bench.base[arch_id][1], bench.reach.samples, rcs, geometry=bench.reach.geometry, **kw).batteries


def test_early_warning_never_launches_later_than_a_firm_track(bench):
    """Allowing a launch on early warning only adds earlier launches: the earliest allowed launch is
    never later, what is engageable only grows, and the earliest intercept never comes later."""
    from openbmd.sensors.signature import Signature

    rcs = Signature(rv_rcs_m2=0.1, booster_rcs_m2=1.0)
    earlier = 0
    for a in ARCHS:
        firm = _outcomes(bench, a, rcs, launch_on=("firm-track",))
        warn = _outcomes(bench, a, rcs, launch_on=("firm-track", "early-warning"))
        for f, w in zip(firm, warn):
            assert np.all(w.launch_s <= f.launch_s)
            assert np.all(w.engageable[f.engageable])
            both = f.engageable & w.engageable
            assert np.all(w.earliest_t_s[both] <= f.earliest_t_s[both] + 1e-9)
            earlier += int(np.sum(w.launch_s < f.launch_s))
    assert earlier > 0  # the ordering is not vacuous: early warning does come first


def test_a_larger_booster_rcs_is_never_seen_later(bench):
    """A booster of 10 m^2 is visible wherever one of 0.01 m^2 is: first detection never later.
    (Over the figure's own 0.5-10 m^2 these flights' first looks do not move: the radar horizon,
    not the power budget, decides when the booster is first seen.)"""
    from openbmd.sensors.signature import Signature

    lo, hi = (Signature(rv_rcs_m2=0.1, booster_rcs_m2=v) for v in (0.01, 10.0))
    sooner = 0
    for a in ARCHS:
        for small, big in zip(_outcomes(bench, a, lo), _outcomes(bench, a, hi)):
            seen = np.isfinite(small.first_detection_s)
            assert np.all(np.isfinite(big.first_detection_s[seen]))
            assert np.all(big.first_detection_s[seen] <= small.first_detection_s[seen])
            sooner += int(np.sum(big.first_detection_s < small.first_detection_s))
    assert sooner > 0


def test_burn_time_variant_keeps_speed_and_arrives_sooner_by_about_half_the_burn_saved():
    """Same burnout speed, other burn: the speed is re-calibrated (the booster's own reference
    fly-out), the kill vehicle and catalog are untouched, and far high points are reached sooner by
    about half the burn time saved (constant acceleration to v_b covers v_b T / 2 in a burn of T)."""
    from openbmd.analyses.sensitivity_figures import interceptor_with_burn_time
    from openbmd.interceptors.booster import CALIBRATION_RTOL, reference_burnout_speed_m_s
    from openbmd.interceptors.catalog import get_interceptor
    from openbmd.interceptors.flyout import flyout_table

    cat = get_interceptor("sm-3-iia")
    assert interceptor_with_burn_time(cat, cat.burn_time_s) is cat
    short, long_ = (interceptor_with_burn_time(cat, cat.burn_time_s * f) for f in (0.5, 1.5))
    for v in (short, long_):
        assert reference_burnout_speed_m_s(v.booster) == pytest.approx(4500.0, rel=CALIBRATION_RTOL)
        assert v.kill_vehicle == cat.kill_vehicle and v.burnout_speed_km_s == cat.burnout_speed_km_s
    assert short.booster.stages[0].burn_time_s == pytest.approx(0.5 * cat.burn_time_s)
    assert get_interceptor("sm-3-iia").burn_time_s == cat.burn_time_s == 55.0
    r, h = np.meshgrid(np.linspace(200.0, 2500.0, 47), np.linspace(100.0, 1000.0, 19), indexing="ij")
    ts, tl = (flyout_table(v, 57.0).time_to(r, h, limits=False) for v in (short, long_))
    both = np.isfinite(ts) & np.isfinite(tl)
    assert both.sum() > 200
    half_saved = 0.5 * (long_.burn_time_s - short.burn_time_s)
    assert 0.3 * half_saved < np.median(tl[both] - ts[both]) < 2.0 * half_saved


def test_launch_mode_values_are_checked():
    with pytest.raises(InputError, match="allowed: architecture's, firm-track, early-warning"):
        FIGURES["launch-mode"].setting("on-a-hunch")


def test_gbi_speed_figure_agrees_with_icbm_reach_needed_speeds_at_each_figure(bench, nominal):
    """Two methods, one answer: the sweep engages with the GBI variant at 6.3 and 8.5 km/s directly;
    icbm-reach finds each case's needed speed by bisection and counts the cases at each figure.
    The report's line shows the sweep's union over GMD's batteries at each value."""
    from openbmd.analyses.icbm_reach import icbm_reach
    from openbmd.report.sensitivity_chart import at_each_figure

    fig = FIGURES["gbi-burnout-speed"]
    rows = ({"figure": fig, "low": bench.metrics(fig.setting(fig.low)), "high": bench.metrics(fig.setting(fig.high))},)
    reach = icbm_reach("gmd", fields=FIELDS, targets=TARGETS, speeds_km_s=(7.0,), reaction_sweep_s=None).summary()
    for site in reach["sites"]:
        at = site["engageable_cases_at_figure"]
        assert at["6.3"] == rows[0]["low"]["reach"]["gmd"]["by_battery"][site["battery"]]
        assert at["7"] == nominal["reach"]["gmd"]["by_battery"][site["battery"]]
        assert at["8.5"] == rows[0]["high"]["reach"]["gmd"]["by_battery"][site["battery"]]
    summary = S.SensitivityResult(("gmd",), (), False, None, nominal, rows, 0.0).summary()
    got = summary["figures"][0]["engageable_cases_at"]["gmd"]
    assert got == {"6.3": rows[0]["low"]["reach"]["gmd"]["engageable_cases"],
                   "7": nominal["reach"]["gmd"]["engageable_cases"],
                   "8.5": rows[0]["high"]["reach"]["gmd"]["engageable_cases"]}
    (line,) = at_each_figure(summary)
    assert line.startswith("gmd, GBI burnout speed (km/s) 6.3 / 7 / 8.5: engages "
                           f"{got['6.3']} / {got['7']} / {got['8.5']} of {nominal['cases']} cases")
