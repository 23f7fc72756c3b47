"""Geodesy on an Earth model, on arrays: geodetic/ECEF, ENU/AER, geodesics.

All functions broadcast their inputs; vectors have shape ``(..., 3)``.
Angles outside are degrees, lengths metres. Azimuths are clockwise from
north in [0, 360); longitudes come out in [-180, 180). NaN inputs give NaN
outputs. The scalar numba kernels live in :mod:`openbmd.kernels.geo`.
"""
from __future__ import annotations

import numba
import numpy as np

from openbmd.earth.model import WGS84, EarthModel, earth_model
from openbmd.errors import InputError
from openbmd.kernels import geo

__all__ = [
    "aer_to_ecef",
    "ecef_to_aer",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "enu_rotation",
    "enu_to_ecef",
    "geodesic_direct",
    "geodesic_inverse",
    "geodetic_to_ecef",
]


# ---------------------------------------------------------------- validation
def _lat_rad(lat_deg, name: str = "latitude") -> np.ndarray:
    """Latitude in radians; raises InputError outside [-90, 90] degrees."""
    lat = np.asarray(lat_deg, dtype=float)
    bad = np.abs(lat) > 90.0
    if np.any(bad):
        value = lat[bad].flat[0]
        raise InputError(f"{name} {value:g} deg is outside the allowed range [-90, 90] deg")
    return np.radians(lat)


def _vectors(xyz_m, name: str) -> np.ndarray:
    """An array of 3-vectors; raises InputError if the last axis is not 3."""
    xyz = np.asarray(xyz_m, dtype=float)
    if xyz.ndim == 0 or xyz.shape[-1] != 3:
        raise InputError(f"{name} must have shape (..., 3); got shape {xyz.shape}")
    return xyz


def _flat(*arrays):
    """Broadcast the arrays, return (shape, contiguous 1-D copies)."""
    b = np.broadcast_arrays(*arrays)
    return b[0].shape, [np.ascontiguousarray(x, dtype=float).ravel() for x in b]


def _out(x, shape):
    """Reshape a flat result; 0-d results become numpy floats."""
    x = x.reshape(shape)
    return x[()] if x.ndim == 0 else x


def _wrap_deg(angle_deg, low: float):
    """Wrap degrees into [low, low + 360)."""
    return (np.asarray(angle_deg) - low) % 360.0 + low


# ---------------------------------------------------------- numba array loops
@numba.njit(cache=True)
def _g2e_loop(lat, lon, h, a, e2, out):
    for i in range(lat.size):
        out[i, 0], out[i, 1], out[i, 2] = geo.geodetic_to_ecef(lat[i], lon[i], h[i], a, e2)


@numba.njit(cache=True)
def _e2g_loop(x, y, z, a, e2, lat, lon, h):
    for i in range(x.size):
        lat[i], lon[i], h[i] = geo.ecef_to_geodetic(x[i], y[i], z[i], a, e2)


@numba.njit(cache=True)
def _inverse_loop(lat1, lon1, lat2, lon2, a, f, s, az1, az2):
    for i in range(lat1.size):
        s[i], az1[i], az2[i] = geo.vincenty_inverse(lat1[i], lon1[i], lat2[i], lon2[i], a, f)


@numba.njit(cache=True)
def _direct_loop(lat1, lon1, az1, dist, a, f, lat2, lon2, az2):
    for i in range(lat1.size):
        lat2[i], lon2[i], az2[i] = geo.vincenty_direct(lat1[i], lon1[i], az1[i], dist[i], a, f)


# ------------------------------------------------------- geodetic <-> ECEF
def geodetic_to_ecef(lat_deg, lon_deg, alt_m, earth: EarthModel | str = WGS84) -> np.ndarray:
    """Geodetic latitude, longitude (deg) and height above the ellipsoid (m)
    to Earth-centred Earth-fixed coordinates, shape (..., 3) in metres."""
    model = earth_model(earth)
    lat = _lat_rad(lat_deg)
    shape, (lat, lon, h) = _flat(lat, np.radians(np.asarray(lon_deg, float)), alt_m)
    out = np.empty((lat.size, 3))
    _g2e_loop(lat, lon, h, model.a_m, model.e2, out)
    return out.reshape(shape + (3,))


def ecef_to_geodetic(xyz_m, earth: EarthModel | str = WGS84):
    """ECEF positions (..., 3) in metres to (lat_deg, lon_deg, alt_m).

    Exact closed form (Vermeille 2004) for points farther than ~43 km from
    the Earth's centre.
    """
    model = earth_model(earth)
    xyz = _vectors(xyz_m, "xyz_m")
    shape = xyz.shape[:-1]
    flat = np.ascontiguousarray(xyz.reshape(-1, 3).T)
    lat, lon, h = (np.empty(flat.shape[1]) for _ in range(3))
    _e2g_loop(flat[0], flat[1], flat[2], model.a_m, model.e2, lat, lon, h)
    return _out(np.degrees(lat), shape), _out(np.degrees(lon), shape), _out(h, shape)


# --------------------------------------------------------------- ENU / AER
def enu_rotation(site_lat_deg, site_lon_deg) -> np.ndarray:
    """Rows east, north, up (ECEF components) at the site, shape (..., 3, 3): the one
    numpy home of the local-frame basis (:class:`openbmd.earth.frames.Site` owns one)."""
    lat = _lat_rad(site_lat_deg, "site latitude")
    lon = np.radians(np.asarray(site_lon_deg, dtype=float))
    lat, lon = np.broadcast_arrays(lat, lon)
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    zero = np.zeros_like(lat)
    east = np.stack([-so, co, zero], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    return np.stack([east, north, _up(sl, cl, so, co)], axis=-2)


def local_up(lat_deg, lon_deg) -> np.ndarray:
    """The geodetic vertical (unit, ECEF), shape (..., 3): the third row of :func:`enu_rotation`
    without the other two (for arrays of many points)."""
    lat, lon = np.radians(np.asarray(lat_deg, dtype=float)), np.radians(np.asarray(lon_deg, dtype=float))
    return _up(np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon))


def _up(sl, cl, so, co) -> np.ndarray:
    return np.stack([cl * co, cl * so, sl], axis=-1)


def ecef_to_enu(xyz_m, site_lat_deg, site_lon_deg, site_alt_m=0.0,
                earth: EarthModel | str = WGS84) -> np.ndarray:
    """ECEF positions (..., 3) to local east-north-up (..., 3) metres at a site."""
    xyz = _vectors(xyz_m, "xyz_m")
    rot = enu_rotation(site_lat_deg, site_lon_deg)
    site = geodetic_to_ecef(site_lat_deg, site_lon_deg, site_alt_m, earth)
    return np.einsum("...ij,...j->...i", rot, xyz - site)


def enu_to_ecef(enu_m, site_lat_deg, site_lon_deg, site_alt_m=0.0,
                earth: EarthModel | str = WGS84) -> np.ndarray:
    """Local east-north-up (..., 3) metres at a site to ECEF (..., 3) metres."""
    enu = _vectors(enu_m, "enu_m")
    rot = enu_rotation(site_lat_deg, site_lon_deg)
    site = geodetic_to_ecef(site_lat_deg, site_lon_deg, site_alt_m, earth)
    return site + np.einsum("...ji,...j->...i", rot, enu)


def ecef_to_aer(xyz_m, site_lat_deg, site_lon_deg, site_alt_m=0.0,
                earth: EarthModel | str = WGS84):
    """ECEF positions to (az_deg, el_deg, range_m) seen from a site.

    Azimuth clockwise from north in [0, 360); elevation above the local
    (ellipsoid-normal) horizontal in [-90, 90].
    """
    enu = ecef_to_enu(xyz_m, site_lat_deg, site_lon_deg, site_alt_m, earth)
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    az = _wrap_deg(np.degrees(np.arctan2(e, n)), 0.0)
    el = np.degrees(np.arctan2(u, np.hypot(e, n)))
    rng = np.sqrt(e * e + n * n + u * u)
    return _out(az, az.shape), _out(el, el.shape), _out(rng, rng.shape)


def aer_to_ecef(az_deg, el_deg, range_m, site_lat_deg, site_lon_deg, site_alt_m=0.0,
                earth: EarthModel | str = WGS84) -> np.ndarray:
    """Azimuth, elevation (deg) and slant range (m) from a site to ECEF (..., 3)."""
    az = np.radians(np.asarray(az_deg, dtype=float))
    el = np.radians(np.asarray(el_deg, dtype=float))
    rng = np.asarray(range_m, dtype=float)
    horiz = rng * np.cos(el)
    enu = np.stack(np.broadcast_arrays(horiz * np.sin(az), horiz * np.cos(az), rng * np.sin(el)), axis=-1)
    return enu_to_ecef(enu, site_lat_deg, site_lon_deg, site_alt_m, earth)


# ---------------------------------------------------------------- geodesics
def geodesic_inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg, earth: EarthModel | str = WGS84):
    """Shortest distance on the ellipsoid and azimuths between two points.

    Returns (distance_m, az1_deg, az2_deg): az1 is the azimuth leaving
    point 1, az2 the azimuth of travel on arrival at point 2 (forward, not
    back, azimuth), both in [0, 360). Vincenty (1975); the nearly antipodal
    pairs where it does not converge are solved by pyproj.Geod (Karney).
    """
    model = earth_model(earth)
    lat1 = _lat_rad(lat1_deg, "lat1")
    lat2 = _lat_rad(lat2_deg, "lat2")
    lon1 = np.radians(np.asarray(lon1_deg, float))
    lon2 = np.radians(np.asarray(lon2_deg, float))
    shape, (la1, lo1, la2, lo2) = _flat(lat1, lon1, lat2, lon2)
    s, az1, az2 = (np.empty(la1.size) for _ in range(3))
    _inverse_loop(la1, lo1, la2, lo2, model.a_m, model.f, s, az1, az2)
    az1, az2 = np.degrees(az1), np.degrees(az2)
    bad = np.isnan(s) & ~np.isnan(la1 + lo1 + la2 + lo2)
    if np.any(bad):
        s[bad], az1[bad], az2[bad] = _karney_inverse(model, la1[bad], lo1[bad], la2[bad], lo2[bad])
    return (_out(s, shape), _out(_wrap_deg(az1, 0.0), shape), _out(_wrap_deg(az2, 0.0), shape))


def _karney_inverse(model: EarthModel, lat1, lon1, lat2, lon2):
    """pyproj's geodesic inverse (radians in), with forward arrival azimuth."""
    from pyproj import Geod

    geod = Geod(a=model.a_m, f=model.f)
    az1, back_az2, s = geod.inv(np.degrees(lon1), np.degrees(lat1), np.degrees(lon2), np.degrees(lat2))
    return s, az1, np.asarray(back_az2) + 180.0


def geodesic_direct(lat_deg, lon_deg, az_deg, distance_m, earth: EarthModel | str = WGS84):
    """The point reached after ``distance_m`` along a geodesic leaving at ``az_deg``.

    Returns (lat2_deg, lon2_deg, az2_deg), az2 the forward azimuth at the
    end point in [0, 360), lon2 in [-180, 180). Vincenty (1975).
    """
    model = earth_model(earth)
    lat = _lat_rad(lat_deg)
    lon = np.radians(np.asarray(lon_deg, float))
    az = np.radians(np.asarray(az_deg, float))
    shape, (la1, lo1, az1, dist) = _flat(lat, lon, az, distance_m)
    la2, lo2, az2 = (np.empty(la1.size) for _ in range(3))
    _direct_loop(la1, lo1, az1, dist, model.a_m, model.f, la2, lo2, az2)
    return (_out(np.degrees(la2), shape), _out(_wrap_deg(np.degrees(lo2), -180.0), shape),
            _out(_wrap_deg(np.degrees(az2), 0.0), shape))
