"""The raid file: salvos of missiles from launch areas at targets, declared once and resolved at load.

A raid file (TOML) lists ``[[salvo]]`` entries::

    name = "Iranian salvo on south-east Europe"      # optional
    [[salvo]]
    missile = "shahab-3"        # catalog missile id (or a missile .toml, relative to the raid file)
    from = "Tabriz"             # a launch area of the shipped threat sets, or "LAT,LON"
    to = "Ankara"               # a target of a shipped target set, a city of data/cities.csv, or "LAT,LON"
    count = 6                   # whole number >= 1
    launch_time_s = 0           # optional, s after the raid starts (default 0)
    shape = "min-energy"        # optional: min-energy | lofted | depressed
    rcs_m2 = 0.1                # optional: the warhead's RCS (default: the missile's, else 0.1)

Every problem is one line ``file:line: salvo[k].key = value — what is allowed``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from openbmd import schema
from openbmd.errors import InputError
from openbmd.schema import InvalidField, Model

SHAPES = ("min-energy", "lofted", "depressed")
MAX_COUNT = 10_000
MAX_LAUNCH_TIME_S = 86_400.0
_LATLON = re.compile(r"^\s*[-+]?(\d|\.\d)")
Place = Annotated[str, Field(min_length=1, pattern=r"\S")]


class SalvoFile(Model):
    """A ``[[salvo]]`` table as written."""

    missile: Place
    from_: Place = Field(alias="from")
    to: Place
    count: Annotated[int, Field(ge=1, le=MAX_COUNT)]
    launch_time_s: Annotated[float, Field(ge=0.0, le=MAX_LAUNCH_TIME_S)] = 0.0
    shape: Literal[SHAPES] = "min-energy"
    rcs_m2: Annotated[float, Field(gt=0.0)] | None = None


class RaidFile(Model):
    name: str = ""
    description: str = ""
    salvo: tuple[SalvoFile, ...] = Field(min_length=1)


@dataclass(frozen=True, kw_only=True)
class Salvo:
    """One ``[[salvo]]`` entry, resolved: where from, where to, how many, when."""

    index: int  #: 1-based position in the file
    line: int  #: line of its ``[[salvo]]`` header
    missile: str  #: catalog id or missile file path
    from_name: str
    from_lat_deg: float
    from_lon_deg: float
    to_name: str
    to_lat_deg: float
    to_lon_deg: float
    count: int
    launch_time_s: float = 0.0
    shape: str = "min-energy"
    rcs_m2: float | None = None

    @property
    def label(self) -> str:
        return f"{self.count} x {self.missile} {self.from_name} -> {self.to_name}"


@dataclass(frozen=True, kw_only=True)
class Raid:
    name: str
    salvos: tuple[Salvo, ...]
    description: str = ""
    path: str = "<raid>"

    @property
    def threats(self) -> int:
        return sum(s.count for s in self.salvos)


def load_raid(path: str | Path) -> Raid:
    """Read and check a raid file; every error names the file and the line."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"raid file {path} is a folder, not a .toml file")
    data, where = schema.read_toml(path, "raid")
    return _raid(data, where, path.parent)


def parse_raid(text: str, filename: str = "<raid>", *, base_dir: Path | None = None) -> Raid:
    """Parse raid TOML ``text``; ``filename`` names it in messages, ``base_dir`` anchors missile paths."""
    data, where = schema.parse_toml(text, filename)
    return _raid(data, where, base_dir)


def _raid(data: dict, where: schema.Where, base_dir: Path | None) -> Raid:
    if not data.get("salvo"):
        raise InputError(f"{where.filename}: no [[salvo]] entries; a raid lists at least one [[salvo]] with "
                         "missile, from, to, count")
    declared = schema.validate(RaidFile, data, where)
    salvos = []
    for k, entry in enumerate(declared.salvo):
        try:
            salvos.append(_salvo(entry, k, where.line(("salvo", k)) or 0, base_dir))
        except InvalidField as exc:
            raise where.error(exc, "salvo", k) from None
    return Raid(name=declared.name or Path(where.filename).stem, description=declared.description,
                salvos=tuple(salvos), path=where.filename)


def _salvo(entry: SalvoFile, k: int, line: int, base_dir: Path | None) -> Salvo:
    missile = entry.missile.strip()
    if missile.lower().endswith(".toml") and base_dir is not None and not Path(missile).is_absolute():
        missile = str(base_dir / missile)
    from openbmd.missiles import get_missile

    try:
        get_missile(missile)
    except InputError as exc:
        raise InvalidField(("missile",), entry.missile, str(exc)) from None
    f_name, f_lat, f_lon = _place(entry.from_, "from")
    t_name, t_lat, t_lon = _place(entry.to, "to")
    return Salvo(index=k + 1, line=line, missile=missile, from_name=f_name, from_lat_deg=f_lat,
                 from_lon_deg=f_lon, to_name=t_name, to_lat_deg=t_lat, to_lon_deg=t_lon, count=entry.count,
                 launch_time_s=entry.launch_time_s, shape=entry.shape, rcs_m2=entry.rcs_m2)


def _latlon(text: str, key: str) -> tuple[float, float]:
    parts = [p.strip() for p in text.split(",")]
    try:
        lat, lon = (float(p) for p in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidField((key,), text, 'expected "LAT,LON" in degrees (e.g. "38.08,46.29") or a place name')
    if not -90.0 <= lat <= 90.0:
        raise InvalidField((key,), text, f"latitude {lat:g} is outside [-90, 90] degrees")
    if not -180.0 <= lon < 360.0:
        raise InvalidField((key,), text, f"longitude {lon:g} is outside [-180, 360) degrees")
    return lat, lon


def _place(text: str, key: str) -> tuple[str, float, float]:
    """'LAT,LON'; for ``from`` a launch area; for ``to`` a shipped target or a city."""
    if _LATLON.match(text):
        lat, lon = _latlon(text, key)
        return text.strip(), lat, lon
    try:
        if key == "from":
            from openbmd.architectures.loader import find_area

            _, area = find_area(text)
            return area.name, area.lat_deg, area.lon_deg
        return _target(text)
    except InputError as exc:
        raise InvalidField((key,), text, str(exc)) from None


def _target(text: str) -> tuple[str, float, float]:
    from openbmd.architectures.loader import get_target_set, target_set_ids
    from openbmd.architectures.model import _fold
    from openbmd.architectures.places import find_city

    for tid in target_set_ids():
        for t in get_target_set(tid).targets:
            if _fold(t.name) == _fold(text):
                return t.name, t.lat_deg, t.lon_deg
    try:
        city = find_city(text)
    except InputError as exc:
        raise InputError(f"neither a target of the shipped target sets nor \"LAT,LON\"; as a city: {exc}") from None
    return city.name, city.lat_deg, city.lon_deg
