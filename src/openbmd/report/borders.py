"""Country outlines from the shipped Natural Earth TopoJSON (no downloads).

A small decoder for the subset of TopoJSON that ``data/countries-50m.json``
uses (TopoJSON specification 1.0, sections 2.1.2-2.1.5 and 2.2.5): quantized,
delta-encoded arcs with a ``transform``; geometries that list arc indices,
where a negative index ``~i`` means arc ``i`` reversed; ``Polygon`` and
``MultiPolygon`` geometries whose first ring is the outline and the rest holes.
Presentation only: nothing here enters a computation.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from openbmd.errors import InputError

__all__ = ["Country", "countries", "country", "land", "land_fill_rings", "decode_topojson", "wrap180"]

BORDERS_FILE = "countries-50m.json"


@dataclass(frozen=True, kw_only=True)
class Country:
    """One country (or the merged land) as lon/lat rings in degrees.

    ``polygons`` are the outer rings, ``holes`` the inner rings (enclaves,
    lakes); each is an (N, 2) array of (lon_deg, lat_deg), first point repeated
    at the end.
    """

    name: str
    polygons: tuple[np.ndarray, ...]
    holes: tuple[np.ndarray, ...] = ()

    def contains(self, lat_deg, lon_deg) -> np.ndarray:
        """Whether each point lies inside an outer ring and outside every hole."""
        lat = np.asarray(lat_deg, dtype=float)
        lon = np.asarray(lon_deg, dtype=float)
        inside = np.zeros(np.broadcast(lat, lon).shape, dtype=bool)
        for ring in self.polygons:
            inside |= _in_ring(ring, lon, lat)
        for ring in self.holes:
            inside &= ~_in_ring(ring, lon, lat)
        return inside

    def bbox_deg(self) -> tuple[float, float, float, float]:
        """(lon_min, lat_min, lon_max, lat_max) over the outer rings."""
        pts = np.concatenate(self.polygons)
        return (*pts.min(axis=0), *pts.max(axis=0))


def _in_ring(ring: np.ndarray, x, y) -> np.ndarray:
    """Even-odd ray casting (planar, in lon/lat) of points (x, y) against a ring."""
    x0, y0 = ring[:-1, 0], ring[:-1, 1]
    x1, y1 = ring[1:, 0], ring[1:, 1]
    xs, ys = np.expand_dims(x, -1), np.expand_dims(y, -1)
    straddles = (y0 > ys) != (y1 > ys)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = x0 + (ys - y0) * (x1 - x0) / (y1 - y0)
    return np.count_nonzero(straddles & (xs < x_cross), axis=-1) % 2 == 1


def _decode_arcs(topology: dict) -> list[np.ndarray]:
    """Absolute lon/lat arcs: undo the delta encoding, then the quantization."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        pts = np.asarray(arc, dtype=float)[:, :2]
        if transform is not None:  # spec 2.1.2: quantized positions are deltas
            pts = np.cumsum(pts, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(pts)
    return arcs


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """Stitch arcs into one closed ring; ``~i`` (negative) reverses arc i."""
    parts = []
    for k, index in enumerate(indices):
        pts = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(pts if k == 0 else pts[1:])  # shared end point once
    ring = np.concatenate(parts)
    if not np.array_equal(ring[0], ring[-1]):
        ring = np.vstack([ring, ring[:1]])
    return ring


def _geometry_rings(arcs, geometry: dict) -> tuple[list, list]:
    """Outer rings and holes of a Polygon or MultiPolygon geometry."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:  # e.g. a null geometry: nothing to draw
        return [], []
    outers, holes = [], []
    for polygon in polygons:
        outers.append(_ring(arcs, polygon[0]))
        holes.extend(_ring(arcs, r) for r in polygon[1:])
    return outers, holes


def decode_topojson(topology: dict, object_name: str) -> list[Country]:
    """Decode one GeometryCollection of a TopoJSON topology into countries."""
    if object_name not in topology.get("objects", {}):
        allowed = ", ".join(sorted(topology.get("objects", {})))
        raise InputError(f"TopoJSON has no object {object_name!r}; it has: {allowed}")
    arcs = _decode_arcs(topology)
    obj = topology["objects"][object_name]
    geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    out = []
    for geometry in geometries:
        outers, holes = _geometry_rings(arcs, geometry)
        if outers:
            name = geometry.get("properties", {}).get("name", object_name)
            out.append(Country(name=name, polygons=tuple(outers), holes=tuple(holes)))
    return out


@functools.lru_cache(maxsize=1)
def _topology() -> dict:
    text = resources.files("openbmd.data").joinpath(BORDERS_FILE).read_text("utf-8")
    return json.loads(text)


@functools.lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """All Natural Earth 1:50m countries (decoded once, then cached)."""
    return tuple(decode_topojson(_topology(), "countries"))


@functools.lru_cache(maxsize=1)
def land() -> Country:
    """The merged land of the world as one multi-polygon (cached)."""
    (merged,) = decode_topojson(_topology(), "land")
    return merged


def country(name: str) -> Country:
    """The country with this Natural Earth name (e.g. "France")."""
    for c in countries():
        if c.name.casefold() == name.casefold():
            return c
    raise InputError(f"unknown country {name!r}; use a Natural Earth name such as 'France'")


def wrap180(deg):
    """Longitude difference(s) folded into [-180, 180) degrees."""
    return (np.asarray(deg) + 180.0) % 360.0 - 180.0


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
