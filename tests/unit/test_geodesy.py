"""Geodesy: round trips, closed forms on a sphere, ENU/AER geometry, input checks."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openbmd.earth import (
    SPHERE,
    WGS84,
    aer_to_ecef,
    ecef_to_aer,
    ecef_to_enu,
    ecef_to_geodetic,
    enu_to_ecef,
    geodesic_direct,
    geodesic_inverse,
    geodetic_to_ecef,
)
from openbmd.errors import InputError
from openbmd.kernels import geo

R_SPHERE = 6371.0e3  # the validation sphere's radius (openbmd.earth.model.SPHERE)

lats = st.floats(-90.0, 90.0)
lons = st.floats(-180.0, 180.0, exclude_max=True)
heights = st.floats(-20e3, 4.0e7)


@settings(deadline=None, max_examples=300)
@given(lats, lons, heights, st.sampled_from([WGS84, SPHERE]))
def test_geodetic_round_trip(lat, lon, h, earth):
    lat2, lon2, h2 = ecef_to_geodetic(geodetic_to_ecef(lat, lon, h, earth), earth)
    r = earth.a_m + h
    assert abs(h2 - h) < 1e-3
    assert abs(math.radians(lat2 - lat)) * r < 1e-3
    dlon = (lon2 - lon + 180.0) % 360.0 - 180.0
    assert abs(math.radians(dlon)) * r * math.cos(math.radians(lat)) < 1e-3


def test_sphere_geodetic_is_geocentric():
    """On a sphere (e2 = 0) latitude is geocentric and height is r - R."""
    x, y, z = 3.0e6, -4.0e6, 5.0e6
    lat, lon, h = geo.ecef_to_geodetic(x, y, z, R_SPHERE, 0.0)
    r = math.sqrt(x * x + y * y + z * z)
    assert lat == pytest.approx(math.asin(z / r), abs=1e-15)
    assert lon == pytest.approx(math.atan2(y, x), abs=1e-15)
    assert h == pytest.approx(r - R_SPHERE, abs=1e-6)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_poles_exactly(sign):
    """At a pole: latitude +-90 deg and height |z| - b (WGS-84 b = 6,356,752.3142 m)."""
    lat, _, h = geo.ecef_to_geodetic(0.0, 0.0, sign * (6356752.314245 + 1000.0), WGS84.a_m, WGS84.e2)
    assert lat == sign * math.pi / 2
    assert h == pytest.approx(1000.0, abs=1e-6)


def test_sphere_pole():
    lat, _, h = geo.ecef_to_geodetic(0.0, 0.0, -(R_SPHERE + 250.0), R_SPHERE, 0.0)
    assert lat == -math.pi / 2
    assert h == pytest.approx(250.0, abs=1e-6)


def test_geodesic_from_a_pole_runs_down_the_meridian():
    """Leaving the north pole on azimuth 180 deg along lon 30 deg, 1,000 km:
    WGS-84 meridian arc, compared with pyproj.Geod (Karney 2013)."""
    from pyproj import Geod

    lat2, lon2, _ = geodesic_direct(90.0, 30.0, 180.0, 1.0e6)
    lon_ref, lat_ref, _ = Geod(ellps="WGS84").fwd(30.0, 90.0, 180.0, 1.0e6)
    assert lat2 == pytest.approx(lat_ref, abs=1e-9)
    s, _, _ = geodesic_inverse(90.0, 0.0, lat2, lon2)
    assert s == pytest.approx(1.0e6, abs=1e-3)


def test_equatorial_radius_and_polar_radius():
    """Sanity values of WGS-84 (NGA.STND.0036): a = 6,378,137 m, b = 6,356,752.3142 m."""
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 0.0, 0.0), [6378137.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(geodetic_to_ecef(90.0, 0.0, 0.0), [0.0, 0.0, 6356752.3142], atol=1e-4)


def test_broadcasting_shapes():
    lat = np.linspace(-80, 80, 4)[:, None]
    lon = np.linspace(-170, 170, 5)
    xyz = geodetic_to_ecef(lat, lon, 1000.0)
    assert xyz.shape == (4, 5, 3)
    lat2, lon2, h2 = ecef_to_geodetic(xyz)
    assert lat2.shape == lon2.shape == h2.shape == (4, 5)
    assert ecef_to_enu(xyz, lat, 0.0).shape == (4, 5, 3)
    az, el, rng = ecef_to_aer(xyz, 10.0, 20.0)
    assert az.shape == (4, 5)
    s, az1, az2 = geodesic_inverse(lat, lon, 0.0, 0.0)
    assert s.shape == (4, 5)
    assert np.shape(geodesic_direct(0.0, 0.0, 45.0, 1e6)[0]) == ()


def test_point_straight_above_site_has_elevation_90():
    az, el, rng = ecef_to_aer(geodetic_to_ecef(38.349, 37.794, 2085.0 + 5.0e5), 38.349, 37.794, 2085.0)
    assert el == pytest.approx(90.0, abs=1e-9)
    assert rng == pytest.approx(5.0e5, abs=1e-6)


def test_surface_point_due_north_on_sphere():
    """Chord geometry on a sphere: a surface point theta due north is seen at
    az 0, el -theta/2, range 2 R sin(theta/2)."""
    theta_deg = 3.0
    target = geodetic_to_ecef(40.0 + theta_deg, 25.0, 0.0, SPHERE)
    az, el, rng = ecef_to_aer(target, 40.0, 25.0, 0.0, SPHERE)
    assert min(az, 360.0 - az) < 1e-9
    assert el == pytest.approx(-theta_deg / 2, abs=1e-9)
    assert rng == pytest.approx(2 * R_SPHERE * math.sin(math.radians(theta_deg) / 2), rel=1e-12)


def test_point_due_east_on_equator_has_azimuth_90():
    az, el, _ = ecef_to_aer(geodetic_to_ecef(0.0, 11.0, 0.0), 0.0, 10.0, 0.0)
    assert az == pytest.approx(90.0, abs=1e-9)
    assert el < 0.0


def test_enu_axes_at_site():
    """ENU of site + up/east/north unit offsets (closed-form basis vectors)."""
    lat, lon = math.radians(30.0), math.radians(60.0)
    ex, ey, ez, nx, ny, nz, ux, uy, uz = geo.enu_basis(lat, lon)
    site = geodetic_to_ecef(30.0, 60.0, 0.0)
    basis = np.array([[ex, ey, ez], [nx, ny, nz], [ux, uy, uz]])
    np.testing.assert_allclose(basis @ basis.T, np.eye(3), atol=1e-15)
    np.testing.assert_allclose(np.cross(basis[0], basis[1]), basis[2], atol=1e-15)
    enu = ecef_to_enu(site + 100.0 * basis, 30.0, 60.0)
    np.testing.assert_allclose(enu, 100.0 * np.eye(3), atol=1e-7)


@settings(deadline=None, max_examples=100)
@given(lats, lons, st.floats(0.0, 360.0), st.floats(-90.0, 90.0), st.floats(1.0, 4.0e7))
def test_aer_round_trip(site_lat, site_lon, az, el, rng):
    xyz = aer_to_ecef(az, el, rng, site_lat, site_lon, 100.0)
    enu = ecef_to_enu(xyz, site_lat, site_lon, 100.0)
    np.testing.assert_allclose(enu_to_ecef(enu, site_lat, site_lon, 100.0), xyz, atol=1e-5)
    az2, el2, rng2 = ecef_to_aer(xyz, site_lat, site_lon, 100.0)
    assert rng2 == pytest.approx(rng, rel=1e-12, abs=1e-6)
    assert abs(math.radians(el2 - el)) * rng < 1e-5
    if abs(el) < 89.9:
        daz = (az2 - az + 180.0) % 360.0 - 180.0
        assert abs(math.radians(daz)) * rng * math.cos(math.radians(el)) < 1e-5


def _haversine_m(lat1, lon1, lat2, lon2, r=R_SPHERE):
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(h))


def test_sphere_distance_is_haversine():
    rng = np.random.default_rng(7)
    lat1, lat2 = rng.uniform(-89.0, 89.0, (2, 2000))
    lon1, lon2 = rng.uniform(-180.0, 180.0, (2, 2000))
    s, az1, _ = geodesic_inverse(lat1, lon1, lat2, lon2, "sphere")
    np.testing.assert_allclose(s, _haversine_m(lat1, lon1, lat2, lon2), rtol=1e-9, atol=1e-6)
    # initial bearing on a sphere: atan2(sin dl cos p2, cos p1 sin p2 - sin p1 cos p2 cos dl)
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    bearing = np.degrees(np.arctan2(np.sin(dl) * np.cos(p2),
                                    np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)))
    diff = (az1 - bearing + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(diff)) < 1e-8


def test_sphere_quarter_meridian():
    s, az1, az2 = geodesic_inverse(0.0, 0.0, 90.0, 0.0, SPHERE)
    assert s == pytest.approx(math.pi / 2 * R_SPHERE, rel=1e-14)
    assert az1 == pytest.approx(0.0, abs=1e-12)


def test_exactly_antipodal_on_sphere_is_half_circumference():
    s, _, _ = geodesic_inverse(0.0, 0.0, 0.0, 180.0, SPHERE)
    assert s == pytest.approx(math.pi * R_SPHERE, rel=1e-12)


def test_coincident_points():
    s, _, _ = geodesic_inverse(12.0, 34.0, 12.0, 34.0)
    assert s == 0.0


def test_vincenty_kernel_reports_nonconvergence_as_nan():
    """Nearly antipodal WGS-84 pair: Vincenty's lambda iteration fails (nan);
    the public function then falls back to pyproj and stays finite."""
    args = (0.0, 0.0, math.radians(0.5), math.radians(179.7), WGS84.a_m, WGS84.f)
    assert all(math.isnan(v) for v in geo.vincenty_inverse(*args))
    s, _, _ = geodesic_inverse(0.0, 0.0, 0.5, 179.7)
    assert 1.99e7 < s < 2.0e7


@settings(deadline=None, max_examples=200)
@given(st.floats(-89.0, 89.0), lons, st.floats(0.0, 360.0), st.floats(1.0, 1.9e7))
def test_direct_then_inverse(lat, lon, az, dist):
    lat2, lon2, az2 = geodesic_direct(lat, lon, az, dist)
    s, az1_back, az2_back = geodesic_inverse(lat, lon, lat2, lon2)
    assert s == pytest.approx(dist, abs=1e-3)
    if 1e3 < dist < 1.9e7 and abs(lat2) < 89.9:
        assert abs((az2_back - az2 + 180.0) % 360.0 - 180.0) < 1e-6


@pytest.mark.parametrize(("bad", "shown"), [(90.5, "90.5"), (-91.0, "-91"), ([0.0, 120.0], "120")])
def test_latitude_out_of_range_is_an_input_error(bad, shown):
    with pytest.raises(InputError, match=r"outside the allowed range \[-90, 90\]") as info:
        geodetic_to_ecef(bad, 0.0, 0.0)
    assert "\n" not in str(info.value)
    assert f"latitude {shown} deg" in str(info.value)


def test_other_latitudes_are_checked_too():
    with pytest.raises(InputError, match="lat2 95"):
        geodesic_inverse(0.0, 0.0, 95.0, 0.0)
    with pytest.raises(InputError, match="site latitude -100"):
        ecef_to_aer([7e6, 0.0, 0.0], -100.0, 0.0)
    with pytest.raises(InputError, match="latitude"):
        geodesic_direct(91.0, 0.0, 0.0, 1.0)


def test_vectors_need_three_components():
    with pytest.raises(InputError, match=r"shape \(\.\.\., 3\)"):
        ecef_to_geodetic(np.zeros((4, 2)))


def test_earth_by_name():
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 90.0, 0.0, "sphere"), [0.0, R_SPHERE, 0.0], atol=1e-9)
    with pytest.raises(InputError, match="unknown Earth model"):
        geodetic_to_ecef(0.0, 0.0, 0.0, "mars")
