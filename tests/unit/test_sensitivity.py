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
