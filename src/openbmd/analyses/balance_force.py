"""A strategic force file: the warheads ``openbmd balance`` launches, field by field.

A force file (TOML) names a threat set (default ``russia-icbm``: the fields' positions and the
missiles icbm-reach flies there) and a target set (default ``us-targets``) and lists ``[[group]]`` entries, every number with its source::

    id = "russia-2024"
    name = "Russian deployed ICBM force, 2024"
    threat_set = "russia-icbm"  # optional (the default)
    target_set = "us-targets"   # optional (the default): where the warheads are launched
    [[group]]
    field = "Kozelsk"            # an area of the threat set
    missile = "rs-24"            # one of the area's missiles
    missiles = 20                # deployed missiles
    warheads_per_missile = 4
    decoys_per_warhead = 0       # optional; > 0 needs a source that states it (or an N flag)
    targets = ["Washington"]     # optional: targets of the target set aimed at (default all)
    source = "M: ..."

Shipped forces live in ``architectures/catalog/forces/<id>.toml``; every problem is one line
``file:line: group[k].key = value — what is allowed``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field

from openbmd import schema
from openbmd.errors import InputError
from openbmd.schema import InvalidField, Model, Pairs

FORCES_DIR = Path(__file__).parents[1] / "architectures" / "catalog" / "forces"
MAX_MISSILES = 5_000
MAX_WARHEADS_PER_MISSILE = 20
MAX_DECOYS_PER_WARHEAD = 50.0
Text = Annotated[str, Field(min_length=1, pattern=r"\S")]


class GroupFile(Model):
    """A ``[[group]]`` table as written."""

    field: Text
    missile: Text
    missiles: Annotated[int, Field(ge=0, le=MAX_MISSILES)]
    warheads_per_missile: Annotated[int, Field(ge=1, le=MAX_WARHEADS_PER_MISSILE)]
    decoys_per_warhead: Annotated[float, Field(ge=0.0, le=MAX_DECOYS_PER_WARHEAD)] = 0.0
    targets: tuple[Text, ...] = ()  #: names of the target set aimed at (default: all it holds)
    source: Text


class ForceFile(Model):
    id: Text
    name: str = ""
    year: int | None = None
    threat_set: Text = "russia-icbm"
    target_set: Text = "us-targets"  #: where the warheads are launched (a shipped target set)
    description: str = ""
    sources: Pairs = ()
    group: tuple[GroupFile, ...] = Field(min_length=1)


@dataclass(frozen=True, kw_only=True)
class Group:
    """One field's missiles and warheads, resolved against the threat set."""

    field: str
    missile: str
    missiles: int
    warheads_per_missile: int
    decoys_per_warhead: float
    source: str
    targets: tuple[str, ...] = ()  #: () = every target of the force's target set

    @property
    def warheads(self) -> int:
        return self.missiles * self.warheads_per_missile


@dataclass(frozen=True, kw_only=True)
class Force:
    id: str
    name: str
    threat_set: str
    groups: tuple[Group, ...]
    target_set: str = "us-targets"
    year: int | None = None
    description: str = ""
    sources: tuple = ()
    path: str = "<force>"

    @property
    def warheads(self) -> int:
        return sum(g.warheads for g in self.groups)

    @property
    def missiles(self) -> int:
        return sum(g.missiles for g in self.groups)

    def summary(self) -> dict:
        return {"id": self.id, "name": self.name, "year": self.year, "threat_set": self.threat_set,
                "target_set": self.target_set,
                "missiles": self.missiles, "warheads": self.warheads, "sources": dict(self.sources),
                "groups": [{"field": g.field, "missile": g.missile, "missiles": g.missiles,
                            "warheads_per_missile": g.warheads_per_missile, "warheads": g.warheads,
                            "decoys_per_warhead": g.decoys_per_warhead, "targets": list(g.targets) or "all",
                            "source": g.source} for g in self.groups]}


def force_ids() -> list[str]:
    """The shipped forces."""
    return sorted(p.stem for p in FORCES_DIR.glob("*.toml"))


def get_force(ident: str | Path) -> Force:
    """A shipped force by id, or a force file by path."""
    text = str(ident).strip()
    if text in force_ids():
        return _shipped(text)
    path = Path(text)
    if path.suffix.lower() == ".toml":
        if path.is_dir():
            raise InputError(f"force file {path} is a folder, not a .toml file")
        return load_force(path)
    raise InputError(f"unknown force {text!r}; allowed: {', '.join(force_ids())} or a path to a .toml file")


@cache
def _shipped(ident: str) -> Force:
    return load_force(FORCES_DIR / f"{ident}.toml")


def load_force(path: str | Path) -> Force:
    """Read and check a force file; every error names the file and the line."""
    data, where = schema.read_toml(path, "force")
    return _force(data, where)


def parse_force(text: str, filename: str = "<force>") -> Force:
    data, where = schema.parse_toml(text, filename)
    return _force(data, where)


def _force(data: dict, where: schema.Where) -> Force:
    declared = schema.validate(ForceFile, data, where)
    from openbmd.architectures.loader import get_target_set, get_threat_set

    try:
        ts = get_threat_set(declared.threat_set)
    except InputError as exc:
        raise InputError(where.say(("threat_set",), str(exc))) from None
    try:
        tg = get_target_set(declared.target_set)
    except InputError as exc:
        raise InputError(where.say(("target_set",), str(exc))) from None
    groups = []
    for k, g in enumerate(declared.group):
        try:
            groups.append(_group(g, ts, tg))
        except InvalidField as exc:
            raise where.error(exc, "group", k) from None
    if sum(g.warheads for g in groups) < 1:
        raise InputError(f"{where.filename}: the force holds no warheads (every group has missiles = 0)")
    return Force(id=declared.id, name=declared.name or declared.id, threat_set=ts.id, target_set=tg.id,
                 groups=tuple(groups),
                 year=declared.year, description=declared.description, sources=declared.sources,
                 path=where.filename)


def _group(g: GroupFile, ts, tg) -> Group:
    names = {a.name.lower(): a for a in ts.areas}
    area = names.get(g.field.strip().lower())
    if area is None:
        raise InvalidField(("field",), g.field, f"not an area of threat set {ts.id!r}; allowed: "
                           + ", ".join(a.name for a in ts.areas))
    if g.missile not in area.missiles:
        raise InvalidField(("missile",), g.missile,
                           f"not a missile of {area.name}; allowed: {', '.join(area.missiles)}")
    known = {t.name.lower(): t.name for t in tg.targets}
    for k, name in enumerate(g.targets):
        if name.strip().lower() not in known:
            raise InvalidField(("targets", k), name, f"not a target of {tg.id!r}; allowed: "
                               + ", ".join(t.name for t in tg.targets))
    return Group(field=area.name, missile=g.missile, missiles=g.missiles,
                 warheads_per_missile=g.warheads_per_missile, decoys_per_warhead=g.decoys_per_warhead,
                 source=g.source, targets=tuple(known[n.strip().lower()] for n in g.targets))
