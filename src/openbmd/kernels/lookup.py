"""Fly-out table lookup kernel (numba): bilinear in (ground range, altitude), linear between azimuths.

Same rule as the numpy reference :func:`openbmd.interceptors.flyout._bilinear`:
NaN outside the grid, and a corner with zero weight never poisons the value
with its NaN; between two azimuth layers the value is linear in azimuth
(periodic), and a point exactly on a layer takes that layer alone.
One pass yields both tables (time and speed) for every point.
"""
from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, inline="always")
def _bil(tab, a, i, j, u, v):
    acc = 0.0
    w = (1.0 - u) * (1.0 - v)
    if w > 0.0:
        acc += w * tab[a, i, j]
    w = u * (1.0 - v)
    if w > 0.0:
        acc += w * tab[a, i + 1, j]
    w = (1.0 - u) * v
    if w > 0.0:
        acc += w * tab[a, i, j + 1]
    w = u * v
    if w > 0.0:
        acc += w * tab[a, i + 1, j + 1]
    return acc


@numba.njit(cache=True, parallel=True)
def lookup_azimuth(t_tab, s_tab, r0, dr, h0, dh, az0, daz, r, h, az, t_out, s_out):
    """Fill t_out/s_out (flat arrays) for flat query arrays r (km), h (km), az (deg)."""
    A, R, H = t_tab.shape
    for k in numba.prange(r.size):
        fx = (r[k] - r0) / dr
        fy = (h[k] - h0) / dh
        if not (fx >= 0.0 and fx <= R - 1 and fy >= 0.0 and fy <= H - 1) or not math.isfinite(az[k]):
            t_out[k] = np.nan
            s_out[k] = np.nan
            continue
        i = min(int(math.floor(fx)), R - 2)
        j = min(int(math.floor(fy)), H - 2)
        u = fx - i
        v = fy - j
        x = ((az[k] - az0) % 360.0) / daz
        a0 = int(math.floor(x)) % A
        a1 = (a0 + 1) % A
        w = x - math.floor(x)
        t0 = _bil(t_tab, a0, i, j, u, v)
        s0 = _bil(s_tab, a0, i, j, u, v)
        if w == 0.0:
            t_out[k] = t0
            s_out[k] = s0
        else:
            t_out[k] = (1.0 - w) * t0 + w * _bil(t_tab, a1, i, j, u, v)
            s_out[k] = (1.0 - w) * s0 + w * _bil(s_tab, a1, i, j, u, v)
