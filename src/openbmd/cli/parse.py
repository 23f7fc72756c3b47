"""Parsing and checking of command-line values; every problem is an InputError."""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from openbmd.errors import InputError

LATLON_HINT = "expected LAT,LON in degrees, e.g. 35.2,53.9"


def parse_latlon(text: str, *, option: str = "--from") -> tuple[float, float]:
    """Parse ``"LAT,LON"`` (degrees) into floats, checking the allowed ranges.

    Latitude must lie in [-90, 90] and longitude in [-180, 360).
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 2:
        raise InputError(f"{option} {text!r}: {LATLON_HINT}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(f"{option} {text!r}: {LATLON_HINT}") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InputError(f"{option} {text!r}: {LATLON_HINT}")
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{option}: latitude {lat:g} is outside [-90, 90] degrees")
    if not -180.0 <= lon < 360.0:
        raise InputError(f"{option}: longitude {lon:g} is outside [-180, 360) degrees")
    return lat, lon


def check_finite(value: float | None, option: str) -> float | None:
    """Reject nan and infinities (click's FLOAT accepts them); None passes."""
    if value is not None and not math.isfinite(value):
        raise InputError(f"{option} must be a finite number, got {value}")
    return value


def check_count(count: int) -> int:
    """Range-ring azimuth count: at least one."""
    if count < 1:
        raise InputError(f"--count must be >= 1, got {count}")
    return count


def check_out_path(path: Path | None, allowed: Iterable[str]) -> Path | None:
    """Check an ``--out`` file name before any work: known extension, existing folder."""
    if path is None:
        return None
    allowed = tuple(allowed)
    suffix = path.suffix.lower()
    if suffix not in allowed:
        shown = suffix or "(none)"
        raise InputError(f"--out {path}: unknown output extension {shown}; allowed: {', '.join(allowed)}")
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"--out {path}: folder {parent} does not exist")
    return path
