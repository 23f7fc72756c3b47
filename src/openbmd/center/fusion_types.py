"""The fusion center's reports and results: sensors, radar returns, shared tracks, fused tracks.

Frozen, keyword-only; SI with the unit in every name; times in UNIX seconds; angles in degrees
(azimuth clockwise from north, elevation above the local horizontal); ECEF metres.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from openbmd.center.fusion_ground import PointEstimate
from openbmd.errors import InputError


@dataclass(frozen=True, kw_only=True)
class SensorSite:
    """A party's sensor: where it stands (geodetic deg, metres above the ellipsoid). ``sensor``: the
    engine's sensor model (e.g. a catalog radar ``.placed(lat, lon)``), whose site fills in
    ``lat_deg`` / ``lon_deg`` / ``alt_m`` when they are not given."""

    id: str
    lat_deg: float | None = None
    lon_deg: float | None = None
    alt_m: float = 0.0
    party: str
    sensor: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.lat_deg is None or self.lon_deg is None:
            lat, lon = getattr(self.sensor, "site_lat_deg", None), getattr(self.sensor, "site_lon_deg", None)
            if lat is None or lon is None:
                raise InputError(f"sensor {self.id!r}: give lat_deg and lon_deg (or a sensor model with a site)")
            object.__setattr__(self, "lat_deg", float(lat))
            object.__setattr__(self, "lon_deg", float(lon))
            object.__setattr__(self, "alt_m", float(getattr(self.sensor, "site_alt_m", self.alt_m) or 0.0))
        for name in ("lat_deg", "lon_deg", "alt_m"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v)):
                raise InputError(f"sensor {self.id!r}: {name} must be a finite number; got {v!r}")
        if abs(self.lat_deg) > 90.0:
            raise InputError(f"sensor {self.id!r}: latitude {self.lat_deg:g} deg is outside [-90, 90]")


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """One return of ``sensor`` at ``t_s``: range (m) with azimuth and elevation (deg), each with
    its one-sigma; ``range_m`` None is an angles-only return (an infrared sensor). ``party``
    None: the sensor's party."""

    id: str
    sensor: str
    t_s: float
    azimuth_deg: float
    elevation_deg: float
    sigma_angle_deg: float
    range_m: float | None = None
    sigma_range_m: float | None = None
    party: str | None = None


@dataclass(frozen=True, kw_only=True)
class SightLine:
    """One line of sight of a space infrared sensor (a satellite of ``sensor``) at ``t_s``: its
    two angles in Earth-fixed axes, ``los_lon_deg`` = atan2(dy, dx) and ``los_lat_deg`` =
    atan2(dz, hypot(dx, dy)) of d = target - observer (the engine's
    :class:`~openbmd.sensors.models.LineOfSight`), the observer's ECEF position (m) and the
    angles' one-sigma. ``party`` None: the sensor's party."""

    id: str
    sensor: str
    t_s: float
    observer_m: tuple
    los_lon_deg: float
    los_lat_deg: float
    sigma_deg: float
    party: str | None = None

    def __post_init__(self):
        obs = np.asarray(self.observer_m, dtype=float).reshape(-1)
        nums = [self.t_s, self.los_lon_deg, self.los_lat_deg, self.sigma_deg]
        if obs.shape != (3,) or not (np.all(np.isfinite(obs)) and all(
                isinstance(v, (int, float)) and math.isfinite(v) for v in nums)):
            raise InputError(f"report {self.id!r}: time, observer_m (3 values), angles and sigma must be finite")
        if not (self.sigma_deg > 0 and abs(self.los_lat_deg) <= 90.0):
            raise InputError(f"report {self.id!r}: sigma_deg must be > 0 and los_lat_deg in [-90, 90]")
        object.__setattr__(self, "observer_m", tuple(obs.tolist()))


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
    its state does not reach the ground). ``boosting``: still followed with the boost model (its
    impact point is then where it would come down if the thrust stopped now)."""

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
    boosting: bool = False
    first_t_s: float = math.nan
    last_update_t_s: float = math.nan
    started_t_s: float = math.nan  #: when the track was started: the last of the returns that started it
    firm_t_s: float | None = None

    @property
    def position_sigma_m(self) -> float:
        """RSS one-sigma position error (m)."""
        return float(np.sqrt(np.trace(self.covariance[:3, :3])))

    def summary(self) -> dict:
        """Plain JSON-ready numbers (as :meth:`to_dict`)."""
        return self.to_dict()

    def to_dict(self) -> dict:
        """Plain JSON-ready numbers."""
        def point(p):
            return None if p is None else {k: getattr(p, k) for k in p.__dataclass_fields__}
        return {"id": self.id, "t_s": self.t_s, "position_m": self.position_m.tolist(),
                "velocity_m_s": self.velocity_m_s.tolist(), "covariance": self.covariance.tolist(),
                "position_sigma_m": self.position_sigma_m, "parties": list(self.parties),
                "sensors": list(self.sensors), "n_updates": self.n_updates, "firm": self.firm,
                "boosting": self.boosting,
                "first_t_s": self.first_t_s, "started_t_s": self.started_t_s,
                "last_update_t_s": self.last_update_t_s, "firm_t_s": self.firm_t_s,
                "launch_point": point(self.launch_point), "impact_point": point(self.impact_point)}


def check_measurement(m, sensors: Mapping[str, SensorSite]) -> None:
    """Raise InputError naming the report if ``m`` is not a plausible return of a known sensor."""
    if not isinstance(m, (Measurement, SightLine)):
        raise InputError(f"add_measurements takes Measurement or SightLine reports; got {type(m).__name__}")
    if m.sensor not in sensors:
        raise InputError(f"report {m.id!r}: unknown sensor {m.sensor!r}; known: {', '.join(sorted(sensors))}")
    if isinstance(m, SightLine):
        return
    nums = [m.t_s, m.azimuth_deg, m.elevation_deg, m.sigma_angle_deg]
    if m.range_m is not None:
        nums += [m.range_m, m.sigma_range_m if m.sigma_range_m is not None else math.nan]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in nums):
        raise InputError(f"report {m.id!r}: time, angles, range and sigmas must be finite numbers")
    if not (m.sigma_angle_deg > 0 and (m.range_m is None or (m.range_m > 0 and m.sigma_range_m > 0))):
        raise InputError(f"report {m.id!r}: range and sigmas must be > 0")
    if not -90.0 <= m.elevation_deg <= 90.0:
        raise InputError(f"report {m.id!r}: elevation {m.elevation_deg:g} deg is outside [-90, 90]")


def from_detections(d, *, sensor: str | None = None, party: str | None = None, epoch_s: float = 0.0,
                    prefix: str | None = None) -> list[Measurement]:
    """The engine's radar :class:`~openbmd.sensors.measurements.Detections` as center returns:
    times ``epoch_s`` + the detections' (scenario) times, ids ``prefix`` + index (default the
    sensor and object ids), reported as ``sensor`` (default the detections' sensor id)."""
    sensor = sensor or d.sensor_id
    prefix = f"{sensor}/{d.object_id}/" if prefix is None else prefix
    sa = math.degrees(d.sigma_angle_rad)
    return [Measurement(id=f"{prefix}{i}", sensor=sensor, party=party, t_s=float(epoch_s + t), range_m=float(r),
                        azimuth_deg=math.degrees(a) % 360.0, elevation_deg=math.degrees(e), sigma_angle_deg=sa,
                        sigma_range_m=float(d.sigma_range_m))
            for i, (t, r, a, e) in enumerate(zip(d.t_s, d.range_m, d.az_rad, d.el_rad))]
