"""The GBI needed-speed sweep over the whole default grid (issue 14 item 2).

Fort Greely and Vandenberg against a fixed set of Russian flights: every speed of the sweep is built and
flown against every case, and (i) a faster variant never engages fewer of them (what the
bisection assumes, now across the off-loaded and the re-calibrated variants), (ii) the
bisection's needed speed is the first speed of the grid that engages, (iii) a case engaged
at the grid's slowest speed reports the bound ("at_most", shown <=), one inside does not.
The architecture is built here (docs/research/architectures.md section 9 `gmd-2012`).
"""
import numpy as np
import pytest

from openbmd.analyses import icbm_reach as ir
from openbmd.analyses.icbm_sweeps import AT_MOST, bound_mark, speed_bound
from openbmd.architectures.loader import parse_architecture

GMD = {
    "id": "test-gmd", "name": "GMD test", "year": 2012, "status": "notional", "description": "test",
    "command": {"reaction_s": 30.0, "early_warning": "sbirs"},
    "sensor": [{"id": "clear", "sensor": "clear"}, {"id": "cobra-dane", "sensor": "cobra-dane"},
               {"id": "thule", "sensor": "thule"}, {"id": "fylingdales", "sensor": "fylingdales"},
               {"id": "beale", "sensor": "beale"}],
    "battery": [{"id": "fort-greely", "interceptor": "gbi-3stage", "lat_deg": 63.95, "lon_deg": -145.73,
                 "magazine": 26},
                {"id": "vandenberg", "interceptor": "gbi-3stage", "lat_deg": 34.74, "lon_deg": -120.57,
                 "magazine": 4, "engage_on_remote": True}],
}
FIELDS, TARGETS = ["Irkutsk", "Uzhur"], ["Los Angeles", "Seattle", "Minot"]


@pytest.fixture(scope="module")
def gmd():
    arch = parse_architecture(GMD, "test-gmd")
    return ir.icbm_reach(arch, fields=FIELDS, targets=TARGETS, reaction_sweep_s=())


@pytest.mark.slow
def test_faster_gbi_never_engages_fewer_over_the_whole_grid(gmd):
    from openbmd.architectures.loader import get_target_set, get_threat_set
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.engine import engage_many
    from openbmd.engagement.shooter import Shooter
    from openbmd.sensors.horizon import DEFAULT_BOOSTER_RCS_M2, DEFAULT_RCS_M2
    from openbmd.sensors.signature import Signature

    ts, tg = get_threat_set(ir.THREAT_SET), get_target_set(ir.TARGET_SET)
    cases, samples, _ = ir.fly_cases([ts.area(n) for n in FIELDS], [tg.target(n) for n in TARGETS])
    assert [(c.field, c.target, c.shape) for c in cases] == [(c.field, c.target, c.shape) for c in gmd.cases]
    res = engage_many(resolve(gmd.architecture), samples,
                      Signature(rv_rcs_m2=DEFAULT_RCS_M2, booster_rcs_m2=DEFAULT_BOOSTER_RCS_M2))
    spread = set()
    for b, bres in zip(gmd.batteries, res.batteries):
        assert b.speeds_km_s[0] == min(ir.DEFAULT_SPEEDS_KM_S) and len(b.speeds_km_s) >= len(ir.DEFAULT_SPEEDS_KM_S)
        lane = bres.lane
        _, variants = ir.sweep_speeds(lane.shooter.interceptor, ir.DEFAULT_SPEEDS_KM_S)
        grid = np.array(b.speeds_km_s)
        idx = np.arange(len(cases))
        eng = np.array([lane.engageable(idx, shooter=Shooter.at(variants[v], lane.shooter.lat_deg,
                                                                 lane.shooter.lon_deg)) for v in b.speeds_km_s])
        assert np.all(np.diff(eng.astype(int), axis=0) >= 0), b.battery_id  # monotone in speed, every case
        first = np.where(eng.any(axis=0), grid[np.argmax(eng, axis=0)], np.nan)
        np.testing.assert_array_equal(first, b.needed_burnout_speed_km_s)
        spread |= set(first[np.isfinite(first)])
    assert len(spread) >= 4  # the answers are spread over the grid, not at one end


@pytest.fixture(scope="module")
def small():
    """A quick cut of the same: Irkutsk and Uzhur against Los Angeles and Seattle, minimum-energy,
    on a coarse grid (its floor is still the default's, 3 km/s)."""
    arch = parse_architecture(GMD, "test-gmd")
    return ir.icbm_reach(arch, fields=FIELDS, targets=TARGETS[:2], shapes=("min-energy",), reaction_sweep_s=(),
                         speeds_km_s=(3.0, 5.0))


def test_a_case_at_the_floor_reports_the_bound(small):
    s = small.summary()
    vb = small.batteries[1]  # Vandenberg: Los Angeles is next door, even the slowest GBI engages
    floor = min(vb.speeds_km_s)
    need = vb.needed_burnout_speed_km_s
    assert np.any(need == floor) and np.any(need > floor)  # both kinds in this set
    rows = [c for c in s["cases"] if c["battery"] == "vandenberg"]
    assert len(rows) == len(need)
    for c, v in zip(rows, need):
        if not np.isfinite(v):
            assert c["needed_burnout_speed_km_s"] is None and c["needed_burnout_speed_bound"] is None
        elif v == floor:
            assert c["needed_burnout_speed_km_s"] == floor and c["needed_burnout_speed_bound"] == AT_MOST
        else:
            assert c["needed_burnout_speed_bound"] is None
    site = s["sites"][1]
    assert site["slowest_needed_burnout_speed_km_s"] == floor
    assert site["slowest_needed_burnout_speed_bound"] == AT_MOST


def test_bound_marks():
    grid = (3.0, 3.25, 7.0)
    assert speed_bound(3.0, grid) == AT_MOST and speed_bound(3.25, grid) is None
    assert speed_bound(float("nan"), grid) is None and speed_bound(None, grid) is None
    assert bound_mark(3.0, AT_MOST) == "\u22643" and bound_mark(6.5, None) == "6.5" and bound_mark(None, None) == "none"
