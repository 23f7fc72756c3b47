"""Presentation: maps, exports and reports. They read results, never compute them.

Names are imported lazily so that ``import openbmd.report`` does not pull in
matplotlib until a map is drawn.
"""
from importlib import import_module

_EXPORTS = {
    "RingSpec": "maps", "draw_range_ring_map": "maps", "project_lonlat": "maps",
    "Track": "exports", "write_track": "exports", "write_rings": "exports",
    "Country": "borders", "countries": "borders", "land": "borders",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"openbmd.report.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'openbmd.report' has no attribute {name!r}")
