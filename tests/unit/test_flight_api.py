"""The flight API: arrays in, immutable results out, shapes and aiming."""
import numpy as np
import pytest

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.errors import InputError, OutOfReachError
from openbmd.flight import fly, fly_batch, fly_free, fly_free_batch, range_ring
from openbmd.missiles import get_missile

SEMNAN = (35.23, 53.92)


def test_batch_of_burnout_states_matches_single_calls():
    v = np.array([2.0, 3.0, 4.0])
    batch = fly_free_batch(burnout_speed_km_s=v, burnout_angle_deg=40.0, launch_lat_deg=10.0,
                           launch_lon_deg=20.0, azimuth_deg=[0.0, 90.0, 180.0], drag=False)
    for i in range(3):
        one = fly_free(burnout_speed_km_s=v[i], burnout_angle_deg=40.0, launch_lat_deg=10.0,
                       launch_lon_deg=20.0, azimuth_deg=[0.0, 90.0, 180.0][i], drag=False)
        # a single flight records its history (steps <= 5 s), the batch does not (<= 60 s):
        # the two step sequences agree to the integrator's tolerance, metres
        assert batch.range_km[i] == pytest.approx(one.summary()["range_km"], abs=0.01)
    assert np.all(np.diff(batch.range_km) > 0)


def test_results_are_immutable():
    batch = fly_free_batch(burnout_speed_km_s=3.0, burnout_angle_deg=40.0, launch_lat_deg=0.0,
                           launch_lon_deg=0.0, azimuth_deg=90.0)
    with pytest.raises(ValueError):
        batch.range_m[0] = 0.0
    res = fly_free(burnout_speed_km_s=3.0, burnout_angle_deg=40.0, launch_lat_deg=0.0,
                   launch_lon_deg=0.0, azimuth_deg=90.0)
    with pytest.raises(ValueError):
        res.trajectory.ecef_m[0, 0] = 0.0
    with pytest.raises(AttributeError):
        res.batch.status = None


def test_many_missiles_in_one_call():
    ms = [get_missile("scud-b"), get_missile("shahab-3"), get_missile("sejjil-2")]
    batch = fly_batch(ms, *SEMNAN, azimuth_deg=300.0, kick_deg=[40.0, 15.0, 33.0])
    assert list(batch.status) == [0, 0, 0]
    assert batch.range_km[0] < batch.range_km[1] < batch.range_km[2]


def test_max_range_kick_beats_neighbours():
    m = get_missile("shahab-3")
    best = fly_batch(m, *SEMNAN, azimuth_deg=270.0)
    kicks = np.linspace(5, 40, 15)
    others = fly_batch(m, *SEMNAN, azimuth_deg=270.0, kick_deg=kicks)
    assert best.range_m[0] >= np.nanmax(others.range_m) - 1.0


def test_trajectory_views_agree():
    res = fly(get_missile("shahab-3"), *SEMNAN, azimuth_deg=280.0)
    tr = res.trajectory
    az, el, rng = tr.aer(*SEMNAN)
    enu = tr.enu(*SEMNAN)
    assert np.allclose(np.linalg.norm(enu, axis=1), rng, rtol=1e-9, atol=1e-6)
    assert tr.alt_m.max() / 1e3 == pytest.approx(res.summary()["apogee_km"], abs=1.0)
    assert tr.t_s[-1] == pytest.approx(res.summary()["time_of_flight_s"], abs=1e-6)


@pytest.mark.parametrize("shape", ["min-energy", "lofted", "depressed"])
def test_aiming_hits_the_target(shape):
    target = (33.0, 44.4)  # Baghdad, ~ 870 km from Semnan
    res = fly(get_missile("shahab-3"), *SEMNAN, target=target, shape=shape)
    s = res.summary()
    assert s["miss_km"] < 1.0
    d = geodesic_inverse(*SEMNAN, *target)[0] / 1e3
    assert s["range_km"] == pytest.approx(d, abs=1.0)


def test_shapes_order_apogee_and_time():
    target = (33.0, 44.4)
    m = get_missile("shahab-3")
    lo, me, de = (fly(m, *SEMNAN, target=target, shape=s).summary() for s in ("lofted", "min-energy",
                                                                              "depressed"))
    assert lo["apogee_km"] > me["apogee_km"] > de["apogee_km"]
    assert lo["time_of_flight_s"] > me["time_of_flight_s"] > de["time_of_flight_s"]
    # the minimum-energy arc needs the least burnout speed
    assert me["burnout_speed_km_s"] < min(lo["burnout_speed_km_s"], de["burnout_speed_km_s"])


def test_lofted_to_requested_apogee():
    res = fly(get_missile("sejjil-2"), *SEMNAN, azimuth_deg=300.0, shape="lofted", apogee_km=900.0)
    assert res.summary()["apogee_km"] == pytest.approx(900.0, abs=1.0)


def test_depressed_to_requested_burnout_angle():
    res = fly(get_missile("sejjil-2"), *SEMNAN, azimuth_deg=300.0, shape="depressed", burnout_angle_deg=15.0)
    assert res.summary()["burnout_angle_deg"] == pytest.approx(15.0, abs=0.01)


def test_out_of_reach_states_the_reach():
    with pytest.raises(OutOfReachError, match="beyond the reach of scud-b"):
        fly(get_missile("scud-b"), *SEMNAN, target=(52.5, 13.4))


def test_bad_inputs():
    m = get_missile("scud-b")
    with pytest.raises(InputError, match="latitude"):
        fly(m, 95.0, 0.0, azimuth_deg=0.0)
    with pytest.raises(InputError, match="exactly one"):
        fly(m, 0.0, 0.0)
    with pytest.raises(InputError, match="count"):
        range_ring(m, 0.0, 0.0, count=0)
    with pytest.raises(InputError, match="> 0"):
        fly_free(burnout_speed_km_s=-1.0, burnout_angle_deg=30.0, launch_lat_deg=0.0, launch_lon_deg=0.0,
                 azimuth_deg=0.0)


def test_range_ring_east_beats_west_on_rotating_earth():
    ring = range_ring(get_missile("shahab-3"), *SEMNAN, count=4)
    east, west = ring.max_range_km[1], ring.max_range_km[3]
    assert east > west
    still = range_ring(get_missile("shahab-3"), *SEMNAN, count=4, rotation=False)
    assert abs(still.max_range_km[1] - still.max_range_km[3]) < 0.02 * east


def test_max_range_over_a_target_lands_on_its_bearing():
    target = (32.08, 34.78)   # Tel Aviv, ~1,175 km from Kermanshah
    site = (34.35, 47.10)
    m = get_missile("shahab-3")
    res = fly(m, *site, target=target, shape="max-range").summary()
    _, az_target, _ = geodesic_inverse(*site, *target)
    _, az_impact, _ = geodesic_inverse(*site, res["impact_lat_deg"], res["impact_lon_deg"])
    assert abs(float(az_target) - float(az_impact)) < 0.01
    d_target = geodesic_inverse(*site, *target)[0] / 1e3
    assert res["miss_km"] == pytest.approx(res["range_km"] - d_target, abs=0.5)   # overshoot, on track


def test_launch_from_a_pole_steers_like_anywhere_else():
    """The pitch-over heading is fixed at the launch site: from the pole (where 'north'
    flips as soon as the vehicle leaves the axis) the kick still shapes the arc."""
    m = get_missile("shahab-3")
    at_pole = fly_batch(m, 90.0, 0.0, azimuth_deg=180.0, kick_deg=[5.0, 10.0, 20.0])
    near_pole = fly_batch(m, 89.9999, 0.0, azimuth_deg=180.0, kick_deg=[5.0, 10.0, 20.0])
    assert np.allclose(at_pole.range_km, near_pole.range_km, rtol=1e-3)
    assert np.all(np.diff(at_pole.range_km) > 0)
    res = fly(m, 90.0, 0.0, target=(82.0, 40.0))
    assert res.summary()["miss_km"] < 1.0


def test_orbital_free_flight_is_an_error_not_a_null_result():
    with pytest.raises(InputError, match="orbital or escaping"):
        fly_free(burnout_speed_km_s=12.0, burnout_angle_deg=40.0, launch_lat_deg=1.0, launch_lon_deg=2.0,
                 azimuth_deg=45.0, drag=False)


def test_min_energy_reaches_short_targets_by_cutting_thrust_early():
    """Minuteman III to Washington from F. E. Warren (~2,400 km, a quarter of its reach)."""
    res = fly(get_missile("minuteman-iii"), 41.15, -104.87, target=(38.90, -77.04))
    s = res.summary()
    assert s["miss_km"] < 1.0
    assert res.steering()["thrust_cutoff_s"] is not None
    assert s["burnout_time_s"] < sum(st.burn_time_s for st in get_missile("minuteman-iii").stages)


def test_max_range_counts_no_flight_that_circles_more_than_half_the_globe():
    ring = range_ring(get_missile("ss-18"), 35.0, 50.0, count=8)
    assert np.all(ring.max_range_km <= np.pi * 6378.137 + 1.0)
