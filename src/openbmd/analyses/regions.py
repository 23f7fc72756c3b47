"""Regions: land cells of a regular latitude/longitude grid, with their country and area.

A region is a named set of countries clipped to a box (``data/regions.toml``, with
the sources of its choices; Natural Earth 1:50m outlines shipped in
``data/countries-50m.json``, read by :mod:`openbmd.geo.borders`) or a
latitude/longitude box of land.  Each cell
is represented by its centre; its area is that of the grid cell on a sphere
of the Earth's mean radius, (step)^2 cos(lat) R^2, so fractions are area
weighted.  Point-in-polygon is :meth:`openbmd.geo.borders.Country.contains`
(matplotlib's Path, C code), bounded by each country's bounding box.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from openbmd.errors import InputError

R_MEAN_KM = 6371.0088  #: IUGG mean Earth radius

REGIONS_FILE = "regions.toml"  #: in openbmd/data: the named regions, their boxes and sources
BOX_FORMAT = "LAT0,LAT1,LON0,LON1"


@dataclass(frozen=True, kw_only=True)
class RegionSpec:
    """A named region of ``data/regions.toml``: countries clipped to a box."""

    id: str
    title: str  #: may hold ``{year}`` (the NATO membership year)
    nato_europe_members: bool  #: add the European NATO members of the run's year
    countries: tuple[str, ...]  #: further Natural Earth country names
    lat_deg: tuple[float, float]  #: clipping box, south..north
    lon_deg: tuple[float, float]  #: west..east
    source: str


def _span(entry: dict, key: str, lo: float, hi: float, where: str) -> tuple[float, float]:
    v = entry.get(key)
    if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v)
            and lo <= v[0] < v[1] <= hi):
        raise InputError(f"{where}: {key} must be two increasing numbers within [{lo:g}, {hi:g}], got {v!r}")
    return float(v[0]), float(v[1])


def _spec(entry: dict, where: str) -> RegionSpec:
    for key, kind in (("id", str), ("title", str), ("nato_europe_members", bool), ("countries", list),
                      ("source", str)):
        if not isinstance(entry.get(key), kind):
            raise InputError(f"{where}: {key} must be a {kind.__name__}")
    if not all(isinstance(c, str) and c for c in entry["countries"]):
        raise InputError(f"{where}: countries must be Natural Earth country names")
    if not (entry["countries"] or entry["nato_europe_members"]):
        raise InputError(f"{where}: a region needs countries or nato_europe_members = true")
    return RegionSpec(id=entry["id"], title=entry["title"], nato_europe_members=entry["nato_europe_members"],
                      countries=tuple(entry["countries"]), lat_deg=_span(entry, "lat_deg", -90, 90, where),
                      lon_deg=_span(entry, "lon_deg", -180, 360, where), source=entry["source"])


def _regions_file() -> dict:
    from openbmd.data import data_toml

    return data_toml(REGIONS_FILE)


@lru_cache(maxsize=1)
def region_specs() -> dict[str, RegionSpec]:
    """The named regions of ``data/regions.toml`` by id (read and checked once)."""
    entries = _regions_file().get("region")
    if not entries:
        raise InputError(f"data/{REGIONS_FILE} defines no [[region]]")
    specs = {}
    for k, entry in enumerate(entries):
        spec = _spec(entry, f"data/{REGIONS_FILE} region {k + 1}")
        if spec.id in specs:
            raise InputError(f"data/{REGIONS_FILE}: region {spec.id!r} is defined twice")
        specs[spec.id] = spec
    return specs


def europe_batteries_box() -> tuple[float, float, float, float]:
    """(lat0, lat1, lon0, lon1): a battery inside defends Europe (``[europe_batteries]`` of regions.toml)."""
    entry = _regions_file().get("europe_batteries", {})
    where = f"data/{REGIONS_FILE} [europe_batteries]"
    return (*_span(entry, "lat_deg", -90, 90, where), *_span(entry, "lon_deg", -180, 360, where))


def region_names() -> tuple[str, ...]:
    """What ``region`` may be: the named regions, or a box."""
    return (*region_specs(), BOX_FORMAT)


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


def _country_names(spec: RegionSpec, year: int) -> tuple[str, ...]:
    from openbmd.architectures.places import country_name, nato_europe

    nato = tuple(country_name(c) for c in nato_europe(year)) if spec.nato_europe_members else ()
    return nato + spec.countries


def region_grid(region: str = "nato-europe", step_deg: float = 0.25, *, nato_year: int = 2024) -> Region:
    """The land cells of ``region`` on a ``step_deg`` grid (see the module docstring)."""
    if not (np.isfinite(step_deg) and 0.05 <= step_deg <= 5.0):
        raise InputError(f"grid step {step_deg} deg is outside [0.05, 5] deg")
    return _region_grid(region.strip().lower(), float(step_deg), int(nato_year))


@lru_cache(maxsize=16)
def _region_grid(region: str, step: float, year: int) -> Region:
    from openbmd.geo.borders import countries, country

    box = _parse_box(region)
    if box is not None:
        lat0, lat1, lon0, lon1 = box
        title = f"land in {lat0:g}..{lat1:g} N, {lon0:g}..{lon1:g} E"
        pool = countries()
    else:
        spec = region_specs().get(region)
        if spec is None:
            raise InputError(f"unknown region {region!r}; allowed: {', '.join(region_names())}")
        (lat0, lat1), (lon0, lon1) = spec.lat_deg, spec.lon_deg
        title = spec.title.format(year=year)
        pool = [country(n) for n in _country_names(spec, year)]
    lat = np.arange(lat0 + step / 2, lat1, step)
    lon = np.arange(lon0 + step / 2, lon1, step)
    LA, LO = np.meshgrid(lat, lon, indexing="ij")
    LA, LO = LA.ravel(), LO.ravel()
    owner = np.full(LA.size, "", dtype=object)
    for c in pool:
        x0, y0, x1, y1 = c.bbox_deg()
        near = np.flatnonzero((LO >= x0) & (LO <= x1) & (LA >= y0) & (LA <= y1) & (owner == ""))
        if near.size:
            owner[near[c.contains(LA[near], LO[near])]] = c.name
    keep = owner != ""
    if not keep.any():
        raise InputError(f"region {region!r} has no land on a {step:g} deg grid; give a box that holds land "
                         f"({BOX_FORMAT}) or one of {', '.join(region_specs())}")
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
        raise InputError(f"region {text!r}: a box is four numbers {BOX_FORMAT}") from None
    if not (-90 <= lat0 < lat1 <= 90 and -180 <= lon0 < lon1 <= 360):
        raise InputError(f"region {text!r}: need -90 <= LAT0 < LAT1 <= 90 and -180 <= LON0 < LON1 <= 360")
    return lat0, lat1, lon0, lon1
