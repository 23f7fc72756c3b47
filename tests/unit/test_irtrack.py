"""A new sensor kind as one class plus data: the infrared tracking constellation (STSS class,
openbmd.sensors.irtrack) loads from its TOML through the registry, flies its orbits, sees past
the limb only, and two satellites' lines of sight, fused by the generic extended Kalman filter,
track a ballistic threat flown by the flight engine."""
import math

import numpy as np
import pytest
from scipy.interpolate import CubicHermiteSpline

from openbmd.earth.geodesy import geodetic_to_ecef
from openbmd.flight import fly
from openbmd.flight.samples import sample_flights
from openbmd.missiles import get_missile
from openbmd.sensors import SENSOR_KINDS, Sensor, get_sensor, parse_sensor_toml, sensor_to_toml
from openbmd.sensors.irtrack import InfraredTracker
from openbmd.sensors.irtrack_filter import firm_times, track
from openbmd.sensors.tracking import FIRM_AFTER


@pytest.fixture(scope="module")
def stss():
    return get_sensor("stss-demo")


def test_loads_through_the_registry(stss):
    assert SENSOR_KINDS["space-ir-track"] is InfraredTracker
    assert isinstance(stss, InfraredTracker) and isinstance(stss, Sensor)
    assert stss.n_satellites == 2 and stss.altitude_m == 1.35e6 and stss.inclination_rad == pytest.approx(
        math.radians(58.0))
    again = parse_sensor_toml(sensor_to_toml(stss))
    assert again.mean_anomaly_rad == pytest.approx(stss.mean_anomaly_rad) and again.sources == stss.sources
    bad = sensor_to_toml(stss).replace("sigma_los_urad = 20", "sigma_los_urad = -20")
    with pytest.raises(Exception, match=r"<string>:\d+: sigma_los_urad = -20"):
        parse_sensor_toml(bad)


def test_circular_orbit_and_its_period(stss):
    period = 2 * math.pi * math.sqrt(stss.radius_m**3 / 3.986004418e14)  # Kepler's third law
    r = stss.positions_m(np.linspace(0.0, period, 7))
    np.testing.assert_allclose(np.linalg.norm(r, axis=-1), stss.radius_m, rtol=1e-12)
    # after one period the satellite is back in inertial space: in ECEF, turned by the Earth's rotation
    turn = 7.292115e-5 * period
    rot = np.array([[math.cos(turn), math.sin(turn), 0], [-math.sin(turn), math.cos(turn), 0], [0, 0, 1]])
    np.testing.assert_allclose(r[-1], r[0] @ rot.T, atol=1e-3)
    top = np.max(np.degrees(np.arcsin(stss.positions_m(np.linspace(0, period, 2001))[:, 0, 2] / stss.radius_m)))
    assert top == pytest.approx(58.0, abs=0.05)  # the ground track reaches the inclination


def test_over_places_the_first_satellite(stss):
    o = stss.over(34.0, 44.0, 350.0)
    r = o.positions_m(350.0)[0]
    assert math.degrees(math.asin(r[2] / np.linalg.norm(r))) == pytest.approx(34.0, abs=1e-9)
    assert math.degrees(math.atan2(r[1], r[0])) == pytest.approx(44.0, abs=1e-9)
    # the second keeps its 12 deg lead on the orbit
    a, b = o.positions_m(350.0)
    assert math.degrees(math.acos(a @ b / np.linalg.norm(a) / np.linalg.norm(b))) == pytest.approx(12.0, abs=1e-9)


def test_sees_above_the_limb_only(stss):
    o = stss.over(0.0, 0.0, 0.0)
    sat = o.positions_m(0.0)[0]
    above = geodetic_to_ecef(0.0, 20.0, 5e5)                 # 2,200 km away, high: clear line of sight
    behind = geodetic_to_ecef(0.0, 180.0, 5e5)               # other side of the Earth
    low = geodetic_to_ecef(0.0, 35.0, 5e4)                   # 50 km up, the line of sight grazes below 100 km
    seen = o.seen_by(np.stack([above, behind, low]), 0.0)[:, 0]
    assert seen.tolist() == [True, False, False]
    assert np.linalg.norm(above - sat) < o.max_range_m


@pytest.fixture(scope="module")
def midcourse():
    res = fly(get_missile("sejjil-2"), 36.20, 55.30, target=(32.08, 34.78))
    tr = res.trajectory
    spline = CubicHermiteSpline(tr.t_s, tr.ecef_m, tr.velocity_m_s, axis=0)
    after = np.arange(tr.t_s.size) > np.argmax(tr.alt_m)
    return res, spline, float(res.batch.burnout_time_s[0]) + 10.0, float(tr.t_s[after & (tr.alt_m < 120e3)][0])


def test_two_satellites_track_a_ballistic_threat_in_stereo(stss, midcourse):
    _, spline, t0, t1 = midcourse
    o = stss.over(34.0, 44.0, 350.0)                         # the pair over Iraq mid-flight
    t = np.arange(np.ceil(t0), t1, o.revisit_s)
    truth = spline(t)
    z, sats = o.observe(t, truth, np.random.default_rng(1))
    assert np.isfinite(z[..., 0]).all()                      # both see the whole midcourse
    xs, ps, used = track(o, t[None], z[None], sats[None])
    err = np.linalg.norm(xs[0, :, :3] - truth, axis=1)
    verr = np.linalg.norm(xs[0, :, 3:] - spline(t, 1), axis=1)
    steady = t >= t[0] + 60.0
    # stated accuracy (20 urad lines of sight from ~1,500-3,000 km): from 60 s after the first look to
    # re-entry at 120 km, position within 100 m and velocity within 2 m/s (measured <= 46 m, 1.15 m/s)
    assert err[steady].max() < 100.0 and verr[steady].max() < 2.0
    # the filter knows its error: normalized error squared averaged over the track near its
    # dimension 3 (measured 2.1; successive errors are correlated, so no chi-square interval)
    e = (xs[0, :, :3] - truth)[steady]
    nees = np.einsum("ki,kij,kj->k", e, np.linalg.inv(ps[0, steady, :3, :3]), e)
    assert 1.0 < nees.mean() < 6.0
    # one satellite alone, angles only, cannot start a track (no stereo look)
    lone = z.copy()
    lone[:, 1] = np.nan
    assert np.isnan(track(o, t[None], lone[None], sats[None])[0]).all()


def test_firm_track_of_sampled_threats(stss, midcourse):
    res, _, _, _ = midcourse
    s = sample_flights(res.batch, 2.0)
    o = stss.over(34.0, 44.0, 350.0)
    first = o.first_seen_s(s, None)
    firm = o.firm_track_s(s, None)
    assert np.isfinite(first[0]) and first[0] >= s.burnout_s[0]
    # seen in stereo at every look, the track is firm as soon as FIRM_AFTER looks are in
    k0 = math.ceil(first[0] / o.revisit_s - 1e-9)
    assert firm[0] == pytest.approx((k0 + FIRM_AFTER - 1) * o.revisit_s)
    far = stss.over(-40.0, -100.0, 350.0)                    # the pair over the Pacific sees nothing
    assert np.isinf(far.firm_track_s(s, None)).all()
    assert firm_times(np.zeros((1, 3)), np.full((1, 3, 6, 6), np.nan), np.zeros((1, 3))).tolist() == [np.inf]
