"""The shipped missile catalog: one TOML file per missile in ``missiles/catalog``.

Each file is named after its missile's id (``shahab-3.toml``). Missiles are
immutable, so the catalog is read once per process (on first use) and cached;
an empty or missing folder is an error (:class:`openbmd.catalog.Catalog`).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from openbmd.catalog import Catalog, suggest_ids  # noqa: F401 (suggest_ids: re-exported)
from openbmd.missiles.loader import load_missile
from openbmd.missiles.model import Missile

CATALOG_DIR = Path(__file__).with_name("catalog")


@cache
def _catalog(folder: Path) -> Catalog[Missile]:
    return Catalog(folder, load_missile, kind="missile")


def missile_catalog() -> Catalog[Missile]:
    """The shipped missiles as a :class:`~openbmd.catalog.Catalog`."""
    return _catalog(CATALOG_DIR)


def load_catalog() -> dict[str, Missile]:
    """Every shipped missile, id -> Missile (a fresh dict over cached missiles)."""
    return dict(missile_catalog().items())


def catalog_ids() -> list[str]:
    """The sorted ids of the shipped missiles."""
    return missile_catalog().ids()


def get_missile(id_or_path: str | Path) -> Missile:
    """A catalog missile by id, or the missile file at a path ending in ``.toml``."""
    if isinstance(id_or_path, Path) or str(id_or_path).lower().endswith(".toml"):
        return load_missile(id_or_path)
    return missile_catalog().get(str(id_or_path))
