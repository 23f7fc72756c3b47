"""openbmd: open, transparent missile-defense analysis.

The public names (``openbmd.fly``, ``openbmd.coverage``, ...) are those of :mod:`openbmd.api`,
imported on first use so that ``import openbmd`` stays light.
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("openbmd")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    "InputError", "architecture_ids", "assess", "country", "coverage", "draw_coverage_map",
    "draw_range_ring_map", "engage", "find_area", "fly", "fly_batch", "get_architecture", "get_interceptor",
    "get_missile", "get_sensor", "get_target_set", "get_threat_set", "horizon_range", "icbm_reach",
    "interceptor_ids", "load_raid", "max_range_km", "missile_ids", "pacing", "raid", "range_ring", "region_grid",
    "resolve", "sensitivity", "sensor_ids", "write_assessment",
]


def __getattr__(name: str):
    if name in __all__:
        from openbmd import api

        return getattr(api, name)
    raise AttributeError(f"module 'openbmd' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
