"""Named places shipped with openbmd: launch areas and ICBM fields (``data/launch_areas.toml``).

That file is the one home of these positions: threat sets and raid files name
an area; each :class:`LaunchArea` carries its coordinates in degrees and the
open source its coordinate and role come from.
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

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
