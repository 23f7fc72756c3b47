"""Parsing and checking of command-line values; every problem is an InputError."""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from openbmd.errors import InputError

#: the hint of a malformed pair (openbmd.sites.LATLON_HINT; repeated so that --help imports no pydantic)
LATLON_HINT = "expected LAT,LON in degrees, e.g. 35.2,53.9"

#: the widest azimuth accepted (degrees either way from north); beyond it a number is a typo
MAX_AZIMUTH_DEG = 360.0
#: range-ring and threat-map azimuths: 0.1 degree apart at most (a finer ring changes nothing drawn)
MAX_COUNT = 3600


def parse_latlon(text: str, *, option: str = "--from") -> tuple[float, float]:
    """Parse ``"LAT,LON"`` (degrees) into floats, checking the allowed ranges.

    Latitude must lie in [-90, 90] and longitude in [-180, 180] (east positive).
    """
    from openbmd.sites import parse_latlon as parse

    return parse(text, option)


def place(text: str, *, option: str = "--from", prefer: str = "launch area"):
    """``LAT,LON`` or a place name (launch area, target, city): an :class:`openbmd.sites.Place`.

    Every command resolves places through :func:`openbmd.sites.resolve_place`, as raid files do.
    """
    from openbmd.sites import resolve_place

    return resolve_place(text, option, prefer=prefer)


def point(text: str, *, option: str = "--from", prefer: str = "launch area") -> tuple[float, float]:
    """(lat, lon) in degrees of ``LAT,LON`` or a place name (see :func:`place`)."""
    p = place(text, option=option, prefer=prefer)
    return p.lat_deg, p.lon_deg


def check_azimuth(value: float | None, option: str = "--azimuth") -> float | None:
    """A finite azimuth in [-360, 360] degrees, returned in [0, 360); None passes."""
    if value is None:
        return None
    check_finite(value, option)
    if not -MAX_AZIMUTH_DEG <= value <= MAX_AZIMUTH_DEG:
        raise InputError(f"{option} {value:g} is outside [-360, 360] degrees (clockwise from north)")
    return value % 360.0


def check_finite(value: float | None, option: str) -> float | None:
    """Reject nan and infinities (click's FLOAT accepts them); None passes."""
    if value is not None and not math.isfinite(value):
        raise InputError(f"{option} must be a finite number, got {value}")
    return value


def check_count(count: int) -> int:
    """Range-ring azimuth count: 1 to :data:`MAX_COUNT`."""
    if not 1 <= count <= MAX_COUNT:
        raise InputError(f"--count must be from 1 to {MAX_COUNT:,} azimuths (0.1 deg apart), got {count:,}")
    return count


def check_out_path(path: Path | None, allowed: Iterable[str]) -> Path | None:
    """Check an ``--out`` file name before any work: known extension, existing folder."""
    if path is None:
        return None
    allowed = tuple(allowed)
    if path.name in ("", ".", "..") or path.is_dir():
        raise InputError(f"--out {str(path)!r}: give a file name (e.g. out{allowed[0]}), not an empty name "
                         "or a folder")
    suffix = path.suffix.lower()
    if suffix not in allowed:
        shown = suffix or "(none)"
        raise InputError(f"--out {path}: unknown output extension {shown}; allowed: {', '.join(allowed)}")
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"--out {path}: folder {parent} does not exist")
    return path


def out_folder(value: str | None, example: str = "results") -> Path | None:
    """An ``--out DIR`` folder option, read as text: typer's Path type turns ``--out ""`` into
    ``.`` (the current folder), so an empty name is refused here; a name that exists as a file
    is refused too. None passes."""
    if value is None:
        return None
    if not value.strip():
        raise InputError(f"--out {value!r}: give a folder name (e.g. {example}), not an empty name")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path}: exists and is not a directory")
    return path
