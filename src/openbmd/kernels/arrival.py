"""Fly-out table building kernel (numba): the earliest arrival between neighbouring kicks.

Same rule as the numpy transcription it replaced (tests/validation/arrival_numpy.py, its
reference in tests/validation/test_arrival_kernel.py): for each range node and altitude
node, every pair of neighbouring kicks whose crossing altitudes at that range bracket the
node (ends included) gives a time linear in altitude between the two; the earliest finite
one wins (the first pair on a tie), and its speed is interpolated with the same weight.
NaN where no pair brackets the node.  Each pair visits only the altitude nodes between its
two altitudes (found by bisection in the ascending ``h_nodes``), so the work grows with the
pairs and ranges, not with pairs x ranges x altitudes as the numpy form's temporaries did.
Serial: ~0.35 ms a call (48 kicks, 121 x 101 nodes); a prange over the ranges measured 16 ms
(the thread start-up dwarfs the work).
"""
from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True)
def earliest_between_kicks(ht, tt, vt, h_nodes, t_out, v_out):
    """``ht, tt, vt`` (L, R): altitude, time and speed where kick l first reaches range node r;
    ``h_nodes`` ascending; fills ``t_out, v_out`` (R, H)."""
    nh = h_nodes.size
    for r in range(ht.shape[1]):
        t_out[r, :] = np.inf
        v_out[r, :] = np.nan
        for p in range(ht.shape[0] - 1):
            ha, hb = ht[p, r], ht[p + 1, r]
            if not (math.isfinite(ha) and math.isfinite(hb)):
                continue
            k0 = max(np.searchsorted(h_nodes, min(ha, hb)) - 1, 0)
            k1 = min(np.searchsorted(h_nodes, max(ha, hb), side="right") + 1, nh)
            for k in range(k0, k1):
                hn = h_nodes[k]
                if not (hn - ha) * (hn - hb) <= 0.0:
                    continue
                f = (hn - ha) / (hb - ha) if hb != ha else 0.0
                t = tt[p, r] + f * (tt[p + 1, r] - tt[p, r])
                if math.isfinite(t) and t < t_out[r, k]:
                    t_out[r, k] = t
                    v_out[r, k] = vt[p, r] + f * (vt[p + 1, r] - vt[p, r])
        for k in range(nh):
            if not math.isfinite(t_out[r, k]):
                t_out[r, k] = np.nan
                v_out[r, k] = np.nan
