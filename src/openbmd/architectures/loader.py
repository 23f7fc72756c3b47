"""Read architecture, threat-set and target-set TOML files; the shipped catalog.

Layout of the shipped catalog (``architectures/catalog``)::

    architectures/<id>.toml   [[sensor]], [[battery]], [command], [data_center], [sources]
    threats/<id>.toml         [[area]] naming a launch area and its missiles, [classes]
    targets/<id>.toml         [[target]] (a city may take its position from data/cities.csv)

The formats are the models of :mod:`openbmd.architectures.model`; every error
is one line ``file:line: key = value — what is allowed``.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from openbmd import schema
from openbmd.architectures.model import Architecture, TargetSet, ThreatArea, ThreatSet, _fold
from openbmd.catalog import Catalog
from openbmd.errors import InputError

CATALOG_DIR = Path(__file__).with_name("catalog")
KINDS = {"architecture": "architectures", "threat set": "threats", "target set": "targets"}
MODELS = {"architecture": Architecture, "threat set": ThreatSet, "target set": TargetSet}


def load(kind: str, path: str | Path):
    """The ``kind`` ("architecture", "threat set" or "target set") file at ``path``."""
    data, where = schema.read_toml(path, kind)
    model = schema.validate(MODELS[kind], data, where)
    model._source_path = str(path)
    return model


def _from_doc(kind: str, doc: dict, name: str, source_path: str | None):
    model = schema.validate(MODELS[kind], doc, schema.Where(name))
    model._source_path = source_path
    return model


def parse_architecture(doc: dict, name: str = "<architecture>", source_path: str | None = None) -> Architecture:
    return _from_doc("architecture", doc, name, source_path)


def parse_threat_set(doc: dict, name: str = "<threat set>", source_path: str | None = None) -> ThreatSet:
    return _from_doc("threat set", doc, name, source_path)


def parse_target_set(doc: dict, name: str = "<target set>", source_path: str | None = None) -> TargetSet:
    return _from_doc("target set", doc, name, source_path)


@cache
def _catalog(kind: str, folder: Path) -> Catalog:
    return Catalog(folder, lambda path: _named(kind, path), kind=kind, hint="allowed: {ids} or a path to a .toml file")


def _named(kind: str, path: Path):
    model = load(kind, path)
    if model.id != path.stem:
        raise InputError(f"{path}: file name must be the id ('{model.id}.toml')")
    return model


def catalog(kind: str) -> Catalog:
    """The shipped ``kind`` files as a :class:`~openbmd.catalog.Catalog`."""
    return _catalog(kind, CATALOG_DIR / KINDS[kind])


def catalog_ids(kind: str) -> list[str]:
    return catalog(kind).ids()


def _get(kind: str, ident: str):
    if ident.lower().endswith(".toml"):
        return load(kind, ident)
    ids = {_fold(i): i for i in catalog(kind).ids()}
    return catalog(kind).get(ids.get(_fold(ident), ident))


def get_architecture(ident: str) -> Architecture:
    """A shipped architecture by id (case-insensitive), or the file at a path ending in .toml."""
    return _get("architecture", str(ident))


def get_threat_set(ident: str) -> ThreatSet:
    return _get("threat set", str(ident))


def get_target_set(ident: str) -> TargetSet:
    return _get("target set", str(ident))


def architecture_ids() -> list[str]:
    return catalog_ids("architecture")


def threat_set_ids() -> list[str]:
    return catalog_ids("threat set")


def target_set_ids() -> list[str]:
    return catalog_ids("target set")


def find_area(name: str) -> tuple[ThreatSet, ThreatArea]:
    """A launch area or ICBM field by name, searched over every shipped threat set."""
    key = _fold(name)
    names = []
    for tid in threat_set_ids():
        ts = get_threat_set(tid)
        for a in ts.areas:
            names.append(a.name)
            if _fold(a.name) == key:
                return ts, a
    raise InputError(f"unknown launch area {name!r}; allowed: {', '.join(sorted(set(names)))}")
