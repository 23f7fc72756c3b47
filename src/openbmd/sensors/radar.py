"""The radar model: a site, faces, elevation limits and a radar-equation reference pair.

Detection (SNR proportional to RCS / R^4 at fixed dwell energy): a radar
detects a target of RCS sigma out to ``R_ref (sigma / sigma_ref)^(1/4)``, no
farther than its instrumented range; the SNR of a detection is
``threshold + 10 log10(sigma / sigma_ref) + 40 log10(R_ref / R)`` dB.
Line of sight is blocked by the WGS-84 ellipsoid and by the minimum
elevation; optional 4/3-Earth refraction lifts low elevations
(:mod:`openbmd.sensors.geometry`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from openbmd.earth.geodesy import ecef_to_aer, ecef_to_geodetic, geodetic_to_ecef
from openbmd.earth.model import WGS84, EarthModel
from openbmd.errors import InputError
from openbmd.missiles.model import InvalidField
from openbmd.sensors import geometry as geo

STATUSES = ("operational", "planned", "hypothetical", "closed")
DEFAULT_THRESHOLD_DB = 13.0  #: single-look detection SNR (Lewis & Postol 2012 use 13 dB; sensors.md 2.1)
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def check_common(obj) -> None:
    """Checks shared by every sensor kind: id, name, status."""
    if not _ID.fullmatch(obj.id):
        raise InvalidField(("id",), obj.id, "must be lowercase letters, digits and '-'")
    if not obj.name.strip():
        raise InvalidField(("name",), obj.name, "must not be empty")
    if obj.status not in STATUSES:
        raise InvalidField(("status",), obj.status, f"must be one of {', '.join(STATUSES)}")


def _check(key: str, value: float, ok: bool, rule: str, scale: float = 1.0) -> None:
    if not (math.isfinite(value) and ok):
        raise InvalidField((key,), value / scale, rule)


@dataclass(frozen=True, kw_only=True, eq=False)
class Radar:
    """A ground- or sea-based radar. SI inside: metres, radians, seconds.

    ``faces_az_rad`` are face boresights (clockwise from north); an empty tuple
    is full-circle coverage. Build from a file with
    :func:`openbmd.sensors.load_sensor` or from the catalog with
    :func:`openbmd.sensors.get_radar`.
    """

    id: str
    name: str
    kind: str = "radar"
    country: str = ""
    band: str = ""
    status: str = "operational"
    notes: str = ""
    site_name: str = ""
    site_lat_deg: float
    site_lon_deg: float
    site_alt_m: float
    mobile: bool = False
    faces_az_rad: tuple[float, ...] = ()
    face_half_width_rad: float = math.pi
    el_min_rad: float
    el_max_rad: float
    max_range_m: float
    reference_range_m: float
    reference_rcs_m2: float
    reference_range_spread_m: tuple[float, float] | None = None
    detection_threshold_db: float = DEFAULT_THRESHOLD_DB
    revisit_s: float
    sigma_range_m: float
    sigma_angle_rad: float
    refraction: bool = False
    sources: tuple[tuple[str, str], ...] = ()
    source_path: str | None = field(default=None, compare=False)
    earth: EarthModel = WGS84

    def __post_init__(self) -> None:
        check_common(self)
        d = math.degrees
        _check("site_lat_deg", self.site_lat_deg, -90.0 <= self.site_lat_deg <= 90.0, "must be in [-90, 90]")
        _check("site_lon_deg", self.site_lon_deg, -180.0 <= self.site_lon_deg < 360.0,
               "must be in [-180, 360)")
        _check("site_alt_m", self.site_alt_m, -500.0 <= self.site_alt_m <= 1e4, "must be in [-500, 10000] m")
        object.__setattr__(self, "faces_az_rad", tuple(float(a) % (2 * math.pi) for a in self.faces_az_rad))
        if not self.faces_az_rad:
            object.__setattr__(self, "face_half_width_rad", math.pi)
        _check("face_half_width_deg", d(self.face_half_width_rad), 0.0 < self.face_half_width_rad <= math.pi,
               "must be in (0, 180] deg")
        _check("el_min_deg", d(self.el_min_rad), -10.0 <= d(self.el_min_rad) < 90.0, "must be in [-10, 90) deg")
        _check("el_max_deg", d(self.el_max_rad), self.el_min_rad < self.el_max_rad <= math.pi / 2 + 1e-12,
               f"must be in (el_min_deg = {d(self.el_min_rad):g}, 90] deg")
        for key, value, unit, s in (("max_range_km", self.max_range_m, "km", 1e3),
                                    ("reference_range_km", self.reference_range_m, "km", 1e3),
                                    ("reference_rcs_m2", self.reference_rcs_m2, "m^2", 1.0),
                                    ("revisit_s", self.revisit_s, "s", 1.0)):
            _check(key, value, value > 0.0, f"must be > 0 {unit}", s)
        _check("sigma_range_m", self.sigma_range_m, self.sigma_range_m >= 0.0, "must be >= 0 m")
        _check("sigma_angle_deg", d(self.sigma_angle_rad), 0.0 <= self.sigma_angle_rad < 0.1,
               "must be in [0, 5.7) deg")
        _check("detection_threshold_db", self.detection_threshold_db, True, "must be a finite number")
        spread = self.reference_range_spread_m
        if spread is not None:
            spread = tuple(float(x) for x in spread)
            if len(spread) != 2 or not (0.0 < spread[0] <= spread[1]) or not all(map(math.isfinite, spread)):
                raise InvalidField(("reference_range_spread_km",), [x / 1e3 for x in spread],
                                   "must be [low, high] with 0 < low <= high km")
            object.__setattr__(self, "reference_range_spread_m", spread)
        object.__setattr__(self, "sources", tuple((str(k), str(v)) for k, v in dict(self.sources).items()))

    # ------------------------------------------------------------ properties
    @property
    def full_circle(self) -> bool:
        """True when the faces together cover every azimuth."""
        if not self.faces_az_rad:
            return True
        grid = np.radians(np.arange(0.0, 360.0, 0.25))
        return bool(np.all(geo.in_sectors(grid, self.faces_az_rad, self.face_half_width_rad)))

    @property
    def site_ecef_m(self) -> np.ndarray:
        return geodetic_to_ecef(self.site_lat_deg, self.site_lon_deg, self.site_alt_m, self.earth)

    def sources_dict(self) -> dict[str, str]:
        """The ``[sources]`` table: key -> citation."""
        return dict(self.sources)

    def at(self, lat_deg: float, lon_deg: float, alt_m: float | None = None, *,
           faces_az_deg=None, site_name: str | None = None) -> "Radar":
        """The same radar moved to another site (a ship's station, a TPY-2 elsewhere)."""
        changes: dict[str, Any] = {"site_lat_deg": float(lat_deg), "site_lon_deg": float(lon_deg),
                                   "site_name": site_name if site_name is not None else ""}
        if alt_m is not None:
            changes["site_alt_m"] = float(alt_m)
        if faces_az_deg is not None:
            changes["faces_az_rad"] = tuple(np.radians(np.atleast_1d(faces_az_deg)))
        return replace(self, **changes)

    # ------------------------------------------------------------ detection
    def detection_range_m(self, rcs_m2) -> np.ndarray | float:
        """Radar-equation range against ``rcs_m2`` (m), capped at the instrumented range."""
        rcs = _positive_rcs(rcs_m2)
        r = self.reference_range_m * (rcs / self.reference_rcs_m2) ** 0.25
        return np.minimum(r, self.max_range_m)[()]

    def detection_range_km(self, rcs_m2) -> np.ndarray | float:
        """Radar-equation range against ``rcs_m2`` (km), capped at the instrumented range."""
        return self.detection_range_m(rcs_m2) / 1e3

    def snr_db(self, range_m, rcs_m2) -> np.ndarray:
        """Signal-to-noise ratio (dB) of a target of ``rcs_m2`` at slant range ``range_m``."""
        rng = np.asarray(range_m, dtype=float)
        with np.errstate(divide="ignore"):
            return (self.detection_threshold_db + 10.0 * np.log10(_positive_rcs(rcs_m2) / self.reference_rcs_m2)
                    + 40.0 * np.log10(self.reference_range_m / rng))

    # ------------------------------------------------------------ geometry
    def aer(self, ecef_m):
        """(az_rad, el_rad, range_m) of ECEF positions (..., 3) seen from the site.

        With ``refraction`` the elevation is the apparent (4/3-Earth) one.
        """
        az_deg, el_deg, rng = ecef_to_aer(ecef_m, self.site_lat_deg, self.site_lon_deg,
                                          self.site_alt_m, self.earth)
        el = np.radians(el_deg)
        if self.refraction:
            el, _ = self._refracted(ecef_m)
        return np.radians(az_deg), el, rng

    def _refracted(self, ecef_m):
        site = self.site_ecef_m
        xyz = np.asarray(ecef_m, dtype=float)
        cos_psi = np.sum(xyz * site, axis=-1) / (np.linalg.norm(xyz, axis=-1) * np.linalg.norm(site))
        psi = np.arccos(np.clip(cos_psi, -1.0, 1.0))
        alt = ecef_to_geodetic(xyz, self.earth)[2]
        radius = geo.local_radius_m(self.site_lat_deg, self.earth)
        return geo.refracted_elevation(self.site_alt_m, alt, psi, radius)

    def in_view(self, ecef_m) -> np.ndarray:
        """Geometry only: line of sight clear, inside a face, within the elevation limits
        and the instrumented range (any RCS)."""
        az, el, rng = self.aer(ecef_m)
        if self.refraction:
            clear = self._refracted(ecef_m)[1]
        else:
            clear = geo.clear_of_ellipsoid(self.site_ecef_m, ecef_m, self.earth)
        return (clear & (el >= self.el_min_rad - 1e-12) & (el <= self.el_max_rad + 1e-12)
                & (rng <= self.max_range_m) & geo.in_sectors(az, self.faces_az_rad, self.face_half_width_rad))

    def visible(self, ecef_m, t_s=None, rcs_m2=0.1) -> np.ndarray:
        """True where the radar detects a target of ``rcs_m2`` at ECEF positions (..., 3).

        ``t_s`` (optional, broadcast against the positions) is the sensor
        interface's time argument; a fixed radar's coverage does not change
        with time. ``rcs_m2`` may be an array broadcasting against the positions.
        """
        xyz = np.asarray(ecef_m, dtype=float)
        _, _, rng = ecef_to_aer(xyz, self.site_lat_deg, self.site_lon_deg, self.site_alt_m, self.earth)
        seen = self.in_view(xyz) & (rng <= self.detection_range_m(rcs_m2))
        if t_s is not None:
            seen = np.broadcast_to(seen, np.broadcast_shapes(np.shape(seen), np.shape(t_s))).copy()
        return seen

    def observe(self, trajectory, rcs_m2=0.1, rng: np.random.Generator | None = None, *,
                object_id: str = "object-1", t0_s: float | None = None, epoch_s: float = 0.0):
        """Noisy detections of a trajectory at the revisit rate (see :func:`observe`)."""
        from openbmd.sensors.observe import observe

        return observe(self, trajectory, rcs_m2, rng, object_id=object_id, t0_s=t0_s, epoch_s=epoch_s)


def _positive_rcs(rcs_m2) -> np.ndarray:
    rcs = np.asarray(rcs_m2, dtype=float)
    if not np.all(np.isfinite(rcs) & (rcs > 0.0)):
        bad = rcs[~(np.isfinite(rcs) & (rcs > 0.0))].flat[0] if rcs.ndim else float(rcs)
        raise InputError(f"radar cross section {bad:g} m^2 is not allowed; it must be a finite number > 0 m^2")
    return rcs
