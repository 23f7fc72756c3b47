"""Ballistic states flown to a height, one state at a time (numba, SI).

The compiled twin of :func:`openbmd.center.fusion_ground.to_ground`'s numpy march: the same
motion (point mass + J2 gravity, Coriolis and centrifugal terms in the rotating Earth frame, and
below ``air_top_m`` optionally drag ``rho |v| v / (2 beta)`` with USSA-1976 density), the same
classical RK4 steps (``step_s`` above the air, ``air_step_s`` inside it with drag), the same
Newton steps on the height at the end. The numpy march moves all states together, so every state
pays for the longest flight and every step is a dozen array calls; here each state stops where it
crosses, and a fused picture's dozens of tracks x 12 sigma points take milliseconds, not the
~0.1-0.6 s per update of the numpy march (the live center's fusion worker spent ~90 % of its
time there).
"""
from __future__ import annotations

import math

import numba
import numpy as np

from openbmd.kernels.atmosphere import ussa76
from openbmd.kernels.geo import ecef_to_geodetic, gravity_j2


@numba.njit(cache=True)
def _accel(s, beta, air_top_m, earth, out):
    """d(state)/dt of s (6,) into out (6,); ``beta`` <= 0: no drag.
    earth = (a, e2, mu, j2, omega)."""
    a, e2, mu, j2, w = earth[0], earth[1], earth[2], earth[3], earth[4]
    gx, gy, gz = gravity_j2(s[0], s[1], s[2], mu, j2, a)
    out[0], out[1], out[2] = s[3], s[4], s[5]
    out[3] = gx + 2.0 * w * s[4] + w * w * s[0]
    out[4] = gy - 2.0 * w * s[3] + w * w * s[1]
    out[5] = gz
    if beta > 0.0:
        h = ecef_to_geodetic(s[0], s[1], s[2], a, e2)[2]
        if h < air_top_m:
            rho = ussa76(max(h, 0.0))[0]
            k = 0.5 * rho * math.sqrt(s[3] * s[3] + s[4] * s[4] + s[5] * s[5]) / beta
            out[3] -= k * s[3]
            out[4] -= k * s[4]
            out[5] -= k * s[5]


@numba.njit(cache=True)
def _rk4(s, h, beta, air_top_m, earth, k1, k2, k3, k4, tmp):
    """One classical RK4 step of h seconds, in place on s (6,)."""
    _accel(s, beta, air_top_m, earth, k1)
    for i in range(6):
        tmp[i] = s[i] + 0.5 * h * k1[i]
    _accel(tmp, beta, air_top_m, earth, k2)
    for i in range(6):
        tmp[i] = s[i] + 0.5 * h * k2[i]
    _accel(tmp, beta, air_top_m, earth, k3)
    for i in range(6):
        tmp[i] = s[i] + h * k3[i]
    _accel(tmp, beta, air_top_m, earth, k4)
    for i in range(6):
        s[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])


@numba.njit(cache=True)
def _fly(s, dt, max_step_s, beta, air_top_m, earth, k1, k2, k3, k4, tmp):
    """s moved by dt seconds in equal RK4 sub-steps of at most ``max_step_s``."""
    n = max(1, int(math.ceil(abs(dt) / max_step_s)))
    for _ in range(n):
        _rk4(s, dt / n, beta, air_top_m, earth, k1, k2, k3, k4, tmp)


@numba.njit(cache=True)
def _height(s, earth):
    return ecef_to_geodetic(s[0], s[1], s[2], earth[0], earth[1])[2]


@numba.njit(cache=True)
def _climb(s, earth):
    lat, lon, _ = ecef_to_geodetic(s[0], s[1], s[2], earth[0], earth[1])
    return (math.cos(lat) * math.cos(lon) * s[3] + math.cos(lat) * math.sin(lon) * s[4]
            + math.sin(lat) * s[5])


@numba.njit(cache=True)
def _march(s, sign, floor_m, step_s, sub_s, t_left, beta, air_top_m, earth, k1, k2, k3, k4, tmp, nxt):
    """Steps of sign * step_s until the next would go below floor_m: s is left at the last state
    above it. Returns (time flown, crossed)."""
    flown = 0.0
    if _height(s, earth) < floor_m:
        return flown, True
    while abs(flown) < t_left:
        for i in range(6):
            nxt[i] = s[i]
        _fly(nxt, sign * step_s, sub_s, beta, air_top_m, earth, k1, k2, k3, k4, tmp)
        if not _height(nxt, earth) < floor_m:   # NaN counts as above: it never crosses
            for i in range(6):
                s[i] = nxt[i]
            flown += sign * step_s
            if not math.isfinite(nxt[0]):
                return flown, False
        else:
            return flown, True
    return flown, False


@numba.njit(cache=True)
def _refine(s, floor_m, sub_s, beta, air_top_m, earth, k1, k2, k3, k4, tmp, xi, iterations):
    """Newton steps on the height: s moved to height floor_m; returns the time added."""
    tau = 0.0
    for _ in range(iterations):
        for i in range(6):
            xi[i] = s[i]
        _fly(xi, tau, sub_s, beta, air_top_m, earth, k1, k2, k3, k4, tmp)
        climb = _climb(xi, earth)
        if abs(climb) <= 1e-3:
            climb = -1e-3
        tau -= (_height(xi, earth) - floor_m) / climb
    _fly(s, tau, sub_s, beta, air_top_m, earth, k1, k2, k3, k4, tmp)
    return tau


@numba.njit(cache=True, nogil=True)  # the center's HTTP threads run on while its fusion worker flies
def fly_to_ground(x, sign, beta, earth, step_s, sub_s, air_step_s, drag_sub_s, air_top_m, max_flight_s):
    """States x (N, 6) (ECEF m, Earth-relative m/s) flown by ``sign`` (+1 forwards, -1 backwards)
    to height 0: (ground states (N, 6), signed time flown (N,), ok (N,)). With ``beta`` > 0 the
    flight below ``air_top_m`` has drag, stepped by ``air_step_s`` in sub-steps of ``drag_sub_s``;
    above (or without drag) steps of ``step_s`` in sub-steps of ``sub_s``."""
    n = x.shape[0]
    out = x.copy()
    t_out = np.zeros(n)
    ok = np.zeros(n, dtype=np.bool_)
    k1, k2, k3, k4 = np.empty(6), np.empty(6), np.empty(6), np.empty(6)
    tmp, nxt, xi = np.empty(6), np.empty(6), np.empty(6)
    for j in range(n):
        s = out[j]
        if beta > 0.0:
            high = _height(s, earth) >= air_top_m
            t, crossed = _march(s, sign, air_top_m, step_s, sub_s, max_flight_s, 0.0, air_top_m, earth,
                                k1, k2, k3, k4, tmp, nxt)
            if high:
                t += _refine(s, air_top_m, sub_s, 0.0, air_top_m, earth, k1, k2, k3, k4, tmp, xi, 4)
            ta, crossed2 = _march(s, sign, 0.0, air_step_s, drag_sub_s, max_flight_s - abs(t), beta, air_top_m,
                                  earth, k1, k2, k3, k4, tmp, nxt)
            t += ta
            crossed = crossed and crossed2
            t += _refine(s, 0.0, drag_sub_s, beta, air_top_m, earth, k1, k2, k3, k4, tmp, xi, 4)
        else:
            t, crossed = _march(s, sign, 0.0, step_s, sub_s, max_flight_s, 0.0, air_top_m, earth,
                                k1, k2, k3, k4, tmp, nxt)
            t += _refine(s, 0.0, sub_s, 0.0, air_top_m, earth, k1, k2, k3, k4, tmp, xi, 4)
        finite = True
        for i in range(6):
            finite = finite and math.isfinite(s[i])
        t_out[j] = t
        ok[j] = crossed and finite and abs(_height(s, earth)) < 10.0
    return out, t_out, ok
