"""Immutable flight results: a batch of trajectories, one flight, a time history."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from openbmd._arrays import frozen

from openbmd.earth.geodesy import ecef_to_aer, ecef_to_geodetic
from openbmd.earth.model import EarthModel

STATUS_TEXT = MappingProxyType({0: "impact", 1: "no impact within the time limit (orbit or escape)",
                                2: "impact during powered flight"})



@dataclass(frozen=True, eq=False)
class Trajectory:
    """Time history of one flight, Earth-fixed.  Arrays are read-only.

    ``t_s`` from launch (or from burnout for free flight); ``ecef_m`` (N, 3)
    positions; ``velocity_m_s`` (N, 3) the Earth-relative velocity in ECEF axes.
    """

    name: str
    t_s: np.ndarray
    ecef_m: np.ndarray
    velocity_m_s: np.ndarray
    earth: EarthModel

    def __post_init__(self):
        for k in ("t_s", "ecef_m", "velocity_m_s"):
            object.__setattr__(self, k, frozen(getattr(self, k)))
        lat, lon, alt = ecef_to_geodetic(self.ecef_m, self.earth)
        object.__setattr__(self, "_geo", tuple(frozen(x) for x in (lat, lon, alt)))

    @property
    def speed_m_s(self) -> np.ndarray:
        """Earth-relative speed."""
        return np.linalg.norm(self.velocity_m_s, axis=1)

    def inertial(self):
        """(r, v) in the inertial frame that coincides with ECEF at t = 0, each (N, 3)."""
        ang = self.earth.omega_rad_s * self.t_s
        c, s = np.cos(ang), np.sin(ang)

        def rot(u):
            return np.stack([c * u[:, 0] - s * u[:, 1], s * u[:, 0] + c * u[:, 1], u[:, 2]], axis=1)

        w = np.array([0.0, 0.0, self.earth.omega_rad_s])
        return rot(self.ecef_m), rot(self.velocity_m_s + np.cross(w, self.ecef_m))

    @property
    def lat_deg(self) -> np.ndarray:
        return self._geo[0]

    @property
    def lon_deg(self) -> np.ndarray:
        return self._geo[1]

    @property
    def alt_m(self) -> np.ndarray:
        return self._geo[2]

    def geodetic(self):
        """(lat_deg, lon_deg, alt_m) arrays."""
        return self._geo

    def enu(self, site_lat_deg, site_lon_deg=None, site_alt_m=0.0) -> np.ndarray:
        """Positions (N, 3) in metres in the local east-north-up frame of a site: an
        :class:`openbmd.earth.frames.Site`, or its latitude, longitude (deg) and height (m)."""
        from openbmd.earth.frames import Site

        site = site_lat_deg if isinstance(site_lat_deg, Site) else Site(
            lat_deg=site_lat_deg, lon_deg=site_lon_deg, alt_m=site_alt_m, earth=self.earth)
        return site.enu(self.ecef_m)

    def aer(self, site_lat_deg, site_lon_deg, site_alt_m=0.0):
        """(azimuth_deg, elevation_deg, range_m) seen from a site (e.g. a radar)."""
        return ecef_to_aer(self.ecef_m, site_lat_deg, site_lon_deg, site_alt_m, self.earth)


@dataclass(frozen=True, eq=False)
class FlightBatch:
    """Results of many flights (one entry per lane).  SI arrays, read-only.

    NaN marks values that do not exist for a lane (e.g. no impact).
    """

    status: np.ndarray
    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray
    range_m: np.ndarray
    impact_time_s: np.ndarray
    impact_lat_deg: np.ndarray
    impact_lon_deg: np.ndarray
    impact_speed_m_s: np.ndarray
    burnout_time_s: np.ndarray
    burnout_alt_m: np.ndarray
    burnout_speed_m_s: np.ndarray
    burnout_angle_deg: np.ndarray
    apogee_alt_m: np.ndarray
    apogee_time_s: np.ndarray
    steps: np.ndarray
    track_angle_rad: np.ndarray  #: central angle swept by the ground track (unwrapped)
    trajectories: tuple = field(default=())
    #: (t_s (N,), ecef_m (n, N, 3), vel_m_s (n, N, 3)) on one grid, when flown with sample_dt_s
    samples: tuple | None = None
    burnout_lat_deg: np.ndarray | None = None  #: geodetic latitude under the burnout point
    burnout_lon_deg: np.ndarray | None = None  #: longitude under the burnout point

    def __post_init__(self):
        for k, v in self.__dict__.items():
            if isinstance(v, np.ndarray):
                object.__setattr__(self, k, frozen(v))

    def __len__(self) -> int:
        return self.status.shape[0]

    @property
    def ok(self) -> np.ndarray:
        """Lanes that came back to the ground after burnout."""
        return self.status == 0

    @property
    def range_km(self) -> np.ndarray:
        return self.range_m / 1e3

    @property
    def apogee_km(self) -> np.ndarray:
        return self.apogee_alt_m / 1e3

    def summary(self, i: int) -> dict:
        """The JSON summary of lane i (units in the key names)."""
        return {
            "range_km": float(self.range_m[i] / 1e3),
            "time_of_flight_s": float(self.impact_time_s[i]),
            "apogee_km": float(self.apogee_alt_m[i] / 1e3),
            "burnout_time_s": float(self.burnout_time_s[i]),
            "burnout_speed_km_s": float(self.burnout_speed_m_s[i] / 1e3),
            "burnout_altitude_km": float(self.burnout_alt_m[i] / 1e3),
            "burnout_angle_deg": float(self.burnout_angle_deg[i]),
            "impact_lat_deg": float(self.impact_lat_deg[i]),
            "impact_lon_deg": float(self.impact_lon_deg[i]),
        }
