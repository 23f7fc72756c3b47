"""Published range points and the reference launch site of a missile.

A published range is only a number once its convention is said: the payload it is
carried with and the direction it is flown on the rotating Earth. A
:class:`RangePoint` records both; ``azimuth_deg = None`` (``"any"`` in a file)
is a figure that names no direction. Such a figure is read, here, as the MEDIAN
over launch azimuths of the rotating-Earth maximum range from the missile's
:class:`ReferenceSite`: half the directions reach farther, half less. The median
equals the non-rotating range (the convention of the open technical literature,
e.g. D. Wright, UCS: "a range of 10,400 kilometers ... before accounting for the
rotation of the Earth", CNBC 28 Jul 2017) to ~0.5 %, while the MEAN over azimuths
is dragged up by the near-orbital eastward arcs of the liquid ICBMs (ss-18 from
Dombarovsky: median 11,461 km, mean 13,196 km), so it is not used.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openbmd.schema import InvalidField

#: how a published figure bounds the range: "about" a value, "at-least" (a floor), "up-to" (a ceiling)
BOUNDS = ("about", "at-least", "up-to")
#: the spread around an "about" calibration point that the engine must meet (fraction)
CALIBRATION_TOLERANCE = 0.03


@dataclass(frozen=True, kw_only=True)
class RangePoint:
    """One published range with its convention: payload and direction."""

    range_km: float | tuple[float, float]  #: a value, or a [min, max] band from one source
    payload_kg: float | None = None  #: payload the range is quoted with (None: not stated)
    azimuth_deg: float | None = None  #: launch azimuth it refers to; None: any / not stated
    bound: str = "about"  #: "about", "at-least" or "up-to"
    source: str = ""  #: who says so

    def __post_init__(self) -> None:
        r = self.range_km
        band = isinstance(r, (tuple, list))
        values = tuple(float(v) for v in r) if band else (float(r),)
        if band and (len(values) != 2 or not 0.0 < values[0] <= values[1]):
            raise InvalidField(("range_km",), r, "must be a number or [min, max] km with 0 < min <= max")
        if not values[0] > 0.0:
            raise InvalidField(("range_km",), r, "must be > 0 km")
        object.__setattr__(self, "range_km", values if band else values[0])
        if self.payload_kg is not None and not self.payload_kg > 0.0:
            raise InvalidField(("payload_kg",), self.payload_kg, "must be > 0 kg")
        if self.azimuth_deg is not None and not 0.0 <= self.azimuth_deg < 360.0:
            raise InvalidField(("azimuth_deg",), self.azimuth_deg, 'must be in [0, 360) deg or "any"')
        if self.bound not in BOUNDS:
            raise InvalidField(("bound",), self.bound, f"must be one of {', '.join(BOUNDS)}")

    @property
    def low_km(self) -> float:
        return self.range_km[0] if isinstance(self.range_km, tuple) else self.range_km

    @property
    def high_km(self) -> float:
        return self.range_km[1] if isinstance(self.range_km, tuple) else self.range_km

    @property
    def direction(self) -> str:
        """``"any"`` or ``"azimuth 337 deg"``."""
        return "any" if self.azimuth_deg is None else f"azimuth {self.azimuth_deg:g} deg"

    def meets(self, range_km: float, tolerance: float = CALIBRATION_TOLERANCE) -> bool:
        """Does an engine range meet this point? A band: inside it; "about": within ``tolerance``;
        "at-least": not below it by more than ``tolerance``; "up-to": not above it by more."""
        lo, hi = self.low_km, self.high_km
        if isinstance(self.range_km, tuple):
            return lo <= range_km <= hi
        if self.bound == "at-least":
            return range_km >= lo * (1.0 - tolerance)
        if self.bound == "up-to":
            return range_km <= hi * (1.0 + tolerance)
        return abs(range_km - lo) <= tolerance * lo

    def to_toml_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"range_km": list(self.range_km) if isinstance(self.range_km, tuple)
                               else self.range_km}
        if self.payload_kg is not None:
            out["payload_kg"] = self.payload_kg
        out["azimuth_deg"] = "any" if self.azimuth_deg is None else self.azimuth_deg
        if self.bound != "about":
            out["bound"] = self.bound
        if self.source:
            out["source"] = self.source
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``azimuth_deg`` null for any direction)."""
        d = self.to_toml_dict()
        d["azimuth_deg"] = self.azimuth_deg
        d.setdefault("bound", self.bound)
        d.setdefault("payload_kg", None)
        return d


@dataclass(frozen=True, kw_only=True)
class ReferenceSite:
    """Where a missile's ranges are measured from: a launch area of ``data/launch_areas.toml``
    (``area`` true, written as its name) or a position given in the missile file."""

    name: str
    lat_deg: float
    lon_deg: float
    source: str = ""
    area: bool = True  #: True: a shipped launch area, written back as its name

    def to_toml(self) -> Any:
        if self.area:
            return self.name
        out = {"name": self.name, "lat_deg": self.lat_deg, "lon_deg": self.lon_deg}
        if self.source:
            out["source"] = self.source
        return out
