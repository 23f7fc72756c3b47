"""The fusion center's reports and results: sensors, radar returns, shared tracks, fused tracks.

Frozen, keyword-only; SI with the unit in every name; times in UNIX seconds; angles in degrees
(azimuth clockwise from north, elevation above the local horizontal); ECEF metres.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from openbmd.center.fusion_ground import PointEstimate
from openbmd.errors import InputError


@dataclass(frozen=True, kw_only=True)
class SensorSite:
    """A party's sensor: where it stands (geodetic deg, metres above the ellipsoid)."""

    id: str
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    party: str


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """One return of ``sensor`` at ``t_s``: range (m) with azimuth and elevation (deg), each with
    its one-sigma; ``range_m`` None is an angles-only return (an infrared sensor)."""

    id: str
    sensor: str
    party: str
    t_s: float
    azimuth_deg: float
    elevation_deg: float
    sigma_angle_deg: float
    range_m: float | None = None
    sigma_range_m: float | None = None


@dataclass(frozen=True, kw_only=True)
class PartyTrack:
    """A track shared by a party that shares tracks only: ECEF position (m), Earth-relative
    velocity (m/s) and their 6x6 covariance at ``t_s`` (kept as tuples, so reports compare)."""

    id: str
    party: str
    t_s: float
    position_m: tuple
    velocity_m_s: tuple
    covariance: tuple

    def __post_init__(self):
        pos = np.asarray(self.position_m, dtype=float).reshape(-1)
        vel = np.asarray(self.velocity_m_s, dtype=float).reshape(-1)
        cov = np.asarray(self.covariance, dtype=float)
        if pos.shape != (3,) or vel.shape != (3,) or cov.shape != (6, 6):
            raise InputError(f"track {self.id!r}: position_m and velocity_m_s need 3 values, covariance 6x6")
        if not (np.all(np.isfinite(pos)) and np.all(np.isfinite(vel)) and np.all(np.isfinite(cov))
                and math.isfinite(self.t_s)):
            raise InputError(f"track {self.id!r}: time, state and covariance must be finite numbers")
        sym = 0.5 * (cov + cov.T)
        if np.max(np.abs(cov - cov.T)) > 1e-6 * np.max(np.abs(cov)) or np.linalg.eigvalsh(sym)[0] <= 0:
            raise InputError(f"track {self.id!r}: covariance must be symmetric positive definite")
        object.__setattr__(self, "t_s", float(self.t_s))
        object.__setattr__(self, "position_m", tuple(pos.tolist()))
        object.__setattr__(self, "velocity_m_s", tuple(vel.tolist()))
        object.__setattr__(self, "covariance", tuple(map(tuple, sym.tolist())))


@dataclass(frozen=True, kw_only=True, eq=False)
class FusedTrack:
    """One fused track: ECEF state (m, m/s) and covariance at ``t_s``, the parties and sensors
    that fed it, its updates, whether it is firm, and its launch and impact points (None where
    its state does not reach the ground)."""

    id: str
    t_s: float
    position_m: np.ndarray
    velocity_m_s: np.ndarray
    covariance: np.ndarray
    parties: tuple[str, ...]
    sensors: tuple[str, ...]
    n_updates: int
    firm: bool
    launch_point: PointEstimate | None
    impact_point: PointEstimate | None
    first_t_s: float = math.nan
    last_update_t_s: float = math.nan
    firm_t_s: float | None = None

    @property
    def position_sigma_m(self) -> float:
        """RSS one-sigma position error (m)."""
        return float(np.sqrt(np.trace(self.covariance[:3, :3])))

    def to_dict(self) -> dict:
        """Plain JSON-ready numbers."""
        def point(p):
            return None if p is None else {k: getattr(p, k) for k in p.__dataclass_fields__}
        return {"id": self.id, "t_s": self.t_s, "position_m": self.position_m.tolist(),
                "velocity_m_s": self.velocity_m_s.tolist(), "covariance": self.covariance.tolist(),
                "position_sigma_m": self.position_sigma_m, "parties": list(self.parties),
                "sensors": list(self.sensors), "n_updates": self.n_updates, "firm": self.firm,
                "first_t_s": self.first_t_s, "last_update_t_s": self.last_update_t_s, "firm_t_s": self.firm_t_s,
                "launch_point": point(self.launch_point), "impact_point": point(self.impact_point)}


def check_measurement(m, sensors: Mapping[str, SensorSite]) -> None:
    """Raise InputError naming the report if ``m`` is not a plausible return of a known sensor."""
    if not isinstance(m, Measurement):
        raise InputError(f"add_measurements takes Measurement reports; got {type(m).__name__}")
    if m.sensor not in sensors:
        raise InputError(f"report {m.id!r}: unknown sensor {m.sensor!r}; known: {', '.join(sorted(sensors))}")
    nums = [m.t_s, m.azimuth_deg, m.elevation_deg, m.sigma_angle_deg]
    if m.range_m is not None:
        nums += [m.range_m, m.sigma_range_m if m.sigma_range_m is not None else math.nan]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in nums):
        raise InputError(f"report {m.id!r}: time, angles, range and sigmas must be finite numbers")
    if not (m.sigma_angle_deg > 0 and (m.range_m is None or (m.range_m > 0 and m.sigma_range_m > 0))):
        raise InputError(f"report {m.id!r}: range and sigmas must be > 0")
    if not -90.0 <= m.elevation_deg <= 90.0:
        raise InputError(f"report {m.id!r}: elevation {m.elevation_deg:g} deg is outside [-90, 90]")
