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
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from openbmd.earth.frames import Site
from openbmd.earth.geodesy import ecef_to_geodetic
from openbmd.earth.model import WGS84, EarthModel
from openbmd.errors import InputError
from openbmd.missiles.model import InvalidField
from openbmd.sensors import geometry as geo
from openbmd.sensors.base import STATUSES, Sensor, check_common, register  # noqa: F401
from openbmd.sensors.fields import RADAR_FIELDS
from openbmd.sensors.signature import Signature

DEFAULT_THRESHOLD_DB = 13.0  #: single-look detection SNR (Lewis & Postol 2012 use 13 dB; sensors.md 2.1)
#: an uncued radar searches a volume notionally 10x the one a space-based cue points it to;
#: with the same energy the detection range scales as (energy per beam)^(1/4), so uncued
#: search sees to 10^(-1/4) = 0.56 of the cued range (radar equation; the ratio is notional)
UNCUED_VOLUME_RATIO = 10.0
_FACE_KEYS = ("faces_az_deg", "boresight_az_deg", "full_circle")


def _check(key: str, value: float, ok: bool, rule: str, scale: float = 1.0) -> None:
    if not (math.isfinite(value) and ok):
        raise InvalidField((key,), value / scale, rule)


@register
@dataclass(frozen=True, kw_only=True, eq=False)
class Radar(Sensor):
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
    site: Site = field(init=False, repr=False)  #: the antenna's place and local frame

    KIND: ClassVar[str] = "radar"
    FIELDS: ClassVar[tuple] = RADAR_FIELDS

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
        object.__setattr__(self, "site", Site(lat_deg=self.site_lat_deg, lon_deg=self.site_lon_deg,
                                              alt_m=self.site_alt_m, earth=self.earth))

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
        return self.site.ecef_m

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

    def placed(self, lat_deg: float, lon_deg: float, *, site_name: str = "") -> "Radar":
        """The radar at an architecture's station, at sea level (as architectures place them)."""
        return self.at(lat_deg, lon_deg, 0.0, site_name=site_name)

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
        az, el, rng = self.site.aer(ecef_m)
        if self.refraction:
            el, _ = self._refracted(ecef_m)
        return az, el, rng

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
        xyz = np.asarray(ecef_m, dtype=float)
        return self._in_view(xyz, *self.aer(xyz))

    def _in_view(self, xyz, az, el, rng) -> np.ndarray:
        if self.refraction:
            clear = self._refracted(xyz)[1]
        else:
            clear = geo.clear_of_ellipsoid(self.site.ecef_m, xyz, self.earth)
        return (clear & (el >= self.el_min_rad - 1e-12) & (el <= self.el_max_rad + 1e-12)
                & (rng <= self.max_range_m) & geo.in_sectors(az, self.faces_az_rad, self.face_half_width_rad))

    def visible(self, ecef_m, t_s=None, rcs_m2=0.1) -> np.ndarray:
        """True where the radar detects a target of ``rcs_m2`` at ECEF positions (..., 3).

        ``t_s`` (optional, broadcast against the positions) is the sensor
        interface's time argument; a fixed radar's coverage does not change
        with time. ``rcs_m2`` may be an array broadcasting against the positions.
        """
        xyz = np.asarray(ecef_m, dtype=float)
        az, el, rng = self.aer(xyz)
        seen = self._in_view(xyz, az, el, rng) & (rng <= self.detection_range_m(rcs_m2))
        if t_s is not None:
            seen = np.broadcast_to(seen, np.broadcast_shapes(np.shape(seen), np.shape(t_s))).copy()
        return seen

    def search_rcs_m2(self, rcs_m2, cued: bool):
        """Uncued search is modelled as a smaller effective RCS (range ~ RCS^(1/4)): the
        radar equation's range falls by UNCUED_VOLUME_RATIO^(-1/4)."""
        if cued:
            return rcs_m2
        if isinstance(rcs_m2, Signature):
            return rcs_m2.scaled(1.0 / UNCUED_VOLUME_RATIO)
        return np.asarray(rcs_m2, dtype=float)[()] / UNCUED_VOLUME_RATIO

    def firm_track_s(self, samples, rcs_m2, *, cued: bool = True) -> np.ndarray:
        """(T,) time of a firm track from this radar alone (inf: never), the noiseless form of
        :func:`openbmd.sensors.tracking.track` (see :mod:`openbmd.sensors.firm`)."""
        from openbmd.sensors.firm import radar_firm_track_s

        return radar_firm_track_s(self, samples, rcs_m2, cued)

    def track_times(self, samples, rcs_m2, *, cued: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(first detection, firm track), (T,) each: :meth:`first_seen_s` at the search range
        and :meth:`firm_track_s` from it, in one pass (the first detection is in boost when
        ``rcs_m2`` is a :class:`~openbmd.sensors.signature.Signature` with a booster figure)."""
        from openbmd.sensors.firm import radar_track_times

        return radar_track_times(self, samples, rcs_m2, cued)

    def measurement_model(self, t_s=None):
        """Range, azimuth, elevation from the site with this radar's noise."""
        from openbmd.sensors.models import RangeAzEl

        return RangeAzEl.of_radar(self)

    def observe(self, trajectory, rcs_m2=0.1, rng: np.random.Generator | None = None, *,
                object_id: str = "object-1", t0_s: float | None = None, epoch_s: float = 0.0):
        """Noisy detections of a trajectory at the revisit rate (see :func:`observe`)."""
        from openbmd.sensors.observe import observe

        return observe(self, trajectory, rcs_m2, rng, object_id=object_id, t0_s=t0_s, epoch_s=epoch_s)

    def observe_cued(self, trajectory, rcs_m2: float, rng, cue_s: float | None, object_id: str = "object-1"):
        """Detections of a radar that searches uncued until ``cue_s`` (None: never cued), then
        looks where the space-based warning points it (see :func:`openbmd.sensors.observe.observe_cued`)."""
        from openbmd.sensors.observe import observe_cued

        return observe_cued(self, trajectory, rcs_m2, rng, cue_s, object_id)

    # ------------------------------------------------------------ catalog
    def describe(self) -> dict[str, str]:
        where = f"{self.site_lat_deg:.2f}, {self.site_lon_deg:.2f}"
        name = self.site_name.split(" (")[0] if self.site_name else ""
        text = f"{name} {where}".strip()
        if self.full_circle:
            az = "360°"
        else:
            faces = "/".join(f"{math.degrees(a):g}" for a in self.faces_az_rad)
            az = f"az {faces} ±{math.degrees(self.face_half_width_rad):g}°"
        el = f"el {math.degrees(self.el_min_rad):g}–{math.degrees(self.el_max_rad):g}°"
        return {"site": f"mobile: {text}" if self.mobile else text,
                "coverage": f"{az}, {el}, ≤ {self.max_range_m / 1e3:,.0f} km",
                "reference": f"{self.reference_range_m / 1e3:,.0f} km @ {self.reference_rcs_m2:g} m²"}

    @classmethod
    def attributes_from_toml(cls, data: dict, attrs: dict[str, Any], say) -> dict[str, Any]:
        """Exactly one of faces_az_deg, boresight_az_deg, full_circle."""
        given = [k for k in _FACE_KEYS if k in data and data[k] is not False]
        if len(given) != 1:
            raise InputError(say(given[1] if len(given) > 1 else "id",
                                 f"give exactly one of {', '.join(_FACE_KEYS)} (got "
                                 f"{', '.join(given) if given else 'none'})"))
        if "boresight_az_deg" in data:
            attrs["faces_az_rad"] = (attrs["faces_az_rad"],)
        if given[0] == "full_circle":
            attrs["faces_az_rad"] = ()
        elif "face_half_width_deg" not in data:
            raise InputError(say(given[0], f"{given[0]} needs face_half_width_deg"))
        elif not attrs["faces_az_rad"]:
            raise InvalidField(("faces_az_deg",), [], "must list at least one face (or use full_circle = true)")
        attrs.pop("full_circle", None)
        return attrs

    def toml_overrides(self, out: dict[str, Any]) -> dict[str, Any]:
        """faces_az_deg, or full_circle = true without a face width."""
        out.pop("full_circle", None)
        if not self.faces_az_rad:
            out = {("full_circle" if k == "faces_az_deg" else k): (True if k == "faces_az_deg" else v)
                   for k, v in out.items() if k != "face_half_width_deg"}
        return out


def _positive_rcs(rcs_m2) -> np.ndarray:
    rcs = np.asarray(rcs_m2, dtype=float)
    if not np.all(np.isfinite(rcs) & (rcs > 0.0)):
        bad = rcs[~(np.isfinite(rcs) & (rcs > 0.0))].flat[0] if rcs.ndim else float(rcs)
        raise InputError(f"radar cross section {bad:g} m^2 is not allowed; it must be a finite number > 0 m^2")
    return rcs
