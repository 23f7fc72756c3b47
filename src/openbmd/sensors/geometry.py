"""Radar geometry on arrays: line of sight past the Earth, fields of view, horizons.

Plain SI functions (metres, radians) that broadcast; vectors have shape
``(..., 3)``. The closed forms:

- Horizon (spherical Earth of radius R, radar at height h_s, target at height
  H, minimum elevation eps; law of sines in the triangle centre-radar-target):
  the central angle at which the target rises above eps is
  ``psi = arccos((R + h_s) cos(eps) / (R + H)) - eps`` and the ground range
  is ``R psi``. At eps = 0, h_s = 0 this is the textbook ``R arccos(R/(R+H))``.
- 4/3-Earth refraction (Skolnik, *Introduction to Radar Systems*, 3rd ed.,
  sec. 8.2; Doerry, Sandia SAND2013-9381 "Earth curvature and atmospheric
  refraction effects on radar signal propagation", 2013): rays are straight
  over an Earth of radius k R with k = 4/3; heights and ground distances are
  kept, so central angles shrink by 1/k.
"""
from __future__ import annotations

import numpy as np

from openbmd.earth.model import EarthModel

K_REFRACTION = 4.0 / 3.0  #: effective-Earth factor of the standard atmosphere


def wrap_pi(angle_rad):
    """Angles wrapped into [-pi, pi)."""
    return (np.asarray(angle_rad, dtype=float) + np.pi) % (2.0 * np.pi) - np.pi


def in_sectors(az_rad, faces_az_rad, half_width_rad) -> np.ndarray:
    """True where azimuth ``az_rad`` lies within ``half_width_rad`` of any face boresight.

    No faces means a full circle.
    """
    az = np.asarray(az_rad, dtype=float)
    faces = np.asarray(faces_az_rad, dtype=float).reshape(-1)
    if faces.size == 0:
        return np.ones(az.shape, dtype=bool)
    off = np.abs(wrap_pi(az[..., None] - faces))
    return np.any(off <= half_width_rad + 1e-12, axis=-1)


def clear_of_ellipsoid(site_ecef_m, target_ecef_m, earth: EarthModel) -> np.ndarray:
    """True where the straight segment site -> target does not pass inside the ellipsoid.

    Scaling x, y by 1/a and z by 1/b maps the ellipsoid onto the unit sphere and
    keeps segments straight; the closest point of the segment to the centre
    must then lie at radius >= 1 (1 mm slack for points on the surface).
    """
    scale = np.array([1.0 / earth.a_m, 1.0 / earth.a_m, 1.0 / earth.b_m])
    p = np.asarray(site_ecef_m, dtype=float) * scale
    d = np.asarray(target_ecef_m, dtype=float) * scale - p
    dd = np.sum(d * d, axis=-1)
    s = np.clip(-np.sum(p * d, axis=-1) / np.where(dd > 0.0, dd, 1.0), 0.0, 1.0)
    closest = p + s[..., None] * d
    return np.sum(closest * closest, axis=-1) >= (1.0 - 1e-3 / earth.a_m) ** 2


def local_radius_m(lat_deg, earth: EarthModel, az_deg=None):
    """Radius of the sphere that best fits the ellipsoid at a latitude.

    Without ``az_deg``: the Gaussian mean radius sqrt(M N); with it, Euler's
    radius of curvature of the normal section along that azimuth,
    1 / (cos^2 az / M + sin^2 az / N). (M meridional, N prime-vertical radius.)
    """
    s2 = np.sin(np.radians(lat_deg)) ** 2
    w = np.sqrt(1.0 - earth.e2 * s2)
    n = earth.a_m / w
    m = earth.a_m * (1.0 - earth.e2) / w**3
    if az_deg is None:
        return np.sqrt(m * n)
    az = np.radians(az_deg)
    return 1.0 / (np.cos(az) ** 2 / m + np.sin(az) ** 2 / n)


def horizon_central_angle_rad(site_alt_m, target_alt_m, el_min_rad, radius_m, k=1.0):
    """Central angle at which a target at ``target_alt_m`` rises above ``el_min_rad``.

    Spherical Earth of radius ``radius_m`` (times ``k`` for refraction); the
    angle returned is on the real Earth (ground range = radius_m * angle).
    A minimum elevation below the dip to the horizon, -arccos(R / (R + h_s)), is
    raised to it: there the tangent to the Earth binds. NaN where the target never rises above the minimum elevation.
    """
    re = k * np.asarray(radius_m, dtype=float)
    # below the dip angle to the horizon the Earth, not the elevation limit, blocks
    dip = np.arccos(np.minimum(re / (re + np.maximum(site_alt_m, 0.0)), 1.0))
    el_min_rad = np.maximum(el_min_rad, -dip)
    c = (re + site_alt_m) * np.cos(el_min_rad) / (re + np.asarray(target_alt_m, dtype=float))
    with np.errstate(invalid="ignore"):
        psi_eff = np.where(c <= 1.0, np.arccos(np.minimum(c, 1.0)) - el_min_rad, np.nan)
    return np.where(psi_eff >= 0.0, psi_eff, np.nan) * k


def slant_range_m(site_alt_m, target_alt_m, central_angle_rad, radius_m, k=1.0):
    """Straight-line range between two heights a central angle apart (effective sphere)."""
    re = k * np.asarray(radius_m, dtype=float)
    rs, rt = re + site_alt_m, re + np.asarray(target_alt_m, dtype=float)
    psi = np.asarray(central_angle_rad, dtype=float) / k
    return np.sqrt(np.maximum(rs * rs + rt * rt - 2.0 * rs * rt * np.cos(psi), 0.0))


def refracted_elevation(site_alt_m, target_alt_m, central_angle_rad, radius_m, k=K_REFRACTION):
    """(apparent elevation, line of sight clear) on the k-Earth, arrays of (..., ).

    The target is at height ``target_alt_m`` a ground central angle
    ``central_angle_rad`` away; on the effective sphere the ray is straight.
    """
    re = k * np.asarray(radius_m, dtype=float)
    rs, rt = re + site_alt_m, re + np.asarray(target_alt_m, dtype=float)
    psi = np.asarray(central_angle_rad, dtype=float) / k
    x, y = rt * np.sin(psi), rt * np.cos(psi) - rs  # target seen from the site, local frame
    el = np.arctan2(y, x)
    # closest approach of the segment (0, rs) -> (x, rs + y) to the centre
    dd = x * x + y * y
    s = np.clip(-(rs * y) / np.where(dd > 0.0, dd, 1.0), 0.0, 1.0)
    clear = (s * x) ** 2 + (rs + s * y) ** 2 >= (re - 1e-3) ** 2
    return el, clear
