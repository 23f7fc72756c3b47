"""Timestamped sensor measurements: what a radar reports, what a tracker and (later)
the data-sharing center ingest.

One :class:`Detections` holds the measurements of one object by one sensor, as
arrays (SI inside: metres, radians, seconds from the scenario epoch).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from openbmd._arrays import frozen
from openbmd.earth.frames import Site
from openbmd.earth.geodesy import aer_to_ecef
from openbmd.earth.model import WGS84, EarthModel

_ARRAYS = ("t_s", "range_m", "az_rad", "el_rad", "snr_db")

@dataclass(frozen=True, eq=False)
class Detections:
    """Noisy range / azimuth / elevation measurements of one object by one sensor.

    ``t_s`` are measurement times (s from the scenario epoch), ``range_m``,
    ``az_rad`` (clockwise from north), ``el_rad`` (above the local horizontal
    of the site) the measured values, ``snr_db`` the signal-to-noise ratio of
    each detection; ``sigma_*`` the one-sigma measurement noise.
    """

    sensor_id: str
    object_id: str
    site_lat_deg: float
    site_lon_deg: float
    site_alt_m: float
    t_s: np.ndarray
    range_m: np.ndarray
    az_rad: np.ndarray
    el_rad: np.ndarray
    snr_db: np.ndarray
    sigma_range_m: float
    sigma_angle_rad: float
    earth: EarthModel = WGS84

    def __post_init__(self):
        n = np.shape(self.t_s)[0] if np.ndim(self.t_s) else 0
        for k in ("t_s", "range_m", "az_rad", "el_rad", "snr_db"):
            a = frozen(getattr(self, k))
            if a.shape != (n,):
                raise ValueError(f"Detections.{k} must have shape ({n},), got {a.shape}")
            object.__setattr__(self, k, a)

    def __len__(self) -> int:
        return self.t_s.shape[0]

    @property
    def site(self) -> Site:
        """The sensor's place and local frame."""
        return Site(lat_deg=self.site_lat_deg, lon_deg=self.site_lon_deg, alt_m=self.site_alt_m, earth=self.earth)

    def where(self, mask) -> "Detections":
        """The detections where ``mask`` (N,) is true."""
        return replace(self, **{k: getattr(self, k)[mask] for k in _ARRAYS})

    def after(self, t0_s: float) -> "Detections":
        """The detections at or after ``t0_s``."""
        return self.where(self.t_s >= t0_s)

    def joined(self, other: "Detections") -> "Detections":
        """These detections followed by ``other``'s (same sensor; the sigmas are ``other``'s)."""
        return replace(other, **{k: np.concatenate([getattr(self, k), getattr(other, k)]) for k in _ARRAYS})

    def ecef_m(self) -> np.ndarray:
        """Measured positions (N, 3) in ECEF metres (noise included)."""
        return aer_to_ecef(np.degrees(self.az_rad), np.degrees(self.el_rad), self.range_m,
                           self.site_lat_deg, self.site_lon_deg, self.site_alt_m, self.earth)

    def records(self) -> list[dict]:
        """One plain dict per measurement, units in the keys (for JSON and the center)."""
        return [{"sensor_id": self.sensor_id, "object_id": self.object_id, "t_s": float(t),
                 "range_m": float(r), "az_deg": float(np.degrees(a)), "el_deg": float(np.degrees(e)),
                 "snr_db": float(s), "sigma_range_m": self.sigma_range_m,
                 "sigma_angle_deg": float(np.degrees(self.sigma_angle_rad)),
                 "site_lat_deg": self.site_lat_deg, "site_lon_deg": self.site_lon_deg,
                 "site_alt_m": self.site_alt_m}
                for t, r, a, e, s in zip(self.t_s, self.range_m, self.az_rad, self.el_rad, self.snr_db)]
