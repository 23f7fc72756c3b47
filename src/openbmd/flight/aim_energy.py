"""Energy management: a lofted or depressed arc to a target with a chosen apogee or burnout angle.

Two steering numbers set a flight along an azimuth (:mod:`openbmd.flight.shaping`): the
pitch-over kick and the thrust cut-off time.  A full burn leaves one free number, so a
lofted or depressed arc to a given range is fixed by the range alone.  Cutting the thrust
early frees the second: for every cut-off between the minimum-energy one (the arc that
just reaches the range) and burnout, the kick on the steep (lofted) or flat (depressed)
side of the range-maximising one flies the range, and the apogee (or burnout angle) of that
arc moves monotonically with the cut-off:

- lofted: from the minimum-energy arc's apogee up to the full-burn lofted arc's;
- depressed: from the minimum-energy arc's apogee down to the full-burn depressed arc's.

:func:`goal_range_solve` finds the cut-off that gives the asked apogee or burnout angle at
the asked range (regula falsi on the cut-off, the kick solved inside for the range) and
refuses a value outside the interval, naming it.  :func:`openbmd.flight.aim.aim` wraps it in
the azimuth/range iteration that lands the impact on the target of the rotating Earth.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.errors import InputError, OutOfReachError
from openbmd.flight.shaping import KICK_MIN_DEG, Launcher, max_range_kick, solve_monotone

#: the inner kick solve stops at this range error (m)
RANGE_TOL_M = 2.0
#: the min-energy cut-off solve stops at this range error (m); a cut-off whose best range is
#: within it of the asked range flies the min-energy arc itself (the two kicks have merged)
MERGE_TOL_M = 200.0


@dataclass(frozen=True)
class ArcGoal:
    """What an energy-managed arc must show besides its range: ``apogee`` (m above the
    ellipsoid) or ``burnout-angle`` (deg, the flight-path angle at thrust cut-off)."""

    kind: str
    value: float  #: SI: metres for an apogee, degrees for a burnout angle

    KINDS = ("apogee", "burnout-angle")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise InputError(f"unknown arc goal {self.kind!r}; allowed: {', '.join(self.KINDS)}")
        if not np.isfinite(self.value):
            raise InputError(f"the {self.kind} must be a finite number")
        if self.kind == "apogee" and self.value <= 0.0:
            raise InputError(f"the apogee must be > 0 km, got {self.value / 1e3:g}")
        if self.kind == "burnout-angle" and not 0.0 < self.value < 90.0:
            raise InputError(f"the burnout angle must lie in (0, 90) deg, got {self.value:g}")

    @property
    def tolerance(self) -> float:
        """How close the flown value must come (SI): 0.5 km of apogee, 0.01 deg of angle."""
        return 500.0 if self.kind == "apogee" else 0.01

    def of(self, batch) -> np.ndarray:
        """The goal's quantity for every lane of a flight batch (SI)."""
        return np.asarray(batch.apogee_alt_m if self.kind == "apogee" else batch.burnout_angle_deg, float)

    def text(self, x: float) -> str:
        return f"{x / 1e3:,.1f} km" if self.kind == "apogee" else f"{x:.2f} deg"


def shape_kicks(launcher: Launcher, az: float, cuts, rng_m: float, shape: str) -> np.ndarray:
    """Per cut-off, the kick (deg) of the ``shape`` arc that flies ``rng_m`` along ``az``; the
    range-maximising kick where that is within MERGE_TOL_M of the range (the lofted and depressed
    solutions merge into the min-energy arc there); NaN where the cut-off cannot fly the range."""
    from openbmd.flight.aim_shaped import depressed_limits

    cuts = np.atleast_1d(np.asarray(cuts, float))
    azs = np.full(cuts.size, float(az))
    k_opt, r_max = max_range_kick(launcher, azs, cuts, grid=10, iters=6)
    kick = np.where(r_max >= rng_m - MERGE_TOL_M, k_opt, np.nan)
    i = np.flatnonzero(r_max > rng_m + MERGE_TOL_M)
    if i.size:
        if shape == "lofted":
            lo, hi = np.full(i.size, KICK_MIN_DEG), k_opt[i]
        else:
            lo, hi = k_opt[i], depressed_limits(launcher, azs[i], k_opt[i], cutoff_s=cuts[i])
        kick[i] = solve_monotone(lambda x, j: launcher.ranges(azs[i][j], x, cuts[i][j]), lo, hi, rng_m,
                                 ftol=RANGE_TOL_M)
    return kick


def goal_range_solve(launcher: Launcher, az: float, rng_m: float, shape: str, goal: ArcGoal):
    """(kick_deg, cutoff_s) of the ``shape`` arc ("lofted" or "depressed") that flies ``rng_m``
    along ``az`` with the goal's apogee or burnout angle.  OutOfReachError naming the feasible
    interval when the goal cannot be met at this range."""
    if shape not in ("lofted", "depressed"):
        raise InputError(f"an apogee or burnout angle goes with shape 'lofted' or 'depressed', not {shape!r}")
    c_lo, c_hi = _cutoff_bracket(launcher, az, rng_m)

    def goal_of(c, idx):
        k = shape_kicks(launcher, az, c, rng_m, shape)
        out = np.full(c.shape, np.nan)
        ok = np.isfinite(k)
        if ok.any():
            out[ok] = goal.of(launcher.fly(np.full(int(ok.sum()), az), k[ok], c[ok]))
        return out

    c = float(solve_monotone(goal_of, c_lo, c_hi, goal.value, ftol=goal.tolerance)[0])
    if not np.isfinite(c):
        ends = goal_of(np.array([c_lo, c_hi]), None)
        lo, hi = np.nanmin(ends), np.nanmax(ends)
        if lo - goal.tolerance <= goal.value <= hi + goal.tolerance:
            c = c_lo if abs(ends[0] - goal.value) <= abs(ends[1] - goal.value) else c_hi
        else:
            what = "an apogee" if goal.kind == "apogee" else "a burnout angle"
            raise OutOfReachError(
                f"a {shape} {launcher.missile.id} arc of {rng_m / 1e3:,.0f} km can have {what} between "
                f"{goal.text(lo)} and {goal.text(hi)} (thrust cut-off from {c_lo:.1f} s to full burn); "
                f"asked for {goal.text(goal.value)}")
    return float(shape_kicks(launcher, az, c, rng_m, shape)[0]), c


def _cutoff_bracket(launcher: Launcher, az: float, rng_m: float):
    """The cut-offs that can fly ``rng_m``: from the minimum-energy arc's (or the earliest cut-off
    searched, when even that one flies past the range) to full burn."""
    from openbmd.flight.aim import _min_cutoff

    c0, c1 = _min_cutoff(launcher), launcher.full_burn_s
    _, r_max = max_range_kick(launcher, az)
    if rng_m > r_max[0]:
        raise OutOfReachError(f"target is {rng_m / 1e3:,.0f} km away, beyond the reach of {launcher.missile.id} "
                              f"({r_max[0] / 1e3:,.0f} km toward azimuth {az % 360.0:.1f} deg)")
    c_me = solve_monotone(lambda c, i: max_range_kick(launcher, np.full(c.shape, az), c, grid=10, iters=6)[1],
                          c0, c1, rng_m, ftol=MERGE_TOL_M / 2)[0]
    return (float(c_me) if np.isfinite(c_me) else c0), c1
