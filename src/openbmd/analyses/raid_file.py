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
    return Raid(name=declared.name or Path(where.filename).stem, description=declared.description,
                salvos=resolve_salvos(declared.salvo, where, base_dir), path=where.filename)


def resolve_salvos(entries, where: schema.Where, base_dir: Path | None) -> tuple[Salvo, ...]:
    """The declared ``[[salvo]]`` entries resolved (missiles found, places placed); a problem is
    one line naming the file, the line and the key."""
    salvos = []
    for k, entry in enumerate(entries):
        try:
            salvos.append(_salvo(entry, k, where.line(("salvo", k)) or 0, base_dir))
        except InvalidField as exc:
            raise where.error(exc, "salvo", k) from None
    return tuple(salvos)


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


def _place(text: str, key: str) -> tuple[str, float, float]:
    """'LAT,LON' or a place name (:func:`openbmd.sites.resolve_place`, as every command):
    for ``from`` a launch area first, for ``to`` a shipped target first, else a city."""
    from openbmd.sites import resolve_place

    try:
        p = resolve_place(text, key, prefer="launch area" if key == "from" else "target")
    except InputError as exc:
        why = str(exc).removeprefix(f"{key} {text!r}: ").removeprefix(f"{key}: ")
        raise InvalidField((key,), text, why) from None
    return (text.strip() if p.kind == "coordinates" else p.name), p.lat_deg, p.lon_deg
