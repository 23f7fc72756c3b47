"""Where a map looks: a frame fitted to what the map shows, anywhere on the globe.

A map's content (threatened cells, batteries, the launch area; or a range ring and its
site) is a set of lon/lat points.  The frame is a Lambert azimuthal equal-area projection
centred on that content (no seam near it: the only singular point is the antipode of the
centre, so rings crossing the antimeridian or circling a pole stay whole) and the projected
bounding box of the points, padded by a margin.  The centre is refined so that the box is
centred on the content, not on where most of its points lie.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.errors import InputError

__all__ = ["Frame", "contains", "frame_on", "laea_crs", "ring_frame"]

MARGIN_FRAC = 0.06  #: padding on each side, as a share of the larger side of the box
MIN_HALF_SPAN_M = 150e3  #: a frame around a single point still shows 300 km
CENTRE_STEP_DEG = 0.5  #: centres rounded to this, so that nearby maps share projected base layers


@dataclass(frozen=True, kw_only=True)
class Frame:
    """A projection and the projected box (x0, x1, y0, y1) in metres that shows the content."""

    crs: str
    box: tuple[float, float, float, float]
    centre_lat_deg: float
    centre_lon_deg: float

    @property
    def description(self) -> str:
        """The projection in words, for a map's footnote."""
        if not self.crs.startswith("+proj=laea"):
            return self.crs
        lat, lon = self.centre_lat_deg, self.centre_lon_deg
        return (f"Lambert azimuthal equal-area centred {abs(lat):g}°{'N' if lat >= 0 else 'S'} "
                f"{abs(lon):g}°{'E' if lon >= 0 else 'W'}")


def laea_crs(lat_deg: float, lon_deg: float) -> str:
    """PROJ string of a Lambert azimuthal equal-area projection centred on (lat, lon), WGS-84."""
    return f"+proj=laea +lat_0={lat_deg:g} +lon_0={lon_deg:g} +datum=WGS84 +units=m +no_defs"


def _round(v: float) -> float:
    return float(np.round(v / CENTRE_STEP_DEG) * CENTRE_STEP_DEG) + 0.0


def _mean_direction(lon_deg, lat_deg) -> tuple[float, float]:
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    v = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1).mean(axis=0)
    if np.linalg.norm(v) < 1e-6:  # content spread evenly round the globe: any centre will do
        return float(lat_deg[0]), float(lon_deg[0])
    return float(np.degrees(np.arcsin(v[2] / np.linalg.norm(v)))), float(np.degrees(np.arctan2(v[1], v[0])))


def _projected_box(lon, lat, crs):
    from openbmd.report.maps import project_lonlat

    x, y = project_lonlat(lon, lat, crs)
    ok = np.isfinite(x) & np.isfinite(y)
    return x[ok].min(), x[ok].max(), y[ok].min(), y[ok].max()


def frame_on(lon_deg, lat_deg, *, crs: str | None = None, margin_frac: float = MARGIN_FRAC,
             iterations: int = 3) -> Frame:
    """The frame that shows every point (lon/lat degrees), see the module docstring.

    With ``crs`` the projection is that one (e.g. ``"EPSG:3035"``) and only the box is fitted."""
    from pyproj import Transformer

    lon = np.asarray(lon_deg, dtype=float).ravel()
    lat = np.asarray(lat_deg, dtype=float).ravel()
    keep = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[keep], lat[keep]
    if lon.size == 0:
        raise InputError("a map needs at least one point with finite lon/lat to frame")
    lat0, lon0 = _mean_direction(lon, lat)
    lat0, lon0 = _round(lat0), _round(lon0)
    for _ in range(0 if crs else iterations):  # move the centre to the middle of the projected box
        crs = laea_crs(lat0, lon0)
        x0, x1, y0, y1 = _projected_box(lon, lat, crs)
        back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        clon, clat = back.transform((x0 + x1) / 2, (y0 + y1) / 2)
        new = (_round(float(np.clip(clat, -90, 90))), _round(((float(clon) + 180) % 360) - 180))
        if new == (lat0, lon0) or not np.all(np.isfinite(new)):
            break
        lat0, lon0 = new
    crs = crs or laea_crs(lat0, lon0)
    x0, x1, y0, y1 = _projected_box(lon, lat, crs)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) / 2, MIN_HALF_SPAN_M)
    half_h = max((y1 - y0) / 2, MIN_HALF_SPAN_M)
    pad = margin_frac * 2 * max(half_w, half_h)
    box = (cx - half_w - pad, cx + half_w + pad, cy - half_h - pad, cy + half_h + pad)
    return Frame(crs=crs, box=tuple(float(v) for v in box), centre_lat_deg=lat0, centre_lon_deg=lon0)


def contains(frame: Frame, lon_deg, lat_deg) -> np.ndarray:
    """Whether each point lies inside the frame's box (False where it does not project)."""
    from openbmd.report.maps import project_lonlat

    x, y = project_lonlat(np.asarray(lon_deg, float), np.asarray(lat_deg, float), frame.crs)
    x0, x1, y0, y1 = frame.box
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & np.isfinite(y) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def ring_frame(rings, *, extent_lonlat=None, crs: str | None = None) -> Frame:
    """The :class:`Frame` of a range-ring map: every ring (densified along
    great circles) and every site, or ``extent_lonlat`` when given."""
    from openbmd.report.borders import wrap180
    from openbmd.report.maps import _map_box, densify_great_circle

    if extent_lonlat is not None:
        west, east, south, north = (float(v) for v in extent_lonlat)
        if crs is None:  # centred on the extent (east < west: across the antimeridian)
            mid_lon = wrap180((west + ((east - west) % 360) / 2))
            lat0, lon0 = round(south + north) / 2, round(float(mid_lon) * 2) / 2
            crs = laea_crs(lat0, lon0)
        else:
            lat0, lon0 = (south + north) / 2, 0.0
        return Frame(crs=crs, box=_map_box(extent_lonlat, crs), centre_lat_deg=lat0, centre_lon_deg=lon0)
    if not rings:
        raise InputError("a range-ring map needs at least one ring, or extent_lonlat")
    pts = [densify_great_circle(np.r_[r.lon_deg, r.lon_deg[0]], np.r_[r.lat_deg, r.lat_deg[0]]) for r in rings]
    lon = np.concatenate([p[0] for p in pts] + [[r.site_lon_deg for r in rings]])
    lat = np.concatenate([p[1] for p in pts] + [[r.site_lat_deg for r in rings]])
    return frame_on(lon, lat, crs=crs)
