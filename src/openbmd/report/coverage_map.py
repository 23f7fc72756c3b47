"""Defended-area maps and GeoJSON: presentation of a CoverageResult (nothing computed here
beyond drawing geometry: radar fans are the radars' own field of view and radar-equation range).

Map: framed on what it shows, the threatened cells, the batteries and the launch area
(:mod:`openbmd.report.framing`: a Lambert azimuthal equal-area projection centred on them);
land cells shaded by the probability of defense (blues), threatened-but-undefended cells in
vermilion, out-of-reach land plain; batteries, radars with their fans (field of view out to
the detection range against the threat's RCS), the launch area and the threatened capitals,
labelled without overlaps (:mod:`openbmd.report.labels`).  The subtitle says where the
threatened area lies (countries, or parts such as Alaska: :mod:`openbmd.geo.parts`).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import Geod

from openbmd import __version__
from openbmd.errors import InputError
from openbmd.report.graticule import draw_graticule
from openbmd.report.labels import Label, place_labels
from openbmd.report.maps import OCEAN, _draw_base, _fit_aspect, project_lonlat

UNDEFENDED = "#D55E00"
P_CMAP = LinearSegmentedColormap.from_list("p_defense", ["#C6DBEF", "#6BAED6", "#2171B5", "#08306B"])
RADAR_COLOR = "#009E73"
BATTERY_COLOR = "#0072B2"
_GEOD = Geod(ellps="WGS84")


def map_frame(result):
    """The frame of a coverage map: the threatened cells, the batteries and the launch area
    (the whole region's cells when nothing is threatened)."""
    from openbmd.report.framing import frame_on

    reg, thr = result.region, result.cells.threatened
    show = thr if thr.any() else np.ones(len(reg), dtype=bool)
    corners = cell_corners(reg.lat_deg[show], reg.lon_deg[show], reg.step_deg)
    lon = [corners[..., 0].ravel(), [result.launch_lon_deg]]
    lat = [corners[..., 1].ravel(), [result.launch_lat_deg]]
    for b in result.architecture.batteries:
        lon.append([b.lon_deg])
        lat.append([b.lat_deg])
    return frame_on(np.concatenate(lon), np.concatenate(lat))


def cell_corners(lat_deg, lon_deg, step_deg):
    """(K, 5, 2) lon/lat rings of the grid cells centred on the points."""
    h = step_deg / 2
    dx = np.array([-h, h, h, -h, -h])
    dy = np.array([-h, -h, h, h, -h])
    return np.stack([lon_deg[:, None] + dx, lat_deg[:, None] + dy], axis=-1)


def radar_fan(radar, range_km: float, n: int = 60):
    """lon/lat outline of a radar's coverage out to ``range_km``: its face sectors, or a circle."""
    lat0, lon0 = radar.site_lat_deg, radar.site_lon_deg
    if radar.full_circle:
        az = np.linspace(0.0, 360.0, n)
        lon, lat, _ = _GEOD.fwd(np.full(n, lon0), np.full(n, lat0), az, np.full(n, range_km * 1e3))
        return [np.column_stack([lon, lat])]
    out = []
    hw = np.degrees(radar.face_half_width_rad)
    for face in np.degrees(radar.faces_az_rad):
        az = np.linspace(face - hw, face + hw, n)
        lon, lat, _ = _GEOD.fwd(np.full(n, lon0), np.full(n, lat0), az, np.full(n, range_km * 1e3))
        out.append(np.vstack([[lon0, lat0], np.column_stack([lon, lat]), [lon0, lat0]]))
    return out


def draw_coverage_map(result, path, *, resolved=None, rcs_m2: float | None = None, title: str | None = None,
                      size_px=(1600, 1300), dpi: int = 160) -> Path:
    """Write the defended-area map of ``result`` (PNG/SVG/PDF by extension), framed on what it
    shows (:func:`map_frame`); labels are placed without overlaps (:mod:`openbmd.report.labels`)."""
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.engage import threat_rcs_m2
    from openbmd.missiles import get_missile

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(f"map file {path.name!r}: extension must be .png, .svg or .pdf")
    resolved = resolved or resolve(result.architecture)
    rcs = threat_rcs_m2(get_missile(result.missile_id), rcs_m2)
    frame = map_frame(result)
    fig, ax, box = _axes(frame, size_px, dpi)
    _draw_cells(ax, result, frame.crs)
    radar_sites = _draw_radars(ax, resolved, rcs, frame.crs)
    labels = _draw_points(ax, result, resolved, frame.crs)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_aspect("equal", adjustable="box")
    place_labels(ax, labels, avoid=radar_sites)
    _legend(ax, rcs)
    _texts(fig, result, title, frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, facecolor="white")
    return path


def _axes(frame, size_px, dpi):
    w, h = size_px
    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.055, 0.06, 0.93, 0.825))
    bb = ax.get_position()
    box = _fit_aspect(frame.box, bb.width * w, bb.height * h)
    ax.set_facecolor(OCEAN)
    draw_graticule(ax, frame.crs, box)
    _draw_base(ax, frame.crs, box)
    return fig, ax, box


def _draw_cells(ax, result, crs) -> None:
    reg, c = result.region, result.cells
    thr = c.threatened
    rings = cell_corners(reg.lat_deg[thr], reg.lon_deg[thr], reg.step_deg)
    x, y = project_lonlat(rings[..., 0].ravel(), rings[..., 1].ravel(), crs)
    polys = np.stack([x, y], axis=-1).reshape(rings.shape)
    colors = np.array([P_CMAP(float(p)) for p in np.clip(c.p_defense[thr], 0, 1)]).reshape(-1, 4)
    colors[~c.engageable[thr]] = (0.835, 0.369, 0.0, 1.0)
    ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="none", zorder=2.5, alpha=0.85))


def _draw_radars(ax, resolved, rcs, crs) -> list[tuple[float, float]]:
    """The radars' fans and sites; returns the projected sites."""
    sites = []
    for radar in resolved.radars.values():
        rng_km = float(radar.detection_range_km(rcs))
        for ring in radar_fan(radar, rng_km):
            xr, yr = project_lonlat(ring[:, 0], ring[:, 1], crs)
            ax.plot(xr, yr, color=RADAR_COLOR, lw=1.0, ls=(0, (4, 2)), zorder=5)
        xs, ys = project_lonlat(radar.site_lon_deg, radar.site_lat_deg, crs)
        ax.plot([xs], [ys], marker="o", ms=5, color=RADAR_COLOR, mec="white", zorder=7, ls="none")
        sites.append((float(xs), float(ys)))
    return sites


def _draw_points(ax, result, resolved, crs) -> list[Label]:
    """The launch area, the batteries and the threatened capitals; their labels, most important first."""
    labels = []
    xs, ys = project_lonlat(result.launch_lon_deg, result.launch_lat_deg, crs)
    ax.plot([xs], [ys], marker="*", ms=14, mfc="#B2182B", mec="white", zorder=8, ls="none")
    labels.append(Label(x=float(xs), y=float(ys), text=result.launch_name,
                        style={"fontsize": 9, "color": "#B2182B", "zorder": 9}))
    for b in resolved.batteries:
        xs, ys = project_lonlat(b.entry.lon_deg, b.entry.lat_deg, crs)
        ax.plot([xs], [ys], marker="^", ms=10, mfc="white", mec=BATTERY_COLOR, mew=2.0, zorder=8, ls="none")
        labels.append(Label(x=float(xs), y=float(ys), text=f"{b.id} ({b.interceptor.id})",
                            style={"fontsize": 8, "color": "#0B3C68", "zorder": 9}))
    cr = result.city_results
    caps = [(i, c) for i, c in enumerate(result.cities) if c.capital and cr.threatened[i]]
    for i, city in sorted(caps, key=lambda ic: -ic[1].population):
        xs, ys = project_lonlat(city.lon_deg, city.lat_deg, crs)
        ax.plot([xs], [ys], marker="o", ms=4, mfc="white" if cr.engageable[i] else UNDEFENDED, mec="#222222",
                mew=0.8, zorder=9, ls="none")
        labels.append(Label(x=float(xs), y=float(ys), text=city.name,
                            style={"fontsize": 7.5, "color": "#222222", "zorder": 9}))
    return labels


def _legend(ax, rcs) -> None:
    handles = [Patch(color=P_CMAP(0.8), label="defended (shade: P(defense))"),
               Patch(color=UNDEFENDED, label="threatened, not defended"),
               Line2D([], [], marker="^", ls="none", mfc="white", mec=BATTERY_COLOR, mew=2.0, ms=9, label="battery"),
               Line2D([], [], color=RADAR_COLOR, ls=(0, (4, 2)), marker="o", ms=5,
                      label=f"radar and its reach at RCS {rcs:g} m²"),
               Line2D([], [], marker="*", ls="none", mfc="#B2182B", mec="white", ms=12, label="launch area")]
    ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.92, edgecolor="#B0B8C0", fancybox=False)


def where_threatened(result) -> dict[str, float]:
    """Share of the threatened area in each country, or part of one (Alaska, Hawaii, ...)."""
    from openbmd.geo.parts import threatened_parts

    reg = result.region
    return threatened_parts(reg.country, reg.lat_deg, reg.lon_deg, reg.area_km2, result.cells.threatened)


def _texts(fig, result, title, frame) -> None:
    from openbmd.geo.parts import describe_parts

    s, reg = result.summary(), result.region
    title = title or f"{result.architecture.name}: {result.missile_id} from {result.launch_name}"
    fig.text(0.055, 0.963, title, fontsize=12.5, fontweight="bold", va="center", color="#1E2A36")
    where = describe_parts(where_threatened(result), most=3)
    fig.text(0.055, 0.93,
             f"defended {s['defended_area_fraction']:.0%} of the threatened area of {reg.name} "
             f"({s['threatened_area_km2'] / 1e6:.2f} M km²; it lies in {where})", fontsize=8.5, va="center",
             color="#3A4652")
    fig.text(0.055, 0.908, f"population in threatened cities {s['population_total'] / 1e6:.1f} M, defended "
             f"{s['population_defended'] / 1e6:.1f} M; {reg.step_deg:g}° grid", fontsize=8.5, va="center",
             color="#3A4652")
    fig.text(0.985, 0.015, f"openbmd {__version__}; borders: Natural Earth; cities: GeoNames; "
             f"projection: {frame.description}", fontsize=6.5, color="#6B7580", ha="right", va="bottom")


def coverage_geojson(result) -> dict:
    """GeoJSON FeatureCollection: threatened cells (polygons with P(defense)), the cities, the sites."""
    reg, c = result.region, result.cells
    rings = cell_corners(reg.lat_deg, reg.lon_deg, reg.step_deg)
    feats = []
    for i in np.flatnonzero(c.threatened):
        feats.append({"type": "Feature",
                      "geometry": {"type": "Polygon", "coordinates": [np.round(rings[i], 4).tolist()]},
                      "properties": {"kind": "cell", "country": str(reg.country[i]),
                                     "defended": bool(c.engageable[i]), "p_defense": round(float(c.p_defense[i]), 4),
                                     "shot_opportunities": int(c.opportunities[i]),
                                     "batteries": [b for b, m in c.by_battery.items() if m[i]]}})
    cr = result.city_results
    for i, city in enumerate(result.cities):
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [city.lon_deg, city.lat_deg]},
                      "properties": {"kind": "capital" if city.capital else "city", "name": city.name,
                                     "country": city.country, "population": city.population,
                                     "threatened": bool(cr.threatened[i]), "defended": bool(cr.engageable[i]),
                                     "p_defense": round(float(cr.p_defense[i]), 4)}})
    for b in result.architecture.batteries:
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [b.lon_deg, b.lat_deg]},
                      "properties": {"kind": "battery", "name": b.id, "interceptor": b.interceptor,
                                     "magazine": b.magazine}})
    feats.append({"type": "Feature",
                  "geometry": {"type": "Point", "coordinates": [result.launch_lon_deg, result.launch_lat_deg]},
                  "properties": {"kind": "launch-area", "name": result.launch_name, "missile": result.missile_id}})
    return {"type": "FeatureCollection", "features": feats,
            "properties": {k: v for k, v in result.summary().items() if k != "capitals"}}


def write_coverage_geojson(result, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(coverage_geojson(result), separators=(",", ":")), encoding="utf-8")
    return path
