"""Space-based infrared early warning (DSP / SBIRS class): sees the burning booster only.

The model (docs/research/sensors.md 2.9): the first report comes ``delay_s``
after launch (cloud break-out plus processing); from then on, every
``revisit_s`` while the booster burns, a report gives the launch point (one
estimate per object, error ``sigma_launch_point_m`` on each horizontal axis)
and the heading (bearing from the launch point to the booster's ground point,
error ``sigma_heading_rad``). Nothing after burnout, no range, no
fire-control track: the reports cue radars.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from openbmd.earth.geodesy import geodesic_direct, geodesic_inverse
from openbmd.earth.model import WGS84, EarthModel
from openbmd.missiles.model import InvalidField
from openbmd.sensors.base import Sensor, check_common, register
from openbmd.sensors.fields import SPACE_IR_FIELDS


@dataclass(frozen=True, kw_only=True, eq=False)
class LaunchReport:
    """Early-warning reports of one object: launch point and heading while it burns.

    ``t_s`` report times (epoch + flight time), ``heading_deg`` one heading per
    report; ``launch_lat_deg``/``launch_lon_deg`` the reported launch point
    (NaN when the booster burnt out before the first report).
    """

    sensor_id: str
    object_id: str
    t_s: np.ndarray
    heading_deg: np.ndarray
    launch_lat_deg: float
    launch_lon_deg: float
    launch_time_s: float
    sigma_launch_point_m: float
    sigma_heading_deg: float

    @property
    def detected(self) -> bool:
        return self.t_s.size > 0

    @property
    def first_report_s(self) -> float:
        """Time of the first report (NaN if none)."""
        return float(self.t_s[0]) if self.detected else math.nan


@register
@dataclass(frozen=True, kw_only=True, eq=False)
class SpaceInfrared(Sensor):
    """A space-based infrared early-warning constellation (global coverage assumed).

    A sensor (:class:`openbmd.sensors.base.Sensor`) that sees only burning boosters and
    gives no fire-control track: :meth:`first_seen_s` with ``after_burnout=False`` is its
    first report, and its firm track never comes (inf)."""

    id: str
    name: str
    kind: str = "space-ir"
    country: str = ""
    band: str = ""
    status: str = "operational"
    notes: str = ""
    delay_s: float
    delay_spread_s: tuple[float, float] | None = None
    revisit_s: float
    sigma_launch_point_m: float
    sigma_heading_rad: float
    sources: tuple[tuple[str, str], ...] = ()
    source_path: str | None = field(default=None, compare=False)
    earth: EarthModel = WGS84

    KIND: ClassVar[str] = "space-ir"
    FIELDS: ClassVar[tuple] = SPACE_IR_FIELDS
    TRACKS: ClassVar[bool] = False  #: it reports launches; it gives no track to launch on

    def __post_init__(self) -> None:
        check_common(self)
        for key, value in (("delay_s", self.delay_s), ("revisit_s", self.revisit_s)):
            if not (math.isfinite(value) and value > 0.0):
                raise InvalidField((key,), value, "must be > 0 s")
        if not (math.isfinite(self.sigma_launch_point_m) and self.sigma_launch_point_m >= 0.0):
            raise InvalidField(("sigma_launch_point_km",), self.sigma_launch_point_m / 1e3, "must be >= 0 km")
        if not (0.0 <= self.sigma_heading_rad < math.pi / 2):
            raise InvalidField(("sigma_heading_deg",), math.degrees(self.sigma_heading_rad), "must be in [0, 90) deg")
        if self.delay_spread_s is not None:
            spread = tuple(float(x) for x in self.delay_spread_s)
            if len(spread) != 2 or not 0.0 < spread[0] <= spread[1]:
                raise InvalidField(("delay_spread_s",), list(spread), "must be [low, high] with 0 < low <= high s")
            object.__setattr__(self, "delay_spread_s", spread)
        object.__setattr__(self, "sources", tuple((str(k), str(v)) for k, v in dict(self.sources).items()))

    def visible(self, ecef_m, t_s=None, rcs_m2=None) -> np.ndarray:
        """Global coverage of a burning booster: every finite position, from ``delay_s`` after
        launch when ``t_s`` (s from launch) is given. Whether the stage burns is the
        caller's: see :meth:`first_seen_s`."""
        seen = np.isfinite(np.asarray(ecef_m, dtype=float)[..., 0])
        if t_s is not None:
            seen = seen & (np.asarray(t_s, dtype=float) >= self.delay_s - 1e-9)
        return seen

    def first_seen_s(self, samples, rcs_m2=None, *, cued: bool = True, after_burnout: bool = True,
                     coarse_s: float = 10.0) -> np.ndarray:
        """(T,) time of the first report (``delay_s`` after launch when the booster still
        burns then, as :meth:`observe`); inf when it burnt out before. It sees nothing after
        burnout, so ``after_burnout=True`` (the radars' default) gives inf for every threat."""
        t0 = float(samples.t_s[0]) + self.delay_s
        end = np.minimum(samples.burnout_s, samples.impact_s)
        if after_burnout:
            return np.full(len(samples), np.inf)
        return np.where(t0 <= end + 1e-9, t0, np.inf)

    def describe(self) -> dict[str, str]:
        return {"site": "space (global)", "coverage": f"boost phase, first report {self.delay_s:g} s after launch",
                "reference": "—"}

    def observe(self, trajectory, burnout_time_s: float, rng: np.random.Generator | None = None, *,
                object_id: str = "object-1", epoch_s: float = 0.0) -> LaunchReport:
        """Reports on ``trajectory`` (time zero at launch) whose booster burns until ``burnout_time_s``."""
        rng = np.random.default_rng() if rng is None else rng
        t = np.asarray(trajectory.t_s, dtype=float)
        looks = t[0] + self.delay_s + self.revisit_s * np.arange(
            max(0, int(math.floor((min(burnout_time_s, t[-1]) - t[0] - self.delay_s) / self.revisit_s + 1e-9)) + 1))
        looks = looks[looks <= min(burnout_time_s, t[-1]) + 1e-9]
        lat0, lon0 = float(trajectory.lat_deg[0]), float(trajectory.lon_deg[0])
        if looks.size == 0:
            return self._report(object_id, looks, np.empty(0), math.nan, math.nan, epoch_s)
        lat = np.interp(looks, t, trajectory.lat_deg)
        lon = np.degrees(np.interp(looks, t, np.unwrap(np.radians(trajectory.lon_deg))))
        _, bearing, _ = geodesic_inverse(lat0, lon0, lat, lon, self.earth)
        heading = (np.atleast_1d(bearing) + np.degrees(rng.normal(0.0, self.sigma_heading_rad, looks.size))) % 360
        # launch-point error: a 2-D Gaussian of sigma per axis, applied as a geodesic offset
        east, north = rng.normal(0.0, self.sigma_launch_point_m, 2)
        rep_lat, rep_lon, _ = geodesic_direct(lat0, lon0, math.degrees(math.atan2(east, north)) % 360,
                                              math.hypot(east, north), self.earth)
        return self._report(object_id, looks + epoch_s, heading, float(rep_lat), float(rep_lon), epoch_s)

    def _report(self, object_id, t_s, heading, lat, lon, epoch_s) -> LaunchReport:
        return LaunchReport(sensor_id=self.id, object_id=object_id, t_s=np.asarray(t_s, float),
                            heading_deg=np.asarray(heading, float), launch_lat_deg=lat, launch_lon_deg=lon,
                            launch_time_s=epoch_s, sigma_launch_point_m=self.sigma_launch_point_m,
                            sigma_heading_deg=math.degrees(self.sigma_heading_rad))
