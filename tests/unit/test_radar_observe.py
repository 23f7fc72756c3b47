"""Radar measurements (Detections) and space-based IR launch reports.

References: the noise draws are compared with the radar's sigmas (sample std within 3 %
over ~20,000 seeded draws: the std of a sample std is sigma / sqrt(2n) = 0.5 %); the cubic
Hermite interpolation is exact for cubic motion; truth comes from openbmd.earth.ecef_to_aer.
"""
import math

import numpy as np
import pytest

from openbmd.earth.geodesy import ecef_to_aer, geodesic_direct, geodetic_to_ecef
from openbmd.earth.model import WGS84
from openbmd.errors import InputError
from openbmd.flight import Trajectory, fly
from openbmd.missiles import get_missile
from openbmd.sensors import Detections, get_radar, get_sensor
from openbmd.sensors.observe import hermite, look_times


def hovering(radar, ground_km=600.0, az_deg=None, alt_km=200.0, duration_s=20000.0, n=201) -> Trajectory:
    """A target slowly drifting at fixed altitude in front of the radar (a test trajectory)."""
    az = math.degrees(radar.faces_az_rad[0]) if az_deg is None else az_deg
    t = np.linspace(0.0, duration_s, n)
    d = ground_km * 1e3 + 5.0 * t  # 5 m/s outward
    lat, lon, _ = geodesic_direct(radar.site_lat_deg, radar.site_lon_deg, az, d)
    xyz = geodetic_to_ecef(lat, lon, alt_km * 1e3)
    vel = np.gradient(xyz, t, axis=0)
    return Trajectory(name="hover", t_s=t, ecef_m=xyz, velocity_m_s=vel, earth=WGS84)


@pytest.fixture(scope="module")
def tpy2():
    return get_radar("an-tpy-2-fbm")


def test_noise_statistics_match_the_radar_sigmas(tpy2):
    tr = hovering(tpy2)
    det = tpy2.observe(tr, rcs_m2=1.0, rng=np.random.default_rng(20260101), object_id="rv-1")
    assert isinstance(det, Detections) and len(det) == 20001  # one look per second, all in view
    truth = hermite(tr.t_s, tr.ecef_m, tr.velocity_m_s, det.t_s)
    az, el, rng = ecef_to_aer(truth, tpy2.site_lat_deg, tpy2.site_lon_deg, tpy2.site_alt_m)
    d_range = det.range_m - rng
    d_az = (det.az_rad - np.radians(az) + math.pi) % (2 * math.pi) - math.pi
    d_el = det.el_rad - np.radians(el)
    for err, sigma in ((d_range, tpy2.sigma_range_m), (d_az, tpy2.sigma_angle_rad), (d_el, tpy2.sigma_angle_rad)):
        assert np.std(err) == pytest.approx(sigma, rel=0.03)
        assert abs(np.mean(err)) < 4 * sigma / math.sqrt(err.size)
    assert (det.sigma_range_m, det.sigma_angle_rad) == (tpy2.sigma_range_m, tpy2.sigma_angle_rad)
    assert (det.sensor_id, det.object_id) == ("an-tpy-2-fbm", "rv-1")


def test_same_seed_same_detections(tpy2):
    tr = hovering(tpy2, duration_s=100.0, n=11)
    a = tpy2.observe(tr, 0.1, np.random.default_rng(7))
    b = tpy2.observe(tr, 0.1, np.random.default_rng(7))
    c = tpy2.observe(tr, 0.1, np.random.default_rng(8))
    np.testing.assert_array_equal(a.range_m, b.range_m)
    assert not np.array_equal(a.range_m, c.range_m)


def test_looks_fall_on_the_revisit_grid():
    np.testing.assert_allclose(look_times(0.0, 10.0, 2.0), [0, 2, 4, 6, 8, 10])
    np.testing.assert_allclose(look_times(3.2, 10.0, 2.0, t0_s=0.5), [4.5, 6.5, 8.5])
    radar = get_radar("fylingdales")  # revisit 5 s
    tr = hovering(radar, az_deg=90.0, duration_s=60.0, n=7)
    det = radar.observe(tr, 1.0, np.random.default_rng(1), epoch_s=1000.0)
    np.testing.assert_allclose(det.t_s, 1000.0 + np.arange(0.0, 61.0, 5.0))


def test_hermite_is_exact_for_cubic_motion():
    t = np.array([0.0, 3.0, 7.0, 12.0])
    coef = np.array([[1.0, -2.0, 0.5], [300.0, 20.0, -4.0], [0.01, 0.2, 0.003], [-1e-4, 3e-3, 2e-5]])
    pos = lambda s: sum(coef[k] * s[:, None] ** k for k in range(4))  # noqa: E731
    vel = lambda s: sum(k * coef[k] * s[:, None] ** (k - 1) for k in range(1, 4))  # noqa: E731
    s = np.linspace(0.0, 12.0, 37)
    np.testing.assert_allclose(hermite(t, pos(t), vel(t), s), pos(s), rtol=1e-12, atol=1e-9)


def test_detections_only_where_visible_and_snr_from_the_radar_equation():
    radar = get_radar("an-tpy-2-fbm")
    tr = fly(get_missile("sejjil-2"), 35.5, 51.4, target=(39.9, 32.85)).trajectory
    det = radar.observe(tr, 0.1, np.random.default_rng(3))
    looks = look_times(tr.t_s[0], tr.t_s[-1], radar.revisit_s)
    seen = radar.visible(hermite(tr.t_s, tr.ecef_m, tr.velocity_m_s, looks), rcs_m2=0.1)
    np.testing.assert_allclose(det.t_s, looks[seen])
    assert 0 < len(det) < looks.size
    # SNR: threshold + 10 log10(0.1/0.01) + 40 log10(900 km / R); noise-free R from the truth
    truth = hermite(tr.t_s, tr.ecef_m, tr.velocity_m_s, det.t_s)
    r = ecef_to_aer(truth, radar.site_lat_deg, radar.site_lon_deg, radar.site_alt_m)[2]
    np.testing.assert_allclose(det.snr_db, 13.0 + 10.0 + 40.0 * np.log10(900e3 / r))
    assert np.all(det.snr_db >= 13.0 - 1e-9)


def test_out_of_view_gives_an_empty_record(tpy2):
    tr = hovering(tpy2, az_deg=280.0, duration_s=50.0, n=6)  # behind the face
    det = tpy2.observe(tr, 1.0, np.random.default_rng(0))
    assert len(det) == 0 and det.records() == []


def test_rcs_per_sample_is_interpolated(tpy2):
    tr = hovering(tpy2, ground_km=1200.0, duration_s=100.0, n=11)  # 1,200 km out
    rcs = np.where(tr.t_s < 50.0, 1.0, 1e-4)  # booster body, then a small RV out of range
    det = tpy2.observe(tr, rcs, np.random.default_rng(0))
    assert det.t_s.max() < 50.0 and len(det) > 40
    with pytest.raises(InputError, match="one value per trajectory sample"):
        tpy2.observe(tr, np.ones(3), np.random.default_rng(0))


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_bad_rcs_is_an_input_error(tpy2, bad):
    with pytest.raises(InputError, match="radar cross section"):
        tpy2.detection_range_km(bad)


def test_space_ir_reports_launch_point_and_heading_while_burning():
    sbirs = get_sensor("sbirs")
    flight = fly(get_missile("sejjil-2"), 35.5, 51.4, target=(39.9, 32.85))
    burnout = float(flight.batch.burnout_time_s[0])
    rep = sbirs.observe(flight.trajectory, burnout, np.random.default_rng(5), object_id="s2")
    assert rep.detected and rep.first_report_s == pytest.approx(45.0)
    assert rep.t_s[-1] <= burnout and rep.t_s[-1] + sbirs.revisit_s > burnout
    np.testing.assert_allclose(np.diff(rep.t_s), sbirs.revisit_s)
    # heading within 5 sigma of the launch azimuth the flight engine solved (the ground track of
    # a flight aimed by the rotating-Earth solver bends by < 1 deg in the boost phase)
    err = (rep.heading_deg - flight.azimuth_deg + 180.0) % 360.0 - 180.0
    assert np.all(np.abs(err) < 5 * 2.0 + 1.0)
    from openbmd.earth.geodesy import geodesic_inverse
    miss_m = geodesic_inverse(35.5, 51.4, rep.launch_lat_deg, rep.launch_lon_deg)[0]
    assert miss_m < 5 * 2000.0
    # a booster that burns out before the first report is never seen
    assert not sbirs.observe(flight.trajectory, 40.0, np.random.default_rng(5)).detected
