"""The sweeps of the Russian question, as re-solves of the engine's lanes.

A battery's :class:`openbmd.engagement.engine.Lane` (its shooter against the flights, with
the earliest launch per flight) answers everything here:

- ``margin_s``: the same lane with every launch moved later (:func:`margins_s`, bisection);
- ``needed_burnout_speed_km_s``: the same lane with variant shooters, the catalog interceptor
  re-built at other burnout speeds (:func:`openbmd.interceptors.variants.interceptor_at_speed`:
  the burn cut short below the catalog speed, a re-calibrated Isp above it; :func:`needed_speeds`); a
  case engageable at the slowest speed of the sweep needs *at most* that speed
  (:func:`speed_bounds`: ``"at_most"``, shown as ``<=``);
- the reaction sweep: the same lane with the launch moved by the change of reaction time
  (:func:`reaction_sweep`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from openbmd.engagement.engine import Lane
from openbmd.engagement.shooter import REACH_SLACK_KM, Shooter
from openbmd.errors import InputError
from openbmd.interceptors.variants import interceptor_at_speed  # noqa: F401  (re-exported: the sweep's variants)

MARGIN_TOL_S = 1.0  #: margin_s check (a launch this much later must fail) and bisection tolerance (s)
AT_MOST = "at_most"  #: a needed speed at the slowest speed of the sweep: the true one may be slower


def speed_bound(value, grid) -> str | None:
    """``"at_most"`` when ``value`` (a needed speed, km/s) is the slowest speed of ``grid``: the case is
    engageable at every speed of the sweep, so it needs that speed or less; else None (a needed speed
    inside the grid lies between the grid speed below it and itself; None/NaN: beyond the sweep)."""
    if value is None or not np.isfinite(value) or not len(grid):
        return None
    return AT_MOST if float(value) <= min(float(v) for v in grid) + 1e-9 else None


def bound_mark(value, bound) -> str:
    """A needed speed as text: ``≤3`` at the floor of the sweep, ``6.5`` inside it, ``none`` beyond it."""
    if value is None:
        return "none"
    return ("≤" if bound == AT_MOST else "") + f"{value:g}"


@dataclass(frozen=True, eq=False)
class ReactionSweep:
    """One battery's answers at each reaction time, arrays (R, C) over reaction times and cases."""

    reaction_s: tuple  #: (R,) ascending, the architecture's own included
    engageable: np.ndarray  #: (R, C) bool: the catalog interceptor can engage
    needed_burnout_speed_km_s: np.ndarray  #: (R, C) NaN where even the fastest of the sweep cannot
    speeds_km_s: tuple = ()  #: the speed grid searched (its slowest marks a bound: :func:`speed_bound`)

    def rows(self) -> list[dict]:
        """Per reaction time: cases engageable at the interceptor's own speed and within the
        speed sweep, the slowest needed speed, and the median needed speed of the cases
        engageable within the sweep at the shortest reaction time (a fixed set, so the median
        is comparable along the sweep; a case that drops out of the sweep counts as faster than
        its fastest speed: None when the median does)."""
        need = self.needed_burnout_speed_km_s
        base = np.isfinite(need[0]) if need.size else np.zeros(0, bool)
        grid = self.speeds_km_s
        out = []
        for k, r in enumerate(self.reaction_s):
            fin = np.isfinite(need[k])
            med = float(np.median(np.where(fin, need[k], np.inf)[base])) if base.any() else None
            med = med if med is not None and np.isfinite(med) else None
            slow = float(need[k][fin].min()) if fin.any() else None
            out.append({
                "reaction_s": float(r), "engageable_cases_at_own_speed": int(self.engageable[k].sum()),
                "cases_engageable_within_sweep": int(fin.sum()),
                "slowest_needed_burnout_speed_km_s": slow,
                "slowest_needed_burnout_speed_bound": speed_bound(slow, grid),
                "median_needed_burnout_speed_km_s": med,
                "median_needed_burnout_speed_bound": speed_bound(med, grid)})
        return out


_VARIANTS: dict = {}  #: (interceptor, speed) -> variant or None (not buildable): shared by every battery


def figures_km_s(icp) -> tuple[float, ...]:
    """The catalog's disputed burnout speeds of ``icp``: the ends of its published spread and its
    chosen figure (GBI: 6.3 km/s from the 2003 test geometry, 7.0 chosen, 8.5 claimed), sorted."""
    spread = tuple(icp.burnout_speed_spread_km_s or ())
    return tuple(sorted({round(float(v), 6) for v in spread} | {float(icp.burnout_speed_km_s)}))


def sweep_speeds(icp, speeds_km_s) -> tuple[tuple[float, ...], dict]:
    """The grid for ``icp`` (the given speeds plus its own and the ends of its published spread,
    sorted: each answer is shown at each disputed figure) and the buildable variants (memoised in
    the process: every battery with this interceptor shares them and their tables)."""
    grid = sorted({round(float(v), 6) for v in speeds_km_s} | set(figures_km_s(icp)))
    variants = {}
    for v in grid:
        if (icp, v) not in _VARIANTS:
            try:
                _VARIANTS[(icp, v)] = interceptor_at_speed(icp, v)
            except InputError:  # no single stage of this mass and burn time reaches v
                _VARIANTS[(icp, v)] = None
        if _VARIANTS[(icp, v)] is not None:
            variants[v] = _VARIANTS[(icp, v)]
    return tuple(variants), variants


def made_variants(interceptors, speeds_km_s) -> dict:
    """{(interceptor, speed): variant or None} of :func:`sweep_speeds` for ``interceptors``, made
    here (or remembered), for another process to take with :func:`seed_variants`."""
    icps = set(interceptors)
    for icp in icps:
        sweep_speeds(icp, speeds_km_s)
    return {k: v for k, v in _VARIANTS.items() if k[0] in icps}


def seed_variants(variants: dict) -> None:
    """Take the speed variants another process made (:func:`made_variants`): a worker uses them
    instead of calibrating each one again (the same computation, the same variant)."""
    for k, v in variants.items():
        _VARIANTS.setdefault(k, v)


def margins_s(lane: Lane, idx, *, tol_s: float = MARGIN_TOL_S) -> np.ndarray:
    """Latest feasible launch minus earliest allowed launch for engageable threats ``idx``: the
    largest common launch delay that still intercepts, by bisection to ``tol_s``, all threats
    of the battery in one battle-space call per step.

    The battle space's ``latest_launch_s`` (the launch of the LATEST feasible intercept) is a
    feasible launch, so it bounds the margin from below and starts the bracket; it is not the
    margin itself: the slack ``t - fly-out time`` often peaks earlier along the track than the
    last feasible point (a receding ICBM: the fly-out time grows faster than the clock; over
    the five architectures of ``assess`` it fell short of the margin by up to ~100 s)."""
    idx = np.asarray(idx, np.int64)
    if not idx.size:
        return np.zeros(0)
    tl = lane.launch_s[idx]
    lo = np.maximum(np.nan_to_num(lane.solve(idx).latest_launch_s - tl, nan=0.0), 0.0)
    hi = np.maximum(lane.samples.impact_s[idx] - tl, lo) + 1.0  # never engageable this late
    while np.any(hi - lo > tol_s):
        act = np.flatnonzero(hi - lo > tol_s)
        mid = 0.5 * (lo[act] + hi[act])
        ok = lane.engageable(idx[act], mid)
        lo[act] = np.where(ok, mid, lo[act])
        hi[act] = np.where(ok, hi[act], mid)
    return lo


def needed_speeds(lane: Lane, engageable_catalog: np.ndarray, speeds_km_s) -> tuple[np.ndarray, tuple]:
    """(T,) slowest speed of the sweep at which the battery engages each threat (NaN: none),
    by bisection on the grid from the catalog interceptor's answer ``engageable_catalog``.

    Threats never in track, or whose ground track stays beyond the fastest variant's kill-vehicle
    range, are NaN at once (no fly-out table built); each bisection round solves every threat
    that needs one speed in one battle-space call."""
    sh = lane.shooter
    grid, variants = sweep_speeds(sh.interceptor, speeds_km_s)
    shooters: dict = {}

    def shooter(k: int) -> Shooter:  # the variant's fly-out table is built when first needed
        if k not in shooters:
            shooters[k] = Shooter.at(variants[grid[k]], sh.lat_deg, sh.lon_deg)
        return shooters[k]

    v = np.array(grid)
    T = engageable_catalog.size
    need = np.full(T, np.nan)
    i0 = int(np.flatnonzero(v == float(sh.interceptor.burnout_speed_km_s))[0])
    reach = float(variants[grid[-1]].kill_vehicle.max_range_km)
    near = (lane.min_range_km <= reach + REACH_SLACK_KM) & np.isfinite(lane.launch_s)
    cand = np.flatnonzero(near | engageable_catalog)
    if not cand.size:
        return need, grid
    eng0 = engageable_catalog[cand]
    # invariant: engageable at v[hi] (hi == len: not known to be engageable anywhere), not at v[lo] (lo == -1)
    lo = np.where(eng0, -1, i0)
    hi = np.where(eng0, i0, len(v))
    top = np.flatnonzero(~eng0)  # the fastest first, so hopeless threats drop out at once
    if top.size and len(v) - 1 > i0:
        ok = lane.engageable(cand[top], shooter=shooter(len(v) - 1))
        hi[top[ok]] = len(v) - 1
        lo[top[~ok]] = len(v) - 1
    while True:
        act = np.flatnonzero(hi - lo > 1)
        if not act.size:
            break
        mid = (lo[act] + hi[act]) // 2
        for m in np.unique(mid):
            sel = act[mid == m]
            ok = lane.engageable(cand[sel], shooter=shooter(int(m)))
            hi[sel[ok]] = m
            lo[sel[~ok]] = m
    need[cand] = np.where(hi < len(v), v[np.minimum(hi, len(v) - 1)], np.nan)
    return need, grid


def reaction_sweep(lane: Lane, reaction_s: float, reactions_s, speeds_km_s) -> ReactionSweep:
    """The catalog interceptor's answer and the needed speed (:func:`needed_speeds`) at each of
    ``reactions_s`` (plus ``reaction_s``, the one the lane's launch times were made with: they
    move by the difference; threats never in track stay so).  Each reaction time is solved on
    its own: one battle-space call for the catalog interceptor, then the bisection's."""
    rs = tuple(sorted({float(r) for r in reactions_s} | {float(reaction_s)}))
    T = len(lane.samples)
    eng = np.zeros((len(rs), T), bool)
    need = np.full((len(rs), T), np.nan)
    for k, r in enumerate(rs):
        moved = replace(lane, launch_s=lane.launch_s + (r - reaction_s))
        eng[k] = moved.engageable(np.arange(T))
        need[k] = needed_speeds(moved, eng[k], speeds_km_s)[0]
    return ReactionSweep(rs, eng, need, sweep_speeds(lane.shooter.interceptor, speeds_km_s)[0])
