"""Country outlines from the shipped Natural Earth TopoJSON (no downloads).

A small decoder for the subset of TopoJSON that ``data/countries-50m.json``
uses (TopoJSON specification 1.0, sections 2.1.2-2.1.5 and 2.2.5): quantized,
delta-encoded arcs with a ``transform``; geometries that list arc indices,
where a negative index ``~i`` means arc ``i`` reversed; ``Polygon`` and
``MultiPolygon`` geometries whose first ring is the outline and the rest holes.
Data-level geometry: the land cells of ``openbmd.analyses.regions`` and the maps of
``openbmd.report`` both read it; point-in-polygon is matplotlib's ``Path`` (C code).
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from openbmd.errors import InputError

__all__ = ["Country", "countries", "country", "land", "decode_topojson", "wrap180"]

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
        """Whether each point lies inside an outer ring and outside every hole (planar in lon/lat)."""
        lat, lon = np.broadcast_arrays(np.asarray(lat_deg, dtype=float), np.asarray(lon_deg, dtype=float))
        pts = np.column_stack([lon.ravel(), lat.ravel()])
        inside = np.zeros(len(pts), dtype=bool)
        for ring in self.polygons:
            inside |= _ring_path(ring).contains_points(pts)
        for ring in self.holes:
            inside &= ~_ring_path(ring).contains_points(pts)
        return inside.reshape(lat.shape)

    def bbox_deg(self) -> tuple[float, float, float, float]:
        """(lon_min, lat_min, lon_max, lat_max) over the outer rings."""
        pts = np.concatenate(self.polygons)
        return (*pts.min(axis=0), *pts.max(axis=0))


def _ring_path(ring: np.ndarray):
    from matplotlib.path import Path

    return Path(ring)


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
