"""The shooter role: an interceptor's fly-out table and kill-vehicle limits at a launch site.

A :class:`Shooter` answers one question for the engagement engine: given sampled
threats and the earliest time it may launch at each, where is its battle space
(:func:`openbmd.engagement.battlespace.battle_space`)?  A variant interceptor
(another burnout speed, as the ``icbm-reach`` sweep builds) is just another Shooter
at the same site.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.engagement.battlespace import BattleSpace, KillVehicleLimits, battle_space, divert_max_closing_km_s
from openbmd.flight.samples import ThreatSamples

#: a ground track that never comes this much closer than the shooter's reach is out of
#: reach without solving (the prefilter's spherical ground range is within ~0.5 % of the
#: battle space's, i.e. well inside 50 km at any interceptor's reach)
REACH_SLACK_KM = 50.0


def kill_vehicle_limits(interceptor, handover_error_m: float = 0.0) -> KillVehicleLimits:
    """The kill vehicle's limits of a catalog interceptor, in the battle space's terms; with a
    ``handover_error_m`` (the miss the seeker finds at acquisition), the fastest closing speed at
    which its divert removes it (:func:`openbmd.engagement.battlespace.divert_max_closing_km_s`)."""
    kv = interceptor.kill_vehicle
    return KillVehicleLimits(min_alt_km=kv.min_intercept_alt_km, max_alt_km=kv.max_intercept_alt_km,
                             max_range_km=kv.max_range_km, min_closing_km_s=kv.min_closing_speed_km_s,
                             max_closing_km_s=divert_max_closing_km_s(kv.divert_delta_v_m_s,
                                                                      kv.seeker_acquisition_km, handover_error_m))


@dataclass(frozen=True, eq=False)
class Shooter:
    """An interceptor at a launch site: its fly-out table and its kill vehicle's limits."""

    interceptor: object  #: the catalog Interceptor (or a variant of it)
    lat_deg: float
    lon_deg: float
    table: object  #: its fly-out (a FlyoutTable, or any ``flyout(range_km, alt_km)`` callable)
    limits: KillVehicleLimits

    @classmethod
    def at(cls, interceptor, lat_deg: float, lon_deg: float, *, table=None, earth="wgs84",
           handover_error_m: float = 0.0) -> "Shooter":
        """``interceptor`` at (lat, lon) with its fly-out table at that latitude (cached on disk);
        ``handover_error_m``: the miss its divert must remove after seeker acquisition."""
        if table is None:
            from openbmd.interceptors.flyout import flyout_table

            table = flyout_table(interceptor, lat_deg, earth=earth)
        return cls(interceptor, float(lat_deg), float(lon_deg), table,
                   kill_vehicle_limits(interceptor, handover_error_m))

    @property
    def pk_single_shot(self) -> float:
        return float(self.interceptor.kill_vehicle.pk_single_shot)

    @property
    def reach_km(self) -> float:
        """The farthest ground range it can intercept at (fly-out table and kill vehicle)."""
        return min(float(getattr(self.table, "reach_range_km", np.inf)), float(self.limits.max_range_km))

    def battle_space(self, s: ThreatSamples, rows, earliest_launch_s, *, allowed=None, geometry=None,
                     time_scale=1.0, refine_latest: bool = True) -> BattleSpace:
        """The battle space of threats ``rows`` of ``s`` launching no earlier than ``earliest_launch_s``
        (``refine_latest=False``: the latest intercept left on its sample, for callers that read only
        ``engageable`` and the earliest intercept)."""
        return battle_space(s.t_s, s.ecef_m, s.vel_m_s, self.lat_deg, self.lon_deg, self.table,
                            earliest_launch_s, self.limits, pair_threat=rows, allowed=allowed,
                            geometry=geometry, flyout_time_scale=time_scale, refine_latest=refine_latest)


def min_ground_range_km(s: ThreatSamples, lat_deg: float, lon_deg: float) -> np.ndarray:
    """(T,) closest approach of each threat's ground track to a site (sphere; km)."""
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    u = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    X = s.ecef_m
    with np.errstate(invalid="ignore"):
        c = np.einsum("tnk,k->tn", X, u) / np.linalg.norm(X, axis=-1)
    c = np.where(np.isfinite(c), c, -1.0)
    return np.arccos(np.clip(c.max(axis=1), -1.0, 1.0)) * 6371.0
