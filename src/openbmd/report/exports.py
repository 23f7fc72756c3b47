"""File exports of trajectories and range rings: CSV, KML, CZML, GeoJSON, maps.

Presentation only: everything here reads computed samples and writes them out.
Inside, SI units; every column and property carries its unit in its name.
GeoJSON and CZML put longitude before latitude (RFC 7946 section 3.1.1; CZML
``cartographicDegrees`` is [time, lon, lat, height_m]).  A GeoJSON track or ring that crosses the
antimeridian is cut there into a MultiLineString (RFC 7946 section 3.1.9); KML (Google Earth joins
two points the short way across +-180) and CZML (Cesium interpolates positions in Cartesian
coordinates) take the samples as they are.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from openbmd.errors import InputError
from openbmd.report.maps import MAP_FORMATS, RING_COLORS, RingSpec, draw_range_ring_map

__all__ = ["Track", "write_track", "write_rings", "split_antimeridian", "TRACK_FORMATS", "RING_FORMATS"]

TRACK_FORMATS = (".csv", ".kml", ".czml", ".geojson")
RING_FORMATS = (".geojson", ".kml", *MAP_FORMATS)
DEFAULT_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # arbitrary; tracks carry t_s only
CSV_HEADER = ("track", "time_s", "lat_deg", "lon_deg", "alt_km", "speed_km_s")


@runtime_checkable
class Track(Protocol):
    """What an export needs of a trajectory: 1-D arrays of equal length, SI units."""

    name: str
    t_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    speed_m_s: np.ndarray


def _tracks(track_or_tracks) -> list[Track]:
    tracks = [track_or_tracks] if isinstance(track_or_tracks, Track) else list(track_or_tracks)
    if not tracks:
        raise InputError("no track to export; give one track or a list of tracks")
    for tr in tracks:
        if not isinstance(tr, Track):
            raise InputError(f"{tr!r} is not a track; it needs name, t_s, lat_deg, lon_deg, alt_m, speed_m_s")
        cols = [np.asarray(getattr(tr, k), float) for k in ("t_s", "lat_deg", "lon_deg", "alt_m", "speed_m_s")]
        if any(c.ndim != 1 or c.shape != cols[0].shape for c in cols) or cols[0].size < 2:
            raise InputError(f"track {tr.name!r}: arrays must be 1-D, of equal length, with >= 2 samples")
        if not all(np.all(np.isfinite(c)) for c in cols) or np.any(np.diff(cols[0]) <= 0):
            raise InputError(f"track {tr.name!r}: samples must be finite and t_s strictly increasing")
    return tracks


def _suffix(path: Path, allowed: Sequence[str], what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise InputError(f"cannot write {what} to {path.name!r}; use one of: {', '.join(allowed)}")
    return suffix


def write_track(path, track_or_tracks, *, epoch_utc: dt.datetime = DEFAULT_EPOCH) -> Path:
    """Write one track or several to .csv, .kml, .czml or .geojson (by extension).

    ``epoch_utc`` is the calendar time of t_s = 0 (CZML needs calendar times).
    """
    path = Path(path)
    writer = {".csv": _track_csv, ".kml": _track_kml, ".czml": _track_czml,
              ".geojson": _track_geojson}[_suffix(path, TRACK_FORMATS, "a track")]
    tracks = _tracks(track_or_tracks)
    path.parent.mkdir(parents=True, exist_ok=True)
    if writer is _track_czml:
        _track_czml(path, tracks, epoch_utc)
    else:
        writer(path, tracks)
    return path


def _track_csv(path: Path, tracks) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_HEADER)
        for tr in tracks:
            for t, lat, lon, alt, v in zip(tr.t_s, tr.lat_deg, tr.lon_deg, tr.alt_m, tr.speed_m_s):
                # 1e-7 deg ~ 1 cm; alt and speed to the mm(/s)
                out.writerow([tr.name, _fixed(t, 4), _fixed(lat, 7), _fixed(lon, 7),
                              _fixed(alt / 1e3, 6), _fixed(v / 1e3, 6)])


def _fixed(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals, never ``-0.000...``: a value that rounds to zero (a launch
    altitude of -1e-9 km, a longitude of -1e-12 deg) is written 0 (adding 0.0 turns -0.0 into 0.0)."""
    return f"{round(float(x), digits) + 0.0:.{digits}f}"


def _kml_color(i: int) -> str:
    r, g, b = (int(RING_COLORS[i % len(RING_COLORS)][k:k + 2], 16) for k in (1, 3, 5))
    return f"ff{b:02x}{g:02x}{r:02x}"  # KML colours are aabbggrr


def _track_kml(path: Path, tracks) -> None:
    import simplekml

    kml = simplekml.Kml(name=path.stem)
    for i, tr in enumerate(tracks):
        line = kml.newlinestring(name=tr.name, coords=list(zip(
            np.asarray(tr.lon_deg, float), np.asarray(tr.lat_deg, float), np.asarray(tr.alt_m, float))))
        line.altitudemode = simplekml.AltitudeMode.absolute
        line.extrude = 1
        line.style.linestyle.color = _kml_color(i)
        line.style.linestyle.width = 3
        line.style.polystyle.color = "40" + _kml_color(i)[2:]  # translucent curtain to the ground
    kml.save(str(path))


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _track_czml(path: Path, tracks, epoch_utc: dt.datetime) -> None:
    from czml3 import Clock, Color, Document, Packet, Path as CzPath, Point, PolylineMaterial
    from czml3 import Position, SolidColorMaterial, TimeInterval
    from czml3.enums import ClockRanges, ClockSteps

    if epoch_utc.tzinfo is None:
        raise InputError("epoch_utc must be timezone-aware, e.g. datetime(..., tzinfo=timezone.utc)")
    at = lambda s: _iso(epoch_utc + dt.timedelta(seconds=float(s)))  # noqa: E731
    t0 = min(float(tr.t_s[0]) for tr in tracks)
    t1 = max(float(tr.t_s[-1]) for tr in tracks)
    clock = Clock(interval=TimeInterval(start=at(t0), end=at(t1)), currentTime=at(t0),
                  multiplier=10, range=ClockRanges.LOOP_STOP, step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER)
    packets = [Packet(id="document", name=path.stem, version="1.0", clock=clock)]
    for i, tr in enumerate(tracks):
        samples = np.column_stack([np.asarray(a, float) for a in (tr.t_s, tr.lon_deg, tr.lat_deg, tr.alt_m)])
        rgba = [int(RING_COLORS[i % len(RING_COLORS)][k:k + 2], 16) for k in (1, 3, 5)] + [255]
        packets.append(Packet(
            id=f"track-{i}", name=tr.name,
            availability=TimeInterval(start=at(tr.t_s[0]), end=at(tr.t_s[-1])),
            position=Position(epoch=_iso(epoch_utc), cartographicDegrees=samples.ravel().tolist()),
            path=CzPath(width=2, leadTime=0, trailTime=float(t1 - t0),
                        material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=rgba)))),
            point=Point(pixelSize=7, color=Color(rgba=rgba)),
        ))
    path.write_text(Document(packets=packets).dumps(), encoding="utf-8")


def _track_geojson(path: Path, tracks) -> None:
    features = []
    for tr in tracks:
        cols = np.column_stack([np.asarray(a, float) for a in (tr.lon_deg, tr.lat_deg, tr.alt_m, tr.t_s, tr.speed_m_s)])
        parts = split_antimeridian(cols)
        if len(parts) == 1:
            geometry = {"type": "LineString", "coordinates": parts[0][:, :3].tolist()}
            props = {"time_s": parts[0][:, 3].tolist(), "speed_m_s": parts[0][:, 4].tolist()}
        else:  # RFC 7946 section 3.1.9; the per-vertex properties follow the parts
            geometry = {"type": "MultiLineString", "coordinates": [p[:, :3].tolist() for p in parts]}
            props = {"time_s": [p[:, 3].tolist() for p in parts], "speed_m_s": [p[:, 4].tolist() for p in parts]}
        features.append({"type": "Feature", "properties": {"name": tr.name, **props}, "geometry": geometry})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def split_antimeridian(cols: np.ndarray) -> list[np.ndarray]:
    """A polyline (N, K) of [lon_deg, lat_deg, ...] cut where it crosses the antimeridian (RFC 7946
    section 3.1.9): longitudes wrapped to [-180, 180], and a step of more than 180 deg between two
    samples taken as the short way across +-180 deg.  Each crossing ends a part at +-180 and starts
    the next at -+180 with the same latitude and other columns (altitude, time, speed), each
    interpolated linearly in unwrapped longitude.  One part when it never crosses."""
    cols = np.array(cols, float)
    lon = cols[:, 0]
    wrapped = (lon + 180.0) % 360.0 - 180.0
    cols[:, 0] = np.where(np.abs(lon) <= 180.0, lon, np.where((wrapped == -180.0) & (lon > 0), 180.0, wrapped))
    parts, start = [], 0
    current: list = []
    for i in range(1, len(cols)):
        a, b = cols[i - 1], cols[i]
        if abs(b[0] - a[0]) <= 180.0:
            continue
        edge = 180.0 if a[0] > 0 else -180.0
        b_lon = b[0] + (360.0 if edge > 0 else -360.0)
        f = (edge - a[0]) / (b_lon - a[0]) if b_lon != a[0] else 0.0
        cross = a + f * (b - a)  # every column but longitude, interpolated
        end, begin = cross.copy(), cross.copy()
        end[0], begin[0] = edge, -edge
        part = np.vstack(current + [cols[start:i]] + ([end[None]] if f > 0 else []))
        parts.append(part)
        current = [begin[None]] if f < 1 else []
        start = i
    parts.append(np.vstack(current + [cols[start:]]))
    return [p for p in parts if len(p) >= 2] or [cols]


# ---------------------------------------------------------------- rings
def write_rings(path, rings: Sequence[RingSpec], *, title: str | None = None) -> Path:
    """Write range rings to .geojson, .kml, or a map (.png/.svg/.pdf) by extension."""
    path = Path(path)
    suffix = _suffix(path, RING_FORMATS, "range rings")
    rings = list(rings)
    if not rings or not all(isinstance(r, RingSpec) for r in rings):
        raise InputError("write_rings needs a non-empty list of RingSpec")
    if suffix in MAP_FORMATS:
        return draw_range_ring_map(rings, path, title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    (_rings_geojson if suffix == ".geojson" else _rings_kml)(path, rings)
    return path


def _closed(ring: RingSpec) -> np.ndarray:
    lonlat = np.column_stack([ring.lon_deg, ring.lat_deg])
    return lonlat if np.array_equal(lonlat[0], lonlat[-1]) else np.vstack([lonlat, lonlat[:1]])


def _ring_geometry(lonlat: np.ndarray) -> dict:
    """A Polygon (counterclockwise, RFC 7946 section 3.1.6), or, for a ring that
    crosses the antimeridian (and any ring around a pole does), a MultiLineString
    cut at +-180 deg (RFC 7946 section 3.1.9)."""
    if not np.any(np.abs(np.diff(lonlat[:, 0])) > 180):
        x, y = lonlat[:, 0], lonlat[:, 1]
        ccw = np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) > 0
        return {"type": "Polygon", "coordinates": [(lonlat if ccw else lonlat[::-1]).tolist()]}
    pieces, current = [], [lonlat[0].tolist()]
    for a, b in zip(lonlat[:-1], lonlat[1:]):
        if abs(b[0] - a[0]) > 180:  # crosses +-180: end here, resume on the other side
            edge = 180.0 if a[0] > 0 else -180.0
            b_lon = b[0] + (360.0 if edge > 0 else -360.0)
            lat_x = float(a[1] + (edge - a[0]) / (b_lon - a[0]) * (b[1] - a[1]))
            pieces.append(current + [[edge, lat_x]])
            current = [[-edge, lat_x]]
        current.append(b.tolist())
    pieces[0] = current[:-1] + pieces[0]  # closed ring: the last piece runs into the first
    return {"type": "MultiLineString", "coordinates": pieces}


def _rings_geojson(path: Path, rings: Sequence[RingSpec]) -> None:
    features = [{
        "type": "Feature",
        "properties": {"label": r.label, "site": r.site_label, "site_lat_deg": float(r.site_lat_deg),
                       "site_lon_deg": float(r.site_lon_deg), "color": r.color},
        "geometry": _ring_geometry(_closed(r)),
    } for r in rings]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def _rings_kml(path: Path, rings: Sequence[RingSpec]) -> None:
    import simplekml

    kml = simplekml.Kml(name=path.stem)
    labels = list(dict.fromkeys(r.label for r in rings))
    sites = {}
    for r in rings:
        line = kml.newlinestring(name=f"{r.label} ({r.site_label})",
                                 coords=[tuple(p) for p in _closed(r).tolist()])
        line.altitudemode = simplekml.AltitudeMode.clamptoground
        line.tessellate = 1  # follow the Earth's surface
        line.style.linestyle.color = _kml_color(labels.index(r.label))
        line.style.linestyle.width = 2.5
        sites.setdefault(r.site_key, r)
    for r in sites.values():
        kml.newpoint(name=r.site_label, coords=[(float(r.site_lon_deg), float(r.site_lat_deg))])
    kml.save(str(path))
