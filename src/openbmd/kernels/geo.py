"""Scalar geodesy and gravity kernels (numba, SI units, radians).

Plain-number functions for the hot loops; the array API with validation lives
in :mod:`openbmd.earth`. Every function takes floats and returns a tuple of
floats. The ellipsoid is given by its equatorial radius ``a`` (m) and either
its first eccentricity squared ``e2`` or its flattening ``f``.

Sources of the formulas:
- geodetic -> ECEF: the textbook ellipsoid relations (e.g. NGA.STND.0036,
  WGS-84, 2014, section 4).
- ECEF -> geodetic: the closed form of H. Vermeille, "Computing geodetic
  coordinates from geocentric coordinates", J. Geodesy 78 (2004) 94-95,
  valid outside the ellipsoid's evolute (i.e. everywhere farther than about
  43 km from the Earth's centre), including the poles and a sphere (e2 = 0).
- J2 gravity: the gradient of U = -mu/r (1 - J2 (a/r)^2 P2(sin phi)), e.g.
  Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., 8.6.
- Geodesics: T. Vincenty, "Direct and inverse solutions of geodesics on the
  ellipsoid with application of nested equations", Survey Review 23 (1975)
  88-93.
"""
from __future__ import annotations

import math

import numba

_VINCENTY_TOL = 1e-12  # rad on the auxiliary sphere, ~0.006 mm on the Earth
_VINCENTY_MAX_ITER = 200


@numba.njit(cache=True)
def geodetic_to_ecef(lat, lon, h, a, e2):
    """Geodetic latitude, longitude (rad) and height (m) -> ECEF x, y, z (m)."""
    slat = math.sin(lat)
    clat = math.cos(lat)
    n = a / math.sqrt(1.0 - e2 * slat * slat)  # prime-vertical radius of curvature
    return (
        (n + h) * clat * math.cos(lon),
        (n + h) * clat * math.sin(lon),
        (n * (1.0 - e2) + h) * slat,
    )


@numba.njit(cache=True)
def ecef_to_geodetic(x, y, z, a, e2):
    """ECEF x, y, z (m) -> geodetic latitude, longitude (rad) and height (m).

    Vermeille's (2004) non-iterative closed form; exact to rounding for points
    farther than ~43 km from the Earth's centre, at the poles and for e2 = 0.
    """
    a2 = a * a
    e4 = e2 * e2
    rho2 = x * x + y * y
    p = rho2 / a2
    q = (1.0 - e2) * z * z / a2
    r = (p + q - e4) / 6.0
    s = e4 * p * q / (4.0 * r * r * r)
    t = (1.0 + s + math.sqrt(s * (2.0 + s))) ** (1.0 / 3.0)  # argument >= 1
    u = r * (1.0 + t + 1.0 / t)
    v = math.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = math.sqrt(u + v + w * w) - w
    rho = math.sqrt(rho2)
    d = k * rho / (k + e2)
    dz = math.sqrt(d * d + z * z)
    lat = 2.0 * math.atan2(z, d + dz)
    h = (k + e2 - 1.0) / k * dz
    return lat, math.atan2(y, x), h


@numba.njit(cache=True)
def enu_basis(lat, lon):
    """Unit east, north and up vectors in ECEF at geodetic lat, lon (rad).

    Returns (ex, ey, ez, nx, ny, nz, ux, uy, uz).
    """
    slat = math.sin(lat)
    clat = math.cos(lat)
    slon = math.sin(lon)
    clon = math.cos(lon)
    return (
        -slon, clon, 0.0,
        -slat * clon, -slat * slon, clat,
        clat * clon, clat * slon, slat,
    )


@numba.njit(cache=True)
def gravity_j2(x, y, z, mu, j2, a):
    """Point-mass plus J2 gravitational acceleration (m/s^2) at x, y, z (m).

    The field is axisymmetric about z, so it is valid in ECEF or ECI.
    ``j2 = 0`` gives the point mass. No centrifugal term.
    """
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    mu_r3 = mu / (r2 * r)
    zz = z * z / r2  # sin^2 of the geocentric latitude
    k = 1.5 * j2 * a * a / r2
    cxy = -mu_r3 * (1.0 + k * (1.0 - 5.0 * zz))
    cz = -mu_r3 * (1.0 + k * (3.0 - 5.0 * zz))
    return cxy * x, cxy * y, cz * z


@numba.njit(cache=True)
def _wrap_pi(angle):
    """Wrap an angle (rad) into [-pi, pi)."""
    return (angle + math.pi) % (2.0 * math.pi) - math.pi


@numba.njit(cache=True)
def _vincenty_ab(cos2_alpha, a, b):
    """Vincenty's series coefficients A and B for cos^2(alpha)."""
    u2 = cos2_alpha * (a * a - b * b) / (b * b)
    big_a = 1.0 + u2 / 16384.0 * (4096.0 + u2 * (-768.0 + u2 * (320.0 - 175.0 * u2)))
    big_b = u2 / 1024.0 * (256.0 + u2 * (-128.0 + u2 * (74.0 - 47.0 * u2)))
    return big_a, big_b


@numba.njit(cache=True)
def _delta_sigma(big_b, sin_s, cos_s, c2sm):
    """Vincenty's correction Delta-sigma."""
    return big_b * sin_s * (
        c2sm + big_b / 4.0 * (
            cos_s * (-1.0 + 2.0 * c2sm * c2sm)
            - big_b / 6.0 * c2sm * (-3.0 + 4.0 * sin_s * sin_s) * (-3.0 + 4.0 * c2sm * c2sm)
        )
    )


@numba.njit(cache=True)
def vincenty_inverse(lat1, lon1, lat2, lon2, a, f):
    """Geodesic distance (m) and forward azimuths (rad) between two points.

    Returns (s_m, az1, az2): az1 is the azimuth leaving point 1, az2 the
    azimuth of travel arriving at point 2 (both clockwise from north, in
    (-pi, pi]). Returns nan for all three when the iteration does not
    converge (nearly antipodal points). With f = 0 it is the exact great
    circle on a sphere of radius a.
    """
    b = a * (1.0 - f)
    u1 = math.atan2((1.0 - f) * math.sin(lat1), math.cos(lat1))  # reduced latitudes
    u2 = math.atan2((1.0 - f) * math.sin(lat2), math.cos(lat2))
    su1, cu1 = math.sin(u1), math.cos(u1)
    su2, cu2 = math.sin(u2), math.cos(u2)
    big_l = _wrap_pi(lon2 - lon1)
    lam = big_l
    sin_s = cos_s = sigma = cos2_alpha = c2sm = 0.0
    converged = False
    for _ in range(_VINCENTY_MAX_ITER):
        sl, cl = math.sin(lam), math.cos(lam)
        t1 = cu2 * sl
        t2 = cu1 * su2 - su1 * cu2 * cl
        sin_s = math.sqrt(t1 * t1 + t2 * t2)
        cos_s = su1 * su2 + cu1 * cu2 * cl
        if sin_s == 0.0:  # coincident (cos > 0) or exactly antipodal points
            return (0.0, 0.0, 0.0) if cos_s > 0.0 else (math.nan, math.nan, math.nan)
        sigma = math.atan2(sin_s, cos_s)
        sin_alpha = cu1 * cu2 * sl / sin_s
        cos2_alpha = 1.0 - sin_alpha * sin_alpha
        c2sm = cos_s - 2.0 * su1 * su2 / cos2_alpha if cos2_alpha != 0.0 else 0.0
        c = f / 16.0 * cos2_alpha * (4.0 + f * (4.0 - 3.0 * cos2_alpha))
        lam_prev = lam
        lam = big_l + (1.0 - c) * f * sin_alpha * (
            sigma + c * sin_s * (c2sm + c * cos_s * (-1.0 + 2.0 * c2sm * c2sm))
        )
        if abs(lam) > math.pi:  # diverging: antipodal region
            break
        if abs(lam - lam_prev) < _VINCENTY_TOL:
            converged = True
            break
    if not converged:
        return math.nan, math.nan, math.nan
    big_a, big_b = _vincenty_ab(cos2_alpha, a, b)
    s = b * big_a * (sigma - _delta_sigma(big_b, sin_s, cos_s, c2sm))
    sl, cl = math.sin(lam), math.cos(lam)
    az1 = math.atan2(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
    az2 = math.atan2(cu1 * sl, -su1 * cu2 + cu1 * su2 * cl)
    return s, az1, az2


@numba.njit(cache=True)
def vincenty_direct(lat1, lon1, az1, s_m, a, f):
    """Point reached from (lat1, lon1) after s_m metres along azimuth az1.

    Returns (lat2, lon2, az2) in radians; az2 is the forward azimuth at the
    end point, lon2 is wrapped into [-pi, pi).
    """
    b = a * (1.0 - f)
    u1 = math.atan2((1.0 - f) * math.sin(lat1), math.cos(lat1))
    su1, cu1 = math.sin(u1), math.cos(u1)
    sa1, ca1 = math.sin(az1), math.cos(az1)
    sigma1 = math.atan2(su1, cu1 * ca1)
    sin_alpha = cu1 * sa1
    cos2_alpha = 1.0 - sin_alpha * sin_alpha
    big_a, big_b = _vincenty_ab(cos2_alpha, a, b)
    sigma0 = s_m / (b * big_a)
    sigma = sigma0
    c2sm = math.cos(2.0 * sigma1 + sigma)
    for _ in range(_VINCENTY_MAX_ITER):
        c2sm = math.cos(2.0 * sigma1 + sigma)
        sigma_prev = sigma
        sigma = sigma0 + _delta_sigma(big_b, math.sin(sigma), math.cos(sigma), c2sm)
        if abs(sigma - sigma_prev) < _VINCENTY_TOL:
            break
    c2sm = math.cos(2.0 * sigma1 + sigma)
    sin_s, cos_s = math.sin(sigma), math.cos(sigma)
    tmp = su1 * sin_s - cu1 * cos_s * ca1
    lat2 = math.atan2(
        su1 * cos_s + cu1 * sin_s * ca1,
        (1.0 - f) * math.sqrt(sin_alpha * sin_alpha + tmp * tmp),
    )
    lam = math.atan2(sin_s * sa1, cu1 * cos_s - su1 * sin_s * ca1)
    c = f / 16.0 * cos2_alpha * (4.0 + f * (4.0 - 3.0 * cos2_alpha))
    big_l = lam - (1.0 - c) * f * sin_alpha * (
        sigma + c * sin_s * (c2sm + c * cos_s * (-1.0 + 2.0 * c2sm * c2sm))
    )
    return lat2, _wrap_pi(lon1 + big_l), math.atan2(sin_alpha, -tmp)
