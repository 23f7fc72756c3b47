"""Threat flight: launch to impact on a rotating Earth, shaping, aiming and range rings."""
from openbmd.flight.api import (SHAPES, FlightResult, RangeRing, fly, fly_batch, fly_free, fly_free_batch,
                                max_range_km, range_ring)
from openbmd.flight.kepler import burnout_for_apogee, conic_arc, max_range_burnout
from openbmd.flight.performance import NEAR_ORBITAL_SPEED_RATIO, Performance, azimuth_table, performance
from openbmd.flight.results import FlightBatch, Trajectory

__all__ = ["NEAR_ORBITAL_SPEED_RATIO", "Performance", "azimuth_table", "performance", "SHAPES", "FlightBatch",
           "FlightResult", "RangeRing", "Trajectory", "burnout_for_apogee", "conic_arc", "fly", "fly_batch",
           "fly_free", "fly_free_batch", "max_range_burnout", "max_range_km", "range_ring"]
