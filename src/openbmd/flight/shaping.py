"""Trajectory shaping: the steering that gives the longest range, a lofted or
depressed arc, or the minimum-energy arc (thrust cut early) to a given range.

Steering law: vertical rise, a pitch-over ("kick") of the thrust by ``kick``
degrees toward the launch azimuth over a few seconds, then a gravity turn
(thrust along the Earth-relative velocity) through every stage.  One number,
the kick, sets the shape: a small kick lofts, a large one depresses.  A
second number, the thrust cut-off time, shortens the powered flight.  All
searches here run many lanes through the kernel per call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.earth.model import EarthModel
from openbmd.flight.lanes import powered_lanes
from openbmd.flight.propagate import run_lanes
from openbmd.flight.results import FlightBatch

#: the range of pitch-over kicks searched (deg)
KICK_MIN_DEG, KICK_MAX_DEG = 0.2, 85.0
_GOLD = 0.6180339887498949


@dataclass(frozen=True)
class Launcher:
    """One missile at one launch point on one Earth: flies (azimuth, kick, cut-off) lanes."""

    missile: object
    lat_deg: float
    lon_deg: float
    earth: EarthModel
    drag: bool = True
    alt_m: float = 0.0

    @property
    def full_burn_s(self) -> float:
        return float(sum(s.burn_time_s + s.coast_s for s in self.missile.stages)
                     - self.missile.stages[-1].coast_s)

    def fly(self, azimuth_deg, kick_deg, cutoff_s=np.inf, history=False, tol=None,
            sample_dt_s=None) -> FlightBatch:
        az, kick, cut = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, float)) for x in
                                              (azimuth_deg, kick_deg, cutoff_s)))
        lanes = powered_lanes([self.missile], np.zeros(az.shape[0], np.int64), self.lat_deg,
                              self.lon_deg, self.alt_m, az, kick, cut, self.earth)
        names = [self.missile.id] * az.shape[0] if history else None
        return run_lanes(lanes, self.earth, drag=self.drag, history=history, names=names, tol=tol,
                         sample_dt_s=sample_dt_s, launch_lat_deg=self.lat_deg, launch_lon_deg=self.lon_deg)

    def ranges(self, azimuth_deg, kick_deg, cutoff_s=np.inf) -> np.ndarray:
        """Ground range (m) of each lane (see :func:`openbmd.flight.propagate.run_lanes`);
        -inf where it does not come down, or comes down only after more than half a turn
        around the Earth (a decaying orbit, not a ballistic flight)."""
        b = self.fly(azimuth_deg, kick_deg, cutoff_s)
        # a ground track past half the globe is an orbit that decayed, not a ballistic flight
        ok = np.isfinite(b.range_m) & (b.track_angle_rad <= np.pi)
        return np.where(ok, b.range_m, -np.inf)


def max_range_kick(launcher: Launcher, azimuth_deg, cutoff_s=np.inf, grid: int = 10, iters: int = 8):
    """Kick (deg) maximising range for each azimuth (and cut-off), and that range (m).

    A coarse log-spaced grid brackets the optimum; alternating golden and
    parabolic steps refine it (range is smooth and flat at the top).  All
    lanes run together.
    """
    az, cut = np.broadcast_arrays(np.atleast_1d(np.asarray(azimuth_deg, float)),
                                  np.atleast_1d(np.asarray(cutoff_s, float)))
    n = az.shape[0]
    kicks = np.geomspace(KICK_MIN_DEG, KICK_MAX_DEG, grid)
    r = launcher.ranges(np.repeat(az, grid), np.tile(kicks, n), np.repeat(cut, grid)).reshape(n, grid)
    best = np.clip(np.argmax(r, axis=1), 1, grid - 2)
    rows = np.arange(n)
    x = np.stack([kicks[best - 1], kicks[best], kicks[best + 1]], axis=1)
    f = np.stack([r[rows, best - 1], r[rows, best], r[rows, best + 1]], axis=1)
    return _refine(launcher, az, cut, x, f, iters)


def max_range_kick_near(launcher: Launcher, azimuth_deg, guess_deg, half_width_deg, iters: int = 4):
    """Like :func:`max_range_kick`, warm-started from a guess of the kick.

    Lanes whose optimum is not inside [guess - w, guess + w] fall back to
    the full search.  Returns (kick_deg, range_m).
    """
    az = np.atleast_1d(np.asarray(azimuth_deg, float))
    g = np.clip(np.atleast_1d(np.asarray(guess_deg, float)), KICK_MIN_DEG + 1e-3, KICK_MAX_DEG - 1e-3)
    w = np.broadcast_to(np.asarray(half_width_deg, float), g.shape)
    x = np.stack([np.maximum(g - w, KICK_MIN_DEG), g, np.minimum(g + w, KICK_MAX_DEG)], axis=1)
    n = az.shape[0]
    cut = np.full(n, np.inf)
    f = launcher.ranges(np.repeat(az, 3), x.ravel(), np.inf).reshape(n, 3)
    inside = (f[:, 1] >= f[:, 0]) & (f[:, 1] >= f[:, 2])
    kick = np.empty(n)
    rng = np.empty(n)
    if inside.any():
        kick[inside], rng[inside] = _refine(launcher, az[inside], cut[inside], x[inside], f[inside], iters)
    if (~inside).any():
        kick[~inside], rng[~inside] = max_range_kick(launcher, az[~inside])
    return kick, rng


def _refine(launcher: Launcher, az, cut, x, f, iters: int):
    """Shrink brackets (x1 < x2 < x3, f2 highest) around each lane's maximum."""
    rows = np.arange(x.shape[0])
    for it in range(iters):
        # alternate a golden step into the wider side (shrinks the bracket for sure) with a
        # parabolic step (fast once the bracket is small): a vectorized cousin of Brent's method
        xn = _golden_step(x) if it % 2 == 0 else _parabola_vertex(x, f)
        fn = launcher.ranges(az, xn, cut)
        x, f = _keep_bracket(x, f, xn, fn)
    i = np.argmax(f, axis=1)
    return x[rows, i], f[rows, i]


def depressed_limit_kick(launcher: Launcher, azimuth_deg: float, k_opt: float, n: int = 16) -> float:
    """The largest kick (deg) above ``k_opt`` whose flight still completes its powered phase
    above ground: the low edge of the depressed family."""
    kicks = np.linspace(k_opt, KICK_MAX_DEG, n)
    batch = launcher.fly(np.full(n, azimuth_deg), kicks)
    ok = (batch.status == 0) & np.isfinite(batch.burnout_angle_deg)
    return float(kicks[ok][-1]) if ok.any() else float(k_opt)


def _golden_step(x):
    """A point a golden fraction into the wider of the two sub-intervals of each bracket."""
    x1, x2, x3 = x.T
    right = (x3 - x2) > (x2 - x1)
    return np.where(right, x2 + (1 - _GOLD) * (x3 - x2), x2 - (1 - _GOLD) * (x2 - x1))


def _parabola_vertex(x, f):
    """Vertex of the parabola through three points per row; a golden step where it is unusable."""
    x1, x2, x3 = x.T
    f1, f2, f3 = f.T
    with np.errstate(invalid="ignore", divide="ignore"):
        num = (x2 - x1) ** 2 * (f2 - f3) - (x2 - x3) ** 2 * (f2 - f1)
        den = (x2 - x1) * (f2 - f3) - (x2 - x3) * (f2 - f1)
        v = x2 - 0.5 * num / den
    wide_right = (x3 - x2) > (x2 - x1)
    golden = np.where(wide_right, x2 + (1 - _GOLD) * (x3 - x2), x2 - (1 - _GOLD) * (x2 - x1))
    bad = ~np.isfinite(v) | (v <= x1) | (v >= x3) | ~np.isfinite(f).all(axis=1)
    v = np.where(bad, golden, v)
    tiny = 1e-6 * (x3 - x1)
    return np.where(np.abs(v - x2) < tiny, x2 + np.where(wide_right, tiny, -tiny), v)


def _keep_bracket(x, f, xn, fn):
    """Keep the best point and its two neighbours among the four."""
    xa = np.concatenate([x, xn[:, None]], axis=1)
    fa = np.concatenate([f, fn[:, None]], axis=1)
    order = np.argsort(xa, axis=1)
    xa = np.take_along_axis(xa, order, axis=1)
    fa = np.take_along_axis(fa, order, axis=1)
    b = np.clip(np.argmax(fa, axis=1), 1, 2)
    idx = np.stack([b - 1, b, b + 1], axis=1)
    return np.take_along_axis(xa, idx, axis=1), np.take_along_axis(fa, idx, axis=1)


def solve_monotone(fun, lo, hi, target, iters: int = 60, ftol: float = 1e-3):
    """Vectorized root of fun(x) = target on [lo, hi] (Illinois regula falsi).

    ``fun(x, idx)`` maps the x of lanes ``idx`` to an array.  ``ftol`` is in the units of
    ``fun``.  Lanes whose bracket does not straddle the target come back NaN.
    """
    lo, hi, target = (np.array(v, float) for v in np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, float)) for v in (lo, hi, target))))
    every = np.arange(lo.shape[0])
    f_lo = fun(lo, every) - target
    f_hi = fun(hi, every) - target
    ok = np.isfinite(f_lo) & np.isfinite(f_hi) & (np.sign(f_lo) != np.sign(f_hi))
    x = np.where(ok, lo, np.nan)
    done = ~ok | (f_lo == 0) | (f_hi == 0)
    x = np.where(f_hi == 0, hi, x)
    side = np.zeros(lo.shape, int)
    for _ in range(iters):
        if done.all():
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            xn = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        xn = np.where(np.isfinite(xn) & (xn > np.minimum(lo, hi)) & (xn < np.maximum(lo, hi)),
                      xn, 0.5 * (lo + hi))
        fn = np.full(lo.shape, np.nan)
        act = ~done
        fn[act] = fun(xn[act], every[act]) - target[act]
        x = np.where(act, xn, x)
        conv = act & (np.abs(fn) <= ftol)
        same = act & ~conv & (np.sign(fn) == np.sign(f_lo))
        other = act & ~conv & ~same
        lo, f_lo = np.where(same, xn, lo), np.where(same, fn, f_lo)
        hi, f_hi = np.where(other, xn, hi), np.where(other, fn, f_hi)
        # Illinois: halve the stale end's value when the same side moves twice
        f_hi = np.where(same & (side == 1), 0.5 * f_hi, f_hi)
        f_lo = np.where(other & (side == -1), 0.5 * f_lo, f_lo)
        side = np.where(same, 1, np.where(other, -1, side))
        done = done | conv
    return np.where(ok, x, np.nan)
