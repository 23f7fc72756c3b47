"""Land outlines for drawing: the shipped borders (:mod:`openbmd.geo.borders`) cut for filling.

The decoder and the country outlines live in :mod:`openbmd.geo.borders` (computation reads them
too); this module adds what only a map needs: rings cut at the antimeridian so that a projected
fill does not streak across the map.  Its names ``Country``, ``countries``, ``country``, ``land``,
``decode_topojson`` and ``wrap180`` are those of :mod:`openbmd.geo.borders`.
"""
from __future__ import annotations

import functools

import numpy as np

from openbmd.geo.borders import Country, countries, country, decode_topojson, land, wrap180

__all__ = ["Country", "countries", "country", "land", "land_fill_rings", "decode_topojson", "wrap180"]


def _clip_half(xy: np.ndarray, limit: float, keep_below: bool) -> np.ndarray:
    """Sutherland-Hodgman clip of a closed ring (first point repeated) to the
    half-plane lon <= limit (or >= limit), vectorised over the edges."""
    a, b = xy[:-1], xy[1:]
    ina = a[:, 0] <= limit if keep_below else a[:, 0] >= limit
    inb = b[:, 0] <= limit if keep_below else b[:, 0] >= limit
    with np.errstate(invalid="ignore", divide="ignore"):  # t is used only where ends differ
        t = (limit - a[:, 0]) / (b[:, 0] - a[:, 0])
        cross = np.column_stack([np.full(len(a), limit), a[:, 1] + t * (b[:, 1] - a[:, 1])])
    out = np.stack([a, cross], axis=1)[np.column_stack([ina, ina != inb])]
    return np.vstack([out, out[:1]]) if len(out) >= 3 else np.empty((0, 2))


def _cut_at_antimeridian(ring: np.ndarray) -> list[np.ndarray]:
    """Split a lon/lat ring that crosses +-180 deg into rings inside [-180, 180];
    a ring that winds once around a pole is closed along that pole first."""
    lon = ring[0, 0] + np.r_[0.0, np.cumsum(wrap180(np.diff(ring[:, 0])))]
    xy = np.column_stack([lon, ring[:, 1]])
    turn = lon[-1] - lon[0]
    if abs(turn) > 180:  # encloses a pole: go to it, along it, and back
        pole = -90.0 if ring[:, 1].mean() < 0 else 90.0
        xy = np.vstack([xy, [[lon[-1], pole], [lon[0], pole]], xy[:1]])
    if xy[:, 0].min() >= -180 and xy[:, 0].max() <= 180:
        return [xy]
    pieces = []
    for k in range(int(np.floor((xy[:, 0].min() + 180) / 360)), int(np.ceil((xy[:, 0].max() - 180) / 360)) + 1):
        piece = _clip_half(_clip_half(xy, 180 + 360 * k, True), -180 + 360 * k, False)
        if len(piece):
            pieces.append(piece - [360 * k, 0])
    return pieces


@functools.lru_cache(maxsize=1)
def land_fill_rings() -> tuple[tuple[np.ndarray, bool], ...]:
    """The land as (ring, is_outer) pairs, cut at the antimeridian for filling."""
    merged = land()
    return tuple((piece, outer) for rings, outer in ((merged.polygons, True), (merged.holes, False))
                 for ring in rings for piece in _cut_at_antimeridian(ring))
