"""Meridians and parallels of a map, labelled where they leave its bottom and left edges."""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from openbmd.report.maps import GRID, MERIDIANS_DEG, PARALLELS_DEG, _base_layer, _indexed_pieces

__all__ = ["draw_graticule"]

MIN_TICK_GAP = 0.055  #: labels closer than this share of the axis (converging meridians) are dropped


def draw_graticule(ax, crs: str, box) -> None:
    """Meridians and parallels, labelled where they leave the bottom and left edges."""
    x0, x1, y0, y1 = box
    m_pieces = _indexed_pieces(_base_layer("meridians", crs), box)
    p_pieces = _indexed_pieces(_base_layer("parallels", crs), box)
    ax.add_collection(LineCollection([p for _, p in m_pieces + p_pieces], colors=GRID,
                                     linewidths=0.5, zorder=1.5))  # above the land fill
    xticks = {x: _deg_label(MERIDIANS_DEG[i], "EW") for i, p in m_pieces for x in _crossings(p, 1, y0, 0, x0, x1)}
    yticks = {y: _deg_label(PARALLELS_DEG[i], "NS") for i, p in p_pieces for y in _crossings(p, 0, x0, 1, y0, y1)}
    xticks, yticks = _thinned(xticks, MIN_TICK_GAP * (x1 - x0)), _thinned(yticks, MIN_TICK_GAP * (y1 - y0))
    ax.set_xticks(list(xticks), list(xticks.values()))
    ax.set_yticks(list(yticks), list(yticks.values()))
    ax.tick_params(length=0, labelsize=8, labelcolor="#5B6570", pad=3)


def _crossings(piece, axis: int, level: float, other: int, lo: float, hi: float) -> list[float]:
    """Where a projected polyline crosses coordinate[axis] == level within [lo, hi]."""
    a, b = piece[:-1], piece[1:]
    s = (a[:, axis] - level) * (b[:, axis] - level)
    idx = np.flatnonzero(s < 0)
    t = (level - a[idx, axis]) / (b[idx, axis] - a[idx, axis])
    hits = a[idx, other] + t * (b[idx, other] - a[idx, other])
    return [float(h) for h in hits if lo <= h <= hi]


def _deg_label(value: float, hemis: str) -> str:
    v = (value + 180) % 360 - 180 if hemis == "EW" else value
    if v == 0 or abs(v) == 180:
        return f"{abs(v):.0f}°"
    return f"{abs(v):.0f}°{hemis[0] if v > 0 else hemis[1]}"


def _thinned(ticks: dict, gap: float) -> dict:
    """Ticks at least ``gap`` apart, kept from the low end (where meridians converge on an
    edge, their labels would print over each other)."""
    kept: dict = {}
    for pos in sorted(ticks):
        if not kept or pos - max(kept) >= gap:
            kept[pos] = ticks[pos]
    return kept
