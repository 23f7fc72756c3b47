"""icbm_reach: the Russian question held to physics and to the published positions of the debate.

Architectures are built here from docs/research/architectures.md section 9 (sites M, ship
station N) so the tests do not move when the shipped catalog files are revised.
"""
import numpy as np
import pytest

from openbmd.analyses import icbm_reach as ir
from openbmd.architectures.loader import parse_architecture

SPEEDS = (3.0, 5.0, 7.0)  # a subset of the CLI's default grid: fly-out tables shared

EPAA = {  # Phase 3 as planned (section 9 `epaa-2018`) plus a North Sea ship (GAO 2013's "best vantage point")
    "id": "test-epaa", "name": "EPAA test", "year": 2018, "status": "notional", "description": "test",
    "command": {"reaction_s": 30.0, "early_warning": "sbirs"},
    "sensor": [{"id": "tpy2", "sensor": "an-tpy-2-fbm"},
               {"id": "spy-deveselu", "sensor": "aegis-ashore-spy-1"},
               {"id": "spy-redzikowo", "sensor": "aegis-ashore-redzikowo"},
               {"id": "spy-north-sea", "sensor": "spy-1d", "lat_deg": 57.0, "lon_deg": 3.0}],
    "battery": [{"id": "deveselu", "interceptor": "sm-3-ib", "lat_deg": 44.08, "lon_deg": 24.41, "magazine": 24,
                 "fire_control": "spy-deveselu"},
                {"id": "redzikowo", "interceptor": "sm-3-iia", "lat_deg": 54.48, "lon_deg": 17.11, "magazine": 24,
                 "fire_control": "spy-redzikowo"},
                {"id": "north-sea", "interceptor": "sm-3-iia", "lat_deg": 57.0, "lon_deg": 3.0, "magazine": 8,
                 "fire_control": "spy-north-sea"}],
}

GMD = {  # section 9 `gmd-2012`: Fort Greely GBIs with the UEWRs and COBRA DANE
    "id": "test-gmd", "name": "GMD test", "year": 2012, "status": "notional", "description": "test",
    "command": {"reaction_s": 30.0, "early_warning": "sbirs"},
    "sensor": [{"id": "clear", "sensor": "clear"}, {"id": "cobra-dane", "sensor": "cobra-dane"},
               {"id": "thule", "sensor": "thule"}, {"id": "fylingdales", "sensor": "fylingdales"},
               {"id": "beale", "sensor": "beale"}],
    "battery": [{"id": "fort-greely", "interceptor": "gbi-3stage", "lat_deg": 63.95, "lon_deg": -145.73,
                 "magazine": 26}],
}


@pytest.fixture(scope="module")
def epaa():
    arch = parse_architecture(EPAA, "test-epaa")
    return ir.icbm_reach(arch, fields=["kozelsk", "Teykovo", "vypolzovo"], targets=["washington", "New York", "minot"],
                         speeds_km_s=SPEEDS)


def _battery(result, bid):
    return next(b for b in result.batteries if b.battery_id == bid)


def test_every_case_flown_and_named(epaa):
    assert len(epaa.cases) + len(epaa.unreachable) == 3 * 3 * 3
    assert {c.field for c in epaa.cases} == {"Kozelsk", "Teykovo", "Vypolzovo"}
    s = epaa.summary()
    assert len(s["cases"]) == len(epaa.cases) * 3
    for c in s["cases"]:
        assert {"field", "target", "shape", "battery", "interceptor", "engageable", "margin_s",
                "needed_burnout_speed_km_s"} <= set(c)
        assert (c["margin_s"] is None) == (not c["engageable"])


def test_needed_speed_within_own_speed_exactly_when_engageable(epaa):
    """Two paths agree: engage_many with the catalog interceptor, and the sweep over
    re-built variants (the variant at the catalog speed must be the catalog interceptor)."""
    for b in epaa.batteries:
        need = b.needed_burnout_speed_km_s
        within = np.isfinite(need) & (need <= b.burnout_speed_km_s + 1e-9)
        assert np.array_equal(within, b.engageable), b.battery_id


def test_variant_at_catalog_speed_is_the_catalog_interceptor():
    from openbmd.interceptors.catalog import get_interceptor

    icp = get_interceptor("sm-3-iia")
    assert ir.interceptor_at_speed(icp, 4.5) == icp
    faster = ir.interceptor_at_speed(icp, 6.0)
    # the kinematic caps scale with v^2 (free-flight range and ceiling ~ v^2)
    assert faster.kill_vehicle.max_range_km == pytest.approx(2400.0 * (6.0 / 4.5) ** 2)
    assert faster.booster.stages[0].isp_s > icp.booster.stages[0].isp_s


def test_faster_interceptor_never_engages_less(epaa):
    """Monotone in speed, over the whole grid, for every case (what the bisection assumes)."""
    from openbmd.engagement.shooter import Shooter

    s = _samples(epaa)
    for bid in ("redzikowo", "north-sea"):
        b = _battery(epaa, bid)
        lane = _lane(epaa, s, bid)
        _, variants = ir.sweep_speeds(lane.shooter.interceptor, SPEEDS)
        idx = np.arange(len(epaa.cases))
        eng = np.array([lane.engageable(idx, shooter=Shooter.at(variants[v], lane.shooter.lat_deg,
                                                                lane.shooter.lon_deg)) for v in sorted(variants)])
        assert np.all(np.diff(eng.astype(int), axis=0) >= 0), bid
        # and the bisection found the first True of each column
        grid = np.array(sorted(variants))
        first = np.where(eng.any(axis=0), grid[np.argmax(eng, axis=0)], np.nan)
        np.testing.assert_array_equal(first, b.needed_burnout_speed_km_s)


def test_margin_is_the_latest_feasible_launch(epaa):
    """margin_s >= 0 and it is the latest launch delay that still intercepts, found again by
    re-solving the battery's lane: launching margin_s late intercepts, MARGIN_TOL_S later does not,
    and a dense scan of delays (every 0.25 s) finds its last feasible delay within the tolerance."""
    s = _samples(epaa)
    n = 0
    for b in epaa.batteries:
        idx = np.flatnonzero(b.engageable)
        if not idx.size:
            continue
        m = b.margin_s[idx]
        assert np.all(m >= 0)
        lane = _lane(epaa, s, b.battery_id)
        assert lane.engageable(idx, np.maximum(m - 1e-3, 0.0)).all()
        assert not lane.engageable(idx, m + ir.MARGIN_TOL_S).any()
        for i, mi in zip(idx[:2], m[:2]):
            delays = np.arange(0.0, mi + 10.0, 0.25)
            ok = lane.engageable(np.full(delays.size, i), delays)
            last = delays[np.flatnonzero(ok)[-1]]
            assert mi - 0.25 - 1e-3 <= last < mi + ir.MARGIN_TOL_S, (b.battery_id, i, mi, last)
        n += idx.size
    assert n > 0  # the North Sea ship engages some western-field flights (see below)


def test_margin_is_at_least_the_launch_of_the_latest_intercept(epaa):
    """The battle space's latest feasible intercept is one feasible launch: the margin (the
    LATEST feasible launch) can be no earlier, and a launch that late must still intercept."""
    s = _samples(epaa)
    n = 0
    for b in epaa.batteries:
        idx = np.flatnonzero(b.engageable)
        if idx.size:
            lane = _lane(epaa, s, b.battery_id)
            bs = lane.solve(idx)
            assert np.all(b.margin_s[idx] >= bs.latest_launch_s - lane.launch_s[idx] - 1e-6)
            n += idx.size
    assert n > 0


def test_summary_counts_what_the_sweep_engages(epaa):
    s = epaa.summary()
    for site, b in zip(s["sites"], epaa.batteries):
        need = b.needed_burnout_speed_km_s
        assert site["cases_engageable_within_sweep"] == int(np.isfinite(need).sum())
        assert site["engageable_cases"] <= site["cases_engageable_within_sweep"]
        assert "cases_reachable_at_7_km_s" not in site


def test_set_of_architectures_equals_one_at_a_time():
    """icbm_reach_set flies once and engages every architecture: each answer must equal that
    architecture run alone (no battery, timeline or fly-out table leaks between architectures)."""
    kw = dict(fields=["Kozelsk", "Uzhur"], targets=["Seattle", "Minot"], shapes=("min-energy",),
              speeds_km_s=(7.0,))
    both = ir.icbm_reach_set([parse_architecture(GMD, "test-gmd"), parse_architecture(EPAA, "test-epaa")], **kw)
    ir.clear_flight_memo()  # the single runs fly again
    alone = [ir.icbm_reach(parse_architecture(GMD, "test-gmd"), **kw),
             ir.icbm_reach(parse_architecture(EPAA, "test-epaa"), **kw)]
    for a, b in zip(both, alone):
        assert [(c.field, c.target, c.shape) for c in a.cases] == [(c.field, c.target, c.shape) for c in b.cases]
        for x, y in zip(a.batteries, b.batteries):
            assert x.battery_id == y.battery_id
            np.testing.assert_array_equal(x.engageable, y.engageable)
            np.testing.assert_allclose(x.margin_s, y.margin_s, atol=1e-6)
            np.testing.assert_array_equal(x.needed_burnout_speed_km_s, y.needed_burnout_speed_km_s)
            np.testing.assert_array_equal(x.reaction_sweep.needed_burnout_speed_km_s,
                                          y.reaction_sweep.needed_burnout_speed_km_s)
    assert both[0].batteries[0].engageable.any()  # GMD engages some (see the GMD test below)


def test_sm3_ib_at_deveselu_cannot_engage_russian_icbms_bound_for_the_us(epaa):
    """Wilkening, Wilton Park briefing 2008 (S, docs/research/architectures.md [A51]): sites in
    Bulgaria or Turkey 'could not pose any challenge to Russian ICBMs'; Wilkening, Survival 54:1
    (2012) and NRC 2012 (M, section 8.1-8.2): phases 1-3 have no capability against Russian
    ICBMs bound for the US. Tail-chase geometry: the tracks run north, away from Romania."""
    b = _battery(epaa, "deveselu")
    assert not b.engageable.any()
    # not at any speed of the sweep up to 7 km/s either, for any case
    assert not np.isfinite(b.needed_burnout_speed_km_s).any()


def test_sm3_iia_at_redzikowo_cannot_engage(epaa):
    """Phase 3's Redzikowo IIA (4.5 km/s): no engagement of ICBMs from the western fields toward
    the US (Wilkening 2012 M, NRC 2012 M; docs/research/architectures.md section 8.5 V-A4)."""
    assert not _battery(epaa, "redzikowo").engageable.any()


def test_north_sea_is_the_better_vantage_point(epaa):
    """GAO 2013 (S, [A12]): 'the North Sea offers the best vantage point' (for defending the US
    from Iran); Wilkening 2012 (M): ships in the North or Norwegian Sea would be better placed
    against Russian ICBMs than Poland.  openbmd: a North Sea SM-3 IIA ship needs a lower speed
    than Redzikowo wherever either could engage, and it is what reaches the western fields' flights."""
    ns, rz = _battery(epaa, "north-sea"), _battery(epaa, "redzikowo")
    assert np.isfinite(ns.needed_burnout_speed_km_s).sum() >= np.isfinite(rz.needed_burnout_speed_km_s).sum()
    both = np.isfinite(ns.needed_burnout_speed_km_s) & np.isfinite(rz.needed_burnout_speed_km_s)
    assert np.all(ns.needed_burnout_speed_km_s[both] <= rz.needed_burnout_speed_km_s[both])


def test_gmd_gbis_engage_russian_icbms_aimed_at_the_us():
    """Fort Greely's GBIs exist to engage ICBMs aimed at the US: at least some Russian flights to
    the northern US are engageable (kinematics and sensors; GMD's small numbers are another matter)."""
    arch = parse_architecture(GMD, "test-gmd")
    r = ir.icbm_reach(arch, fields=["Kozelsk", "Uzhur"], targets=["Seattle", "Minot"], shapes=("min-energy",),
                      speeds_km_s=(7.0,))  # flown already by the set test: memoised
    b = r.batteries[0]
    assert b.engageable.any()
    assert np.all(b.margin_s[b.engageable] >= 0)


def test_needed_speed_never_falls_as_reaction_time_grows(epaa):
    """A later earliest launch only removes launch times, so it can never let a slower
    interceptor engage (nor the catalog one engage a case it could not): over the reaction
    sweep, each reaction time solved on its own, the needed speed of every case is
    non-decreasing and the catalog interceptor's engageable set only shrinks."""
    moved = 0
    for b in epaa.batteries:
        sw = b.reaction_sweep
        assert list(sw.reaction_s) == sorted({0.0, 30.0, 60.0, 120.0, epaa.reaction_s})
        need = np.where(np.isfinite(sw.needed_burnout_speed_km_s), sw.needed_burnout_speed_km_s, np.inf)
        assert np.all(need[1:] >= need[:-1]), b.battery_id
        assert np.all(np.diff(sw.engageable.astype(int), axis=0) <= 0), b.battery_id
        moved += int(np.sum(need[1:] > need[:-1]))
        rows = sw.rows()  # the per-battery figures follow the cases
        slowest = [np.inf if r["slowest_needed_burnout_speed_km_s"] is None else r["slowest_needed_burnout_speed_km_s"]
                   for r in rows]
        assert np.all(np.array(slowest[1:]) >= np.array(slowest[:-1])), b.battery_id
        assert np.all(np.diff([r["cases_engageable_within_sweep"] for r in rows]) <= 0)
    assert moved > 0  # the sweep is not flat: some case needs more speed at a later launch


def test_sweep_at_own_reaction_time_equals_the_main_answer(epaa):
    """Two paths: engage_many's timeline and answer (cases, sites) against the sweep's own
    re-solve at the architecture's reaction time (launch times shifted by zero)."""
    s = epaa.summary()
    for b, site in zip(epaa.batteries, s["sites"]):
        sw = b.reaction_sweep
        k = sw.reaction_s.index(epaa.reaction_s)
        np.testing.assert_array_equal(sw.engageable[k], b.engageable)
        np.testing.assert_array_equal(sw.needed_burnout_speed_km_s[k], b.needed_burnout_speed_km_s)
        row = next(r for r in s["reaction_sweep"] if r["battery"] == b.battery_id and r["reaction_s"] == epaa.reaction_s)
        assert row["engageable_cases_at_own_speed"] == site["engageable_cases"]
        assert row["cases_engageable_within_sweep"] == site["cases_engageable_within_sweep"]
        assert row["slowest_needed_burnout_speed_km_s"] == site["slowest_needed_burnout_speed_km_s"]
    assert any(np.isfinite(b.needed_burnout_speed_km_s).any() for b in epaa.batteries)


def test_longer_reaction_engages_exactly_the_cases_with_that_margin(epaa):
    """margin_s is the extra reaction time a battery can afford (bisection on a launch delay);
    the sweep re-solves the catalog interceptor with the launch moved instead: at reaction
    R0 + d a case is engageable iff its margin >= d (away from the bisection's 1 s band)."""
    n = 0
    for b in epaa.batteries:
        sw = b.reaction_sweep
        m = np.where(b.engageable, b.margin_s, -np.inf)
        for k, r in enumerate(sw.reaction_s):
            d = r - epaa.reaction_s
            if d <= 0:
                continue
            clear = np.abs(m - d) > 2.0 * ir.MARGIN_TOL_S
            np.testing.assert_array_equal(sw.engageable[k][clear], (m >= d)[clear])
            n += int(np.sum(clear & (m >= 0)))
    assert n > 0


def test_bad_reaction_sweep_is_a_one_line_error():
    from openbmd.errors import InputError

    arch = parse_architecture(EPAA, "x")
    for bad in ((-5.0,), (float("nan"),), (1e9,)):
        with pytest.raises(InputError, match="allowed 0 to 3600 s"):
            ir.icbm_reach(arch, fields=["Kozelsk"], reaction_sweep_s=bad)
    with pytest.raises(InputError, match="numbers of seconds"):
        ir.icbm_reach(arch, fields=["Kozelsk"], reaction_sweep_s=("soon",))


def test_unknown_names_are_one_line_errors():
    from openbmd.errors import InputError

    with pytest.raises(InputError, match="allowed: Kozelsk"):
        ir.icbm_reach(parse_architecture(EPAA, "x"), fields=["Moscow"])
    with pytest.raises(InputError, match="allowed: Washington"):
        ir.icbm_reach(parse_architecture(EPAA, "x"), targets=["Paris"])


# ---------------------------------------------------------------- helpers
_SAMPLES = {}


def _samples(result):
    """The same flights again (memoised by fly_cases, which is deterministic)."""
    key = id(result)
    if key not in _SAMPLES:
        from openbmd.architectures.loader import get_target_set, get_threat_set

        ts, tg = get_threat_set(ir.THREAT_SET), get_target_set(ir.TARGET_SET)
        fields = [ts.area(n) for n in dict.fromkeys(c.field for c in result.cases)]
        targets = [tg.target(n) for n in ("Washington", "New York", "Minot")]
        cases, s, _ = ir.fly_cases(fields, targets)
        assert [(c.field, c.target, c.shape) for c in cases] == [(c.field, c.target, c.shape) for c in result.cases]
        _SAMPLES[key] = s
    return _SAMPLES[key]


def _lane(result, s, bid):
    """The battery's engine lane (its shooter against the flights, earliest launch per flight)."""
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.engine import engage_many

    from openbmd.sensors.horizon import DEFAULT_BOOSTER_RCS_M2, DEFAULT_RCS_M2
    from openbmd.sensors.signature import Signature

    resolved = resolve(result.architecture)
    # what icbm_reach passes: the catalog ICBMs give no RCS figures, so the defaults
    res = engage_many(resolved, s, Signature(rv_rcs_m2=DEFAULT_RCS_M2, booster_rcs_m2=DEFAULT_BOOSTER_RCS_M2))
    return res.batteries[[b.id for b in resolved.batteries].index(bid)].lane


def test_speed_draws_on_the_real_sweep(epaa):
    """The burnout-speed draws on the engine's needed speeds: a vanishing spread gives the catalog
    answer, a wide one engages at least those cases in some draw and keeps the summary's counts."""
    from openbmd.analyses.icbm_draws import normal_draws

    z = normal_draws(400, 0)
    for b in epaa.batteries:
        exact = ir._with_draws(b, 1e-6, z).speed_draws
        assert np.array_equal(exact.share == 1.0, b.engageable) and np.all((exact.share == 0) | (exact.share == 1))
        wide = ir._with_draws(b, 0.5, z).speed_draws
        assert np.all((wide.share > 0) | ~b.engageable)
        s = wide.summary(b.engageable)
        assert s["engageable_cases_nominal"] == int(b.engageable.sum())
        assert s["mean_engageable_cases_over_draws"] == pytest.approx(wide.share.sum())
