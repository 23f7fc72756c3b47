"""The shipped interceptor and launcher catalogs (``interceptors/catalog``).

One TOML file per interceptor, named after its id; the launchers are the
``[[launcher]]`` tables of ``catalog/_launchers.toml``.  Read on first use, once
per process; an empty or missing catalog is an error (:class:`openbmd.catalog.Catalog`).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal, Mapping

from pydantic import Field

from openbmd import schema
from openbmd.catalog import Catalog, unknown_id
from openbmd.errors import InputError
from openbmd.interceptors.loader import load_interceptor
from openbmd.interceptors.model import Interceptor
from openbmd.schema import Model

CATALOG_DIR = Path(__file__).with_name("catalog")
LAUNCHERS_FILE = CATALOG_DIR / "_launchers.toml"
LAUNCHER_KINDS = ("ship", "ashore", "silo-field", "battery")


class LaunchSite(Model):
    """Where interceptors sit: a ship on station, an Aegis Ashore site, a silo field, a battery."""

    id: str
    name: str
    kind: Literal["ship", "ashore", "silo-field", "battery"]
    interceptors: tuple[str, ...]  #: interceptor ids it fires
    magazine: Annotated[int, Field(gt=0)]  #: interceptors ready to fire
    #: representative position (mobile units: a placeholder a battery overrides with its station)
    lat_deg: Annotated[float, Field(ge=-90, le=90)]
    lon_deg: Annotated[float, Field(ge=-180, le=360)]
    notes: str = ""
    source: str = ""


class LaunchersFile(Model):
    launcher: tuple[LaunchSite, ...]


def _load_named(path: Path) -> Interceptor:
    icp = load_interceptor(path)
    if path.stem != icp.id:
        raise InputError(f"{path}: file name must be the id ('{icp.id}.toml')")
    return icp


@cache
def _catalog(folder: Path) -> Catalog[Interceptor]:
    return Catalog(folder, _load_named, kind="interceptor",
                   pattern="[!_]*.toml")


def interceptor_catalog() -> Catalog[Interceptor]:
    """The shipped interceptors as a :class:`~openbmd.catalog.Catalog`."""
    return _catalog(CATALOG_DIR)


def interceptor_ids() -> list[str]:
    """Sorted ids of the shipped interceptors."""
    return interceptor_catalog().ids()


def load_interceptor_catalog() -> dict[str, Interceptor]:
    """Every shipped interceptor, id -> Interceptor."""
    return dict(interceptor_catalog().items())


def get_interceptor(id_or_path: str | Path) -> Interceptor:
    """A catalog interceptor by id, or the interceptor file at a path ending in ``.toml``."""
    if isinstance(id_or_path, Path) or str(id_or_path).lower().endswith(".toml"):
        return load_interceptor(id_or_path)
    return interceptor_catalog().get(str(id_or_path))


def launch_sites() -> dict[str, LaunchSite]:
    """The shipped launchers, id -> LaunchSite."""
    return dict(_launch_sites(LAUNCHERS_FILE))


def get_launch_site(site_id: str) -> LaunchSite:
    """A shipped launcher by id; an unknown id names the nearest."""
    sites = _launch_sites(LAUNCHERS_FILE)
    if site_id not in sites:
        raise InputError(unknown_id("launcher", site_id, sites))
    return sites[site_id]


@cache
def _launch_sites(path: Path) -> Mapping[str, LaunchSite]:
    declared = schema.load(LaunchersFile, path, "launcher catalog")
    sites: dict[str, LaunchSite] = {}
    for i, site in enumerate(declared.launcher):
        if site.id in sites:
            raise InputError(f"{path}: launcher[{i + 1}]: duplicate launcher id '{site.id}'")
        sites[site.id] = site
    return MappingProxyType(sites)
