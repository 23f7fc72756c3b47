"""Pre-launch notifications and their correlation with detected launches.

A party files a :class:`Notification` before a launch, as the June 2000 JDEC memorandum's
pre-launch notification regime foresaw: a launch window, a generalized launch area and an
impact area (a centre and radius each). :func:`match_notification` finds the notification a
fused track's launch fits: its estimated launch time inside the window and its launch point
inside the launch area, each widened by ``n_sigma`` times the estimate's own one-sigma (time,
and RSS ground sigma); the impact area likewise when both it and the track's impact point are
known. :func:`unannounced` flags a firm track with a launch estimate that no notification fits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.errors import InputError

__all__ = ["Notification", "correlate", "match_notification", "unannounced"]

#: how many of the estimate's sigmas widen a window or an area
N_SIGMA = 3.0


@dataclass(frozen=True, kw_only=True)
class Notification:
    """A filed pre-launch notification: launch window (UNIX s), launch area and, optionally, impact
    area (centre deg, radius km)."""

    id: str
    party: str
    window_start_s: float
    window_end_s: float
    launch_lat_deg: float
    launch_lon_deg: float
    launch_radius_km: float
    impact_lat_deg: float | None = None
    impact_lon_deg: float | None = None
    impact_radius_km: float | None = None

    def __post_init__(self):
        nums = [self.window_start_s, self.window_end_s, self.launch_lat_deg, self.launch_lon_deg,
                self.launch_radius_km]
        impact = [self.impact_lat_deg, self.impact_lon_deg, self.impact_radius_km]
        if any(v is None for v in impact) and not all(v is None for v in impact):
            raise InputError(f"notification {self.id!r}: give all of impact_lat_deg, impact_lon_deg, "
                             "impact_radius_km or none")
        nums += [v for v in impact if v is not None]
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in nums):
            raise InputError(f"notification {self.id!r}: times, coordinates and radii must be finite numbers")
        if self.window_end_s < self.window_start_s:
            raise InputError(f"notification {self.id!r}: window_end_s is before window_start_s")
        if not self.launch_radius_km > 0 or (self.impact_radius_km is not None and not self.impact_radius_km > 0):
            raise InputError(f"notification {self.id!r}: area radii must be > 0 km")
        for lat in (self.launch_lat_deg, self.impact_lat_deg):
            if lat is not None and abs(lat) > 90.0:
                raise InputError(f"notification {self.id!r}: latitude {lat:g} deg is outside [-90, 90]")

    @classmethod
    def from_dict(cls, d: dict) -> "Notification":
        """From a plain dict: these fields flat, or ``launch_area`` / ``impact_area`` given as
        ``{"lat_deg", "lon_deg", "radius_km"}``; other keys are ignored."""
        flat = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for area in ("launch", "impact"):
            a = d.get(f"{area}_area")
            if isinstance(a, dict):
                flat.update({f"{area}_lat_deg": a.get("lat_deg"), f"{area}_lon_deg": a.get("lon_deg"),
                             f"{area}_radius_km": a.get("radius_km")})
        missing = [k for k in ("id", "window_start_s", "window_end_s", "launch_lat_deg", "launch_lon_deg",
                               "launch_radius_km") if flat.get(k) is None]
        if missing:
            raise InputError(f"notification {d.get('id')!r}: missing {', '.join(missing)}")
        flat.setdefault("party", "")
        return cls(**flat)

    @property
    def has_impact_area(self) -> bool:
        return self.impact_radius_km is not None


def _area_ratio(point, lat: float, lon: float, radius_km: float, n_sigma: float) -> float:
    """Distance of an estimate from an area's centre over the radius widened by n sigma (<= 1 fits)."""
    d_m, _, _ = geodesic_inverse(point.lat_deg, point.lon_deg, lat, lon)
    return float(d_m) / 1e3 / (radius_km + n_sigma * point.sigma_km)


def _fit(track, n: Notification, n_sigma: float) -> float | None:
    """How well ``track`` fits ``n``: the worst of its area ratios (None: it does not fit)."""
    lp = track.launch_point
    slack = n_sigma * lp.sigma_t_s
    if not n.window_start_s - slack <= lp.t_s <= n.window_end_s + slack:
        return None
    ratio = _area_ratio(lp, n.launch_lat_deg, n.launch_lon_deg, n.launch_radius_km, n_sigma)
    # a boosting track's impact point is where it would fall if the thrust stopped now, not where
    # it is going: only a coasting track's is held against the notified impact area
    if n.has_impact_area and track.impact_point is not None and not getattr(track, "boosting", False):
        ratio = max(ratio, _area_ratio(track.impact_point, n.impact_lat_deg, n.impact_lon_deg,
                                       n.impact_radius_km, n_sigma))
    return ratio if ratio <= 1.0 else None


def match_notification(track, notifications: Iterable[Notification], *, n_sigma: float = N_SIGMA) -> str | None:
    """The id of the notification ``track``'s launch fits best (smallest distance to its areas
    relative to their widened radii; ties by id), or None (also when it has no launch estimate)."""
    if track.launch_point is None:
        return None
    fits = [(r, n.id) for n in notifications if (r := _fit(track, n, n_sigma)) is not None]
    return min(fits)[1] if fits else None


def unannounced(track, notifications: Iterable[Notification], *, n_sigma: float = N_SIGMA,
                require_firm: bool = True) -> bool:
    """True when ``track`` (firm, unless ``require_firm`` is False) has a launch estimate that no
    notification fits: a launch to flag at once to every party."""
    if (require_firm and not track.firm) or track.launch_point is None:
        return False
    return match_notification(track, notifications, n_sigma=n_sigma) is None


def correlate(tracks, notifications: Iterable[Notification], *, n_sigma: float = N_SIGMA) -> dict[str, str | None]:
    """Track id -> the id of the notification its launch fits (None: none does), for every track
    with a launch estimate."""
    notes = list(notifications)
    return {t.id: match_notification(t, notes, n_sigma=n_sigma) for t in tracks if t.launch_point is not None}
