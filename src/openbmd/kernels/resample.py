"""Resample recorded flights onto a common time grid (numba).

The flight kernel records inertial states (t, r, v) at its integration steps.
Between two steps the position is the cubic Hermite interpolant of (r, v) at
both ends (error O(h^4): metres over a 30 s coasting step, where linear
interpolation would be off by ~1 km) and the velocity its derivative; both are
then turned into Earth-fixed axes and the Earth-relative velocity
v_rel = R(t) (v - w x r).  Grid times after impact are NaN.
"""
from __future__ import annotations

import math

import numba


@numba.njit(cache=True, parallel=True)
def hermite_resample(hist, hist_n, t_grid, omega, X, V):
    n = hist_n.size
    N = t_grid.size
    for i in numba.prange(n):
        m = hist_n[i]
        j = 0
        for k in range(N):
            t = t_grid[k]
            if m < 2 or t > hist[i, m - 1, 0] or t < hist[i, 0, 0]:
                for c in range(3):
                    X[i, k, c] = math.nan
                    V[i, k, c] = math.nan
                continue
            while j < m - 2 and hist[i, j + 1, 0] < t:
                j += 1
            t0 = hist[i, j, 0]
            h = hist[i, j + 1, 0] - t0
            s = (t - t0) / h if h > 0.0 else 0.0
            s2 = s * s
            s3 = s2 * s
            h00 = 2 * s3 - 3 * s2 + 1
            h10 = s3 - 2 * s2 + s
            h01 = -2 * s3 + 3 * s2
            h11 = s3 - s2
            d00 = (6 * s2 - 6 * s) / h if h > 0.0 else 0.0
            d10 = 3 * s2 - 4 * s + 1
            d01 = -d00
            d11 = 3 * s2 - 2 * s
            r = [0.0, 0.0, 0.0]
            v = [0.0, 0.0, 0.0]
            for c in range(3):
                r0 = hist[i, j, 1 + c]
                v0 = hist[i, j, 4 + c]
                r1 = hist[i, j + 1, 1 + c]
                v1 = hist[i, j + 1, 4 + c]
                r[c] = h00 * r0 + h10 * h * v0 + h01 * r1 + h11 * h * v1
                v[c] = d00 * r0 + d10 * v0 + d01 * r1 + d11 * v1
            # Earth-relative velocity in inertial axes, then both rotated into ECEF
            vx = v[0] + omega * r[1]
            vy = v[1] - omega * r[0]
            a = omega * t
            ca = math.cos(a)
            sa = math.sin(a)
            X[i, k, 0] = ca * r[0] + sa * r[1]
            X[i, k, 1] = -sa * r[0] + ca * r[1]
            X[i, k, 2] = r[2]
            V[i, k, 0] = ca * vx + sa * vy
            V[i, k, 1] = -sa * vx + ca * vy
            V[i, k, 2] = v[2]
