"""openbmd's public surface: the names a notebook user needs, in one place.

Everything here is also importable from the package root (``import openbmd as ob;
ob.fly(...)``).  The modules behind these names may move; these names stay.

Catalogs (shipped TOML files; every getter also takes a path to a ``.toml`` file)::

    get_missile, missile_ids, get_interceptor, interceptor_ids, get_sensor, sensor_ids,
    get_architecture, architecture_ids, get_threat_set, get_target_set, find_area, resolve

Flight, reach and geography::

    fly, fly_batch, max_range_km, range_ring, horizon_range, region_grid, country

Engagement and analyses (each returns an immutable result with ``.summary()`` where it
has a JSON form)::

    engage, coverage, pacing, icbm_reach, load_raid, raid, assess, sensitivity

Presentation (reads results, computes nothing)::

    draw_range_ring_map, draw_coverage_map, write_assessment

Errors: :class:`InputError` (bad input, one line naming what is allowed).
"""
from __future__ import annotations

from pathlib import Path

from openbmd.analyses.assess import assess
from openbmd.analyses.coverage import coverage
from openbmd.analyses.icbm_reach import icbm_reach
from openbmd.analyses.pacing import pacing
from openbmd.analyses.raid import load_raid, raid
from openbmd.analyses.regions import region_grid
from openbmd.analyses.sensitivity import sensitivity
from openbmd.architectures.loader import architecture_ids as _architecture_ids
from openbmd.architectures.loader import find_area, get_architecture
from openbmd.architectures.loader import get_target_set as _get_target_set
from openbmd.architectures.loader import get_threat_set as _get_threat_set
from openbmd.architectures.resolve import resolve as _resolve
from openbmd.engagement.engage import engage
from openbmd.errors import InputError
from openbmd.flight.api import fly, fly_batch, max_range_km, range_ring
from openbmd.geo.borders import country
from openbmd.interceptors.catalog import get_interceptor, interceptor_ids
from openbmd.missiles.catalog import catalog_ids as _missile_ids
from openbmd.missiles.catalog import get_missile
from openbmd.report.assessment import write_assessment
from openbmd.report.coverage_map import draw_coverage_map
from openbmd.report.maps import draw_range_ring_map
from openbmd.sensors.catalog import get_sensor, sensor_ids
from openbmd.sensors.horizon import horizon_range

__all__ = [
    "InputError", "architecture_ids", "assess", "country", "coverage", "draw_coverage_map",
    "draw_range_ring_map", "engage", "find_area", "fly", "fly_batch", "get_architecture", "get_interceptor",
    "get_missile", "get_sensor", "get_target_set", "get_threat_set", "horizon_range", "icbm_reach",
    "interceptor_ids", "load_raid", "max_range_km", "missile_ids", "pacing", "raid", "range_ring", "region_grid",
    "resolve", "sensitivity", "sensor_ids", "write_assessment",
]


def missile_ids() -> list[str]:
    """The sorted ids of the shipped missiles (each one ``get_missile`` accepts)."""
    return _missile_ids()


def get_threat_set(ident: str):
    """A shipped threat set (launch areas and the missiles fired from them) by id, or a ``.toml`` path."""
    return _get_threat_set(ident)


def get_target_set(ident: str):
    """A shipped target set (named aim points) by id, or a ``.toml`` path."""
    return _get_target_set(ident)


def architecture_ids() -> list[str]:
    """The sorted ids of the shipped architectures (each one ``get_architecture`` accepts)."""
    return _architecture_ids()


def resolve(architecture):
    """The architecture with its sensor and interceptor models loaded from the catalogs.

    ``architecture``: an Architecture, a shipped id or a ``.toml`` path.  Returns a
    ResolvedArchitecture (``.batteries``, ``.sensors``, ``.early_warning``, ``.doctrine``).
    """
    if isinstance(architecture, (str, Path)):
        architecture = get_architecture(architecture)
    return _resolve(architecture)
