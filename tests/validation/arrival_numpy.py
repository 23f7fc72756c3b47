"""The earliest arrival between neighbouring kicks written with numpy arrays: the transcription
the fly-out builder used before the compiled kernel (:mod:`openbmd.kernels.arrival`), kept as
its reference (tests/unit/test_interceptor_flyout.py) and as the "before" of
benchmarks/compare_flyout_families.py."""
from __future__ import annotations

import numpy as np


def interp_between_kicks(ht, tt, vt, h_nodes):
    """For each range node and altitude node, the earliest time over neighbouring-kick pairs
    whose crossing altitudes bracket the node (linear in altitude)."""
    ha, hb = ht[:-1, :, None], ht[1:, :, None]
    hn = h_nodes[None, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        brk = (hn - ha) * (hn - hb) <= 0.0
        f = np.where(hb != ha, (hn - ha) / (hb - ha), 0.0)
        t = np.where(brk, tt[:-1, :, None] + f * (tt[1:, :, None] - tt[:-1, :, None]), np.inf)
        v = vt[:-1, :, None] + f * (vt[1:, :, None] - vt[:-1, :, None])
    t = np.where(np.isfinite(t), t, np.inf)
    best = np.argmin(t, axis=0)
    tmin = np.take_along_axis(t, best[None], 0)[0]
    vmin = np.take_along_axis(v, best[None], 0)[0]
    reach = np.isfinite(tmin)
    return np.where(reach, tmin, np.nan), np.where(reach, vmin, np.nan)

