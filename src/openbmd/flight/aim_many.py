"""Aim one missile from one launch point at thousands of targets at once (minimum-energy arcs).

:func:`openbmd.flight.aim.aim` solves one target with nested scalar searches.
A coverage map needs a trajectory to every cell of a grid, so here:

1. a coarse table over launch azimuth (every ``AZ_STEP_DEG`` across the
   targets' sector) and thrust cut-off time (``N_CUTOFF`` values from 30 % of
   the first stage's burn to burnout) holds the range-maximising kick and its
   range, all lanes flown together;
2. each target starts from its geodesic bearing and the cut-off whose table
   range matches its distance (the range grows monotonically with cut-off);
3. every target's flight is flown at once, and the azimuth is corrected by the
   bearing error of its impact and the cut-off by the range error over the
   table's local slope d(range)/d(cut-off); a few rounds bring every miss
   under ``MISS_TOL_M``.

The kick is interpolated in the table between its nodes, so an arc is the
minimum-energy one to within the flatness of range around the optimal kick
(a few km of range at most, which the cut-off absorbs).

The shaped aim of a few to a few dozen targets (lofted, depressed, minimum-energy)
is :mod:`openbmd.flight.aim_shaped`; its names are also reachable from here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.flight.aim import _min_cutoff
from openbmd.flight.shaping import Launcher, max_range_kick

AZ_STEP_DEG = 4.0
N_CUTOFF = 16
MISS_TOL_M = 2000.0
#: correction rounds: the first TABLE_ROUNDS move the cut-off on the table's slope (most targets land
#: within them); later rounds on the secant of the target's own last two flights (see aim_many)
ROUNDS = 12
TABLE_ROUNDS = 3


@dataclass(frozen=True, eq=False)
class AimMany:
    """Per target: steering, the miss of the final flight, and whether it is reachable."""

    azimuth_deg: np.ndarray
    kick_deg: np.ndarray
    cutoff_s: np.ndarray
    miss_m: np.ndarray
    reachable: np.ndarray  #: False beyond the maximum range or closer than the shortest min-energy arc


def aim_many(launcher: Launcher, target_lat_deg, target_lon_deg, *, miss_tol_m: float = MISS_TOL_M) -> AimMany:
    """Min-energy steering onto every target (see the module docstring); a target counts as
    reached when the flight lands within ``miss_tol_m``."""
    tlat = np.atleast_1d(np.asarray(target_lat_deg, float))
    tlon = np.atleast_1d(np.asarray(target_lon_deg, float))
    n = tlat.size
    dist, bearing, _ = geodesic_inverse(np.full(n, launcher.lat_deg), np.full(n, launcher.lon_deg), tlat, tlon,
                                        launcher.earth)
    dist, bearing = np.asarray(dist, float), np.asarray(bearing, float)
    # the table: azimuths over the targets' sector (unwrapped around its mean bearing)
    ref = np.degrees(np.angle(np.mean(np.exp(1j * np.radians(bearing)))))
    rel = (bearing - ref + 180.0) % 360.0 - 180.0
    lo, hi = rel.min() - 2 * AZ_STEP_DEG, rel.max() + 2 * AZ_STEP_DEG
    az_t = ref + np.arange(lo, hi + AZ_STEP_DEG, AZ_STEP_DEG)
    c0, c1 = _min_cutoff(launcher), launcher.full_burn_s
    cut_t = c0 + (c1 - c0) * np.linspace(0.0, 1.0, N_CUTOFF) ** 0.7
    A, C = np.meshgrid(az_t, cut_t, indexing="ij")
    kick_t, rng_t = max_range_kick(launcher, A.ravel(), C.ravel(), grid=10, iters=6)
    kick_t, rng_t = kick_t.reshape(A.shape), rng_t.reshape(A.shape)
    rng_t = np.maximum.accumulate(np.where(np.isfinite(rng_t), rng_t, 0.0), axis=1)  # monotone in cut-off

    def table_at(az_rel):
        """Rows of the table linearly interpolated to each target's (relative) azimuth."""
        x = np.clip((az_rel - lo) / AZ_STEP_DEG, 0, len(az_t) - 1.000001)
        i = np.floor(x).astype(int)
        f = (x - i)[:, None]
        return ((1 - f) * kick_t[i] + f * kick_t[i + 1]), ((1 - f) * rng_t[i] + f * rng_t[i + 1])

    # cut-off as a function of range along each table azimuth: monotone cubic (PCHIP) through the
    # table's nodes (range grows with cut-off, convexly: a linear inverse is off by tens of km)
    from scipy.interpolate import PchipInterpolator

    inv = []
    for k in range(len(az_t)):
        r_k, keep = np.unique(rng_t[k], return_index=True)
        inv.append(PchipInterpolator(r_k, cut_t[keep], extrapolate=True) if r_k.size >= 2 else None)

    def cut_and_slope(az_rel, want):
        """Cut-off whose range along azimuth ``az_rel`` is ``want``, and d(cut-off)/d(range) there."""
        x = np.clip((az_rel - lo) / AZ_STEP_DEG, 0, len(az_t) - 1.000001)
        i = np.floor(x).astype(int)
        f = x - i
        c = np.zeros(want.size)
        dc = np.zeros(want.size)
        for k in np.unique(np.concatenate([i, i + 1])):
            if inv[k] is None:
                continue
            w = np.where(i == k, 1 - f, 0.0) + np.where(i + 1 == k, f, 0.0)
            sel = w > 0
            c[sel] += w[sel] * inv[k](want[sel])
            dc[sel] += w[sel] * inv[k](want[sel], 1)
        return c, np.maximum(dc, 1e-9)

    # where the table's flights land: rotation bends each track off its launch azimuth by
    # dev(az, cut-off); starting every target from bearing - dev makes the first flight land
    # within a few km, so most targets need one or two rounds
    tb = launcher.fly(A.ravel(), kick_t.ravel(), C.ravel())
    tok = tb.status == 0
    dev = np.zeros(A.size)
    if tok.any():
        _, az_imp, _ = geodesic_inverse(np.full(int(tok.sum()), launcher.lat_deg),
                                        np.full(int(tok.sum()), launcher.lon_deg), tb.impact_lat_deg[tok],
                                        tb.impact_lon_deg[tok], launcher.earth)
        dev[tok] = (np.asarray(az_imp) - A.ravel()[tok] + 540.0) % 360.0 - 180.0
    dev_t = dev.reshape(A.shape)

    def dev_at(az_rel, cut):
        x = np.clip((az_rel - lo) / AZ_STEP_DEG, 0, len(az_t) - 1.000001)
        i = np.floor(x).astype(int)
        f = x - i
        return np.array([np.interp(c, cut_t, (1 - w) * dev_t[k] + w * dev_t[k + 1]) for k, w, c in zip(i, f, cut)])

    kick_rows, rng_rows = table_at(rel)
    reachable = (dist <= rng_rows[:, -1] * 1.002) & (dist >= rng_rows[:, 0])
    az = bearing.copy()
    cut = np.clip(cut_and_slope(rel, dist)[0], c0, c1)
    for _ in range(2):
        az = bearing - dev_at((az - ref + 180.0) % 360.0 - 180.0, cut)
        cut = np.clip(cut_and_slope((az - ref + 180.0) % 360.0 - 180.0, dist)[0], c0, c1)
    kick_rows, _ = table_at((az - ref + 180.0) % 360.0 - 180.0)
    kick = _kick_at(kick_rows, cut_t, cut)
    miss = np.full(n, np.inf)
    # the previous round's cut-off and range per target: after TABLE_ROUNDS, a target's cut-off moves
    # along the secant of its own last two flights, not the table's slope (near circular speed the
    # range steepens with cut-off faster than the table's nodes follow: 6 rounds on the table's
    # slope left a fifth of the US 20-30 km short from North Korea, a reachable target counted as
    # out of reach; issue 12)
    prev_cut = np.full(n, np.nan)
    prev_rng = np.full(n, np.nan)
    todo = np.flatnonzero(reachable)
    for round_ in range(ROUNDS):
        if not todo.size:
            break
        b = launcher.fly(az[todo], kick[todo], cut[todo])
        ok = b.status == 0
        ilat, ilon = b.impact_lat_deg, b.impact_lon_deg
        m = np.full(todo.size, np.inf)
        d_i, az_i, _ = geodesic_inverse(np.full(todo.size, launcher.lat_deg), np.full(todo.size, launcher.lon_deg),
                                        np.where(ok, ilat, tlat[todo]), np.where(ok, ilon, tlon[todo]),
                                        launcher.earth)
        m[ok] = np.asarray(geodesic_inverse(ilat[ok], ilon[ok], tlat[todo][ok], tlon[todo][ok],
                                            launcher.earth)[0])
        miss[todo] = m
        done = m < miss_tol_m
        move = todo[~done & ok]
        k = ~done & ok
        if not move.size:
            break
        az[move] = az[move] + ((bearing[move] - np.asarray(az_i)[k] + 540.0) % 360.0 - 180.0)
        az_rel = (az[move] - ref + 180.0) % 360.0 - 180.0
        kr, _ = table_at(az_rel)
        got = np.asarray(d_i)[k]
        _, dcdr = cut_and_slope(az_rel, got)
        with np.errstate(divide="ignore", invalid="ignore"):
            secant = (cut[move] - prev_cut[move]) / (got - prev_rng[move])
        use = (round_ >= TABLE_ROUNDS) & np.isfinite(secant) & (secant > 0.0)
        dcdr = np.where(use, secant, dcdr)
        prev_cut[move], prev_rng[move] = cut[move], got
        cut[move] = np.clip(cut[move] + (dist[move] - got) * dcdr, c0, c1)
        kick[move] = _kick_at(kr, cut_t, cut[move])
        todo = move
        if not move.size:
            break
    reachable &= miss < miss_tol_m
    return AimMany(az % 360.0, kick, cut, miss, reachable)


def _kick_at(kick_rows, cut_t, cut):
    return np.array([np.interp(c, cut_t, row) for row, c in zip(kick_rows, cut)])


#: names of :mod:`openbmd.flight.aim_shaped`, importable from here as before the split
_SHAPED = ("AimShaped", "SHAPES", "SHAPED_RANGE_TOL_M", "SHAPED_ROUNDS", "SLOPE_STEP_DEG", "CUT_RANGE_TOL_M",
           "CUT_STEP_S", "PER_TARGET_MAX", "aim_many_shaped", "aim_many_shapes", "depressed_limits",
           "aim_full_burn_iterative")


def __getattr__(name: str):
    if name in _SHAPED:
        from openbmd.flight import aim_shaped

        return getattr(aim_shaped, name)
    raise AttributeError(f"module 'openbmd.flight.aim_many' has no attribute {name!r}")
