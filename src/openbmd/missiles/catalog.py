"""The shipped missile catalog: one TOML file per missile in ``missiles/catalog``.

Each file is named after its missile's id (``shahab-3.toml``). Missiles are
immutable, so the catalog is read once per process and cached.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from openbmd.errors import InputError
from openbmd.missiles.loader import load_missile
from openbmd.missiles.model import Missile

CATALOG_DIR = Path(__file__).with_name("catalog")


def load_catalog() -> dict[str, Missile]:
    """Every shipped missile, id -> Missile (a fresh dict over cached missiles)."""
    return dict(_load_dir(CATALOG_DIR))


def catalog_ids() -> list[str]:
    """The sorted ids of the shipped missiles."""
    return sorted(_load_dir(CATALOG_DIR))


def get_missile(id_or_path: str | Path) -> Missile:
    """A catalog missile by id, or the missile file at a path ending in ``.toml``."""
    if isinstance(id_or_path, Path) or str(id_or_path).lower().endswith(".toml"):
        return load_missile(id_or_path)
    catalog = _load_dir(CATALOG_DIR)
    try:
        return catalog[id_or_path]
    except KeyError:
        raise InputError(_unknown_message(str(id_or_path), catalog)) from None


@lru_cache(maxsize=None)
def _load_dir(directory: Path) -> Mapping[str, Missile]:
    missiles: dict[str, Missile] = {}
    for path in sorted(directory.glob("*.toml")):
        missile = load_missile(path)
        if missile.id in missiles:
            other = missiles[missile.id].source_path
            raise InputError(f"{path}: duplicate missile id '{missile.id}' (also in {other})")
        missiles[missile.id] = missile
    return MappingProxyType(missiles)


def _squash(text: str) -> str:
    """Lower case without '-', '_' or spaces: 'SS_18' and 'ss-18' both give 'ss18'."""
    return "".join(c for c in text.lower() if c not in "-_ ")


def suggest_ids(query: str, names: Mapping[str, str], n: int = 3) -> list[str]:
    """Ids close to ``query`` among ``names`` (id -> display name).

    First ids equal to it ignoring case and '-', then words of the display
    names it starts ('topol' -> ss-25, ss-27), then difflib's nearest ids.
    """
    q = _squash(query)
    same = [i for i in names if _squash(i) == q]
    named = [i for i, name in names.items()
             if len(q) >= 4 and any(_squash(w).startswith(q) for w in re.split(r"[\s(),/]+", name))]
    squashed = {_squash(i): i for i in names}
    near = difflib.get_close_matches(query.lower(), list(names), n=n, cutoff=0.6)
    near += [squashed[s] for s in difflib.get_close_matches(q, list(squashed), n=n, cutoff=0.6)]
    return list(dict.fromkeys(same + named + near))[:n]


def _unknown_message(query: str, catalog: Mapping[str, Missile]) -> str:
    ids = sorted(catalog)
    close = suggest_ids(query, {i: catalog[i].name for i in ids})
    if close:
        hint = f"did you mean: {', '.join(close)}?"
    else:
        hint = f"known: {', '.join(ids)}" if ids else "the catalog is empty"
    return f"unknown missile '{query}' ({hint}); see `openbmd missiles`"
