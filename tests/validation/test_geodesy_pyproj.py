"""Geodesy against pyproj (PROJ): WGS-84 geodetic <-> ECEF and geodesics.

References: PROJ's EPSG:4979 (WGS-84 geographic 3D) -> EPSG:4978 (WGS-84
geocentric) transformation, and pyproj.Geod(ellps="WGS84"), which implements
C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87 (2013) 43-55,
accurate to ~15 nm. Tolerances are 1 mm.
"""
import numpy as np
import pyproj
import pytest

from openbmd.earth import (
    WGS84,
    ecef_to_geodetic,
    geodesic_direct,
    geodesic_inverse,
    geodetic_to_ecef,
)

MM = 1e-3
_TO_ECEF = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978")
_GEOD = pyproj.Geod(ellps="WGS84")


def _random_geodetic(n, seed, h_max_m):
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lat[:4] = [90.0, -90.0, 0.0, 89.9999999]  # poles, equator, next to a pole
    lon = rng.uniform(-180.0, 180.0, n)
    h = rng.uniform(-20e3, h_max_m, n)
    return lat, lon, h


def _horizontal_error_m(lat_a, lon_a, lat_b, lon_b, h):
    """Metres between two nearby geodetic positions (small-angle)."""
    r = WGS84.a_m + h
    dlon = (lon_a - lon_b + 180.0) % 360.0 - 180.0
    return r * np.hypot(np.radians(lat_a - lat_b), np.radians(dlon) * np.cos(np.radians(lat_b)))


@pytest.mark.parametrize("h_max_m", [2.0e6, 4.0e7])
def test_geodetic_to_ecef_matches_proj(h_max_m):
    lat, lon, h = _random_geodetic(3000, 1, h_max_m)
    x, y, z = _TO_ECEF.transform(lat, lon, h)
    ours = geodetic_to_ecef(lat, lon, h)
    assert np.max(np.abs(ours - np.stack([x, y, z], axis=-1))) < MM


@pytest.mark.parametrize("h_max_m", [2.0e6, 4.0e7])
def test_ecef_to_geodetic_inverts_proj(h_max_m):
    """PROJ's forward ECEF of known points maps back to those points."""
    lat, lon, h = _random_geodetic(3000, 2, h_max_m)
    x, y, z = _TO_ECEF.transform(lat, lon, h)
    lat2, lon2, h2 = ecef_to_geodetic(np.stack([x, y, z], axis=-1))
    assert np.max(np.abs(h2 - h)) < MM
    assert np.max(_horizontal_error_m(lat2, lon2, lat, lon, h)) < MM


def test_ecef_to_geodetic_matches_proj_inverse_near_surface():
    # PROJ's own iterative inverse drifts with height (0.7 mm at 300 km,
    # 2 cm at 2,000 km: measured), so compare with it only up to 100 km.
    lat, lon, h = _random_geodetic(3000, 5, 1.0e5)
    x, y, z = _TO_ECEF.transform(lat, lon, h)
    plat, plon, ph = _TO_ECEF.transform(x, y, z, direction="INVERSE")
    lat2, lon2, h2 = ecef_to_geodetic(np.stack([x, y, z], axis=-1))
    assert np.max(np.abs(h2 - ph)) < MM
    assert np.max(_horizontal_error_m(lat2, lon2, plat, plon, h)) < MM


def _random_pairs(n, seed):
    rng = np.random.default_rng(seed)
    lat1 = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lat2 = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon1 = rng.uniform(-180.0, 180.0, n)
    lon2 = rng.uniform(-180.0, 180.0, n)
    return lat1, lon1, lat2, lon2


def _angle_diff_deg(a, b):
    return np.abs((np.asarray(a) - b + 180.0) % 360.0 - 180.0)


def test_geodesic_inverse_matches_karney():
    lat1, lon1, lat2, lon2 = _random_pairs(3000, 3)
    # add nearly antipodal pairs, where Vincenty fails and pyproj takes over
    lat1 = np.r_[lat1, 0.0, 0.5, -30.0]
    lon1 = np.r_[lon1, 0.0, 0.0, 10.0]
    lat2 = np.r_[lat2, 0.5, -0.5, 30.0]
    lon2 = np.r_[lon2, 179.7, 179.8, -170.0 + 0.01]
    az1_ref, back_az2, s_ref = _GEOD.inv(lon1, lat1, lon2, lat2)
    s, az1, az2 = geodesic_inverse(lat1, lon1, lat2, lon2)
    assert np.all(np.isfinite(s))
    assert np.max(np.abs(s - s_ref)) < MM
    # azimuths: at most 5 mm of sideways displacement over the whole path
    # (Vincenty's azimuths lose a little near antipodal pairs: 2 mm measured)
    tol_deg = np.degrees(5 * MM / np.maximum(s_ref, 1.0))
    assert np.all(_angle_diff_deg(az1, az1_ref) < tol_deg)
    assert np.all(_angle_diff_deg(az2, back_az2 + 180.0) < tol_deg)


def test_geodesic_direct_matches_karney():
    rng = np.random.default_rng(4)
    n = 3000
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon = rng.uniform(-180.0, 180.0, n)
    az = rng.uniform(0.0, 360.0, n)
    dist = rng.uniform(0.0, 19.9e6, n)
    lon_ref, lat_ref, back_az = _GEOD.fwd(lon, lat, az, dist)
    lat2, lon2, az2 = geodesic_direct(lat, lon, az, dist)
    assert np.max(_horizontal_error_m(lat2, lon2, lat_ref, lon_ref, 0.0)) < MM
    near_pole = np.abs(lat_ref) > 89.99  # azimuth is ill-conditioned there
    assert np.all(_angle_diff_deg(az2, back_az + 180.0)[~near_pole] < 1e-7)
