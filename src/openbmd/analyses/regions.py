"""Regions: land cells of a regular latitude/longitude grid, with their country and area.

A region is a set of countries (Natural Earth 1:50m outlines shipped in
``data/countries-50m.json``) or a latitude/longitude box of land.  Each cell
is represented by its centre; its area is that of the grid cell on a sphere
of the Earth's mean radius, (step)^2 cos(lat) R^2, so fractions are area
weighted.  Point-in-polygon uses matplotlib's Path (C), bounded by each
country's bounding box.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from openbmd.errors import InputError

R_MEAN_KM = 6371.0088  #: IUGG mean Earth radius

#: European countries outside NATO that an all-of-Europe region adds (Natural Earth names)
OTHER_EUROPE = ("Austria", "Belarus", "Bosnia and Herz.", "Cyprus", "Ireland", "Kosovo", "Liechtenstein",
                "Malta", "Moldova", "Serbia", "Switzerland", "Ukraine", "Andorra", "Monaco", "San Marino",
                "N. Cyprus", "Georgia", "Armenia", "Azerbaijan", "Russia")
#: boxes (lat0, lat1, lon0, lon1) clipping countries that reach far outside the region
CLIP = {"europe": (34.0, 72.0, -25.0, 60.0), "nato-europe": (34.0, 72.0, -32.0, 45.0),
        "us": (18.0, 72.0, -180.0, -60.0)}
REGIONS = ("nato-europe", "europe", "us", "LAT0,LAT1,LON0,LON1")


@dataclass(frozen=True, eq=False)
class Region:
    id: str
    name: str
    step_deg: float
    lat_deg: np.ndarray  #: (K,) cell centres
    lon_deg: np.ndarray
    area_km2: np.ndarray
    country: np.ndarray  #: (K,) Natural Earth country name of each cell

    def __len__(self) -> int:
        return self.lat_deg.size

    @property
    def total_area_km2(self) -> float:
        return float(self.area_km2.sum())


def _country_names(region: str, year: int) -> tuple[str, ...]:
    from openbmd.architectures.places import country_name, nato_europe

    nato = tuple(country_name(c) for c in nato_europe(year))
    if region == "nato-europe":
        return nato
    if region == "europe":
        return nato + OTHER_EUROPE
    if region == "us":
        return ("United States of America",)
    raise InputError(f"unknown region {region!r}; allowed: {', '.join(REGIONS)}")


def region_grid(region: str = "nato-europe", step_deg: float = 0.25, *, nato_year: int = 2024) -> Region:
    """The land cells of ``region`` on a ``step_deg`` grid (see the module docstring)."""
    if not (np.isfinite(step_deg) and 0.05 <= step_deg <= 5.0):
        raise InputError(f"grid step {step_deg} deg is outside [0.05, 5] deg")
    return _region_grid(region.strip().lower(), float(step_deg), int(nato_year))


@lru_cache(maxsize=16)
def _region_grid(region: str, step: float, year: int) -> Region:
    from matplotlib.path import Path

    from openbmd.report.borders import country

    box = _parse_box(region)
    if box is not None:
        names = None
        lat0, lat1, lon0, lon1 = box
        title = f"land in {lat0:g}..{lat1:g} N, {lon0:g}..{lon1:g} E"
    else:
        names = _country_names(region, year)
        lat0, lat1, lon0, lon1 = CLIP[region]
        title = {"nato-europe": f"NATO Europe ({year} members)", "europe": "Europe",
                 "us": "United States"}[region]
    lat = np.arange(lat0 + step / 2, lat1, step)
    lon = np.arange(lon0 + step / 2, lon1, step)
    LA, LO = np.meshgrid(lat, lon, indexing="ij")
    LA, LO = LA.ravel(), LO.ravel()
    owner = np.full(LA.size, "", dtype=object)
    if names is None:
        from openbmd.report.borders import countries

        pool = countries()
    else:
        pool = [country(n) for n in names]
    pts = np.column_stack([LO, LA])
    for c in pool:
        x0, y0, x1, y1 = c.bbox_deg()
        near = np.flatnonzero((LO >= x0) & (LO <= x1) & (LA >= y0) & (LA <= y1) & (owner == ""))
        if not near.size:
            continue
        inside = np.zeros(near.size, bool)
        for ring in c.polygons:
            inside |= Path(ring).contains_points(pts[near])
        for ring in c.holes:
            inside &= ~Path(ring).contains_points(pts[near])
        owner[near[inside]] = c.name
    keep = owner != ""
    if not keep.any():
        raise InputError(f"region {region!r} has no land on a {step:g} deg grid; give a box that holds land "
                         f"(LAT0,LAT1,LON0,LON1) or one of {', '.join(REGIONS[:3])}")
    la, lo = LA[keep], LO[keep]
    area = (np.radians(step) * R_MEAN_KM) ** 2 * np.cos(np.radians(la))
    return Region(region, title, step, la, lo, area, owner[keep].astype(str))


def _parse_box(text: str):
    parts = text.split(",")
    if len(parts) != 4:
        return None
    try:
        lat0, lat1, lon0, lon1 = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"region {text!r}: a box is four numbers LAT0,LAT1,LON0,LON1") from None
    if not (-90 <= lat0 < lat1 <= 90 and -180 <= lon0 < lon1 <= 360):
        raise InputError(f"region {text!r}: need -90 <= LAT0 < LAT1 <= 90 and -180 <= LON0 < LON1 <= 360")
    return lat0, lat1, lon0, lon1
