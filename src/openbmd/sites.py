"""Named places shipped with openbmd: launch areas (``data/launch_areas.toml``).

Each place is a frozen :class:`LaunchArea` with its coordinates in degrees and
the open source its coordinate and role come from.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from openbmd.errors import InputError

_FIELDS = ("name", "country", "lat_deg", "lon_deg", "source")


@dataclass(frozen=True, kw_only=True)
class LaunchArea:
    """A missile launch area (town-level position, geodetic degrees)."""

    name: str
    country: str
    lat_deg: float  #: geodetic latitude, degrees north
    lon_deg: float  #: longitude, degrees east
    source: str  #: where the coordinate and the site's role come from


def _launch_area(entry: dict, where: str) -> LaunchArea:
    """Validate one ``[[launch_area]]`` table and build the model."""
    missing = [k for k in _FIELDS if k not in entry]
    extra = sorted(set(entry) - set(_FIELDS))
    if missing or extra:
        raise InputError(
            f"{where}: launch area {entry.get('name', '?')!r} has missing keys {missing} "
            f"or unknown keys {extra}; allowed: {', '.join(_FIELDS)}"
        )
    lat, lon = float(entry["lat_deg"]), float(entry["lon_deg"])
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon < 360):
        raise InputError(
            f"{where}: launch area {entry['name']!r} has lat_deg={lat}, lon_deg={lon}; "
            "allowed: latitude in [-90, 90], longitude in [-180, 360)"
        )
    return LaunchArea(name=str(entry["name"]), country=str(entry["country"]),
                      lat_deg=lat, lon_deg=lon, source=str(entry["source"]))


def parse_launch_areas(text: str, where: str = "launch_areas.toml") -> tuple[LaunchArea, ...]:
    """Parse launch areas from TOML text (a ``[[launch_area]]`` array of tables)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML ({exc})") from exc
    return tuple(_launch_area(entry, where) for entry in doc.get("launch_area", []))


@cache
def load_launch_areas() -> tuple[LaunchArea, ...]:
    """The launch areas shipped in ``openbmd/data/launch_areas.toml``."""
    text = resources.files("openbmd.data").joinpath("launch_areas.toml").read_text("utf-8")
    return parse_launch_areas(text)
