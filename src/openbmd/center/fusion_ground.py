"""Where a fused track left the ground and where it comes down, with their uncertainty.

A track's state (ECEF position, Earth-relative velocity) and covariance are carried to the
ground by the unscented transform: the 2n = 12 symmetric sigma points x +/- sqrt(n) L e_i
(L L^T = P, equal weights 1/12; Julier & Uhlmann, Proc. IEEE 92(3), 2004) are each flown by the
engine's ballistic motion (:class:`openbmd.sensors.motion.Ballistic`: point mass + J2, Coriolis,
centrifugal, drag optional) forwards to impact or backwards to the ground, all tracks and
points in one array. Their ground points give the mean point, its covariance in local east /
north km, the 1-sigma ellipse, and the time and its sigma.

Backwards, a ballistic arc meets the ground up-range of the real launch site and later than the
real launch: the boost phase climbs steeper than the ballistic arc through its burnout point.
:func:`launch_point` corrects for that with an empirical template (:data:`BOOST_ALONG_FRAC`,
:data:`BOOST_DT_S`), calibrated on the engine's own flights and carried as extra variance.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.earth.geodesy import (ecef_to_geodetic, enu_rotation, geodesic_direct, geodesic_inverse,
                                   geodetic_to_ecef, local_up)
from openbmd.kernels.ground import fly_to_ground
from openbmd.sensors.motion import AIR_TOP_M, DRAG_STEP_S, Ballistic

#: coarse step of the march to the ground (s): RK4 sub-steps of <= 10 s inside
STEP_S = 20.0
#: the compiled march's RK4 step above the air (s): one step per march step, not the motion
#: model's 10 s sub-steps; RK4's local error at 20 s on the ~1.1e-3 rad/s orbital rate is
#: ~(20 * 1.1e-3)^5 * 6.4e6 m ~ 0.03 m, and the ground points agree with the 10 s march within a metre
COMPILED_STEP_S = 20.0
#: step inside the air when drag is modelled (s); Ballistic sub-steps it at 1 s
AIR_STEP_S = 5.0
#: longest flight searched either way (s): a 12,000 km ICBM flies ~2,200 s
MAX_FLIGHT_S = 4000.0
#: boost-phase template (notional; calibrated with openbmd.flight on the catalog's 16 missiles flown
#: from 36.2 N 55.3 E at azimuth 300 deg on max-range, lofted (burnout 50 deg) and depressed (15 deg)
#: arcs, 46 flights, each back-propagated ballistically from burnout + 30 s): the real launch site
#: lies a fraction 0.0121 (mean; median 0.0097, sd 0.0100, range -0.002 (Scud-B) to 0.034 (SS-19
#: depressed)) of the ballistic launch-to-impact range down-range of where the ballistic arc meets
#: the ground, 0.0008 of it to the side (sd 0.0007), and 102 s (sd 32 s, range 32-175 s) earlier
BOOST_ALONG_FRAC = 0.012
BOOST_ALONG_SIGMA_FRAC = 0.010
BOOST_DT_S = 100.0
BOOST_DT_SIGMA_S = 35.0
#: cross-range one-sigma of the template as a fraction of its along-range sigma (0.0008 + 0.0007 sd)
BOOST_CROSS_RATIO = 0.15


@dataclass(frozen=True, kw_only=True)
class PointEstimate:
    """A point on the ground (launch or impact): mean latitude / longitude (deg), time (UNIX s),
    the RSS one-sigma radius ``sigma_km`` (sqrt of the trace of the east/north covariance),
    the one-sigma ellipse (axes km, major axis clockwise from north in [0, 180) deg) and the
    time's one-sigma ``sigma_t_s``."""

    lat_deg: float
    lon_deg: float
    t_s: float
    sigma_km: float
    ellipse_semi_major_km: float
    ellipse_semi_minor_km: float
    ellipse_orientation_deg: float
    sigma_t_s: float = 0.0


def sigma_points(x, p) -> np.ndarray:
    """(K, 12, 6) symmetric sigma points of N(x (K, 6), P (K, 6, 6)) (eigen-root: P may be
    only positive semi-definite)."""
    w, v = np.linalg.eigh(0.5 * (p + np.swapaxes(p, 1, 2)))
    root = v * np.sqrt(np.clip(w, 0.0, None) * x.shape[1])[:, None, :]      # columns sqrt(n) L e_i
    cols = np.swapaxes(root, 1, 2)                                           # (K, 6, 6) rows = columns
    return np.concatenate([x[:, None] + cols, x[:, None] - cols], axis=1)


def _height(x) -> np.ndarray:
    return np.atleast_1d(ecef_to_geodetic(x[:, :3])[2])


def _climb(x) -> np.ndarray:
    lat, lon, _ = ecef_to_geodetic(x[:, :3])
    return np.einsum("ki,ki->k", local_up(lat, lon), x[:, 3:6])


def _march(motion, x, sign: float, floor_m: float, step_s: float, t_left):
    """Fly states (N, 6) by steps of ``sign * step_s`` until each is below ``floor_m``; returns the
    last state above it, the time flown to it (s, signed) and whether it crossed."""
    n = x.shape[0]
    flown, crossed = np.zeros(n), np.zeros(n, bool)
    alive = _height(x) >= floor_m
    crossed[~alive] = True
    for _ in range(int(np.ceil(np.max(t_left, initial=0.0) / step_s))):
        idx = np.flatnonzero(alive & ~crossed & (np.abs(flown) < t_left))
        if not idx.size:
            break
        xn = motion.function(x[idx], np.full(idx.size, sign * step_s))
        below = _height(xn) < floor_m
        keep = idx[~below]
        x[keep], flown[keep] = xn[~below], flown[keep] + sign * step_s
        crossed[idx[below]] = True
    return x, flown, crossed


def _refine(motion, x, t, floor_m: float, iterations: int = 4):
    """Newton steps on the height: the states (N, 6) moved to height ``floor_m``; time added (N,)."""
    tau = np.zeros(x.shape[0])
    for _ in range(iterations):
        xi = motion.function(x, tau)
        climb = _climb(xi)
        tau = tau - (_height(xi) - floor_m) / np.where(np.abs(climb) > 1e-3, climb, -1e-3)
    return motion.function(x, tau), t + tau


def to_ground(x, sign: float, *, motion=None, drag_motion=None):
    """States (N, 6) flown ballistically (``sign`` +1 forwards, -1 backwards) to height 0:
    (ground states (N, 6), time flown (N,) s, ok (N,)). With ``drag_motion`` the flight inside
    the air (below :data:`AIR_TOP_M`) uses it."""
    motion = motion or Ballistic()
    x = np.array(x, dtype=float)
    if _compiled(motion, drag_motion):
        return _to_ground_compiled(x, sign, motion, drag_motion)
    limit = np.full(x.shape[0], MAX_FLIGHT_S)
    floor = 0.0 if drag_motion is None else AIR_TOP_M
    x, t, ok = _march(motion, x, sign, floor, STEP_S, limit)
    if drag_motion is not None:
        high = t != 0.0                                   # started above the air: put it on its top
        x[high], t[high] = _refine(motion, x[high], t[high], AIR_TOP_M)
        xa, ta, ok2 = _march(drag_motion, x.copy(), sign, 0.0, AIR_STEP_S, limit - np.abs(t))
        x, t, ok = xa, t + ta, ok & ok2
        motion = drag_motion
    x, t = _refine(motion, x, t, 0.0)
    ok &= np.all(np.isfinite(x), axis=1) & (np.abs(_height(x)) < 10.0)
    return x, t, ok


def _compiled(motion, drag_motion) -> bool:
    """Whether :mod:`openbmd.kernels.ground` flies these motions (the plain ballistic model and
    its drag twin on one Earth; another motion model takes the numpy march)."""
    return type(motion) is Ballistic and motion.beta_kg_m2 is None and (
        drag_motion is None or (type(drag_motion) is Ballistic and drag_motion.beta_kg_m2 is not None
                                and drag_motion.earth == motion.earth))


def _to_ground_compiled(x, sign: float, motion: Ballistic, drag_motion: Ballistic | None):
    e = motion.earth
    earth = np.array([e.a_m, e.e2, e.mu_m3_s2, e.j2, e.omega_rad_s])
    beta = 0.0 if drag_motion is None else float(drag_motion.beta_kg_m2)
    drag_sub = DRAG_STEP_S if drag_motion is None else min(drag_motion.max_step_s, DRAG_STEP_S)
    return fly_to_ground(np.ascontiguousarray(x, dtype=float), float(sign), beta, earth, STEP_S,
                         max(float(motion.max_step_s), COMPILED_STEP_S), AIR_STEP_S, drag_sub, AIR_TOP_M, MAX_FLIGHT_S)


def _summarise(ground_m, dt_s, t0_s, ok):
    """Per track (ground points (K, S, 3), times (K, S), start time (K,), ok (K, S)) ->
    (lat (K,), lon, t, east/north covariance km^2 (K, 2, 2), time variance (K,)), NaN where any
    sigma point failed."""
    good = np.all(ok, axis=1)
    mean = ground_m.mean(axis=1)
    lat, lon, _ = ecef_to_geodetic(mean)
    lat, lon = np.atleast_1d(lat), np.atleast_1d(lon)
    rot = enu_rotation(np.where(good, lat, 0.0), np.where(good, lon, 0.0))[:, :2]      # (K, 2, 3)
    en = np.einsum("kij,ksj->ksi", rot, ground_m - mean[:, None]) / 1e3
    cov = np.einsum("ksi,ksj->kij", en, en) / en.shape[1]
    t = t0_s + dt_s.mean(axis=1)
    var_t = dt_s.var(axis=1)
    nan = np.where(good, 1.0, np.nan)
    return lat * nan, lon * nan, t * nan, cov * nan[:, None, None], var_t * nan


def estimate(cov_km2, lat, lon, t, var_t) -> PointEstimate | None:
    """A :class:`PointEstimate` from a mean point, its covariance (2, 2) km^2 and time variance."""
    if not np.isfinite(lat):
        return None
    ev, evec = np.linalg.eigh(cov_km2)
    major = evec[:, 1]
    return PointEstimate(lat_deg=float(lat), lon_deg=float(lon), t_s=float(t),
                         sigma_km=float(np.sqrt(max(np.trace(cov_km2), 0.0))),
                         ellipse_semi_major_km=float(np.sqrt(max(ev[1], 0.0))),
                         ellipse_semi_minor_km=float(np.sqrt(max(ev[0], 0.0))),
                         ellipse_orientation_deg=float(np.degrees(np.arctan2(major[0], major[1])) % 180.0),
                         sigma_t_s=float(np.sqrt(max(var_t, 0.0))))


def ground_points(x, p, t_s, sign: float, *, motion=None, drag_motion=None):
    """Tracks (x (K, 6), P (K, 6, 6), t (K,)) carried to the ground by the unscented transform:
    (lat (K,), lon, t, covariance km^2 (K, 2, 2), time variance (K,)); NaN where it fails."""
    x, p = np.atleast_2d(x), np.asarray(p).reshape(-1, 6, 6)
    pts = sigma_points(x, p)
    k, s = pts.shape[:2]
    g, dt, ok = to_ground(pts.reshape(-1, 6), sign, motion=motion, drag_motion=drag_motion)
    return _summarise(g[:, :3].reshape(k, s, 3), dt.reshape(k, s), np.asarray(t_s, float), ok.reshape(k, s))


def impact_points(x, p, t_s, *, motion=None, drag_motion=None, beta_span: float = 2.0) -> list[PointEstimate | None]:
    """Impact estimates of K tracks (None where a sigma point does not come down). With drag, the
    re-entry body's unknown ballistic coefficient adds the half-difference of the mean state's
    impacts at beta / ``beta_span`` and beta * ``beta_span`` as a one-sigma spread (point and time)."""
    lat, lon, t, cov, vt = ground_points(x, p, t_s, +1.0, motion=motion, drag_motion=drag_motion)
    if drag_motion is not None and beta_span > 1.0:
        d_en, d_t = _beta_spread(np.atleast_2d(x), lat, lon, motion, drag_motion.beta_kg_m2, beta_span)
        cov = cov + np.einsum("ki,kj->kij", d_en, d_en)
        vt = vt + d_t**2
    return [estimate(cov[i], lat[i], lon[i], t[i], vt[i]) for i in range(lat.size)]


def _beta_spread(x, lat, lon, motion, beta: float, span: float):
    """Half the east/north (km) and time (s) differences between the impacts of the states x (K, 6)
    with a body span times lighter and span times heavier (per unit drag area) than ``beta``."""
    ends = []
    for b in (beta / span, beta * span):
        g, dt, ok = to_ground(x, +1.0, motion=motion, drag_motion=Ballistic(beta_kg_m2=b))
        ends.append((np.where(ok[:, None], g[:, :3], np.nan), np.where(ok, dt, np.nan)))
    rot = enu_rotation(np.nan_to_num(lat), np.nan_to_num(lon))[:, :2]
    d_en = np.einsum("kij,kj->ki", rot, ends[1][0] - ends[0][0]) / 2e3
    return np.nan_to_num(d_en), np.nan_to_num((ends[1][1] - ends[0][1]) / 2.0)


def launch_points(x, p, t_s, impacts, *, motion=None, boosting=None) -> list[PointEstimate | None]:
    """Launch estimates of K tracks: the ballistic arc flown back to the ground, moved by the
    boost template along the ground track towards the impact point (None without an impact).
    A track still ``boosting`` (K,) has only part of its boost behind it: its time moves by half
    the template's, with that half as its sigma (the engine's Sejjil-2 seen from 45 s on by a
    forward radar: the ballistic arc's ground time is 37-67 s after the launch while it burns)."""
    lat, lon, t, cov, vt = ground_points(x, p, t_s, -1.0, motion=motion)
    boosting = np.zeros(lat.size, bool) if boosting is None else np.asarray(boosting, bool)
    return [_boost_corrected(lat[i], lon[i], t[i], cov[i], vt[i], impacts[i], bool(boosting[i]))
            for i in range(lat.size)]


def _boost_corrected(lat, lon, t, cov, var_t, impact: PointEstimate | None, boosting: bool) -> PointEstimate | None:
    if impact is None or not np.isfinite(lat):
        return None
    rng_m, az_deg, _ = geodesic_inverse(lat, lon, impact.lat_deg, impact.lon_deg)
    rng_km = float(rng_m) / 1e3
    lat2, lon2, _ = geodesic_direct(lat, lon, az_deg, BOOST_ALONG_FRAC * float(rng_m))
    a = np.radians(float(az_deg))
    along = np.array([np.sin(a), np.cos(a)])
    cross = np.array([along[1], -along[0]])
    s_along = BOOST_ALONG_SIGMA_FRAC * rng_km
    extra = s_along**2 * (np.outer(along, along) + BOOST_CROSS_RATIO**2 * np.outer(cross, cross))
    dt, sigma_t = (0.5 * BOOST_DT_S, 0.5 * BOOST_DT_S) if boosting else (BOOST_DT_S, BOOST_DT_SIGMA_S)
    return estimate(cov + extra, float(lat2), float(lon2), t - dt, var_t + sigma_t**2)


def ground_ecef(est: PointEstimate) -> np.ndarray:
    """The ECEF point (3,) of an estimate on the ellipsoid."""
    return geodetic_to_ecef(est.lat_deg, est.lon_deg, 0.0)
