"""The flight kernel's events inside one step: burnout state, apogee and ground impact.

Cubic Hermite interpolation of a Dormand-Prince step (position and velocity at both ends
and their derivatives), golden-section search for the apogee, bisection for geodetic
altitude zero.  Plain numbers, compiled with numba; used by :mod:`openbmd.kernels.flight`.
"""
from __future__ import annotations

import math

from numba import njit

from openbmd.kernels.flight_rhs import (E_A, E_E2, E_OMEGA, O_GAMBO, O_HBO, O_LATBO, O_LONBO, O_TBO, O_VBO,
                                        _to_ecef)
from openbmd.kernels.geo import ecef_to_geodetic

@njit(cache=True)
def _hermite(s, dt, y0, f0, y1, f1, out):
    """Cubic Hermite interpolation of position and velocity at fraction s of a step."""
    s2 = s * s
    s3 = s2 * s
    h00 = 2 * s3 - 3 * s2 + 1
    h10 = s3 - 2 * s2 + s
    h01 = -2 * s3 + 3 * s2
    h11 = s3 - s2
    for i in range(6):
        out[i] = h00 * y0[i] + h10 * dt * f0[i] + h01 * y1[i] + h11 * dt * f1[i]


@njit(cache=True)
def _geo_at(t, p, earth):
    xe, ye, ze = _to_ecef(t, p[0], p[1], p[2], earth[E_OMEGA])
    return ecef_to_geodetic(xe, ye, ze, earth[E_A], earth[E_E2])


@njit(cache=True)
def _rel_speed_angle(t, y, earth):
    """Earth-relative speed (m/s) and flight-path angle above the local (geodetic) horizontal."""
    om = earth[E_OMEGA]
    wx = y[3] + om * y[1]
    wy = y[4] - om * y[0]
    wz = y[5]
    lat, lon, h = _geo_at(t, y, earth)
    c = math.cos(om * t)
    s = math.sin(om * t)
    cl = math.cos(lat)
    ux, uy, uz = cl * math.cos(lon), cl * math.sin(lon), math.sin(lat)
    uix, uiy = c * ux - s * uy, s * ux + c * uy
    v = math.sqrt(wx * wx + wy * wy + wz * wz)
    if v <= 0.0:
        return 0.0, math.pi / 2, lat, lon, h
    sg = (wx * uix + wy * uiy + wz * uz) / v
    return v, math.asin(min(1.0, max(-1.0, sg))), lat, lon, h


@njit(cache=True, inline="always")
def _central_angle(ax, ay, az, bx, by, bz):
    cx = ay * bz - az * by
    cy = az * bx - ax * bz
    cz = ax * by - ay * bx
    return math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz)


@njit(cache=True)
def _record_burnout(t, y, out, ln, earth):
    v, gam, lat, lon, h = _rel_speed_angle(t, y, earth)
    out[ln, O_TBO] = t
    out[ln, O_HBO] = h
    out[ln, O_VBO] = v
    out[ln, O_GAMBO] = gam
    out[ln, O_LATBO] = lat
    out[ln, O_LONBO] = lon


@njit(cache=True)
def _refine_apogee(t0, dt, y0, f0, y1, f1, earth, tmp):
    """Golden-section search of the geodetic-altitude maximum inside one step."""
    g = 0.6180339887498949
    lo, hi = 0.0, 1.0
    for _ in range(32):
        m1 = hi - g * (hi - lo)
        m2 = lo + g * (hi - lo)
        _hermite(m1, dt, y0, f0, y1, f1, tmp)
        h1 = _geo_at(t0 + m1 * dt, tmp, earth)[2]
        _hermite(m2, dt, y0, f0, y1, f1, tmp)
        h2 = _geo_at(t0 + m2 * dt, tmp, earth)[2]
        if h1 < h2:
            lo = m1
        else:
            hi = m2
    s = 0.5 * (lo + hi)
    _hermite(s, dt, y0, f0, y1, f1, tmp)
    return t0 + s * dt, _geo_at(t0 + s * dt, tmp, earth)[2]


@njit(cache=True)
def _locate_impact(t0, dt, y0, f0, y1, f1, earth, tmp):
    """Bisection for geodetic altitude 0 inside one step (h(t0) >= 0 > h(t0+dt))."""
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        _hermite(mid, dt, y0, f0, y1, f1, tmp)
        if _geo_at(t0 + mid * dt, tmp, earth)[2] >= 0.0:
            lo = mid
        else:
            hi = mid
    s = 0.5 * (lo + hi)
    _hermite(s, dt, y0, f0, y1, f1, tmp)
    return t0 + s * dt
