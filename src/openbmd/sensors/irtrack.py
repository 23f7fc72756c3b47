"""An infrared tracking constellation in low orbit (STSS class): angles only, in stereo.

Satellites on one circular orbit (same altitude, inclination and node; each its own
phase) look at cold bodies against space: a target is seen by a satellite when the
line of sight passes above the Earth's limb by ``limb_alt_m`` (clear of the
ellipsoid inflated by it) and lies within ``max_range_m``. Each look gives the two
angles of the line of sight (:class:`openbmd.sensors.models.LineOfSight`) with noise
``sigma_los_rad``; two satellites seeing the same target at once fix it in space
(triangulation), and the generic extended Kalman filter (:mod:`openbmd.sensors.ekf`)
fuses their looks into a track.

Orbits (two-body, circular; J2's node drift, -3.4 deg/day at 1,350 km and 58 deg, is
left out over a flight of an hour): the inertial frame coincides with ECEF at time
zero, the threat's launch; argument of latitude u = ``mean_anomaly`` + n t with
n = sqrt(mu / r^3); :meth:`InfraredTracker.over` places the constellation for a scenario.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np

from openbmd.earth.model import WGS84, EarthModel
from openbmd.missiles.model import InvalidField
from openbmd.sensors import geometry as geo
from openbmd.sensors.base import Sensor, check_common, register
from openbmd.sensors.fields import IR_TRACK_FIELDS
from openbmd.sensors.models import LineOfSight


@register
@dataclass(frozen=True, kw_only=True, eq=False)
class InfraredTracker(Sensor):
    """Infrared tracking satellites on one circular orbit. SI inside: metres, radians, s."""

    id: str
    name: str
    kind: str = "space-ir-track"
    country: str = ""
    band: str = ""
    status: str = "operational"
    notes: str = ""
    altitude_m: float
    inclination_rad: float
    raan_rad: float = 0.0
    mean_anomaly_rad: tuple[float, ...]  #: one per satellite, at the epoch (the threat's launch)
    limb_alt_m: float
    max_range_m: float
    revisit_s: float
    sigma_los_rad: float
    sources: tuple[tuple[str, str], ...] = ()
    source_path: str | None = field(default=None, compare=False)
    earth: EarthModel = WGS84

    KIND: ClassVar[str] = "space-ir-track"
    FIELDS: ClassVar[tuple] = IR_TRACK_FIELDS

    def __post_init__(self) -> None:
        check_common(self)
        d = math.degrees
        for key, value, ok, rule, scale in (
                ("altitude_km", self.altitude_m, 1.5e5 <= self.altitude_m <= 4e7, "must be in [150, 40000] km", 1e3),
                ("inclination_deg", d(self.inclination_rad), 0.0 <= self.inclination_rad <= math.pi,
                 "must be in [0, 180] deg", 1.0),
                ("limb_alt_km", self.limb_alt_m, 0.0 <= self.limb_alt_m < self.altitude_m,
                 "must be >= 0 km and below the orbit", 1e3),
                ("max_range_km", self.max_range_m, self.max_range_m > 0.0, "must be > 0 km", 1e3),
                ("revisit_s", self.revisit_s, self.revisit_s > 0.0, "must be > 0 s", 1.0),
                ("sigma_los_urad", self.sigma_los_rad * 1e6, 0.0 < self.sigma_los_rad < 0.01,
                 "must be in (0, 10000) urad", 1.0)):
            if not (math.isfinite(value) and ok):
                raise InvalidField((key,), value / scale, rule)
        if not self.mean_anomaly_rad:
            raise InvalidField(("mean_anomaly_deg",), [], "must list one phase per satellite")
        object.__setattr__(self, "mean_anomaly_rad", tuple(float(m) for m in self.mean_anomaly_rad))
        object.__setattr__(self, "sources", tuple((str(k), str(v)) for k, v in dict(self.sources).items()))

    # ------------------------------------------------------------ orbits
    @property
    def n_satellites(self) -> int:
        return len(self.mean_anomaly_rad)

    @property
    def radius_m(self) -> float:
        return self.earth.a_m + self.altitude_m

    @property
    def mean_motion_rad_s(self) -> float:
        return math.sqrt(self.earth.mu_m3_s2 / self.radius_m**3)

    def positions_m(self, t_s) -> np.ndarray:
        """ECEF positions (..., S, 3) of the S satellites at times ``t_s`` (...) from the epoch."""
        t = np.asarray(t_s, dtype=float)[..., None]
        u = np.asarray(self.mean_anomaly_rad) + self.mean_motion_rad_s * t
        ci, si = math.cos(self.inclination_rad), math.sin(self.inclination_rad)
        x, y, z = np.cos(u), ci * np.sin(u), si * np.sin(u)       # in the node frame
        lon = self.raan_rad - self.earth.omega_rad_s * t           # node's longitude in ECEF
        cl, sl = np.cos(lon), np.sin(lon)
        return self.radius_m * np.stack([cl * x - sl * y, sl * x + cl * y, z], axis=-1)

    def over(self, lat_deg: float, lon_deg: float, t_s: float) -> "InfraredTracker":
        """The same constellation phased so that its first satellite passes over (lat, lon)
        (geocentric latitude, ascending) at ``t_s``; the others keep their phase offsets."""
        si = math.sin(self.inclination_rad)
        if abs(math.sin(math.radians(lat_deg))) > si + 1e-12:
            raise InvalidField(("lat_deg",), lat_deg, f"is beyond the orbit's inclination "
                                                      f"{math.degrees(self.inclination_rad):g} deg")
        u = math.asin(max(-1.0, min(1.0, math.sin(math.radians(lat_deg)) / si)))
        node = (math.radians(lon_deg) + self.earth.omega_rad_s * t_s
                - math.atan2(math.cos(self.inclination_rad) * math.sin(u), math.cos(u)))
        shift = u - self.mean_motion_rad_s * t_s - self.mean_anomaly_rad[0]
        return replace(self, raan_rad=node % (2 * math.pi),
                       mean_anomaly_rad=tuple(m + shift for m in self.mean_anomaly_rad))

    def placed(self, lat_deg: float, lon_deg: float, *, site_name: str = "") -> "InfraredTracker":
        """An architecture's station for an orbiting sensor: the constellation phased so that its
        first satellite passes over (lat, lon) at each threat's launch (:meth:`over` at t = 0)."""
        return self.over(lat_deg, lon_deg, 0.0)

    # ------------------------------------------------------------ what it sees
    def seen_by(self, ecef_m, t_s) -> np.ndarray:
        """(..., S) True where satellite s sees the target at ECEF positions (..., 3), times (...)."""
        xyz = np.asarray(ecef_m, dtype=float)[..., None, :]
        sats = self.positions_m(np.broadcast_to(np.asarray(t_s, dtype=float), xyz.shape[:-2]))
        inflated = replace(self.earth, a_m=self.earth.a_m + self.limb_alt_m,
                           f=1.0 - (self.earth.b_m + self.limb_alt_m) / (self.earth.a_m + self.limb_alt_m))
        clear = geo.clear_of_ellipsoid(sats, xyz, inflated)
        return clear & (np.linalg.norm(xyz - sats, axis=-1) <= self.max_range_m)

    def visible(self, ecef_m, t_s=None, rcs_m2=None) -> np.ndarray:
        """True where at least one satellite sees the target (``t_s`` is required: satellites move)."""
        if t_s is None:
            raise InvalidField(("t_s",), None, "an orbiting sensor needs the time of each position")
        return self.seen_by(ecef_m, t_s).any(axis=-1)

    def measurement_model(self, t_s=None, satellite: int = 0) -> LineOfSight:
        """Line of sight from ``satellite`` at times ``t_s`` (K,)."""
        return LineOfSight(observer_m=self.positions_m(np.atleast_1d(t_s))[:, satellite], sigma_rad=self.sigma_los_rad)

    def observe(self, t_s, ecef_m, rng: np.random.Generator | None = None):
        """Noisy lines of sight (K, S, 2) of targets at ECEF ``ecef_m`` (K, 3) at looks ``t_s``
        (K,), NaN where a satellite does not see, and the satellites' positions (K, S, 3)."""
        rng = np.random.default_rng() if rng is None else rng
        t = np.asarray(t_s, dtype=float)
        sats = self.positions_m(t)
        seen = self.seen_by(ecef_m, t)
        z = np.full(seen.shape + (2,), np.nan)
        for s in range(self.n_satellites):
            model = LineOfSight(observer_m=sats[:, s], sigma_rad=self.sigma_los_rad)
            clean = model.function(np.asarray(ecef_m, dtype=float))
            z[:, s] = np.where(seen[:, s, None], clean + rng.normal(0.0, self.sigma_los_rad, clean.shape), np.nan)
        return z, sats

    # ------------------------------------------------------------ batched answers
    def first_seen_s(self, samples, rcs_m2=None, *, cued: bool = True, after_burnout: bool | None = None,
                     coarse_s: float = 10.0) -> np.ndarray:
        """As :meth:`Sensor.first_seen_s`, after burnout unless told otherwise whatever the RCS
        (its filter follows the post-boost body, :mod:`openbmd.sensors.irtrack_filter`)."""
        return super().first_seen_s(samples, None, cued=cued, coarse_s=coarse_s,
                                    after_burnout=True if after_burnout is None else after_burnout)

    def firm_track_s(self, samples, rcs_m2=None, *, cued: bool = True) -> np.ndarray:
        """(T,) time of a firm track (RSS position sigma under FIRM_SIGMA_M after FIRM_AFTER
        looks), started by stereo triangulation, from noiseless lines of sight (the covariance
        depends on the geometry, not the draws, as for radars); inf: never."""
        from openbmd.sensors.irtrack_filter import firm_track_s

        return firm_track_s(self, samples)

    def describe(self) -> dict[str, str]:
        return {"site": f"space: {self.n_satellites} satellites, {self.altitude_m / 1e3:,.0f} km, "
                        f"{math.degrees(self.inclination_rad):g}°",
                "coverage": f"above the limb + {self.limb_alt_m / 1e3:g} km, ≤ {self.max_range_m / 1e3:,.0f} km",
                "reference": f"{self.sigma_los_rad * 1e6:g} µrad line of sight"}
