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
ROUNDS = 6


@dataclass(frozen=True, eq=False)
class AimMany:
    """Per target: steering, the miss of the final flight, and whether it is reachable."""

    azimuth_deg: np.ndarray
    kick_deg: np.ndarray
    cutoff_s: np.ndarray
    miss_m: np.ndarray
    reachable: np.ndarray  #: False beyond the maximum range or closer than the shortest min-energy arc


def aim_many(launcher: Launcher, target_lat_deg, target_lon_deg) -> AimMany:
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

    def cut_for(rng_rows, want):
        """Cut-off whose (row) range equals ``want``; the row's slope there."""
        j = np.clip(np.array([np.searchsorted(r, w) for r, w in zip(rng_rows, want)], dtype=np.int64), 1,
                    N_CUTOFF - 1)
        rows = np.arange(len(want))
        r0, r1 = rng_rows[rows, j - 1], rng_rows[rows, j]
        slope = np.maximum((r1 - r0) / (cut_t[j] - cut_t[j - 1]), 1e-3)
        return cut_t[j - 1] + (want - r0) / slope, slope

    kick_rows, rng_rows = table_at(rel)
    reachable = (dist <= rng_rows[:, -1] * 1.002) & (dist >= rng_rows[:, 0])
    az = bearing.copy()
    cut, slope = cut_for(rng_rows, dist)
    cut = np.clip(cut, c0, c1)
    kick = _kick_at(kick_rows, cut_t, cut)
    miss = np.full(n, np.inf)
    todo = np.flatnonzero(reachable)
    for _ in range(ROUNDS):
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
        done = m < MISS_TOL_M
        move = todo[~done & ok]
        k = ~done & ok
        if not move.size:
            break
        az[move] = az[move] + ((bearing[move] - np.asarray(az_i)[k] + 540.0) % 360.0 - 180.0)
        kr, rr = table_at((az[move] - ref + 180.0) % 360.0 - 180.0)
        _, sl = cut_for(rr, np.asarray(d_i)[k])
        cut[move] = np.clip(cut[move] + (dist[move] - np.asarray(d_i)[k]) / sl, c0, c1)
        kick[move] = _kick_at(kr, cut_t, cut[move])
        todo = move
        if not move.size:
            break
    reachable &= miss < MISS_TOL_M
    return AimMany(az % 360.0, kick, cut, miss, reachable)


def _kick_at(kick_rows, cut_t, cut):
    return np.array([np.interp(c, cut_t, row) for row, c in zip(kick_rows, cut)])
