"""The shipped sensor catalog: one TOML file per sensor in ``sensors/catalog``.

Each file is named after its sensor's id (``an-tpy-2-fbm.toml``). Sensors are
immutable, so the catalog is read once per process and cached.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from openbmd.errors import InputError
from openbmd.missiles.catalog import suggest_ids
from openbmd.sensors.loader import load_sensor
from openbmd.sensors.radar import Radar

CATALOG_DIR = Path(__file__).with_name("catalog")


def load_sensor_catalog() -> dict:
    """Every shipped sensor, id -> Radar or SpaceInfrared (a fresh dict over cached models)."""
    return dict(_load_dir(CATALOG_DIR))


def sensor_ids() -> list[str]:
    """The sorted ids of the shipped sensors (radars and space-based infrared)."""
    return sorted(_load_dir(CATALOG_DIR))


def radar_ids() -> list[str]:
    """The sorted ids of the shipped radars."""
    return sorted(k for k, s in _load_dir(CATALOG_DIR).items() if isinstance(s, Radar))


def get_sensor(id_or_path: str | Path):
    """A catalog sensor by id, or the sensor file at a path ending in ``.toml``."""
    if isinstance(id_or_path, Path) or str(id_or_path).lower().endswith(".toml"):
        return load_sensor(id_or_path)
    catalog = _load_dir(CATALOG_DIR)
    try:
        return catalog[id_or_path]
    except KeyError:
        raise InputError(_unknown_message(str(id_or_path), catalog, "sensor")) from None


def get_radar(id_or_path: str | Path) -> Radar:
    """A catalog radar by id (or a radar file); a non-radar id is an error naming the radars."""
    sensor = get_sensor(id_or_path)
    if not isinstance(sensor, Radar):
        radars = {k: s for k, s in _load_dir(CATALOG_DIR).items() if isinstance(s, Radar)}
        raise InputError(f"'{sensor.id}' is a {sensor.kind} sensor, not a radar; "
                         f"radars: {', '.join(sorted(radars))}")
    return sensor


@lru_cache(maxsize=None)
def _load_dir(directory: Path) -> Mapping:
    sensors: dict = {}
    for path in sorted(directory.glob("*.toml")):
        sensor = load_sensor(path)
        if sensor.id in sensors:
            raise InputError(f"{path}: duplicate sensor id '{sensor.id}' (also in {sensors[sensor.id].source_path})")
        sensors[sensor.id] = sensor
    return MappingProxyType(sensors)


def _unknown_message(query: str, catalog: Mapping, noun: str) -> str:
    ids = sorted(catalog)
    close = suggest_ids(query, {i: catalog[i].name for i in ids})
    hint = f"did you mean: {', '.join(close)}?" if close else f"known: {', '.join(ids)}"
    return f"unknown {noun} '{query}' ({hint}); see `openbmd radars`"
