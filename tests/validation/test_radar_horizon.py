"""Radar horizons and the radar equation against closed forms; visibility against brute force.

References:
- geometric horizon of a target at height H seen from the surface of a sphere of radius R at
  zero elevation: ground range R arccos(R / (R + H)) (right triangle centre-radar-tangent point);
- radio horizon with 4/3-Earth refraction: d_km = 4.12 sqrt(h_m) (Skolnik, Introduction to Radar
  Systems, 3rd ed., sec. 8.2: sqrt(2 k R h) with k = 4/3);
- the (D) horizon table of docs/research/sensors.md sec. 3 (R = 6,371 km, computed separately);
- radar equation, SNR proportional to RCS / R^4: range scales as RCS^(1/4).
"""
import math

import numpy as np
import pytest

from openbmd.earth.geodesy import ecef_to_aer, geodesic_direct, geodetic_to_ecef
from openbmd.earth.model import SPHERE
from openbmd.flight import fly
from openbmd.missiles import get_missile
from openbmd.sensors import Radar, get_radar, horizon_geometry, horizon_range

R_KM = SPHERE.a_m / 1e3


def sphere_radar(**kw) -> Radar:
    """A full-circle radar at sea level on the spherical test Earth."""
    args = dict(id="test", name="test radar", site_lat_deg=10.0, site_lon_deg=20.0, site_alt_m=0.0,
                el_min_rad=0.0, el_max_rad=math.pi / 2, max_range_m=1e8, reference_range_m=1e6,
                reference_rcs_m2=1.0, revisit_s=1.0, sigma_range_m=10.0, sigma_angle_rad=1e-3, earth=SPHERE)
    args.update(kw)
    return Radar(**args)


@pytest.mark.parametrize("h_km", [0.5, 10.0, 100.0, 300.0, 1000.0, 6000.0])
def test_horizon_at_zero_elevation_is_the_tangent_closed_form(h_km):
    expected = R_KM * math.acos(R_KM / (R_KM + h_km))
    assert horizon_geometry(sphere_radar(), h_km)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("h_m", [10.0, 100.0, 1000.0, 5000.0])
def test_radio_horizon_follows_the_4_12_sqrt_h_rule(h_m):
    ground_km, _ = horizon_geometry(sphere_radar(), h_m / 1e3, refraction=True)
    assert ground_km == pytest.approx(4.12 * math.sqrt(h_m), rel=2e-3)
    # and without refraction the geometric 3.57 sqrt(h) rule (sqrt(2 R h))
    assert horizon_geometry(sphere_radar(), h_m / 1e3)[0] == pytest.approx(3.57 * math.sqrt(h_m), rel=2e-3)


# docs/research/sensors.md sec. 3: (elevation deg, refraction, H km) -> ground range km (D, rounded)
RESEARCH_TABLE = [(0, False, 100, 1121), (0, False, 300, 1918), (0, False, 1000, 3357),
                  (0, True, 100, 1297), (0, True, 300, 2225), (0, True, 1000, 3934),
                  (2, False, 100, 921), (2, False, 300, 1708), (2, False, 1000, 3142),
                  (3, False, 100, 836), (3, False, 300, 1612), (3, False, 1000, 3039),
                  (5, False, 100, 694), (5, False, 300, 1439), (5, False, 1000, 2843)]


@pytest.mark.parametrize("el_deg, refr, h_km, expected_km", RESEARCH_TABLE)
def test_horizon_matches_the_research_table(el_deg, refr, h_km, expected_km):
    radar = sphere_radar(el_min_rad=math.radians(el_deg))
    assert horizon_geometry(radar, h_km, refraction=refr)[0] == pytest.approx(expected_km, abs=1.0)


def test_site_height_at_zero_and_at_negative_elevation():
    # at 0 deg the law-of-sines form: a raised radar sees a given height at 0 deg *nearer*
    expected = R_KM * math.acos((R_KM + 2.0) / (R_KM + 100.0))
    assert horizon_geometry(sphere_radar(site_alt_m=2000.0), 100.0)[0] == pytest.approx(expected, rel=1e-12)
    # allowed to look down past the dip, the two tangent lengths add: R acos(R/(R+h_s)) + R acos(R/(R+H))
    radar = sphere_radar(site_alt_m=2000.0, el_min_rad=math.radians(-10.0))
    expected = R_KM * (math.acos(R_KM / (R_KM + 2.0)) + math.acos(R_KM / (R_KM + 100.0)))
    assert horizon_geometry(radar, 100.0)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("radar_id, az_deg", [("fylingdales", 90.0), ("fylingdales", 0.0), ("thule", 117.0),
                                               ("an-tpy-2-fbm", 100.0), ("cobra-dane", 319.0)])
@pytest.mark.parametrize("h_km", [100.0, 1000.0])
def test_wgs84_horizon_against_a_brute_force_elevation_scan(radar_id, az_deg, h_km):
    """The sphere of Euler's local radius vs the last point along the geodesic where
    ecef_to_aer's elevation (WGS-84 normal) reaches the minimum: within 0.1 %."""
    radar = get_radar(radar_id)
    ground_km, _ = horizon_geometry(radar, h_km, azimuth_deg=az_deg)
    d = np.linspace(0.8 * ground_km, 1.2 * ground_km, 40001) * 1e3
    lat, lon, _ = geodesic_direct(radar.site_lat_deg, radar.site_lon_deg, az_deg, d)
    _, el, _ = ecef_to_aer(geodetic_to_ecef(lat, lon, h_km * 1e3), radar.site_lat_deg, radar.site_lon_deg,
                           radar.site_alt_m)
    brute_km = d[el >= math.degrees(radar.el_min_rad)].max() / 1e3
    assert ground_km == pytest.approx(brute_km, rel=1e-3)


@pytest.mark.parametrize("refraction", [False, True])
def test_visible_switches_at_the_horizon(refraction):
    radar = sphere_radar(el_min_rad=math.radians(2.0), refraction=refraction)
    ground_km, _ = horizon_geometry(radar, 300.0)
    d = np.array([ground_km - 2.0, ground_km + 2.0]) * 1e3
    lat, lon, _ = geodesic_direct(radar.site_lat_deg, radar.site_lon_deg, 45.0, d, SPHERE)
    xyz = geodetic_to_ecef(lat, lon, 300e3, SPHERE)
    assert radar.visible(xyz, rcs_m2=1e6).tolist() == [True, False]


def test_line_of_sight_below_the_horizontal_is_blocked_by_the_earth():
    """With a negative minimum elevation only the Earth blocks: a target at H seen from h_s is
    visible out to the sum of the two tangent angles acos(R/(R+h_s)) + acos(R/(R+H))."""
    radar = sphere_radar(site_alt_m=5000.0, el_min_rad=math.radians(-10.0))
    psi = math.acos(R_KM / (R_KM + 5.0)) + math.acos(R_KM / (R_KM + 200.0))
    d = np.array([psi - 0.002, psi + 0.002]) * SPHERE.a_m
    lat, lon, _ = geodesic_direct(radar.site_lat_deg, radar.site_lon_deg, 200.0, d, SPHERE)
    xyz = geodetic_to_ecef(lat, lon, 200e3, SPHERE)
    assert radar.visible(xyz, rcs_m2=1e6).tolist() == [True, False]
    assert horizon_geometry(radar, 200.0)[0] == pytest.approx(R_KM * psi, rel=1e-12)


def test_radar_equation_scaling():
    radar = get_radar("an-tpy-2-fbm")  # 900 km @ 0.01 m^2, capped at 3,000 km
    r1 = radar.detection_range_km(0.01)
    assert r1 == pytest.approx(900.0)
    assert radar.detection_range_km(0.02) / r1 == pytest.approx(2 ** 0.25, rel=1e-12)
    assert radar.detection_range_km(0.1) / r1 == pytest.approx(10 ** 0.25, rel=1e-12)
    assert radar.detection_range_km(1e6) == pytest.approx(3000.0)  # the instrumented range caps it
    # SNR: the threshold at the detection range, -12.04 dB per doubling of range (40 log10 2)
    assert radar.snr_db(r1 * 1e3, 0.01) == pytest.approx(radar.detection_threshold_db)
    assert radar.snr_db(2 * r1 * 1e3, 0.01) - radar.snr_db(r1 * 1e3, 0.01) == pytest.approx(-40 * math.log10(2))
    # the UEWR class figure (docs/research/sensors.md 2.6, D): 5,555 km @ 10 m^2 -> ~1,760 km @ 0.1 m^2
    assert get_radar("fylingdales").detection_range_km(0.1) == pytest.approx(1757.0, abs=1.0)


def test_horizon_range_names_the_binding_limit():
    tpy2 = get_radar("an-tpy-2-fbm")
    assert horizon_range(tpy2, 100.0, 0.1).limit == "horizon"  # 1,004 km horizon, 1,600 km detection
    low = horizon_range(tpy2, 1000.0, 0.001)  # horizon ~3,245 km, detection 506 km
    assert low.limit == "detection" and low.detection_range_km == pytest.approx(900 * 0.1 ** 0.25)
    # a target on the ground never rises above 1 deg from a site 2 km up: the horizon binds at 0 km
    assert horizon_range(tpy2, 0.0)[0::2] == (0.0, "horizon")
    h, d, limit = horizon_range(tpy2, 300.0)  # a plain tuple too
    assert (h, d, limit) == tuple(horizon_range(tpy2, 300.0, 0.1))


@pytest.fixture(scope="module")
def sejjil_to_ankara():
    return fly(get_missile("sejjil-2"), 35.5, 51.4, target=(39.9, 32.85)).trajectory


def test_flight_visibility_matches_a_brute_force_check(sejjil_to_ankara):
    """visible() on a flown trajectory == elevation >= el_min & azimuth in the face &
    range within the radar-equation range, each computed here with ecef_to_aer."""
    tr = sejjil_to_ankara
    radar = get_radar("an-tpy-2-fbm")
    for rcs in (0.1, 0.003):
        az, el, rng = ecef_to_aer(tr.ecef_m, radar.site_lat_deg, radar.site_lon_deg, radar.site_alt_m)
        off = np.abs((az - 100.0 + 180.0) % 360.0 - 180.0)
        brute = (el >= 1.0) & (el <= 90.0) & (off <= 60.0) & (rng <= 900e3 * (rcs / 0.01) ** 0.25)
        seen = radar.visible(tr.ecef_m, tr.t_s, rcs)
        assert seen.shape == tr.t_s.shape
        assert 0 < seen.sum() < seen.size
        np.testing.assert_array_equal(seen, brute)


def test_visible_broadcasts_over_targets_and_time(sejjil_to_ankara):
    radar = get_radar("fylingdales")
    xyz = np.stack([sejjil_to_ankara.ecef_m] * 3)  # (3, N, 3): three objects
    rcs = np.array([0.01, 1.0, 100.0])[:, None]
    seen = radar.visible(xyz, sejjil_to_ankara.t_s, rcs)
    assert seen.shape == xyz.shape[:2]
    np.testing.assert_array_equal(seen[1], radar.visible(sejjil_to_ankara.ecef_m, rcs_m2=1.0))
    assert seen[0].sum() <= seen[1].sum() <= seen[2].sum()
