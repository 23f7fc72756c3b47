"""Missile performance on the rotating Earth: range per azimuth, payload-range curves, near-orbital flags.

Everything here is the flight engine's maximum range (optimal pitch-over kick, full burn,
WGS-84 + J2, drag) from a missile's reference launch site
(:attr:`openbmd.missiles.Missile.reference_site`), many missiles, payloads and azimuths
in one batch of lanes. A published range that names no direction is compared with the
MEDIAN over azimuths (:mod:`openbmd.missiles.points` says why).

Near-orbital: a flight whose inertial burnout speed is at least ``NEAR_ORBITAL_SPEED_RATIO``
(98 %) of the circular speed at its burnout radius. On a spherical Earth without air the
minimum-energy arc of that speed spans 135 deg (~15,000 km, Bate, Mueller & White eq. 6.2-16),
and 1 % more burnout speed moves its impact by > 1,000 km: such a "range" says "nearly
anywhere that way", not a measured reach, and is flagged, never listed as a plain range.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.earth.model import EarthModel, earth_model
from openbmd.errors import InputError
from openbmd.flight.lanes import powered_lanes
from openbmd.flight.propagate import run_lanes
from openbmd.flight.results import FlightBatch
from openbmd.flight.shaping import KICK_MAX_DEG, KICK_MIN_DEG, _refine

#: inertial burnout speed / circular speed at or above which a flight is near-orbital
NEAR_ORBITAL_SPEED_RATIO = 0.98
#: launch azimuths of the per-azimuth table (deg): the eight compass points
AZIMUTHS_DEG = tuple(np.arange(8) * 45.0)
#: payloads of the payload-range curve, as multiples of the nominal payload
PAYLOAD_FACTORS = (0.5, 0.75, 1.0, 1.25, 1.5)
#: where a missile without a reference site is measured from (the catalog tool's old point)
DEFAULT_SITE = (35.0, 50.0)


def vacuum_speed_ratio(range_km, radius_km: float = 6371.0):
    """Minimum-energy burnout speed / circular speed for a ground range on a sphere without air,
    burnout at the surface: sqrt(q), q = 2 s / (1 + s), s = sin(psi / 2) (BMW eq. 6.2-16); 1 from
    half the globe on."""
    psi = np.minimum(np.asarray(range_km, float) / radius_km, np.pi)
    s = np.sin(psi / 2.0)
    return np.sqrt(2.0 * s / (1.0 + s))


def inertial_speed_ratio(batch: FlightBatch, azimuth_deg, earth: EarthModel) -> np.ndarray:
    """Inertial burnout speed / circular speed sqrt(mu / r) at the burnout radius, per lane.

    The Earth-relative burnout velocity (speed, flight-path angle, heading) plus the ground's
    speed omega * rho east; the heading is the geodesic's from launch to the burnout point
    (``azimuth_deg`` where they coincide)."""
    lat = np.radians(batch.burnout_lat_deg)
    h = batch.burnout_alt_m
    # radius of the burnout point from the geocentre and from the spin axis (WGS-84 normal)
    n = earth.a_m / np.sqrt(1.0 - earth.e2 * np.sin(lat) ** 2)
    rho = (n + h) * np.cos(lat)
    z = (n * (1.0 - earth.e2) + h) * np.sin(lat)
    r = np.hypot(rho, z)
    head = np.asarray(azimuth_deg, float) * np.ones_like(lat)
    moved = np.isfinite(lat) & (np.abs(batch.burnout_lat_deg - batch.launch_lat_deg)
                                + np.abs(batch.burnout_lon_deg - batch.launch_lon_deg) > 1e-6)
    if moved.any():
        head[moved] = geodesic_inverse(batch.launch_lat_deg[moved], batch.launch_lon_deg[moved],
                                       batch.burnout_lat_deg[moved], batch.burnout_lon_deg[moved], earth)[2]
    v, gam = batch.burnout_speed_m_s, np.radians(batch.burnout_angle_deg)
    east = v * np.cos(gam) * np.sin(np.radians(head)) + earth.omega_rad_s * rho
    north = v * np.cos(gam) * np.cos(np.radians(head))
    up = v * np.sin(gam)
    return np.sqrt(east ** 2 + north ** 2 + up ** 2) / np.sqrt(earth.mu_m3_s2 / r)


@dataclass(frozen=True)
class _Fleet:
    """Lanes of many missiles from many sites toward many azimuths, flown together.

    Looks like a :class:`~openbmd.flight.shaping.Launcher` to the kick search, whose
    "azimuth" argument is here the lane's index into these arrays."""

    missiles: tuple
    which: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    azimuth_deg: np.ndarray
    earth: EarthModel

    def fly(self, lane, kick_deg) -> FlightBatch:
        i = np.asarray(lane, float).astype(np.int64)
        lanes = powered_lanes(self.missiles, self.which[i], self.lat_deg[i], self.lon_deg[i], 0.0,
                              self.azimuth_deg[i], kick_deg, np.inf, self.earth)
        return run_lanes(lanes, self.earth, drag=True, launch_lat_deg=self.lat_deg[i],
                         launch_lon_deg=self.lon_deg[i])

    def ranges(self, lane, kick_deg, cutoff_s=np.inf) -> np.ndarray:
        b = self.fly(lane, kick_deg)
        ok = np.isfinite(b.range_m) & (b.track_angle_rad <= np.pi)
        return np.where(ok, b.range_m, -np.inf)


@dataclass(frozen=True)
class MaxRanges:
    """Maximum range of each lane (one missile, site and azimuth), with its flight's numbers."""

    range_km: np.ndarray
    kick_deg: np.ndarray
    burnout_speed_km_s: np.ndarray  #: Earth-relative
    speed_ratio: np.ndarray  #: inertial burnout speed / circular speed
    apogee_km: np.ndarray
    time_of_flight_s: np.ndarray

    @property
    def near_orbital(self) -> np.ndarray:
        return self.speed_ratio >= NEAR_ORBITAL_SPEED_RATIO


def max_ranges(missiles, lat_deg, lon_deg, azimuth_deg, *, rotation: bool = True,
               grid: int = 10, iters: int = 8) -> MaxRanges:
    """The maximum range of each lane: ``missiles[i]`` from (lat, lon) toward the azimuth (arrays
    broadcast). One batch of lanes: a log grid of kicks, then golden/parabolic refinement."""
    seq = list(missiles) if isinstance(missiles, (list, tuple)) else [missiles]
    shape = np.broadcast_shapes((len(seq),), np.shape(lat_deg), np.shape(lon_deg), np.shape(azimuth_deg))
    lat, lon, az = (np.broadcast_to(np.asarray(x, float), shape).ravel().copy()
                    for x in (lat_deg, lon_deg, azimuth_deg))
    if np.any(np.abs(lat) > 90.0):
        raise InputError("launch latitudes must lie in [-90, 90] degrees")
    unique, which = _unique(seq if len(seq) == lat.size else seq * lat.size)
    earth = earth_model("wgs84", rotation=rotation)
    fleet = _Fleet(tuple(unique), which, lat, lon, az % 360.0, earth)
    n = lat.size
    lanes = np.arange(n, dtype=float)
    kicks = np.geomspace(KICK_MIN_DEG, KICK_MAX_DEG, grid)
    r = fleet.ranges(np.repeat(lanes, grid), np.tile(kicks, n)).reshape(n, grid)
    best = np.clip(np.argmax(r, axis=1), 1, grid - 2)
    rows = np.arange(n)
    x = np.stack([kicks[best - 1], kicks[best], kicks[best + 1]], axis=1)
    f = np.stack([r[rows, best - 1], r[rows, best], r[rows, best + 1]], axis=1)
    kick, rng = _refine(fleet, lanes, np.full(n, np.inf), x, f, iters)
    b = fleet.fly(lanes, kick)
    ratio = inertial_speed_ratio(b, az, earth)
    return MaxRanges(np.where(np.isfinite(rng), rng / 1e3, np.nan), kick, b.burnout_speed_m_s / 1e3,
                     ratio, b.apogee_alt_m / 1e3, b.impact_time_s)


def _unique(seq):
    """Distinct missiles (equal ones shared) and each lane's index into them."""
    unique, which = [], []
    for m in seq:
        for j, u in enumerate(unique):
            if u is m or u == m:
                which.append(j)
                break
        else:
            unique.append(m)
            which.append(len(unique) - 1)
    return unique, np.array(which, dtype=np.int64)


def site_of(missile) -> tuple[str, float, float]:
    """(name, lat, lon) of the missile's reference site, or the default point."""
    s = getattr(missile, "reference_site", None)
    if s is None:
        return (f"{DEFAULT_SITE[0]:g} N {DEFAULT_SITE[1]:g} E", *DEFAULT_SITE)
    return (s.name, s.lat_deg, s.lon_deg)


@lru_cache(maxsize=64)
def _cached(missiles: tuple, azimuths: tuple, rotation: bool) -> MaxRanges:
    sites = np.array([site_of(m)[1:] for m in missiles])
    na = len(azimuths)
    return max_ranges([m for m in missiles for _ in range(na)], np.repeat(sites[:, 0], na),
                      np.repeat(sites[:, 1], na), np.tile(azimuths, len(missiles)), rotation=rotation)


def azimuth_table(missiles, azimuths_deg=AZIMUTHS_DEG) -> MaxRanges:
    """Max range of each missile from its reference site toward each azimuth: arrays (M, A)."""
    seq = tuple(missiles) if isinstance(missiles, (list, tuple)) else (missiles,)
    az = tuple(float(a) for a in azimuths_deg)
    got = _cached(seq, az, True)
    shape = (len(seq), len(az))
    return MaxRanges(*(np.asarray(getattr(got, k)).reshape(shape) for k in MaxRanges.__dataclass_fields__))


@dataclass(frozen=True)
class PointCheck:
    """A published point against the engine: the engine's range at the point's payload and direction."""

    point: object  #: the :class:`~openbmd.missiles.points.RangePoint`
    payload_kg: float  #: the point's payload, or the missile's nominal one when it states none
    engine_km: float
    near_orbital: bool  #: the engine's flight there is near-orbital
    published_near_orbital: bool  #: the published figure itself needs near-orbital speed
    met: bool

    def to_dict(self) -> dict:
        return {**self.point.to_dict(), "engine_payload_kg": self.payload_kg, "engine_range_km": self.engine_km,
                "engine_near_orbital": self.near_orbital, "published_near_orbital": self.published_near_orbital,
                "met": self.met}


@dataclass(frozen=True)
class Performance:
    """One missile's reach from its reference site: per azimuth, per payload, against its sources."""

    missile_id: str
    site: tuple  #: (name, lat_deg, lon_deg)
    azimuth_deg: np.ndarray  #: (A,)
    range_km: np.ndarray  #: (A,) nominal payload
    near_orbital: np.ndarray  #: (A,)
    speed_ratio: np.ndarray  #: (A,) inertial burnout speed / circular
    payload_kg: np.ndarray  #: (P,) the curve's payloads
    curve_median_km: np.ndarray  #: (P,) median over azimuths (the "any direction" figure)
    curve_min_km: np.ndarray  #: (P,) over azimuths
    curve_max_km: np.ndarray  #: (P,)
    curve_max_near_orbital: np.ndarray  #: (P,) the farthest azimuth's flight is near-orbital
    curve_median_near_orbital: np.ndarray  #: (P,) the median burnout speed is near-orbital
    calibration: PointCheck | None
    points: tuple  #: PointCheck of each published point

    @property
    def median_km(self) -> float:
        return float(np.median(self.range_km))

    def to_dict(self) -> dict:
        fl = lambda a: [float(x) for x in a]  # noqa: E731
        return {
            "missile": self.missile_id,
            "reference_site": {"name": self.site[0], "lat_deg": self.site[1], "lon_deg": self.site[2]},
            "convention": "maximum range on the rotating WGS-84 Earth with drag from the reference site; "
                          "'any direction' = median over azimuths; near-orbital = inertial burnout speed >= "
                          f"{NEAR_ORBITAL_SPEED_RATIO:.0%} of circular",
            "median_range_km": self.median_km,
            "azimuths": [{"azimuth_deg": float(a), "range_km": float(r), "near_orbital": bool(n),
                          "burnout_speed_ratio": float(q)} for a, r, n, q in
                         zip(self.azimuth_deg, self.range_km, self.near_orbital, self.speed_ratio)],
            "payload_range": {"payload_kg": fl(self.payload_kg), "median_range_km": fl(self.curve_median_km),
                              "min_range_km": fl(self.curve_min_km), "max_range_km": fl(self.curve_max_km),
                              "max_near_orbital": [bool(x) for x in self.curve_max_near_orbital],
                              "median_near_orbital": [bool(x) for x in self.curve_median_near_orbital]},
            "calibrated_to": self.calibration.to_dict() if self.calibration else None,
            "published_points": [p.to_dict() for p in self.points],
        }


def performance(missiles, *, azimuths_deg=AZIMUTHS_DEG, payload_factors=PAYLOAD_FACTORS) -> list[Performance]:
    """Range per azimuth, payload-range curve and published-point checks of each missile, all
    flown in one batch of lanes (cached per process)."""
    seq = tuple(missiles) if isinstance(missiles, (list, tuple)) else (missiles,)
    az = tuple(float(a) for a in azimuths_deg)
    jobs = [_jobs(m, az, payload_factors) for m in seq]
    lanes = [(v, lat, lon, a) for j in jobs for (v, lat, lon, a) in j["lanes"]]
    got = _cached_lanes(tuple(lanes))
    out, start = [], 0
    for m, j in zip(seq, jobs):
        n = len(j["lanes"])
        out.append(_assemble(m, j, az, MaxRanges(*(np.asarray(getattr(got, k))[start:start + n]
                                                    for k in MaxRanges.__dataclass_fields__))))
        start += n
    return out


@lru_cache(maxsize=32)
def _cached_lanes(lanes: tuple) -> MaxRanges:
    v, lat, lon, az = zip(*lanes)
    return max_ranges(list(v), np.array(lat), np.array(lon), np.array(az))


def _jobs(m, az: tuple, factors) -> dict:
    """The lanes one missile needs: every curve payload toward every azimuth, then each point
    with a stated azimuth toward it."""
    _, lat, lon = site_of(m)
    points = ((m.calibrated_to,) if m.calibrated_to else ()) + tuple(m.published_points)
    curve = sorted({round(m.payload_kg * f, 6) for f in factors})
    payloads = sorted(set(curve) | {m.payload_kg} | {p.payload_kg for p in points if p.payload_kg is not None})
    variants = {p: (m if p == m.payload_kg else m.with_payload(p)) for p in payloads}
    lanes = [(variants[p], lat, lon, a) for p in payloads for a in az]
    aimed = [(i, p) for i, p in enumerate(points) if p.azimuth_deg is not None]
    lanes += [(variants[p.payload_kg or m.payload_kg], lat, lon, p.azimuth_deg) for _, p in aimed]
    return {"lanes": lanes, "payloads": payloads, "curve": curve, "points": points, "aimed": dict(
        (i, len(payloads) * len(az) + k) for k, (i, _) in enumerate(aimed))}


def _assemble(m, j: dict, az: tuple, got: MaxRanges) -> Performance:
    na, payloads = len(az), j["payloads"]
    grid = got.range_km[:len(payloads) * na].reshape(len(payloads), na)
    near = got.near_orbital[:len(payloads) * na].reshape(len(payloads), na)
    ratio = got.speed_ratio[:len(payloads) * na].reshape(len(payloads), na)
    nominal = payloads.index(m.payload_kg)
    factors_kg = j["curve"]
    rows = [payloads.index(p) for p in factors_kg]
    far = np.argmax(np.nan_to_num(grid, nan=-1.0), axis=1)
    checks = []
    for i, p in enumerate(j["points"]):
        kg = p.payload_kg or m.payload_kg
        row = payloads.index(kg)
        if i in j["aimed"]:
            km, no = float(got.range_km[j["aimed"][i]]), bool(got.near_orbital[j["aimed"][i]])
        else:
            km, no = float(np.median(grid[row])), bool(np.median(ratio[row]) >= NEAR_ORBITAL_SPEED_RATIO)
        pub = bool(vacuum_speed_ratio(p.high_km) >= NEAR_ORBITAL_SPEED_RATIO)
        checks.append(PointCheck(p, kg, km, no, pub, p.meets(km)))
    cal = checks.pop(0) if m.calibrated_to else None
    return Performance(
        m.id, site_of(m), np.array(az), grid[nominal], near[nominal], ratio[nominal],
        np.array(factors_kg), np.median(grid[rows], axis=1), grid[rows].min(axis=1), grid[rows].max(axis=1),
        near[rows, far[rows]], np.median(ratio[rows], axis=1) >= NEAR_ORBITAL_SPEED_RATIO, cal, tuple(checks))
