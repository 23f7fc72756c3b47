"""Sensors: radars, space-based infrared early warning, their catalog and their measurements."""
from openbmd.sensors.catalog import (CATALOG_DIR, get_radar, get_sensor, load_sensor_catalog, radar_ids,
                                     sensor_ids)
from openbmd.sensors.horizon import DEFAULT_RCS_M2, HorizonRange, horizon_geometry, horizon_range
from openbmd.sensors.loader import load_sensor, parse_sensor_toml, sensor_from_dict, sensor_to_toml
from openbmd.sensors.measurements import Detections
from openbmd.sensors.observe import observe
from openbmd.sensors.radar import Radar
from openbmd.sensors.spaceir import LaunchReport, SpaceInfrared

__all__ = [
    "CATALOG_DIR", "DEFAULT_RCS_M2", "Detections", "HorizonRange", "LaunchReport", "Radar", "SpaceInfrared",
    "get_radar", "get_sensor", "horizon_geometry", "horizon_range", "load_sensor", "load_sensor_catalog",
    "observe", "parse_sensor_toml", "radar_ids", "sensor_from_dict", "sensor_ids", "sensor_to_toml",
]
