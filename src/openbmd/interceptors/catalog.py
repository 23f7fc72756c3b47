"""The shipped interceptor and launcher catalogs (``interceptors/catalog``).

One TOML file per interceptor, named after its id; the launchers are the
``[[launcher]]`` tables of ``catalog/_launchers.toml``.  Read once per process.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from openbmd.errors import InputError
from openbmd.interceptors.loader import load_interceptor
from openbmd.interceptors.model import Interceptor
from openbmd.missiles.catalog import suggest_ids

CATALOG_DIR = Path(__file__).with_name("catalog")
LAUNCHERS_FILE = CATALOG_DIR / "_launchers.toml"
LAUNCHER_KINDS = ("ship", "ashore", "silo-field", "battery")
_LAUNCHER_KEYS = ("id", "name", "kind", "interceptors", "magazine", "lat_deg", "lon_deg", "notes", "source")


@dataclass(frozen=True, kw_only=True)
class LaunchSite:
    """Where interceptors sit: a ship on station, an Aegis Ashore site, a silo field, a battery."""

    id: str
    name: str
    kind: str  #: ship | ashore | silo-field | battery
    interceptors: tuple[str, ...]  #: interceptor ids it fires
    magazine: int  #: interceptors ready to fire
    lat_deg: float  #: representative position (mobile units: a placeholder an analysis overrides)
    lon_deg: float
    notes: str = ""
    source: str = ""


def interceptor_ids() -> list[str]:
    """Sorted ids of the shipped interceptors."""
    return sorted(_load_dir(CATALOG_DIR))


def load_interceptor_catalog() -> dict[str, Interceptor]:
    """Every shipped interceptor, id -> Interceptor."""
    return dict(_load_dir(CATALOG_DIR))


def get_interceptor(id_or_path: str | Path) -> Interceptor:
    """A catalog interceptor by id, or the interceptor file at a path ending in ``.toml``."""
    if isinstance(id_or_path, Path) or str(id_or_path).lower().endswith(".toml"):
        return load_interceptor(id_or_path)
    catalog = _load_dir(CATALOG_DIR)
    if id_or_path in catalog:
        return catalog[id_or_path]
    close = suggest_ids(str(id_or_path), {i: c.name for i, c in catalog.items()})
    hint = f"did you mean: {', '.join(close)}?" if close else f"known: {', '.join(sorted(catalog))}"
    raise InputError(f"unknown interceptor '{id_or_path}' ({hint}); see `openbmd interceptors`")


@lru_cache(maxsize=None)
def _load_dir(directory: Path) -> Mapping[str, Interceptor]:
    out: dict[str, Interceptor] = {}
    for path in sorted(directory.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        icp = load_interceptor(path)
        if icp.id in out:
            raise InputError(f"{path}: duplicate interceptor id '{icp.id}' (also in {out[icp.id].source_path})")
        if path.stem != icp.id:
            raise InputError(f"{path}: file name must be the id ('{icp.id}.toml')")
        out[icp.id] = icp
    return MappingProxyType(out)


def launch_sites() -> dict[str, LaunchSite]:
    """The shipped launchers, id -> LaunchSite."""
    return dict(_launch_sites(LAUNCHERS_FILE))


def get_launch_site(site_id: str) -> LaunchSite:
    sites = _launch_sites(LAUNCHERS_FILE)
    if site_id in sites:
        return sites[site_id]
    close = suggest_ids(site_id, {i: s.name for i, s in sites.items()})
    hint = f"did you mean: {', '.join(close)}?" if close else f"known: {', '.join(sorted(sites))}"
    raise InputError(f"unknown launcher '{site_id}' ({hint})")


@lru_cache(maxsize=None)
def _launch_sites(path: Path) -> Mapping[str, LaunchSite]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML: {exc}") from None
    out: dict[str, LaunchSite] = {}
    for i, raw in enumerate(data.get("launcher", []), start=1):
        where = f"{path}: launcher[{i}]"
        extra = sorted(set(raw) - set(_LAUNCHER_KEYS))
        missing = [k for k in _LAUNCHER_KEYS[:7] if k not in raw]
        if extra or missing:
            raise InputError(f"{where}: unknown keys {extra} or missing keys {missing}; "
                             f"allowed: {', '.join(_LAUNCHER_KEYS)}")
        site = LaunchSite(**{k: tuple(v) if k == "interceptors" else v for k, v in raw.items()})
        _check_site(site, where)
        out[site.id] = site
    return MappingProxyType(out)


def _check_site(site: LaunchSite, where: str) -> None:
    if site.kind not in LAUNCHER_KINDS:
        raise InputError(f"{where}: kind = {site.kind!r} must be one of {', '.join(LAUNCHER_KINDS)}")
    if not (isinstance(site.magazine, int) and site.magazine > 0):
        raise InputError(f"{where}: magazine = {site.magazine!r} must be a whole number > 0")
    if not (math.isfinite(site.lat_deg) and -90 <= site.lat_deg <= 90 and -180 <= site.lon_deg <= 360):
        raise InputError(f"{where}: position {site.lat_deg}, {site.lon_deg} is not a latitude/longitude")
