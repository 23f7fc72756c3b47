"""Missiles: the Stage / Missile models, their TOML files and the shipped catalog."""
from openbmd.missiles.catalog import CATALOG_DIR, catalog_ids, get_missile, load_catalog
from openbmd.missiles.loader import load_missile, missile_from_dict, missile_to_toml, parse_missile_toml
from openbmd.missiles.model import RANGE_CLASSES, InvalidField, Missile, Stage
from openbmd.missiles.points import RangePoint, ReferenceSite

__all__ = [
    "CATALOG_DIR", "RANGE_CLASSES", "InvalidField", "Missile", "Stage", "catalog_ids", "get_missile",
    "load_catalog", "load_missile", "RangePoint", "ReferenceSite", "missile_from_dict", "missile_to_toml", "parse_missile_toml",
]
