"""Aiming: the azimuth and shaping that put the impact on a given point of the rotating Earth.

The outer loop corrects the azimuth by the bearing error of the impact point
(rotation and Coriolis push the impact sideways); the inner solve matches
the range along that azimuth with the shape's free parameter:
- ``min-energy``: the thrust cut-off time, with the kick that maximises range;
- ``lofted`` / ``depressed``: the kick on the high or low side of the
  max-range kick, full burn; or, with an :class:`openbmd.flight.aim_energy.ArcGoal`
  (an apogee or a burnout angle), the cut-off and kick that give it
  (:func:`openbmd.flight.aim_energy.goal_range_solve`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.errors import InputError, OutOfReachError
from openbmd.flight.shaping import (KICK_MIN_DEG, Launcher, depressed_limit_kick, max_range_kick,
                                    solve_monotone)

#: aim until the miss is below this (m)
MISS_TOL_M = 50.0
#: an aim that cannot get below this miss (m) is an error
MAX_MISS_M = 1000.0


class AimingError(InputError):
    """The aiming iteration did not converge onto the target."""


@dataclass(frozen=True)
class Aim:
    azimuth_deg: float
    kick_deg: float
    cutoff_s: float
    miss_m: float


def _bearing_error(launcher: Launcher, batch, tlat, tlon):
    _, az_t, _ = geodesic_inverse(launcher.lat_deg, launcher.lon_deg, tlat, tlon, launcher.earth)
    _, az_i, _ = geodesic_inverse(launcher.lat_deg, launcher.lon_deg, batch.impact_lat_deg[0],
                                  batch.impact_lon_deg[0], launcher.earth)
    return (float(az_t) - float(az_i) + 540.0) % 360.0 - 180.0


def _miss(launcher: Launcher, batch, tlat, tlon) -> float:
    if batch.status[0] != 0:
        return np.inf
    return float(geodesic_inverse(batch.impact_lat_deg[0], batch.impact_lon_deg[0], tlat, tlon,
                                  launcher.earth)[0])


def aim(launcher: Launcher, target_lat_deg: float, target_lon_deg: float, shape: str, goal=None) -> Aim:
    """Solve the steering that hits the target with the given shape (and, for a lofted or
    depressed arc, the ``goal``'s apogee or burnout angle); OutOfReachError if it cannot."""
    solve = _range_solve if goal is None else _goal_solver(goal)
    dist, az, _ = geodesic_inverse(launcher.lat_deg, launcher.lon_deg, target_lat_deg, target_lon_deg,
                                   launcher.earth)
    dist, az = float(dist), float(az)
    rng_target = dist
    best = None
    for _ in range(8):
        kick, cut = solve(launcher, az, rng_target, shape)
        batch = launcher.fly(az, kick, cut)
        miss = _miss(launcher, batch, target_lat_deg, target_lon_deg)
        if best is None or miss < best.miss_m:
            best = Aim(az, kick, cut, miss)
        if miss < MISS_TOL_M:
            break
        az = (az + _bearing_error(launcher, batch, target_lat_deg, target_lon_deg)) % 360.0
        rng_target += dist - float(batch.range_m[0])
    if not best.miss_m <= MAX_MISS_M:
        raise AimingError(
            f"could not aim {launcher.missile.id} at {target_lat_deg:g},{target_lon_deg:g} with a {shape} "
            f"arc: the best solution misses by {best.miss_m / 1e3:,.1f} km (allowed {MAX_MISS_M / 1e3:g} km)")
    return best


def aim_bearing(launcher: Launcher, target_lat_deg: float, target_lon_deg: float) -> Aim:
    """Max-range steering whose ground track passes over the target (azimuth solved, range free).

    The impact lies on the target's bearing, past it (or short of it when it is out of reach):
    ``miss_m`` says by how much.
    """
    _, az, _ = geodesic_inverse(launcher.lat_deg, launcher.lon_deg, target_lat_deg, target_lon_deg,
                                launcher.earth)
    az = float(az)
    for _ in range(6):
        kick = float(max_range_kick(launcher, az)[0][0])
        batch = launcher.fly(az, kick)
        err = _bearing_error(launcher, batch, target_lat_deg, target_lon_deg)
        if abs(err) < 1e-4:
            break
        az += err
    return Aim(az, kick, np.inf, _miss(launcher, batch, target_lat_deg, target_lon_deg))


def _goal_solver(goal):
    """A range solve that also meets ``goal`` (an apogee or burnout angle)."""
    from openbmd.flight.aim_energy import goal_range_solve

    return lambda launcher, az, rng_m, shape: goal_range_solve(launcher, az, rng_m, shape, goal)[:2]


def _range_solve(launcher: Launcher, az: float, rng_m: float, shape: str):
    """(kick_deg, cutoff_s) that fly ``rng_m`` along azimuth ``az``."""
    k_opt, r_max = max_range_kick(launcher, az)
    k_opt, r_max = float(k_opt[0]), float(r_max[0])
    if rng_m > r_max:
        raise OutOfReachError(
            f"target is {rng_m / 1e3:,.0f} km away, beyond the reach of {launcher.missile.id} "
            f"({r_max / 1e3:,.0f} km toward azimuth {az % 360.0:.1f} deg)")
    full = launcher.full_burn_s
    if shape == "min-energy":
        def rng_of_cut(cut, idx):
            return max_range_kick(launcher, np.full(cut.shape, az), cut, grid=10, iters=6)[1]
        lo = _min_cutoff(launcher)
        cut = solve_monotone(rng_of_cut, lo, full, rng_m, ftol=20.0)[0]
        if not np.isfinite(cut):
            raise OutOfReachError(
                f"target is {rng_m / 1e3:,.0f} km away, closer than {launcher.missile.id} can fly on a "
                f"minimum-energy arc; try the 'lofted' or 'depressed' shape")
        k = float(max_range_kick(launcher, az, cut)[0][0])
        return k, float(cut)
    lo, hi = ((KICK_MIN_DEG, k_opt) if shape == "lofted"
              else (k_opt, depressed_limit_kick(launcher, az, k_opt)))

    def rng_of_kick(kick, idx):
        return launcher.ranges(np.full(kick.shape, az), kick)

    k = solve_monotone(rng_of_kick, lo, hi, rng_m, ftol=2.0)[0]
    if not np.isfinite(k):
        edge = launcher.ranges(az, lo if shape == "lofted" else hi)[0]
        raise OutOfReachError(
            f"target is {rng_m / 1e3:,.0f} km away; a full-burn {shape} {launcher.missile.id} flies "
            f"{edge / 1e3:,.0f}-{r_max / 1e3:,.0f} km")
    return float(k), np.inf


def _min_cutoff(launcher: Launcher) -> float:
    """Earliest thrust cut-off searched: 30 % into the first stage's burn."""
    return 0.3 * launcher.missile.stages[0].burn_time_s
