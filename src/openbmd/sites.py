"""Named places shipped with openbmd: launch areas and ICBM fields (``data/launch_areas.toml``).

That file is the one home of these positions: threat sets and raid files name
an area; each :class:`LaunchArea` carries its coordinates in degrees and the
open source its coordinate and role come from.

:func:`resolve_place` is the one resolver of places that users name (every
command's ``--from``/``--to``/``--site``, raid files): ``LAT,LON``, a launch
area, a target of the shipped target sets, or a city.
"""
from __future__ import annotations

import math
import re
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping, NamedTuple

from openbmd import schema
from openbmd.errors import InputError
from openbmd.schema import Lat, Lon, Model


class LaunchArea(Model):
    """A missile launch area (town- or base-level position, geodetic degrees)."""

    name: str
    country: str
    lat_deg: Lat  #: geodetic latitude, degrees north
    lon_deg: Lon  #: longitude, degrees east
    source: str  #: where the coordinate and the site's role come from


class LaunchAreasFile(Model):
    threat_map: tuple[str, ...] = ()  #: the areas ``openbmd threat-map`` draws
    launch_area: tuple[LaunchArea, ...]


def parse_launch_areas(text: str, where: str = "launch_areas.toml") -> tuple[LaunchArea, ...]:
    """Parse launch areas from TOML text (a ``[[launch_area]]`` array of tables)."""
    return _parse(text, where).launch_area


def _parse(text: str, where: str) -> LaunchAreasFile:
    data, located = schema.parse_toml(text, where)
    declared = schema.validate(LaunchAreasFile, data, located)
    names = [fold(a.name) for a in declared.launch_area]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InputError(located.say(("launch_area", i, "name"), f"launch area {declared.launch_area[i].name!r} "
                                         "is listed twice"))
    for i, name in enumerate(declared.threat_map):
        if fold(name) not in names:
            raise InputError(located.say(("threat_map",), f"threat_map[{i + 1}] = {name!r} is no [[launch_area]]"))
    return declared


@cache
def _shipped() -> LaunchAreasFile:
    text = resources.files("openbmd.data").joinpath("launch_areas.toml").read_text("utf-8")
    return _parse(text, str(resources.files("openbmd.data").joinpath("launch_areas.toml")))


def launch_areas() -> Mapping[str, LaunchArea]:
    """Every shipped launch area, by name."""
    return MappingProxyType({a.name: a for a in _shipped().launch_area})


def get_launch_area(name: str) -> LaunchArea:
    """A shipped launch area by name (case- and accent-insensitive)."""
    key = fold(name)
    for area in _shipped().launch_area:
        if fold(area.name) == key:
            return area
    raise InputError(f"unknown launch area {name!r}; allowed: {', '.join(sorted(launch_areas()))}")


def load_launch_areas() -> tuple[LaunchArea, ...]:
    """The launch areas ``openbmd threat-map`` draws (the file's ``threat_map`` list)."""
    return tuple(get_launch_area(name) for name in _shipped().threat_map)


def fold(text: str) -> str:
    """Case- and accent-insensitive key ('Kürecik' == 'kurecik')."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold().strip()


# ------------------------------------------------------------------ places named on the command line

class Place(NamedTuple):
    """A place given by the user, resolved: its name, position (degrees) and what it is."""

    name: str
    lat_deg: float
    lon_deg: float
    kind: str  #: "coordinates", "launch area", "target" or "city"
    country: str = ""


LATLON_HINT = "expected LAT,LON in degrees, e.g. 35.2,53.9"
_NUMERIC = re.compile(r"^\s*[-+]?(\d|\.\d)")


def parse_latlon(text: str, what: str = "--from") -> tuple[float, float]:
    """``"LAT,LON"`` in degrees: latitude in [-90, 90], longitude in [-180, 180] (east positive)."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        lat, lon = (float(p) for p in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InputError(f"{what} {text!r}: {LATLON_HINT}")
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{what}: latitude {lat:g} is outside [-90, 90] degrees")
    if not -180.0 <= lon <= 180.0:
        east = f" ({lon:g} E is {(lon + 180.0) % 360.0 - 180.0:g})" if 180.0 < lon < 360.0 else ""
        raise InputError(f"{what}: longitude {lon:g} is outside [-180, 180] degrees, east positive{east}")
    return lat, lon


def resolve_place(text: str, what: str = "--from", *, prefer: str = "launch area") -> Place:
    """``"LAT,LON"`` or a name: a shipped launch area or ICBM field, a target of the shipped target
    sets, or a city of ``data/cities.csv`` (case- and accent-insensitive).

    The one resolver of every command and of raid files.  A name that is several things resolves
    to ``prefer`` first ("launch area" for a launch point, "target" for an aim point).
    """
    if _NUMERIC.match(str(text)) or "," in str(text):  # no shipped name holds a comma
        lat, lon = parse_latlon(text, what)
        return Place(str(text).strip(), lat, lon, "coordinates")
    order = ("launch area", "target", "city")
    order = (prefer, *(k for k in order if k != prefer))
    for kind in order:
        hit = _FINDERS[kind](str(text))
        if hit is not None:
            return hit
    raise InputError(f"{what} {text!r}: unknown launch area, target or city{_close(str(text))}; "
                     f"or give LAT,LON in degrees")


def _area(text: str) -> Place | None:
    key = fold(text)
    for a in _shipped().launch_area:
        if fold(a.name) == key:
            return Place(a.name, a.lat_deg, a.lon_deg, "launch area", a.country)
    return None


def _target(text: str) -> Place | None:
    from openbmd.architectures.loader import get_target_set, target_set_ids
    from openbmd.architectures.model import _fold

    for tid in target_set_ids():
        for t in get_target_set(tid).targets:
            if _fold(t.name) == _fold(text):
                return Place(t.name, t.lat_deg, t.lon_deg, "target")
    return None


def _city(text: str) -> Place | None:
    from openbmd.architectures.places import find_city

    try:
        c = find_city(text)
    except InputError:
        return None
    return Place(c.name, c.lat_deg, c.lon_deg, "city", c.country)


_FINDERS = {"launch area": _area, "target": _target, "city": _city}


def _close(text: str) -> str:
    """'; close matches: A, B' over every launch area, target and city name ('' when none)."""
    import difflib

    from openbmd.architectures.loader import get_target_set, target_set_ids
    from openbmd.architectures.places import load_cities

    names = [a.name for a in _shipped().launch_area]
    names += [t.name for tid in target_set_ids() for t in get_target_set(tid).targets]
    names += [c.name for c in load_cities()]
    by_key = {}
    for n in names:
        by_key.setdefault(fold(n), n)
    close = difflib.get_close_matches(fold(text), list(by_key), n=5, cutoff=0.6)
    return f"; close matches: {', '.join(by_key[k] for k in close)}" if close else ""


def threat_area(threat_set: str, name: str, what: str = "--from"):
    """The area ``name`` of the shipped threat set ``threat_set`` (a ThreatArea); any other place,
    e.g. a Russian ICBM field for the Iranian set, is an InputError naming the set's own areas."""
    from openbmd.architectures.loader import get_threat_set

    ts = get_threat_set(threat_set)
    for a in ts.areas:
        if fold(a.name) == fold(name):
            return a
    p = resolve_place(name, what)
    kind = f"a launch area of {p.country}" if p.kind == "launch area" else f"a {p.kind}"
    if p.kind == "coordinates":
        kind = "a position"
    raise InputError(f"{what} {name!r} is {kind}, not a launch area of threat set {ts.id!r} ({ts.country}); "
                     f"allowed: {', '.join(a.name for a in ts.areas)}")
