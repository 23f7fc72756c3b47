"""Aim one missile at a few to a few dozen targets with every trajectory shape of
:func:`openbmd.flight.aim.aim` (the many-target counterpart of the scalar aim).

:func:`aim_many_shaped` / :func:`aim_many_shapes`: the shape's free
parameter (the kick of a full-burn lofted or depressed arc, or the cut-off of a
minimum-energy one) is solved along each target's bearing once, then Newton
rounds fly each lane and a finite-difference neighbour together and correct the
azimuth by the impact's bearing error and the parameter by range error / slope;
lanes that do not converge fall back to the scalar aim's iteration.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.flight.aim import _min_cutoff
from openbmd.flight.aim_many import MISS_TOL_M, aim_many
from openbmd.flight.shaping import Launcher, max_range_kick

#: lofted/depressed aim: the full-bracket range solve stops at this range error (m); the
#: Newton rounds that follow take the miss below MISS_TOL_M
SHAPED_RANGE_TOL_M = 200.0
#: Newton rounds (azimuth by the impact's bearing error, kick by range error / dR/dkick)
SHAPED_ROUNDS = 8
#: kick step of the finite-difference slope dR/dkick (deg)
SLOPE_STEP_DEG = 0.02
#: min-energy aim: the cut-off solve stops at this range error (m) (each try costs a kick search)
CUT_RANGE_TOL_M = 5000.0
#: cut-off step of the finite-difference slope dR/dcut-off (s)
CUT_STEP_S = 0.5
#: up to this many targets, min-energy arcs are solved target by target, not by aim_many's table
PER_TARGET_MAX = 64
SHAPES = ("min-energy", "lofted", "depressed")


@dataclass(frozen=True, eq=False)
class AimShaped:
    """Per target, one trajectory shape: steering, the miss of the final flight, and why not.

    ``cutoff_s`` is ``inf`` (full burn) for lofted and depressed arcs; ``why`` is "" where
    ``reachable``, else one line saying why the target cannot be hit with this shape."""

    shape: str
    azimuth_deg: np.ndarray
    kick_deg: np.ndarray
    cutoff_s: np.ndarray
    miss_m: np.ndarray
    reachable: np.ndarray
    why: tuple


def aim_many_shaped(launcher: Launcher, target_lat_deg, target_lon_deg, shape: str) -> AimShaped:
    """Aim one missile at many targets with one trajectory shape ("min-energy", "lofted",
    "depressed"), every miss under ``MISS_TOL_M``: the many-target counterpart of
    :func:`openbmd.flight.aim.aim` (same shapes, same steering up to the miss tolerance)."""
    return aim_many_shapes(launcher, target_lat_deg, target_lon_deg, (shape,))[shape]


def aim_many_shapes(launcher: Launcher, target_lat_deg, target_lon_deg, shapes=SHAPES) -> dict:
    """:func:`aim_many_shaped` for several shapes: {shape: AimShaped}.  Lofted and depressed
    arcs share the range-maximising kick of each target's bearing (flown once)."""
    from openbmd.errors import InputError

    bad = [s for s in shapes if s not in SHAPES]
    if bad or not len(shapes):
        raise InputError(f"unknown shape {', '.join(map(repr, bad)) or '(none)'}; allowed: {', '.join(SHAPES)}")
    tlat = np.atleast_1d(np.asarray(target_lat_deg, float))
    tlon = np.atleast_1d(np.asarray(target_lon_deg, float))
    out = {}
    per_target = tlat.size <= PER_TARGET_MAX
    if "min-energy" in shapes and not per_target:
        a = aim_many(launcher, tlat, tlon)
        why = tuple("" if ok else f"out of reach of a minimum-energy {launcher.missile.id} arc"
                    for ok in a.reachable)
        out["min-energy"] = AimShaped("min-energy", a.azimuth_deg, a.kick_deg, a.cutoff_s, a.miss_m, a.reachable,
                                      why)
    rest = [s for s in shapes if s not in out]
    if rest:
        geo = _Geometry.of(launcher, tlat, tlon)
        for s in rest:
            out[s] = _aim_min_energy(launcher, geo) if s == "min-energy" else _aim_full_burn(launcher, geo, s)
    return {s: out[s] for s in shapes}


def _aim_min_energy(launcher, g: "_Geometry") -> AimShaped:
    """Minimum-energy arcs target by target (cheaper than :func:`aim_many`'s azimuth x cut-off
    table for a few targets): the cut-off whose range-maximising kick flies the range (as
    :func:`openbmd.flight.aim.aim`), solved along the bearings, then Newton rounds on the
    impact error (azimuth by the bearing error, cut-off by range error / dR/dcut-off)."""
    from openbmd.flight.shaping import solve_monotone

    n = g.tlat.size
    c0, c1 = _min_cutoff(launcher), launcher.full_burn_s
    far = g.dist_m > g.r_max_m
    az, cut = g.bearing_deg.copy(), np.full(n, np.nan)
    kick, miss = np.full(n, np.nan), np.full(n, np.inf)
    todo = np.flatnonzero(~far)
    if todo.size:
        cut[todo] = solve_monotone(
            lambda c, i: max_range_kick(launcher, az[todo][i], c, grid=10, iters=6)[1],
            np.full(todo.size, c0), np.full(todo.size, c1), g.dist_m[todo], ftol=CUT_RANGE_TOL_M)
    todo = todo[np.isfinite(cut[todo])]
    if todo.size:
        kick[todo] = max_range_kick(launcher, az[todo], cut[todo])[0]
        miss[todo] = _newton_rounds(launcher, g, az, cut, np.full(n, c0), np.full(n, c1), todo, kick=kick,
                                    step=CUT_STEP_S)
    ok = miss < MISS_TOL_M
    why = tuple("" if o else f"out of reach of a minimum-energy {launcher.missile.id} arc" for o in ok)
    return AimShaped("min-energy", az % 360.0, kick, cut, miss, ok, why)


@dataclass(frozen=True, eq=False)
class _Geometry:
    """The targets seen from the launch point, and the range-maximising full-burn kick along
    each bearing (shared by the lofted and depressed solves)."""

    tlat: np.ndarray
    tlon: np.ndarray
    dist_m: np.ndarray
    bearing_deg: np.ndarray
    k_opt_deg: np.ndarray
    r_max_m: np.ndarray

    @classmethod
    def of(cls, launcher, tlat, tlon):
        n = tlat.size
        d, b, _ = geodesic_inverse(np.full(n, launcher.lat_deg), np.full(n, launcher.lon_deg), tlat, tlon,
                                   launcher.earth)
        b = np.asarray(b, float)
        k_opt, r_max = max_range_kick(launcher, b)
        return cls(tlat, tlon, np.asarray(d, float), b, k_opt, r_max)


def _aim_full_burn(launcher, g: _Geometry, shape: str) -> AimShaped:
    """Lofted or depressed arcs: the kick on the steep (lofted) or flat (depressed) side of
    the range-maximising one that flies the range (as :func:`openbmd.flight.aim.aim`), solved
    along the bearings, then Newton rounds on the impact error; lanes that do not converge
    go through the iteration of :func:`openbmd.flight.aim.aim` itself (all lanes at once)."""
    from openbmd.flight.shaping import KICK_MIN_DEG, solve_monotone

    n = g.tlat.size
    why = np.array([""] * n, dtype=object)
    far = g.dist_m > g.r_max_m
    why[far] = [f"beyond the reach of {launcher.missile.id} ({r / 1e3:,.0f} km toward this bearing)"
                for r in g.r_max_m[far]]
    lo, hi = np.full(n, KICK_MIN_DEG), g.k_opt_deg.copy()
    if shape == "depressed":
        lo, hi = g.k_opt_deg.copy(), np.full(n, np.nan)
        hi[~far] = depressed_limits(launcher, g.bearing_deg[~far], g.k_opt_deg[~far])
    az, kick, miss = g.bearing_deg.copy(), np.full(n, np.nan), np.full(n, np.inf)
    todo = np.flatnonzero(~far)
    if todo.size:
        kick[todo] = solve_monotone(lambda x, i: launcher.ranges(az[todo][i], x), lo[todo], hi[todo],
                                    g.dist_m[todo], ftol=SHAPED_RANGE_TOL_M)
    todo = todo[np.isfinite(kick[todo])]
    if todo.size:
        miss[todo] = _newton_rounds(launcher, g, az, kick, lo, hi, todo)
    # what Newton did not bring in: the scalar aim's iteration (re-solving the range each round)
    redo = np.flatnonzero(~far & ~(miss < MISS_TOL_M))
    if redo.size:
        a2, k2, m2, w2 = aim_full_burn_iterative(launcher, g.tlat[redo], g.tlon[redo], shape)
        better = m2 < miss[redo]
        az[redo[better]], kick[redo[better]], miss[redo[better]] = a2[better], k2[better], m2[better]
        why[redo] = np.where(m2 < MISS_TOL_M, "", w2)
    ok = miss < MISS_TOL_M
    return AimShaped(shape, az % 360.0, kick, np.full(n, np.inf), miss, ok,
                     tuple("" if o else (w or f"could not aim a {shape} arc within {MISS_TOL_M / 1e3:g} km")
                           for o, w in zip(ok, why)))


def _newton_rounds(launcher, g: _Geometry, az, x, lo, hi, todo, *, kick=None, step=SLOPE_STEP_DEG):
    """Correct (az, x) of lanes ``todo`` in place: azimuth by the impact's bearing error, x by
    the range error over dR/dx (a finite difference flown alongside each round: range is far
    from linear in the kick).  x is the kick of a full-burn arc, or with ``kick`` given the
    thrust cut-off of an arc with that kick.  Keeps each lane's best; returns its miss (m)."""
    def fly(t, xt):
        return launcher.fly(az[t], xt) if kick is None else launcher.fly(az[t], kick[t], xt)

    miss = np.full(todo.size, np.inf)
    best = np.stack([az[todo], x[todo]], axis=1)
    act = np.arange(todo.size)
    for _ in range(SHAPED_ROUNDS):
        t = todo[act]
        h = np.where(x[t] + step <= hi[t], step, -step)
        both = fly(np.concatenate([t, t]), np.concatenate([x[t], x[t] + h]))
        n = t.size
        ilat, ilon, rng, r_h = (both.impact_lat_deg[:n], both.impact_lon_deg[:n], both.range_m[:n],
                                both.range_m[n:])
        ok = both.status[:n] == 0
        m = np.full(n, np.inf)
        m[ok] = np.asarray(geodesic_inverse(ilat[ok], ilon[ok], g.tlat[t][ok], g.tlon[t][ok], launcher.earth)[0])
        better = m < miss[act]
        miss[act[better]] = m[better]
        best[act[better]] = np.stack([az[t[better]], x[t[better]]], axis=1)
        slope = (r_h - rng) / h
        go = ok & (m >= MISS_TOL_M) & np.isfinite(slope) & (slope != 0)
        if not go.any():
            break
        t, a = t[go], act[go]
        d_i, az_i, _ = geodesic_inverse(np.full(t.size, launcher.lat_deg), np.full(t.size, launcher.lon_deg),
                                        ilat[go], ilon[go], launcher.earth)
        az[t] = az[t] + ((g.bearing_deg[t] - np.asarray(az_i) + 540.0) % 360.0 - 180.0)
        x[t] = np.clip(x[t] + (g.dist_m[t] - np.asarray(d_i)) / slope[go], lo[t], hi[t])
        act = a
    az[todo], x[todo] = best[:, 0], best[:, 1]
    return miss


def depressed_limits(launcher: Launcher, azimuth_deg, k_opt_deg, n: int = 16, cutoff_s=np.inf) -> np.ndarray:
    """Per lane, the flattest kick whose powered flight (to ``cutoff_s``, full burn by default)
    still ends above ground (:func:`openbmd.flight.shaping.depressed_limit_kick` for many lanes)."""
    from openbmd.flight.shaping import KICK_MAX_DEG

    az, k_opt = np.atleast_1d(np.asarray(azimuth_deg, float)), np.atleast_1d(np.asarray(k_opt_deg, float))
    f = np.linspace(0.0, 1.0, n)
    kicks = k_opt[:, None] + f[None, :] * (KICK_MAX_DEG - k_opt[:, None])
    cut = np.broadcast_to(np.asarray(cutoff_s, float), az.shape)
    b = launcher.fly(np.repeat(az, n), kicks.ravel(), np.repeat(cut, n))
    ok = ((b.status == 0) & np.isfinite(b.burnout_angle_deg)).reshape(-1, n)
    last = n - 1 - np.argmax(ok[:, ::-1], axis=1)
    return np.where(ok.any(axis=1), kicks[np.arange(az.size), last], k_opt)


def aim_full_burn_iterative(launcher: Launcher, target_lat_deg, target_lon_deg, shape: str, rounds: int = 8):
    """The iteration of :func:`openbmd.flight.aim.aim` for many lanes (lofted/depressed): each
    round re-solves the range along the corrected azimuth from a fresh range-maximising kick.
    Robust and ~4x dearer than :func:`aim_many_shaped`'s Newton rounds.  (az, kick, miss_m, why)."""
    from openbmd.flight.shaping import KICK_MIN_DEG, solve_monotone

    tlat = np.atleast_1d(np.asarray(target_lat_deg, float))
    tlon = np.atleast_1d(np.asarray(target_lon_deg, float))
    n = tlat.size
    lat0, lon0 = np.full(n, launcher.lat_deg), np.full(n, launcher.lon_deg)
    dist, bearing, _ = (np.asarray(x, float) for x in geodesic_inverse(lat0, lon0, tlat, tlon, launcher.earth))
    az, want = bearing.copy(), dist.copy()
    best_az, best_kick, best_miss = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.inf)
    why = np.array([""] * n, dtype=object)
    todo = np.arange(n)
    for _ in range(rounds):
        if not todo.size:
            break
        k_opt, r_max = max_range_kick(launcher, az[todo])
        far = want[todo] > r_max
        why[todo[far]] = [f"beyond the reach of {launcher.missile.id} ({r / 1e3:,.0f} km toward this bearing)"
                          for r in r_max[far]]
        todo, k_opt = todo[~far], k_opt[~far]
        if not todo.size:
            break
        if shape == "lofted":
            lo, hi = np.full(todo.size, KICK_MIN_DEG), k_opt
        else:
            lo, hi = k_opt, depressed_limits(launcher, az[todo], k_opt)
        k = solve_monotone(lambda x, idx: launcher.ranges(az[todo][idx], x), lo, hi, want[todo], ftol=2.0)
        bad = ~np.isfinite(k)
        why[todo[bad]] = f"no full-burn {shape} arc of {launcher.missile.id} flies this range"
        todo, k = todo[~bad], k[~bad]
        if not todo.size:
            break
        b = launcher.fly(az[todo], k)
        ok = b.status == 0
        miss = np.full(todo.size, np.inf)
        miss[ok] = np.asarray(geodesic_inverse(b.impact_lat_deg[ok], b.impact_lon_deg[ok], tlat[todo][ok],
                                               tlon[todo][ok], launcher.earth)[0])
        better = miss < best_miss[todo]
        best_az[todo[better]], best_kick[todo[better]], best_miss[todo[better]] = az[todo][better], k[better], \
            miss[better]
        go = ok & (miss >= MISS_TOL_M)
        if not go.any():
            break
        d_i, az_i, _ = geodesic_inverse(lat0[todo][go], lon0[todo][go], b.impact_lat_deg[go], b.impact_lon_deg[go],
                                        launcher.earth)
        t = todo[go]
        az[t] = (az[t] + ((bearing[t] - np.asarray(az_i) + 540.0) % 360.0 - 180.0)) % 360.0
        want[t] = want[t] + dist[t] - np.asarray(d_i)
        todo = t
    for i in np.flatnonzero((best_miss >= MISS_TOL_M) & (why == "")):
        why[i] = f"could not aim a {shape} arc within {MISS_TOL_M / 1e3:g} km"
    return best_az, best_kick, best_miss, why
