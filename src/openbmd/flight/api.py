"""The flight API: fly a missile, fly a free ballistic arc, draw a range ring."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.earth.model import earth_model
from openbmd.errors import InputError
from openbmd.flight.aim import aim, aim_bearing
from openbmd.flight.lanes import T_MAX_S, free_lanes, powered_lanes
from openbmd.flight.propagate import run_lanes
from openbmd.flight.results import FlightBatch, Trajectory
from openbmd.flight.shaping import (KICK_MIN_DEG, Launcher, depressed_limit_kick, max_range_kick,
                                    max_range_kick_near, solve_monotone)

SHAPES = ("max-range", "min-energy", "lofted", "depressed")
#: ballistic coefficient of a free-flight body when none is given (kg/m^2)
DEFAULT_FREE_BETA_KG_M2 = 5000.0


@dataclass(frozen=True, eq=False)
class FlightResult:
    """One flight: its summary numbers, its steering and its time history."""

    batch: FlightBatch
    trajectory: Trajectory | None
    azimuth_deg: float
    kick_deg: float | None = None
    cutoff_s: float | None = None
    target: tuple[float, float] | None = None

    @property
    def miss_km(self) -> float | None:
        if self.target is None:
            return None
        if self.batch.status[0] != 0:
            return float("nan")
        return float(geodesic_inverse(self.batch.impact_lat_deg[0], self.batch.impact_lon_deg[0],
                                      self.target[0], self.target[1], self.trajectory.earth
                                      if self.trajectory else "wgs84")[0] / 1e3)

    def steering(self) -> dict:
        """How the flight was steered: launch azimuth, pitch-over kick, thrust cut-off (None: full burn)."""
        return {"launch_azimuth_deg": self.azimuth_deg, "kick_deg": self.kick_deg,
                "thrust_cutoff_s": (None if self.cutoff_s is None or not np.isfinite(self.cutoff_s)
                                    else float(self.cutoff_s))}

    def summary(self) -> dict:
        """The JSON summary (units in the key names)."""
        d = self.batch.summary(0)
        if self.target is not None:
            d["miss_km"] = self.miss_km
        return d


def _check_latlon(lat: float, lon: float, what: str) -> None:
    if not (np.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise InputError(f"{what} latitude {lat} is outside [-90, 90] degrees")
    if not (np.isfinite(lon) and -180.0 <= lon <= 360.0):
        raise InputError(f"{what} longitude {lon} is outside [-180, 360] degrees")


def _check_shape(shape: str) -> None:
    if shape not in SHAPES:
        raise InputError(f"unknown shape {shape!r}; allowed: {', '.join(SHAPES)}")


def fly(missile, launch_lat_deg: float, launch_lon_deg: float, *, azimuth_deg: float | None = None,
        target: tuple[float, float] | None = None, shape: str | None = None,
        apogee_km: float | None = None, burnout_angle_deg: float | None = None,
        earth="wgs84", rotation: bool = True, drag: bool = True) -> FlightResult:
    """Fly ``missile`` from launch to impact.

    Give either ``azimuth_deg`` (fly that way with the shape's steering) or
    ``target`` (lat, lon): then azimuth and steering are solved so the impact
    lands on the target.  ``shape`` defaults to ``max-range`` with an azimuth
    and ``min-energy`` with a target; ``max-range`` with a target flies the
    longest arc over the target's bearing (``miss_km`` then says how far past
    or short of the target it lands).  ``lofted``/``depressed`` along an
    azimuth need ``apogee_km`` or ``burnout_angle_deg``.
    """
    _check_latlon(launch_lat_deg, launch_lon_deg, "launch")
    if (azimuth_deg is None) == (target is None):
        raise InputError("give exactly one of target=(lat, lon) or azimuth_deg")
    if apogee_km is not None and burnout_angle_deg is not None:
        raise InputError("give at most one of apogee_km and burnout_angle_deg")
    shape = shape or ("min-energy" if target is not None else "max-range")
    _check_shape(shape)
    if (apogee_km is not None or burnout_angle_deg is not None) and shape not in ("lofted", "depressed"):
        raise InputError("apogee_km and burnout_angle_deg go with shape 'lofted' or 'depressed'")
    model = earth_model(earth, rotation=rotation)
    launcher = Launcher(missile, float(launch_lat_deg), float(launch_lon_deg), model, drag)
    if target is not None:
        _check_latlon(target[0], target[1], "target")
        if shape == "max-range":
            a = aim_bearing(launcher, float(target[0]), float(target[1]))
        else:
            a = aim(launcher, float(target[0]), float(target[1]), shape, _goal(apogee_km, burnout_angle_deg))
        az, kick, cut = a.azimuth_deg, a.kick_deg, a.cutoff_s
    else:
        az = float(azimuth_deg) % 360.0
        kick, cut = _shape_along(launcher, az, shape, apogee_km, burnout_angle_deg)
    batch = launcher.fly(az, kick, cut, history=True)
    _check_came_down(batch, missile.id)
    return FlightResult(batch, batch.trajectories[0], az, kick, cut,
                        None if target is None else (float(target[0]), float(target[1])))


def _goal(apogee_km, burnout_angle_deg):
    """The apogee or burnout angle a lofted/depressed arc to a target must show (None: full burn)."""
    from openbmd.flight.aim_energy import ArcGoal

    if apogee_km is not None:
        return ArcGoal("apogee", float(apogee_km) * 1e3)
    if burnout_angle_deg is not None:
        return ArcGoal("burnout-angle", float(burnout_angle_deg))
    return None


def _check_came_down(batch: FlightBatch, what: str) -> None:
    if batch.status[0] == 1:
        raise InputError(f"{what} does not come back to the ground within {T_MAX_S / 3600:.0f} h: "
                         "the state is orbital or escaping; a ballistic flight needs less speed")


def _shape_along(launcher: Launcher, az: float, shape: str, apogee_km, burnout_angle_deg):
    k_opt, _ = max_range_kick(launcher, az)
    k_opt = float(k_opt[0])
    if shape in ("max-range", "min-energy"):
        return k_opt, np.inf
    if apogee_km is None and burnout_angle_deg is None:
        raise InputError(f"shape {shape!r} along an azimuth needs apogee_km or burnout_angle_deg "
                         "(or give a target)")
    lo, hi = ((KICK_MIN_DEG, k_opt) if shape == "lofted"
              else (k_opt, depressed_limit_kick(launcher, az, k_opt)))
    if apogee_km is not None:
        want, what = float(apogee_km) * 1e3, "apogee"

        def f(k, idx):
            return launcher.fly(np.full(k.shape, az), k).apogee_alt_m
    else:
        want, what = float(burnout_angle_deg), "burnout angle"

        def f(k, idx):
            return launcher.fly(np.full(k.shape, az), k).burnout_angle_deg
    k = solve_monotone(f, lo, hi, want, ftol=1.0 if apogee_km is not None else 1e-3)[0]
    if not np.isfinite(k):
        a, b = f(np.array([lo, hi]), None)
        unit = "km" if apogee_km is not None else "deg"
        scale = 1e3 if apogee_km is not None else 1.0
        article = "an" if what[0] in "aeiou" else "a"
        raise InputError(f"a {shape} {launcher.missile.id} can reach {article} {what} between "
                         f"{min(a, b) / scale:,.1f} and {max(a, b) / scale:,.1f} {unit}; "
                         f"asked for {want / scale:,.1f}")
    return float(k), np.inf


def fly_free(*, burnout_speed_km_s: float, burnout_angle_deg: float, launch_lat_deg: float,
             launch_lon_deg: float, azimuth_deg: float, burnout_altitude_km: float = 0.0,
             earth="wgs84", rotation: bool = True, drag: bool = True,
             rv_beta_kg_m2: float = DEFAULT_FREE_BETA_KG_M2) -> FlightResult:
    """Free flight from an Earth-relative burnout state above (lat, lon); time zero at burnout."""
    _check_latlon(launch_lat_deg, launch_lon_deg, "burnout point")
    if not (np.isfinite(burnout_speed_km_s) and burnout_speed_km_s > 0):
        raise InputError(f"burnout speed {burnout_speed_km_s} km/s must be > 0")
    if not (-90.0 <= burnout_angle_deg <= 90.0):
        raise InputError(f"burnout angle {burnout_angle_deg} deg is outside [-90, 90]")
    if not (0.0 <= burnout_altitude_km <= 5000.0):
        raise InputError(f"burnout altitude {burnout_altitude_km} km is outside [0, 5000]")
    if rv_beta_kg_m2 <= 0:
        raise InputError(f"ballistic coefficient {rv_beta_kg_m2} kg/m^2 must be > 0")
    model = earth_model(earth, rotation=rotation)
    lanes = free_lanes(launch_lat_deg, launch_lon_deg, burnout_altitude_km * 1e3, azimuth_deg,
                       burnout_speed_km_s * 1e3, burnout_angle_deg, model, rv_beta_kg_m2)
    batch = run_lanes(lanes, model, drag=drag, history=True, names=["free-flight"],
                      launch_lat_deg=launch_lat_deg, launch_lon_deg=launch_lon_deg)
    _check_came_down(batch, f"a free flight at {burnout_speed_km_s:g} km/s")
    return FlightResult(batch, batch.trajectories[0], float(azimuth_deg) % 360.0)


def max_range_km(missile, *, earth="wgs84", rotation: bool = False, drag: bool = True,
                 launch_lat_deg: float = 0.0, launch_lon_deg: float = 0.0,
                 azimuth_deg: float = 0.0) -> float:
    """The missile's maximum range (km) on the optimal steering.

    By default on a non-rotating WGS-84 Earth, where it hardly depends on
    launch point or azimuth: the figure to hold against published ranges.
    """
    model = earth_model(earth, rotation=rotation)
    launcher = Launcher(missile, launch_lat_deg, launch_lon_deg, model, drag)
    return float(max_range_kick(launcher, azimuth_deg)[1][0] / 1e3)


def fly_batch(missiles, launch_lat_deg, launch_lon_deg, azimuth_deg, *, kick_deg=None, cutoff_s=np.inf,
              earth="wgs84", rotation: bool = True, drag: bool = True) -> FlightBatch:
    """Many powered flights in one call (no time histories).

    ``missiles`` is one Missile or a sequence of them, one per lane; launch
    points, azimuths, kicks and thrust cut-off times are arrays that
    broadcast to the number of lanes.  ``kick_deg=None`` picks each lane's
    maximum-range kick (one missile from one site only).
    """
    model = earth_model(earth, rotation=rotation)
    seq = list(missiles) if isinstance(missiles, (list, tuple)) else [missiles]
    shape = np.broadcast_shapes(np.shape(launch_lat_deg), np.shape(launch_lon_deg), np.shape(azimuth_deg),
                                np.shape(kick_deg) if kick_deg is not None else (), np.shape(cutoff_s),
                                (len(seq),) if len(seq) > 1 else ())
    n = int(np.prod(shape)) if shape else 1
    lat, lon = (np.broadcast_to(np.asarray(x, float), shape).ravel() for x in (launch_lat_deg, launch_lon_deg))
    for la, lo in zip(lat, lon):
        _check_latlon(la, lo, "launch")
    az = np.broadcast_to(np.asarray(azimuth_deg, float), shape).ravel()
    if kick_deg is None:
        if len(seq) > 1 or np.ptp(lat) > 0 or np.ptp(lon) > 0:
            raise InputError("kick_deg=None (max-range steering) needs one missile and one launch point")
        kick = max_range_kick(Launcher(seq[0], float(lat[0]), float(lon[0]), model, drag), az, cutoff_s)[0]
    else:
        kick = np.broadcast_to(np.asarray(kick_deg, float), shape).ravel()
    ids = {}
    unique = [ids.setdefault(m.id, m) for m in seq if m.id not in ids]
    which = np.broadcast_to(np.array([list(ids).index(m.id) for m in seq]), (n,)) if len(seq) > 1 \
        else np.zeros(n, np.int64)
    lanes = powered_lanes(unique, which, lat, lon, 0.0, az, kick,
                          np.broadcast_to(np.asarray(cutoff_s, float), shape).ravel(), model)
    return run_lanes(lanes, model, drag=drag, launch_lat_deg=lat, launch_lon_deg=lon)


def fly_free_batch(*, burnout_speed_km_s, burnout_angle_deg, launch_lat_deg, launch_lon_deg, azimuth_deg,
                   burnout_altitude_km=0.0, earth="wgs84", rotation: bool = True, drag: bool = True,
                   rv_beta_kg_m2=DEFAULT_FREE_BETA_KG_M2) -> FlightBatch:
    """Many free flights from Earth-relative burnout states in one call (arrays broadcast)."""
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, float)) for x in (
        burnout_speed_km_s, burnout_angle_deg, launch_lat_deg, launch_lon_deg, azimuth_deg,
        burnout_altitude_km, rv_beta_kg_m2)))
    v, gam, lat, lon, az, h, beta = arrays
    if np.any(~np.isfinite(v) | (v <= 0)):
        raise InputError("burnout speeds must be > 0 km/s")
    if np.any(np.abs(lat) > 90):
        raise InputError("latitudes must lie in [-90, 90] degrees")
    model = earth_model(earth, rotation=rotation)
    lanes = free_lanes(lat, lon, h * 1e3, az, v * 1e3, gam, model, beta)
    return run_lanes(lanes, model, drag=drag, launch_lat_deg=lat, launch_lon_deg=lon)


@dataclass(frozen=True, eq=False)
class RangeRing:
    """Maximum range toward each of N azimuths, and the points it reaches."""

    missile_id: str
    launch_lat_deg: float
    launch_lon_deg: float
    azimuth_deg: np.ndarray
    max_range_km: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    #: the flight toward each azimuth is near-orbital (:mod:`openbmd.flight.performance`): its
    #: "range" is a ground track that says "nearly anywhere that way", not a measured reach
    near_orbital: np.ndarray | None = None

    def to_dict(self) -> dict:
        return {k: [float(x) for x in getattr(self, k)]
                for k in ("azimuth_deg", "max_range_km", "lat_deg", "lon_deg")}


def range_ring(missile, launch_lat_deg: float, launch_lon_deg: float, *, count: int = 36,
               earth="wgs84", rotation: bool = True, drag: bool = True,
               progress: Callable[[int, int], None] | None = None, chunk: int = 180) -> RangeRing:
    """True maximum range on the rotating Earth toward ``count`` evenly spaced azimuths.

    Each azimuth is its own max-range optimization.  The ring's points are the
    impact points of those optimal flights (they need not lie on the launch
    azimuth's geodesic: rotation bends the track).  Ranges past ~18,000 km are
    ground-track lengths; flights that circle more than half the globe are not
    counted as ballistic.
    """
    _check_latlon(launch_lat_deg, launch_lon_deg, "launch")
    if int(count) < 1:
        raise InputError(f"count must be >= 1 (got {count})")
    model = earth_model(earth, rotation=rotation)
    launcher = Launcher(missile, float(launch_lat_deg), float(launch_lon_deg), model, drag)
    count = int(count)
    az = np.arange(count) * 360.0 / count
    # a full search on every `step`-th azimuth, then every azimuth warm-started from the
    # (periodic) interpolation of those optimal kicks: they vary smoothly with azimuth
    step = max(1, count // 12) if count >= 24 else 1
    coarse_idx = np.arange(0, count, step)
    coarse_kick = max_range_kick(launcher, az[coarse_idx])[0]
    if progress:
        progress(coarse_idx.size, count + coarse_idx.size)
    if step == 1:
        kick = coarse_kick
    else:
        ext_az = np.concatenate([az[coarse_idx] - 360.0, az[coarse_idx], az[coarse_idx] + 360.0])
        guess = np.interp(az, ext_az, np.tile(coarse_kick, 3))
        spread = np.abs(np.diff(np.concatenate([coarse_kick, coarse_kick[:1]]))).max()
        half_width = max(0.5, 2.0 * spread / step, 0.04 * float(np.max(coarse_kick)))
        kick = np.empty_like(az)
        for i in range(0, count, chunk):
            kick[i:i + chunk] = max_range_kick_near(launcher, az[i:i + chunk], guess[i:i + chunk],
                                                    half_width)[0]
            if progress:
                progress(coarse_idx.size + min(i + chunk, count), count + coarse_idx.size)
    batch = launcher.fly(az, kick)
    from openbmd.flight.performance import NEAR_ORBITAL_SPEED_RATIO, inertial_speed_ratio

    near = inertial_speed_ratio(batch, az, model) >= NEAR_ORBITAL_SPEED_RATIO if rotation else None
    return RangeRing(missile.id, float(launch_lat_deg), float(launch_lon_deg), az,
                     batch.range_m / 1e3, batch.impact_lat_deg, batch.impact_lon_deg, near)


__all__ = ["SHAPES", "FlightResult", "RangeRing", "fly", "fly_batch", "fly_free", "fly_free_batch",
           "max_range_km", "range_ring"]
