"""Sensors: radars, space-based infrared early warning, their catalog and their measurements.

Every sensor model is a :class:`~openbmd.sensors.base.Sensor`, registered by the ``kind``
of its TOML files (:data:`~openbmd.sensors.base.SENSOR_KINDS`)."""
from openbmd.sensors.base import SENSOR_KINDS, Sensor, register, sensor_class
from openbmd.sensors.catalog import (CATALOG_DIR, get_radar, get_sensor, load_sensor_catalog, radar_ids,
                                     sensor_ids)
from openbmd.sensors.horizon import DEFAULT_RCS_M2, HorizonRange, horizon_geometry, horizon_range
from openbmd.sensors.kinds import InfraredTracker, Radar, SpaceInfrared
from openbmd.sensors.loader import load_sensor, parse_sensor_toml, sensor_from_dict, sensor_to_toml
from openbmd.sensors.measurements import Detections
from openbmd.sensors.observe import observe, observe_cued
from openbmd.sensors.spaceir import LaunchReport

__all__ = [
    "CATALOG_DIR", "DEFAULT_RCS_M2", "SENSOR_KINDS", "Detections", "HorizonRange", "InfraredTracker",
    "LaunchReport", "Radar", "Sensor", "SpaceInfrared", "get_radar", "get_sensor", "horizon_geometry",
    "horizon_range", "load_sensor", "load_sensor_catalog", "observe", "observe_cued", "parse_sensor_toml",
    "radar_ids", "register", "sensor_class", "sensor_from_dict", "sensor_ids", "sensor_to_toml",
]
