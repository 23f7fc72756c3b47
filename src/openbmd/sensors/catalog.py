"""The shipped sensor catalog: one TOML file per sensor in ``sensors/catalog``.

Each file is named after its sensor's id (``an-tpy-2-fbm.toml``). Sensors are
immutable, so the catalog is read once per process and cached
(:class:`openbmd.catalog.Catalog`: an empty or missing folder is an error).
"""
from __future__ import annotations

from pathlib import Path

from openbmd.catalog import Catalog
from openbmd.errors import InputError
from openbmd.sensors.loader import load_sensor
from openbmd.sensors.radar import Radar

CATALOG_DIR = Path(__file__).with_name("catalog")
CATALOG: Catalog = Catalog(CATALOG_DIR, load_sensor, kind="sensor")


def load_sensor_catalog() -> dict:
    """Every shipped sensor, id -> Sensor (a fresh dict over cached models)."""
    return dict(CATALOG.items())


def sensor_ids() -> list[str]:
    """The sorted ids of the shipped sensors (every kind)."""
    return CATALOG.ids()


def radar_ids() -> list[str]:
    """The sorted ids of the shipped radars."""
    return sorted(k for k, s in CATALOG.items().items() if isinstance(s, Radar))


def get_sensor(id_or_path: str | Path):
    """A catalog sensor by id, or the sensor file at a path ending in ``.toml``."""
    if isinstance(id_or_path, Path) or str(id_or_path).lower().endswith(".toml"):
        return load_sensor(id_or_path)
    return CATALOG.get(str(id_or_path))


def get_radar(id_or_path: str | Path) -> Radar:
    """A catalog radar by id (or a radar file); a non-radar id is an error naming the radars."""
    sensor = get_sensor(id_or_path)
    if not isinstance(sensor, Radar):
        raise InputError(f"'{sensor.id}' is a {sensor.kind} sensor, not a radar; "
                         f"radars: {', '.join(radar_ids())}")
    return sensor
