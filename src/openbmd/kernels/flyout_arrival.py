"""The fly-out table's earliest arrival between neighbouring kicks (numba), one pass per cell.

The same rule and the same floating-point operations, in the same order, as the array form it
replaced (:func:`openbmd.interceptors.flyout._interp_between_kicks`, kept as the reference of
tests/unit/test_flyout_arrival.py, which holds the two equal bit for bit): for range node j and
altitude node k, every pair of neighbouring kicks (l, l + 1) whose crossing altitudes of that
range bracket the node gives a time linear in altitude; the earliest finite one wins (the first
kick pair on a tie), with its speed interpolated the same way; NaN where no pair brackets it.
The array form made seven (kicks - 1, ranges, altitudes) temporaries per fan and azimuth: about
a fifth of the build of a table.
"""
from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True)
def earliest_between_kicks(ht, tt, vt, h_nodes, t_out, v_out):
    """``ht``/``tt``/``vt`` (L, R): altitude, time and speed where kick l first reaches range
    node j (NaN: never); fills ``t_out``/``v_out`` (R, H) for the altitude nodes ``h_nodes``."""
    n_kicks, n_range = ht.shape
    for j in range(n_range):
        for k in range(h_nodes.size):
            hn = h_nodes[k]
            best = np.inf
            best_l = -1
            best_f = 0.0
            for ln in range(n_kicks - 1):
                ha = ht[ln, j]
                hb = ht[ln + 1, j]
                if not ((hn - ha) * (hn - hb) <= 0.0):
                    continue
                f = (hn - ha) / (hb - ha) if hb != ha else 0.0
                t = tt[ln, j] + f * (tt[ln + 1, j] - tt[ln, j])
                if math.isfinite(t) and t < best:
                    best = t
                    best_l = ln
                    best_f = f
            if best_l < 0:
                t_out[j, k] = np.nan
                v_out[j, k] = np.nan
            else:
                t_out[j, k] = best
                v_out[j, k] = vt[best_l, j] + best_f * (vt[best_l + 1, j] - vt[best_l, j])
