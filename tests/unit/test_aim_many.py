"""aim_many_shaped: many targets at once, held to the scalar aim (openbmd.flight.aim.aim, the
independent reference: nested scalar searches, one target at a time) and to the physics of shapes."""
import numpy as np
import pytest

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.earth.model import earth_model
from openbmd.flight.aim import aim
from openbmd.flight.aim_many import MISS_TOL_M
from openbmd.flight.aim_shaped import aim_many_shaped, aim_many_shapes
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile

KOZELSK = (54.03, 35.78)  # RS-24 field (russia-icbm threat set)
#: Washington DC, Seattle, Minot AFB (approximate; any point 7,000-9,000 km away serves)
TARGETS = np.array([[38.90, -77.04], [47.61, -122.33], [48.42, -101.36]])


@pytest.fixture(scope="module")
def launcher():
    return Launcher(get_missile("rs-24"), *KOZELSK, earth_model("wgs84"), True)


@pytest.fixture(scope="module")
def many(launcher):
    return aim_many_shapes(launcher, TARGETS[:, 0], TARGETS[:, 1])


def _impact_miss_m(launcher, a):
    """Fly the returned steering again (an independent flight) and measure the miss."""
    b = launcher.fly(a.azimuth_deg, a.kick_deg, a.cutoff_s)
    assert np.all(b.status == 0)
    return np.asarray(geodesic_inverse(b.impact_lat_deg, b.impact_lon_deg, TARGETS[:, 0], TARGETS[:, 1],
                                       launcher.earth)[0]), b


@pytest.mark.parametrize("shape", ["min-energy", "lofted", "depressed"])
def test_every_target_hit_within_2_km(launcher, many, shape):
    a = many[shape]
    assert a.reachable.all() and a.why == ("",) * 3
    miss, _ = _impact_miss_m(launcher, a)
    assert np.all(miss < MISS_TOL_M)
    np.testing.assert_allclose(miss, a.miss_m, atol=1.0)


@pytest.mark.parametrize("shape", ["lofted", "depressed"])
def test_full_burn_steering_matches_the_scalar_aim(launcher, many, shape):
    """Same azimuth and kick as aim() to the accuracy the 2 km miss allows (~0.02 deg of
    azimuth at 8,000 km; the kick to dR/dkick ~ 100-300 km/deg)."""
    a = many[shape]
    for j, (la, lo) in enumerate(TARGETS[:2]):
        ref = aim(launcher, la, lo, shape)
        assert ((a.azimuth_deg[j] - ref.azimuth_deg + 180.0) % 360.0 - 180.0) == pytest.approx(0.0, abs=0.05)
        assert a.kick_deg[j] == pytest.approx(ref.kick_deg, abs=0.03)
        assert np.isinf(a.cutoff_s[j]) and np.isinf(ref.cutoff_s)


def test_min_energy_matches_the_scalar_aim(launcher, many):
    """Same azimuth and cut-off as aim(); the kick is range-maximising, so flat: compared by the
    burnout speed it gives (the energy the arc needs), within 0.3 %."""
    a = many["min-energy"]
    j = 0
    ref = aim(launcher, *TARGETS[j], "min-energy")
    assert ((a.azimuth_deg[j] - ref.azimuth_deg + 180.0) % 360.0 - 180.0) == pytest.approx(0.0, abs=0.05)
    assert a.cutoff_s[j] == pytest.approx(ref.cutoff_s, abs=1.0)
    v = launcher.fly([a.azimuth_deg[j], ref.azimuth_deg], [a.kick_deg[j], ref.kick_deg],
                     [a.cutoff_s[j], ref.cutoff_s]).burnout_speed_m_s
    assert v[0] == pytest.approx(v[1], rel=3e-3)


def test_shapes_order_apogee_and_flight_time(launcher, many):
    """Same range: the lofted arc climbs highest and flies longest, the depressed one lowest
    and shortest, the minimum-energy one in between (e.g. Wright, Science & Global Security 2000)."""
    b = {s: _impact_miss_m(launcher, many[s])[1] for s in many}
    assert np.all(b["lofted"].apogee_alt_m > b["min-energy"].apogee_alt_m)
    assert np.all(b["min-energy"].apogee_alt_m > b["depressed"].apogee_alt_m)
    assert np.all(b["lofted"].impact_time_s > b["min-energy"].impact_time_s)
    assert np.all(b["min-energy"].impact_time_s > b["depressed"].impact_time_s)


def test_min_energy_needs_the_least_burnout_speed(launcher, many):
    """The minimum-energy arc reaches the target with the slowest burnout (what defines it)."""
    v = {s: _impact_miss_m(launcher, many[s])[1].burnout_speed_m_s for s in many}
    assert np.all(v["min-energy"] < v["lofted"]) and np.all(v["min-energy"] < v["depressed"])


def test_out_of_reach_is_named_not_aimed():
    """A Shahab-3 (an MRBM of ~1,300-2,000 km) from Tabriz cannot reach Washington (~9,900 km) on
    any shape; Ankara (~1,200 km) in the same call is aimed."""
    L = Launcher(get_missile("shahab-3"), 38.08, 46.29, earth_model("wgs84"), True)
    for shape in ("lofted", "depressed", "min-energy"):
        a = aim_many_shaped(L, [38.90, 39.93], [-77.04, 32.86], shape)
        assert not a.reachable[0] and "reach" in a.why[0], shape
        assert a.reachable[1] and a.miss_m[1] < MISS_TOL_M and a.why[1] == "", shape


def test_unknown_shape_is_one_line_error(launcher):
    from openbmd.errors import InputError

    with pytest.raises(InputError, match="allowed: min-energy, lofted, depressed"):
        aim_many_shaped(launcher, [38.9], [-77.0], "flat")


def test_near_orbital_missile_reaches_every_cell_the_scalar_aim_reaches():
    """Issue 12: near circular speed the range steepens with cut-off faster than aim_many's table
    follows; six rounds on the table's slope left ~250 of the 1,109 cells of the US (1 deg grid)
    20-30 km short for the Hwasong-15 from Sunan, though it reaches them all (its westward maximum,
    10,024 km, and northward, 12,904 km, exceed every cell's distance in those directions). The
    scalar aim (the independent reference) lands on the far cells; aim_many must reach them too,
    each within the coverage tolerance (5 km), re-flown independently."""
    from openbmd.analyses.regions import region_grid
    from openbmd.flight.aim_many import aim_many

    reg = region_grid("us", 1.0)
    lnch = Launcher(get_missile("hwasong-15"), 39.22, 125.67, earth_model("wgs84"), True)
    a = aim_many(lnch, reg.lat_deg, reg.lon_deg, miss_tol_m=5000.0)
    assert a.reachable.all(), int((~a.reachable).sum())
    b = lnch.fly(a.azimuth_deg, a.kick_deg, a.cutoff_s)
    miss = np.asarray(geodesic_inverse(b.impact_lat_deg, b.impact_lon_deg, reg.lat_deg, reg.lon_deg, lnch.earth)[0])
    assert miss.max() < 5000.0
    far = np.argsort(np.asarray(geodesic_inverse(np.full(len(reg), 39.22), np.full(len(reg), 125.67), reg.lat_deg,
                                                 reg.lon_deg, lnch.earth)[0]))[-3:]
    for i in far:  # the scalar aim reaches the three farthest cells too
        assert aim(lnch, float(reg.lat_deg[i]), float(reg.lon_deg[i]), "min-energy").miss_m < MISS_TOL_M
