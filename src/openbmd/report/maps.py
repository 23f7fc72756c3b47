"""Offline range-ring maps: matplotlib (Agg) + pyproj over Natural Earth borders.

Presentation only: rings arrive as lon/lat samples computed elsewhere; this
module densifies them along great circles, projects them, cuts them where the
projection tears (antimeridian, antipode of an azimuthal projection) and keeps
what falls on the map.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from openbmd import __version__
from openbmd.errors import InputError
from openbmd.report import borders

__all__ = ["RingSpec", "draw_range_ring_map", "project_lonlat", "densify_great_circle"]

log = logging.getLogger(__name__)

MAP_FORMATS = (".png", ".svg", ".pdf")
# Okabe & Ito (2008) colour-blind-safe palette, without black and yellow.
RING_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D")
SITE_STYLES = ("-", (0, (6, 3)), (0, (6, 2, 1.5, 2)), (0, (1.5, 2)), (0, (10, 2, 2, 2, 2, 2)))
SITE_MARKERS = ("^", "s", "D", "o", "v", "P")
OCEAN, LAND, BORDER, COAST, GRID = "#EEF3F7", "#E4E1D8", "#FFFFFF", "#9A968C", "#B8C4CF"
MERIDIANS_DEG = np.arange(-180.0, 180.0, 10.0)  # graticule every 10 deg
PARALLELS_DEG = np.arange(-80.0, 81.0, 10.0)
BREAK_RATIO = 0.25  # projected-midpoint offset / projected length that marks a tear


@dataclass(frozen=True, eq=False)
class RingSpec:
    """One range ring to draw: lon/lat samples (degrees) around a launch site."""

    label: str
    site_lat_deg: float
    site_lon_deg: float
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    color: str | None = None
    site_name: str = ""

    def __post_init__(self):
        lat = np.asarray(self.lat_deg, dtype=float)
        lon = np.asarray(self.lon_deg, dtype=float)
        if lat.ndim != 1 or lat.shape != lon.shape or lat.size < 3:
            raise InputError(f"ring {self.label!r}: lat_deg and lon_deg must be 1-D of equal length >= 3")
        if not (np.all(np.isfinite(lat)) and np.all(np.isfinite(lon)) and np.all(np.abs(lat) <= 90)):
            raise InputError(f"ring {self.label!r}: coordinates must be finite with |lat_deg| <= 90")
        object.__setattr__(self, "lat_deg", lat)
        object.__setattr__(self, "lon_deg", lon)

    @property
    def site_key(self) -> tuple[float, float]:
        return (round(float(self.site_lat_deg), 4), round(float(self.site_lon_deg), 4))

    @property
    def site_label(self) -> str:
        """The site name, or its coordinates when unnamed."""
        if self.site_name:
            return self.site_name
        lat, lon = self.site_key
        return f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"


# ---------------------------------------------------------------- geometry
@functools.lru_cache(maxsize=16)
def _transformer(crs: str) -> Transformer:
    try:
        return Transformer.from_crs("EPSG:4326", CRS.from_user_input(crs), always_xy=True)
    except CRSError as exc:
        raise InputError(f"unknown map CRS {crs!r}; use e.g. 'EPSG:3035' or 'EPSG:4326'") from exc


def project_lonlat(lon_deg, lat_deg, crs: str = "EPSG:3035") -> tuple[np.ndarray, np.ndarray]:
    """Project WGS-84 lon/lat (degrees) to ``crs`` (always_xy); inf where undefined."""
    x, y = _transformer(crs).transform(np.asarray(lon_deg, float), np.asarray(lat_deg, float))
    return np.asarray(x, float), np.asarray(y, float)


def _unit_vectors(lon_deg, lat_deg) -> np.ndarray:
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def _lonlat(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    return np.degrees(np.arctan2(v[..., 1], v[..., 0])), np.degrees(np.arcsin(np.clip(v[..., 2], -1, 1)))


def densify_great_circle(lon_deg, lat_deg, max_step_deg: float = 0.5):
    """Insert points along the great circle between samples, <= max_step_deg apart."""
    v = _unit_vectors(lon_deg, lat_deg)
    a, b = v[:-1], v[1:]
    theta = np.arccos(np.clip(np.sum(a * b, axis=-1), -1.0, 1.0))
    n = np.maximum(1, np.ceil(np.degrees(theta) / max_step_deg)).astype(int)
    seg = np.repeat(np.arange(len(n)), n)
    t = (np.arange(seg.size) - np.repeat(np.cumsum(n) - n, n)) / n[seg]
    th = theta[seg][:, None]
    small = th < 1e-9
    sin_th = np.where(small, 1.0, np.sin(th))
    wa = np.where(small, 1 - t[:, None], np.sin((1 - t[:, None]) * th) / sin_th)
    wb = np.where(small, t[:, None], np.sin(t[:, None] * th) / sin_th)
    lon, lat = _lonlat(np.vstack([wa * a[seg] + wb * b[seg], v[-1:]]))
    return lon, lat


def _tears(lon, lat, x, y, crs: str, *, pole_edges: bool = False) -> np.ndarray:
    """Segments the projection tears: a point is undefined, or the projected
    great-circle midpoint lies far off the projected chord (the segment jumps
    across a seam such as the antimeridian or an azimuthal antipode). A
    zero-length segment whose ends project apart (one point drawn twice, e.g.
    at +-180 deg) tears too, unless ``pole_edges`` (closing a filled polygon
    along a pole)."""
    va, vb = _unit_vectors(lon[:-1], lat[:-1]), _unit_vectors(lon[1:], lat[1:])
    mid = va + vb
    degenerate = np.linalg.norm(np.cross(va, vb), axis=-1) < 1e-12
    mid_lon, mid_lat = _lonlat(np.where(degenerate[:, None], va, mid))
    mid_lon = lon[:-1] + borders.wrap180(mid_lon - lon[:-1])  # same side of +-180 as the start
    mx, my = project_lonlat(mid_lon, mid_lat, crs)
    finite = np.isfinite(x[:-1]) & np.isfinite(x[1:]) & np.isfinite(y[:-1]) & np.isfinite(y[1:])
    with np.errstate(invalid="ignore", over="ignore"):
        dx, dy = np.diff(x), np.diff(y)
        offset = np.hypot(mx - (x[:-1] + dx / 2), my - (y[:-1] + dy / 2))
        length = np.hypot(dx, dy)
        jump = ~np.isfinite(offset) | (offset > BREAK_RATIO * length)
    if pole_edges:
        return ~finite | (jump & ~degenerate)
    return ~finite | np.where(degenerate, length > 0, jump)


def _on_map(x, y, box) -> np.ndarray:
    """Segments whose bounding box meets the map box (x0, x1, y0, y1)."""
    x0, x1, y0, y1 = box
    return ((np.maximum(x[:-1], x[1:]) >= x0) & (np.minimum(x[:-1], x[1:]) <= x1)
            & (np.maximum(y[:-1], y[1:]) >= y0) & (np.minimum(y[:-1], y[1:]) <= y1))


def _runs(xy: np.ndarray, good: np.ndarray) -> list[np.ndarray]:
    """Split a polyline into pieces made of consecutive good segments."""
    edges = np.diff(np.concatenate([[0], good.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [xy[s:e + 1] for s, e in zip(starts, stops)]


def _concat(lines):
    """Concatenate lon/lat polylines; also the index where each one starts."""
    lons = [np.asarray(lon, float) for lon, _ in lines]
    lats = [np.asarray(lat, float) for _, lat in lines]
    starts = np.cumsum([0] + [len(v) for v in lons])
    return np.concatenate(lons), np.concatenate(lats), starts


def _project(lines, crs: str, *, pole_edges: bool = False):
    """Project polylines once: (xy, start index of each line, torn segments);
    the joins between consecutive lines count as torn."""
    lon, lat, starts = _concat(lines)
    x, y = project_lonlat(lon, lat, crs)
    torn = _tears(lon, lat, x, y, crs, pole_edges=pole_edges)
    torn[starts[1:-1] - 1] = True
    xy = np.column_stack([x, y])
    for arr in (xy, starts, torn):
        arr.setflags(write=False)  # shared through the cache below
    return xy, starts, torn


@functools.lru_cache(maxsize=16)
def _base_layer(kind: str, crs: str):
    """Projected base-map lines, cached per CRS: they never change."""
    merged = borders.land()
    if kind == "borders":
        lines = [(r[:, 0], r[:, 1]) for c in borders.countries() for r in c.polygons + c.holes]
    elif kind == "coast":
        lines = [(r[:, 0], r[:, 1]) for r in merged.polygons + merged.holes]
    elif kind == "fill":
        lines = [(r[:, 0], r[:, 1]) for r, _ in borders.land_fill_rings()]
    elif kind == "meridians":  # stop at +-80 deg, short of the crowded pole
        lat = np.linspace(-80, 80, 321)
        lines = [(np.full_like(lat, m), lat) for m in MERIDIANS_DEG]
    else:
        lon = np.linspace(-180, 180, 721)
        lines = [(lon, np.full_like(lon, p)) for p in PARALLELS_DEG]
    return _project(lines, crs, pole_edges=kind == "fill")


def _project_lines(lines, crs: str, box, *, closed: bool = False) -> list[np.ndarray]:
    """Projected pieces of lon/lat polylines, cut at tears and clipped to box.

    With ``closed`` each line is a ring (first point repeated last) and is
    rotated to start at a cut, so that no piece is split at the ring's seam.
    """
    if not lines:
        return []
    return [piece for _, piece in _indexed_pieces(_project(lines, crs), box, closed=closed)]


def _indexed_pieces(projected, box, *, closed: bool = False):
    """(index of the source line, piece) pairs of projected lines inside box."""
    xy, starts, torn = projected
    good = ~torn & _on_map(xy[:, 0], xy[:, 1], box)
    out = []
    for i in np.flatnonzero(np.add.reduceat(good, starts[:-1]) if len(good) else []):
        s, e = starts[i], starts[i + 1]
        ring_xy, ring_good = xy[s:e], good[s:e - 1]
        if closed and not ring_good.all():
            k = int(np.flatnonzero(~ring_good)[0]) + 1
            rolled = np.roll(ring_xy[:-1], -k, axis=0)
            ring_xy, ring_good = np.vstack([rolled, rolled[:1]]), np.roll(ring_good, -k)
        out.extend((int(i), piece) for piece in _runs(ring_xy, ring_good))
    return out


def _map_box(extent_lonlat, crs: str) -> tuple[float, float, float, float]:
    """Projected bounding box (x0, x1, y0, y1) of a lon/lat extent."""
    west, east, south, north = (float(v) for v in extent_lonlat)
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south < north <= 90 and west != east):
        raise InputError("extent_lonlat must be (west, east, south, north) degrees, "
                         "-180..180 and -90 <= south < north <= 90")
    east = east + 360 if east < west else east  # extent across the antimeridian
    lon = np.linspace(west, east, 181)
    lat = np.linspace(south, north, 91)
    ring_lon = np.concatenate([lon, np.full_like(lat, east), lon[::-1], np.full_like(lat, west)])
    ring_lat = np.concatenate([np.full_like(lon, south), lat, np.full_like(lon, north), lat[::-1]])
    x, y = project_lonlat((ring_lon + 180) % 360 - 180, ring_lat, crs)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        raise InputError(f"extent_lonlat {tuple(extent_lonlat)} cannot be shown in {crs}")
    return x[ok].min(), x[ok].max(), y[ok].min(), y[ok].max()


def _fit_aspect(box, width_px: float, height_px: float):
    """Grow box about its centre so that one map unit is as wide as it is tall."""
    x0, x1, y0, y1 = box
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    if w / h < width_px / height_px:
        w = h * width_px / height_px
    else:
        h = w * height_px / width_px
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


# ---------------------------------------------------------------- drawing
def _land_path(crs: str, box) -> MplPath | None:
    """One compound path of the land: outer rings anticlockwise, holes clockwise
    (matplotlib fills by the non-zero rule). Rings the projection tears are left out."""
    rings = borders.land_fill_rings()
    xy, starts, torn = _base_layer("fill", crs)
    seen = _on_map(xy[:, 0], xy[:, 1], box)
    verts, codes = [], []
    for (_, outer), s, e in zip(rings, starts[:-1], starts[1:]):
        if torn[s:e - 1].any() or not seen[s:e - 1].any():
            continue
        x, y = xy[s:e, 0], xy[s:e, 1]
        area = np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])
        verts.append(xy[s:e] if (area > 0) == outer else xy[s:e][::-1])
        codes.append(np.r_[MplPath.MOVETO, np.full(e - s - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes).astype(MplPath.code_type))


def _draw_base(ax, crs: str, box) -> None:
    land_path = _land_path(crs, box)
    if land_path is not None:
        # add_artist, not add_patch: the limits are set by hand and add_patch
        # would walk every vertex of the land to update them
        ax.add_artist(PathPatch(land_path, facecolor=LAND, edgecolor="none", zorder=1))
    for kind, color, width, z in (("borders", BORDER, 0.7, 2), ("coast", COAST, 0.45, 3)):
        pieces = [p for _, p in _indexed_pieces(_base_layer(kind, crs), box)]
        ax.add_collection(LineCollection(pieces, colors=color, linewidths=width, zorder=z))


def _styles(rings: Sequence[RingSpec]):
    """Colour per ring label (missile) and dash style / marker per launch site."""
    labels = list(dict.fromkeys(r.label for r in rings))
    sites = list(dict.fromkeys(r.site_key for r in rings))
    colors = {lab: RING_COLORS[i % len(RING_COLORS)] for i, lab in enumerate(labels)}
    styles = {s: SITE_STYLES[i % len(SITE_STYLES)] for i, s in enumerate(sites)}
    markers = {s: SITE_MARKERS[i % len(SITE_MARKERS)] for i, s in enumerate(sites)}
    return colors, styles, markers


def _draw_rings(ax, rings: Sequence[RingSpec], crs: str, box) -> tuple[list, list]:
    """Draw the rings and site markers; returns the legend handles and the site labels."""
    colors, styles, markers = _styles(rings)
    halo = [patheffects.withStroke(linewidth=4.0, foreground="white", alpha=0.8)]
    handles, seen_labels, seen_sites = [], set(), {}
    for ring in rings:
        lon, lat = ring.lon_deg, ring.lat_deg
        if (lon[0], lat[0]) != (lon[-1], lat[-1]):
            lon, lat = np.r_[lon, lon[0]], np.r_[lat, lat[0]]
        color = ring.color or colors[ring.label]
        pieces = _project_lines([densify_great_circle(lon, lat)], crs, box, closed=True)
        if not pieces:
            log.info("ring %r lies outside the map extent", ring.label)
        lc = LineCollection(pieces, colors=color, linewidths=2.0, linestyles=[styles[ring.site_key]],
                            zorder=5, capstyle="round")
        lc.set_path_effects(halo)
        ax.add_collection(lc)
        if ring.label not in seen_labels:
            seen_labels.add(ring.label)
            handles.append(Line2D([], [], color=color, lw=2.5, label=ring.label))
        seen_sites.setdefault(ring.site_key, ring)
    labels = [_draw_site(ax, ring, markers[key], crs) for key, ring in seen_sites.items()]
    if len(seen_sites) > 1:
        handles += [Line2D([], [], color="#333333", lw=1.6, ls=styles[k], marker=markers[k],
                           markerfacecolor="white", label=r.site_label) for k, r in seen_sites.items()]
    return handles, labels


def _draw_site(ax, ring: RingSpec, marker: str, crs: str):
    """The site's marker; its label, placed later among the others (openbmd.report.labels)."""
    from openbmd.report.labels import Label

    x, y = project_lonlat(ring.site_lon_deg, ring.site_lat_deg, crs)
    ax.plot([x], [y], marker=marker, ms=8, mfc="white", mec="#222222", mew=1.6, zorder=7, ls="none")
    return Label(x=float(x), y=float(y), text=ring.site_label, style={"fontsize": 8.5, "color": "#222222",
                                                                      "zorder": 8})


def draw_range_ring_map(rings: Sequence[RingSpec], path, *, title: str | None = None,
                        extent_lonlat=None, crs: str | None = None,
                        size_px: tuple[int, int] = (1600, 1200), dpi: int = 160) -> Path:
    """Draw range rings over country borders and write PNG/SVG/PDF (by extension).

    By default the map is framed on the rings and their sites, anywhere on the globe
    (:func:`openbmd.report.framing.ring_frame`). ``extent_lonlat`` is (west, east, south, north) in degrees: the
    map then shows at least that area, widened to fill the frame. ``crs`` overrides the
    projection (default: Lambert azimuthal equal-area centred on what is shown). Returns the
    written path.
    """
    from openbmd.report.framing import ring_frame
    from openbmd.report.graticule import draw_graticule
    from openbmd.report.labels import place_labels

    path = Path(path)
    if path.suffix.lower() not in MAP_FORMATS:
        raise InputError(f"map file {path.name!r}: extension must be one of {', '.join(MAP_FORMATS)}")
    width_px, height_px = (int(v) for v in size_px)
    if width_px < 200 or height_px < 150:
        raise InputError(f"size_px {tuple(size_px)} too small; use at least 200 x 150 pixels")
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.065, 0.075, 0.92, 0.85 if title else 0.895))
    bbox = ax.get_position()
    frame = ring_frame(rings, extent_lonlat=extent_lonlat, crs=crs)
    crs = frame.crs
    box = _fit_aspect(frame.box, bbox.width * width_px, bbox.height * height_px)
    ax.set_facecolor(OCEAN)
    draw_graticule(ax, crs, box)
    _draw_base(ax, crs, box)
    handles, site_labels = _draw_rings(ax, rings, crs, box)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_aspect("equal", adjustable="box")
    place_labels(ax, site_labels)
    for spine in ax.spines.values():
        spine.set_edgecolor("#7A8590")
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=8.5, framealpha=0.92,
                  edgecolor="#B0B8C0", fancybox=False, title="Range rings", title_fontsize=9)
    if title:
        fig.text(0.065, 0.955, title, fontsize=13, fontweight="bold", va="center", color="#1E2A36")
    fig.text(0.985, 0.018, f"Borders: Natural Earth; openbmd {__version__}; projection: {frame.description}",
             fontsize=7, color="#6B7580", ha="right", va="bottom")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, facecolor="white")
    return path
