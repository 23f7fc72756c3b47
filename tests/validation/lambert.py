"""An independent vacuum Lambert solver and the minimum burnout speed it implies.

Written for the tests from the textbook, not from openbmd: the universal-variable
formulation with Stumpff functions (Curtis, *Orbital Mechanics for Engineering
Students*, 3rd ed., Algorithm 5.2; Vallado, *Fundamentals of Astrodynamics*, 4th ed.,
Algorithm 58), zero revolutions, the short way (transfer angle below 180 deg, the
prograde sense of the chord), solved for the universal variable z by bisection on
the monotonic time of flight (slow, but it cannot miss a root).  Point-mass Earth,
no air: the reference every real fly-out must be slower than (less the losses).

:func:`lambert` gives (v1, v2) for r1 -> r2 in dt.  :func:`min_launch_speed_m_s` gives
the speed a projectile needs at a site on the surface of a sphere to be at a target point
``dt`` after launch: on the non-rotating sphere it is |v1|; on the turning Earth the
site already moves with omega x r1 in the inertial frame, and the target point turns
with the Earth during dt, so the Earth-relative launch speed is |v1 - omega x r1|
with r2 taken where the point will be at dt.
"""
from __future__ import annotations

import math

import numpy as np

MU_EARTH = 3.986004418e14  #: m^3/s^2 (WGS-84 GM)
OMEGA_EARTH = 7.292115e-5  #: rad/s (WGS-84)
R_SPHERE = 6371008.8  #: m, the mean Earth radius (IUGG)


def stumpff_c(z: float) -> float:
    if z > 1e-8:
        return (1.0 - math.cos(math.sqrt(z))) / z
    if z < -1e-8:
        return (math.cosh(math.sqrt(-z)) - 1.0) / (-z)
    return 0.5 - z / 24.0 + z * z / 720.0


def stumpff_s(z: float) -> float:
    if z > 1e-8:
        s = math.sqrt(z)
        return (s - math.sin(s)) / s ** 3
    if z < -1e-8:
        s = math.sqrt(-z)
        return (math.sinh(s) - s) / s ** 3
    return 1.0 / 6.0 - z / 120.0 + z * z / 5040.0


def lambert(r1, r2, dt: float, mu: float = MU_EARTH, prograde_normal=None):
    """(v1, v2) of the zero-revolution conic from r1 to r2 (m) in dt (s).

    The transfer goes the short way unless ``prograde_normal`` is given, in which case
    the sense of motion is the one whose angular momentum points along it (Curtis 5.2).
    """
    r1, r2 = np.asarray(r1, float), np.asarray(r2, float)
    n1, n2 = np.linalg.norm(r1), np.linalg.norm(r2)
    cos_dth = np.clip(np.dot(r1, r2) / (n1 * n2), -1.0, 1.0)
    dth = math.acos(cos_dth)
    if prograde_normal is not None and np.dot(np.cross(r1, r2), prograde_normal) < 0:
        dth = 2.0 * math.pi - dth
    A = math.sin(dth) * math.sqrt(n1 * n2 / (1.0 - cos_dth))

    def y(z):
        return n1 + n2 + A * (z * stumpff_s(z) - 1.0) / math.sqrt(stumpff_c(z))

    def tof(z):
        yz = y(z)
        if yz < 0:
            return -np.inf
        chi = math.sqrt(yz / stumpff_c(z))
        return (chi ** 3 * stumpff_s(z) + A * math.sqrt(yz)) / math.sqrt(mu)

    lo, hi = -4.0 * math.pi ** 2, 4.0 * math.pi ** 2 - 1e-9  # z < (2 pi)^2: zero revolutions
    while tof(lo) > dt:  # very fast transfers: deep hyperbolic
        lo *= 2.0
    # where y(z) < 0 no orbit exists (tof = -inf): bisection treats it as "too short"
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if tof(mid) < dt:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, abs(mid)):
            break
    z = 0.5 * (lo + hi)
    yz = y(z)
    f = 1.0 - yz / n1
    g = A * math.sqrt(yz / mu)
    gdot = 1.0 - yz / n2
    v1 = (r2 - f * r1) / g
    v2 = (gdot * r2 - r1) / g
    return v1, v2


def site_vector(lat_deg: float, lon_deg: float, radius_m: float) -> np.ndarray:
    la, lo = math.radians(lat_deg), math.radians(lon_deg)
    return radius_m * np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])


def point_at(lat_deg: float, range_m: float, azimuth_deg: float, alt_m: float,
             radius_m: float = R_SPHERE) -> np.ndarray:
    """Great-circle point at ground range ``range_m`` toward ``azimuth_deg`` from (lat, 0), at ``alt_m``."""
    d = range_m / radius_m
    la1, az = math.radians(lat_deg), math.radians(azimuth_deg)
    la2 = math.asin(math.sin(la1) * math.cos(d) + math.cos(la1) * math.sin(d) * math.cos(az))
    lo2 = math.atan2(math.sin(az) * math.sin(d) * math.cos(la1), math.cos(d) - math.sin(la1) * math.sin(la2))
    return site_vector(math.degrees(la2), math.degrees(lo2), radius_m + alt_m)


def min_launch_speed_m_s(lat_deg: float, range_m: float, azimuth_deg: float, alt_m: float, dt: float, *,
                         rotating: bool, radius_m: float = R_SPHERE, mu: float = MU_EARTH,
                         omega: float = OMEGA_EARTH) -> float:
    """Speed relative to the ground at a site on the sphere's surface (lat, 0) that puts a projectile
    at the point (ground range, azimuth, altitude) ``dt`` after launch: impulsive, vacuum.

    On the turning Earth the point is fixed to the Earth, so in the inertial frame (= Earth-fixed at
    launch) it has turned by omega*dt about the pole when the projectile arrives; the site moves
    with omega x r1, which the projectile has for free."""
    r1 = site_vector(lat_deg, 0.0, radius_m)
    r2 = point_at(lat_deg, range_m, azimuth_deg, alt_m, radius_m)
    w = omega if rotating else 0.0
    if w:
        c, s = math.cos(w * dt), math.sin(w * dt)
        r2 = np.array([c * r2[0] - s * r2[1], s * r2[0] + c * r2[1], r2[2]])
    v1, _ = lambert(r1, r2, dt, mu)
    return float(np.linalg.norm(v1 - np.cross([0.0, 0.0, w], r1)))
