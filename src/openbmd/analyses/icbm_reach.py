"""The Russian question: could an architecture's interceptors engage Russian ICBMs bound for the US?

For every Russian ICBM field of the ``russia-icbm`` threat set, every target of
``us-targets`` and every trajectory shape (minimum-energy, lofted, depressed),
the field's missile is flown at the target and engaged by every battery of the
architecture on the deterministic timeline of
:func:`openbmd.engagement.many.engage_many` (first detection after burnout,
firm track, launch-on-remote cues, the architecture's reaction time, the
battle space under the kill vehicle's limits).  Per (case, battery):

``engageable``
    the battery can launch after its earliest allowed launch and meet the
    warhead inside its kill vehicle's limits (engage_many's answer).
``margin_s``
    how much later than its earliest allowed launch the battery could still
    launch and intercept: the largest extra delay ``d`` for which the case
    stays engageable with every launch time moved ``d`` later, i.e. the
    latest feasible launch minus the earliest allowed launch (the maximum
    over feasible intercept points of ``t - fly-out time - earliest launch``).
    Found by bisection on ``d`` to ``MARGIN_TOL_S`` (one battle-space call per
    step for all of a battery's threats), bracketed from below by the launch of
    the battle space's latest feasible intercept (which is NOT the margin: the
    slack often peaks earlier along the track).  ``None`` when not engageable.
    It is also the extra reaction time the battery could afford.
``needed_burnout_speed_km_s``
    the slowest burnout speed of the sweep (``speeds_km_s`` plus the
    interceptor's own speed) at which this battery could engage this case on
    the same timeline; ``None`` when even the fastest cannot.  A variant
    interceptor keeps the catalog's burn time, launch mass, diameter, drag
    and kill vehicle, its equivalent single-stage booster is re-calibrated to
    the new speed (:func:`openbmd.interceptors.booster.kinematic_booster`),
    and its two kinematic kill-vehicle caps, ``max_range_km`` and
    ``max_intercept_alt_km`` (both derived from the speed in the catalog: a
    free-flight range and a ballistic ceiling, each ~v^2), scale with
    ``(v / v_catalog)^2``; at the catalog speed the variant IS the catalog
    interceptor.  Engageability grows with speed (the test suite checks it
    over the whole grid), so the speed is found by bisection on the grid,
    starting from the catalog interceptor's answer; speeds at which no
    single stage of the catalog's mass and burn time exists are left out of
    that battery's grid (``speeds_km_s`` per battery says which remain).
``reaction_sweep`` (per battery, :class:`ReactionSweep`)
    the same needed speed at every reaction time of ``reaction_sweep_s``
    (plus the architecture's own): the flights, firm tracks, geometry and
    fly-out tables are shared, only the earliest allowed launch moves (firm
    track + reaction).  Each reaction time is solved on its own (the catalog
    interceptor's answer, then the bisection over speeds); a later launch can
    never need a slower interceptor, which the test suite checks.

Choices (reported in ``assumptions``): each field flies its FIRST listed
missile (the 2024 force; ``missiles="all"`` flies every missile listed);
every arc (minimum-energy; lofted and depressed: full burn, the kick on the steep or
flat side of the range-maximising one, as :func:`openbmd.flight.aim.aim`) is aimed by
:func:`openbmd.flight.aim_many.aim_many_shapes` (miss < 2 km); a target out of a
missile's reach is listed in ``unreachable``, not as a case; the warhead's radar
cross-section is the missile's (catalog default 0.1 m^2); every flight is flown once
(memoised in the process) and serves every architecture, battery and speed
(:func:`icbm_reach_set`); threats never in track or beyond the fastest variant's
kill-vehicle range need no speed search.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
import numpy as np

from openbmd.errors import InputError

SHAPES = ("min-energy", "lofted", "depressed")
DEFAULT_SPEEDS_KM_S = tuple(float(v) for v in np.arange(3.0, 7.01, 0.25))
#: reaction times (firm track to launch, s) of the sweep; the architecture's own is always added
DEFAULT_REACTION_SWEEP_S = (0.0, 30.0, 60.0, 120.0)
MAX_REACTION_S = 3600.0  #: longer than any ICBM flight: nothing left to engage
THREAT_SET = "russia-icbm"
TARGET_SET = "us-targets"
MARGIN_TOL_S = 1.0  #: margin_s check (a launch this much later must fail) and bisection tolerance (s)
#: sampling of the ICBM flights for the battle space (s): ~400-600 samples per flight; the
#: earliest intercept is interpolated between samples, the margin bisected to MARGIN_TOL_S
SAMPLE_DT_S = 4.0


@dataclass(frozen=True)
class Case:
    """One flight: a missile from a field at a target with a shape."""

    field: str
    target: str
    shape: str
    missile: str
    field_lat_deg: float
    field_lon_deg: float
    target_lat_deg: float
    target_lon_deg: float
    flight_time_s: float


@dataclass(frozen=True, eq=False)
class BatteryReach:
    """One battery's answers, arrays over the cases."""

    battery_id: str
    interceptor_id: str
    burnout_speed_km_s: float  #: the catalog interceptor's
    lat_deg: float
    lon_deg: float
    engageable: np.ndarray  #: (C,) bool
    margin_s: np.ndarray  #: (C,) NaN where not engageable
    needed_burnout_speed_km_s: np.ndarray  #: (C,) NaN where even the fastest cannot
    reason: tuple  #: (C,) None where engageable, else why not
    speeds_km_s: tuple  #: the sweep this battery could use (buildable variants)
    reaction_sweep: "ReactionSweep | None" = None  #: needed speeds per reaction time (None: not swept)


@dataclass(frozen=True, eq=False)
class ReactionSweep:
    """One battery's answers at each reaction time, arrays (R, C) over reaction times and cases."""

    reaction_s: tuple  #: (R,) ascending, the architecture's own included
    engageable: np.ndarray  #: (R, C) bool: the catalog interceptor can engage
    needed_burnout_speed_km_s: np.ndarray  #: (R, C) NaN where even the fastest of the sweep cannot

    def rows(self) -> list[dict]:
        """Per reaction time: cases engageable at the interceptor's own speed and within the
        speed sweep, the slowest needed speed, and the median needed speed of the cases
        engageable within the sweep at the shortest reaction time (a fixed set, so the median
        is comparable along the sweep; a case that drops out of the sweep counts as faster than
        its fastest speed: None when the median does)."""
        need = self.needed_burnout_speed_km_s
        base = np.isfinite(need[0]) if need.size else np.zeros(0, bool)
        out = []
        for k, r in enumerate(self.reaction_s):
            fin = np.isfinite(need[k])
            med = float(np.median(np.where(fin, need[k], np.inf)[base])) if base.any() else None
            out.append({
                "reaction_s": float(r), "engageable_cases_at_own_speed": int(self.engageable[k].sum()),
                "cases_engageable_within_sweep": int(fin.sum()),
                "slowest_needed_burnout_speed_km_s": float(need[k][fin].min()) if fin.any() else None,
                "median_needed_burnout_speed_km_s": med if med is not None and np.isfinite(med) else None})
        return out


@dataclass(frozen=True, eq=False)
class IcbmReachResult:
    architecture: object
    cases: tuple  #: Case, ...
    batteries: tuple  #: BatteryReach, ...
    unreachable: tuple  #: (field, target, shape, missile, why)
    reaction_s: float
    seconds: float
    meta: dict = field(default_factory=dict)

    def rows(self):
        """(Case, BatteryReach, index) for every case and battery, cases first."""
        for i, c in enumerate(self.cases):
            for b in self.batteries:
                yield c, b, i

    def summary(self) -> dict:
        """The JSON contract of ``openbmd icbm-reach``."""
        cases = []
        for c, b, i in self.rows():
            eng = bool(b.engageable[i])
            need = b.needed_burnout_speed_km_s[i]
            cases.append({
                "field": c.field, "target": c.target, "shape": c.shape, "missile": c.missile,
                "battery": b.battery_id, "interceptor": b.interceptor_id, "engageable": eng,
                "margin_s": round(float(b.margin_s[i]), 1) if eng else None,
                "needed_burnout_speed_km_s": float(need) if np.isfinite(need) else None,
                "reason": b.reason[i], "flight_time_s": round(c.flight_time_s, 1)})
        sites = []
        for b in self.batteries:
            need = b.needed_burnout_speed_km_s
            sites.append({
                "battery": b.battery_id, "interceptor": b.interceptor_id,
                "burnout_speed_km_s": b.burnout_speed_km_s, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg,
                "cases": len(self.cases), "engageable_cases": int(b.engageable.sum()),
                "max_margin_s": float(np.nanmax(b.margin_s)) if b.engageable.any() else None,
                "slowest_needed_burnout_speed_km_s": float(np.nanmin(need)) if np.isfinite(need).any() else None,
                "cases_engageable_within_sweep": int(np.isfinite(need).sum()),
                "speeds_km_s": list(b.speeds_km_s)})
        return {
            "architecture": self.architecture.id,
            "threat_set": THREAT_SET, "target_set": TARGET_SET,
            "reaction_s": self.reaction_s,
            "cases": cases,
            "sites": sites,
            "reaction_sweep": [
                {"battery": b.battery_id, "interceptor": b.interceptor_id, "burnout_speed_km_s": b.burnout_speed_km_s,
                 **row} for b in self.batteries if b.reaction_sweep is not None
                for row in b.reaction_sweep.rows()],
            "unreachable": [dict(zip(("field", "target", "shape", "missile", "why"), u)) for u in self.unreachable],
            "assumptions": ASSUMPTIONS,
            "seconds": round(self.seconds, 2),
            **self.meta,
        }


ASSUMPTIONS = [
    "Each field flies its first listed missile (the 2024 force); positions are garrison towns, +/- 40 km (M).",
    "Timeline of engage_many: first detection after burnout, firm track after FIRM_AFTER revisits, "
    "launch at the earliest firm track among the battery's cueing sensors plus the reaction time.",
    "margin_s: latest feasible launch minus earliest allowed launch (bisection to 1 s on a common launch delay); "
    "null when not engageable.",
    "needed_burnout_speed_km_s: slowest speed of the sweep (3-7 km/s by 0.25, plus the interceptor's own) "
    "at which the battery could engage; variants keep burn time, mass and kill vehicle, the booster is "
    "re-calibrated, max_range_km and max_intercept_alt_km scale with (v / v_catalog)^2; null when 7 km/s cannot.",
    "reaction_sweep: the needed speed again at each reaction time of the sweep (default 0, 30, 60, 120 s and "
    "the architecture's own), every reaction time solved on its own; its median is over the cases engageable "
    "within the speed sweep at the shortest reaction time (a case that drops out counts as beyond 7 km/s).",
    "Warhead radar cross-section: the missile's (catalog default 0.1 m^2); no decoys, no countermeasures.",
]


# ---------------------------------------------------------------- flights
#: in-process memo of flown cases: (missile, field, field lat, lon, target, target lat, lon, shape)
#: -> (X (n, 3), V (n, 3), burnout_s, impact_s) on the SAMPLE_DT_S grid from 0, or the reason
#: it was not flown; a later call (another architecture, a narrowed run) flies only what is new
_FLOWN: dict = {}
_FLOWN_MAX = 20000


def clear_flight_memo() -> None:
    """Forget the flights memoised in this process."""
    _FLOWN.clear()


def fly_cases(fields, targets, shapes=SHAPES, *, missiles: str = "first", progress=None):
    """Fly every (field, missile, target, shape): (cases, ThreatSamples of their flights, unreachable).

    Aimed by :func:`openbmd.flight.aim_many.aim_many_shapes` (every target and shape of one
    launcher together); memoised in the process per (missile, field, target, shape)."""
    jobs = [(f, m) for f in fields for m in (f.missiles[:1] if missiles == "first" else f.missiles)]
    for n_job, (f, mid) in enumerate(jobs):
        _fly_missing(f, mid, targets, shapes)
        if progress:
            progress(n_job + 1, len(jobs))
    cases, rows, unreachable = [], [], []
    for f, mid in jobs:
        for shape in shapes:
            for t in targets:
                got = _FLOWN[_key(mid, f, t, shape)]
                if isinstance(got, str):
                    unreachable.append((f.name, t.name, shape, mid, got))
                    continue
                cases.append(Case(f.name, t.name, shape, mid, f.lat_deg, f.lon_deg, t.lat_deg, t.lon_deg,
                                  float(got[3])))
                rows.append(got)
    return cases, (_stack(rows) if rows else None), unreachable


def _key(mid, f, t, shape):
    return (mid, f.name, f.lat_deg, f.lon_deg, t.name, t.lat_deg, t.lon_deg, shape)


def _fly_missing(f, mid, targets, shapes):
    """Aim and fly the (target, shape) cases of one field and missile not yet memoised."""
    from openbmd.earth.model import earth_model
    from openbmd.flight.samples import sample_flights
    from openbmd.flight.aim_many import aim_many_shapes
    from openbmd.flight.shaping import Launcher
    from openbmd.missiles import get_missile

    todo = [t for t in targets if any(_key(mid, f, t, s) not in _FLOWN for s in shapes)]
    if not todo:
        return
    if len(_FLOWN) > _FLOWN_MAX:
        _FLOWN.clear()
    launcher = Launcher(get_missile(mid), f.lat_deg, f.lon_deg, earth_model("wgs84"), True)
    aims = aim_many_shapes(launcher, [t.lat_deg for t in todo], [t.lon_deg for t in todo], tuple(shapes))
    steer, keys = [], []
    for shape, a in aims.items():
        for j, t in enumerate(todo):
            if a.reachable[j]:
                steer.append((a.azimuth_deg[j], a.kick_deg[j], a.cutoff_s[j]))
                keys.append(_key(mid, f, t, shape))
            else:
                _FLOWN[_key(mid, f, t, shape)] = a.why[j]
    if not steer:
        return
    az, kick, cut = (np.array(x) for x in zip(*steer))
    b = launcher.fly(az, kick, cut, history=True)
    down = np.asarray(b.status) == 0
    for k in np.flatnonzero(~down):
        _FLOWN[keys[k]] = "flight did not come down"
    if not down.all():
        b = launcher.fly(az[down], kick[down], cut[down], history=True)
        keys = [k for k, d in zip(keys, down) if d]
    s = sample_flights(b, SAMPLE_DT_S)
    for i, k in enumerate(keys):
        n = int(np.searchsorted(s.t_s, s.impact_s[i], side="right"))
        _FLOWN[k] = (s.ecef_m[i, :n].copy(), s.vel_m_s[i, :n].copy(), float(s.burnout_s[i]), float(s.impact_s[i]))


def _stack(rows):
    """One ThreatSamples from memoised flights (a grid of step SAMPLE_DT_S from 0, NaN after impact)."""
    from openbmd.flight.samples import ThreatSamples

    N = max(r[0].shape[0] for r in rows)
    t = np.arange(N) * SAMPLE_DT_S
    X = np.full((len(rows), N, 3), np.nan)
    V = np.full_like(X, np.nan)
    for i, r in enumerate(rows):
        X[i, :r[0].shape[0]], V[i, :r[1].shape[0]] = r[0], r[1]
    return ThreatSamples(t, X, V, np.array([r[2] for r in rows]), np.array([r[3] for r in rows]))


# ---------------------------------------------------------------- interceptor variants
def interceptor_at_speed(icp, speed_km_s: float):
    """The interceptor with another burnout speed (see the module doc); the catalog one at its own speed."""
    from openbmd.interceptors.booster import kinematic_booster

    v0 = icp.burnout_speed_km_s
    if v0 is not None and abs(speed_km_s - v0) < 1e-9:
        return icp
    if not icp.kinematic or v0 is None:
        raise InputError(f"interceptor {icp.id!r} is given by [[stages]]; a burnout-speed sweep needs the "
                         "kinematic form (burnout_speed_km_s, burn_time_s, launch_mass_kg)")
    f = (speed_km_s / v0) ** 2
    kv = icp.kill_vehicle
    kv = replace(kv, max_range_km=kv.max_range_km * f, max_intercept_alt_km=kv.max_intercept_alt_km * f)
    bst = icp.booster
    booster = kinematic_booster(icp.id, icp.name, burnout_speed_km_s=float(speed_km_s),
                                burn_time_s=icp.burn_time_s, launch_mass_kg=icp.launch_mass_kg,
                                diameter_m=bst.diameter_m, drag_mach=tuple(bst.drag_mach), drag_cd=tuple(bst.drag_cd))
    return replace(icp, booster=booster, kill_vehicle=kv, burnout_speed_km_s=float(speed_km_s),
                   burnout_speed_spread_km_s=None)


_VARIANTS: dict = {}  #: (interceptor, speed) -> variant or None (not buildable): shared by every battery


def sweep_speeds(icp, speeds_km_s) -> tuple[tuple[float, ...], dict]:
    """The grid for ``icp`` (the given speeds plus its own, sorted) and the buildable variants
    (memoised in the process: every battery with this interceptor shares them and their tables)."""
    grid = sorted({round(float(v), 6) for v in speeds_km_s} | {float(icp.burnout_speed_km_s)})
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


# ---------------------------------------------------------------- engagement
@dataclass(frozen=True, eq=False)
class _Ctx:
    """What every battle-space call of one battery shares."""

    s: object  #: ThreatSamples
    rb: object  #: ResolvedBattery
    t_launch: np.ndarray  #: (T,) earliest allowed launch (engage_many's timeline)
    allowed: np.ndarray | None
    min_range_km: np.ndarray  #: (T,) closest approach of each ground track to the site
    geometry: dict | None = None  #: threat_geometry of s (shared by every battery and call)


def _ctx(s, rb, t_launch, rcs_m2, geometry=None):
    from openbmd.engagement.many import _min_ground_range_km

    allowed = None
    if not rb.entry.engage_on_remote:
        allowed = rb.fire_control.visible(s.ecef_m, rcs_m2=rcs_m2) & np.isfinite(s.ecef_m[..., 0])
    return _Ctx(s, rb, t_launch, allowed, _min_ground_range_km(s, rb.entry.lat_deg, rb.entry.lon_deg), geometry)


def _solve(ctx: _Ctx, icp, idx, t_launch, table=None):
    """The battle space of threats ``idx`` (launching no earlier than ``t_launch``, per threat)
    for ``icp`` at the battery's site, or None when none can be in reach (ground range only)."""
    from openbmd.engagement.battlespace import battle_space
    from openbmd.engagement.many import kill_vehicle_limits
    from openbmd.interceptors.flyout import flyout_table

    table = table or flyout_table(icp, ctx.rb.entry.lat_deg)
    limits = kill_vehicle_limits(icp)
    e = ctx.rb.entry
    return battle_space(ctx.s.t_s, ctx.s.ecef_m, ctx.s.vel_m_s, e.lat_deg, e.lon_deg, table, t_launch, limits,
                        pair_threat=idx, allowed=ctx.allowed, geometry=ctx.geometry)


def _in_reach(ctx: _Ctx, idx, reach_km: float) -> np.ndarray:
    """Threats ``idx`` in track whose ground track passes within ``reach_km`` (+50 km) of the site."""
    return (ctx.min_range_km[idx] <= reach_km + 50.0) & np.isfinite(ctx.t_launch[idx])


def _engageable(ctx: _Ctx, icp, idx, delay_s=0.0, table=None) -> np.ndarray:
    """(len(idx),) bool: can ``icp`` from the battery's site engage threats ``idx``, launching no
    earlier than the timeline allows plus ``delay_s``?"""
    from openbmd.interceptors.flyout import flyout_table

    idx = np.asarray(idx, np.int64)
    out = np.zeros(idx.size, bool)
    table = table or flyout_table(icp, ctx.rb.entry.lat_deg)
    go = _in_reach(ctx, idx, min(float(table.reach_range_km), float(icp.kill_vehicle.max_range_km)))
    if go.any():
        out[go] = _solve(ctx, icp, idx[go], ctx.t_launch[idx[go]] + delay_s, table).engageable
    return out


def margins_s(ctx: _Ctx, icp, idx, *, tol_s: float = MARGIN_TOL_S) -> np.ndarray:
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
    from openbmd.interceptors.flyout import flyout_table

    table = flyout_table(icp, ctx.rb.entry.lat_deg)
    tl = ctx.t_launch[idx]
    lo = np.maximum(np.nan_to_num(_solve(ctx, icp, idx, tl, table).latest_launch_s - tl, nan=0.0), 0.0)
    hi = np.maximum(ctx.s.impact_s[idx] - tl, lo) + 1.0  # never engageable this late
    while np.any(hi - lo > tol_s):
        act = np.flatnonzero(hi - lo > tol_s)
        mid = 0.5 * (lo[act] + hi[act])
        ok = _engageable_delay(ctx, icp, idx[act], mid, table)
        lo[act] = np.where(ok, mid, lo[act])
        hi[act] = np.where(ok, hi[act], mid)
    return lo


def _engageable_delay(ctx, icp, idx, delays, table):
    """Like :func:`_engageable` with a delay per threat."""
    return _solve(ctx, icp, idx, ctx.t_launch[idx] + delays, table).engageable


def needed_speeds(ctx: _Ctx, engageable_catalog: np.ndarray, speeds_km_s) -> tuple[np.ndarray, tuple]:
    """(T,) slowest speed of the sweep at which the battery engages each threat (NaN: none),
    by bisection on the grid from the catalog interceptor's answer ``engageable_catalog``.

    Threats never in track, or whose ground track stays beyond the fastest variant's kill-vehicle
    range, are NaN at once (no fly-out table built); each bisection round solves every threat
    that needs one speed in one battle-space call."""
    icp = ctx.rb.interceptor
    grid, variants = sweep_speeds(icp, speeds_km_s)
    v = np.array(grid)
    T = engageable_catalog.size
    need = np.full(T, np.nan)
    i0 = int(np.flatnonzero(v == float(icp.burnout_speed_km_s))[0])
    fastest = variants[grid[-1]]
    cand = np.flatnonzero(_in_reach(ctx, np.arange(T), float(fastest.kill_vehicle.max_range_km))
                          | engageable_catalog)
    if not cand.size:
        return need, grid
    eng0 = engageable_catalog[cand]
    # invariant: engageable at v[hi] (hi == len: not known to be engageable anywhere), not at v[lo] (lo == -1)
    lo = np.where(eng0, -1, i0)
    hi = np.where(eng0, i0, len(v))
    top = np.flatnonzero(~eng0)  # the fastest first, so hopeless threats drop out at once
    if top.size and len(v) - 1 > i0:
        ok = _engageable(ctx, fastest, cand[top])
        hi[top[ok]] = len(v) - 1
        lo[top[~ok]] = len(v) - 1
    while True:
        act = np.flatnonzero(hi - lo > 1)
        if not act.size:
            break
        mid = (lo[act] + hi[act]) // 2
        for m in np.unique(mid):
            sel = act[mid == m]
            ok = _engageable(ctx, variants[grid[m]], cand[sel])
            hi[sel[ok]] = m
            lo[sel[~ok]] = m
    need[cand] = np.where(hi < len(v), v[np.minimum(hi, len(v) - 1)], np.nan)
    return need, grid


def reaction_sweep(ctx: _Ctx, reaction_s: float, reactions_s, speeds_km_s) -> ReactionSweep:
    """The catalog interceptor's answer and the needed speed (:func:`needed_speeds`) at each of
    ``reactions_s`` (plus ``reaction_s``, the one ``ctx``'s launch times were made with: they
    move by the difference; threats never in track stay so).  Each reaction time is solved on
    its own: one battle-space call for the catalog interceptor, then the bisection's."""
    rs = tuple(sorted({float(r) for r in reactions_s} | {float(reaction_s)}))
    icp, T = ctx.rb.interceptor, len(ctx.s)
    eng = np.zeros((len(rs), T), bool)
    need = np.full((len(rs), T), np.nan)
    for k, r in enumerate(rs):
        c = replace(ctx, t_launch=ctx.t_launch + (r - reaction_s))
        eng[k] = _engageable(c, icp, np.arange(T))
        need[k] = needed_speeds(c, eng[k], speeds_km_s)[0]
    return ReactionSweep(rs, eng, need)


def check_reactions(reactions_s) -> tuple[float, ...]:
    """The reaction times of a sweep as floats, or an InputError naming what is allowed."""
    try:
        rs = tuple(float(r) for r in np.atleast_1d(np.asarray(reactions_s, float)))
    except (TypeError, ValueError):
        raise InputError(f"reaction times {reactions_s!r} must be numbers of seconds") from None
    bad = [r for r in rs if not (np.isfinite(r) and 0.0 <= r <= MAX_REACTION_S)]
    if bad:
        raise InputError(f"reaction time {bad[0]:g} s: allowed 0 to {MAX_REACTION_S:g} s")
    return rs


def icbm_reach(architecture, **kw) -> IcbmReachResult:
    """Can ``architecture`` (an Architecture or its id) engage Russian ICBMs bound for the US?
    :func:`icbm_reach_set` for one architecture (same keywords)."""
    return icbm_reach_set([architecture], **kw)[0]


def icbm_reach_set(architectures, *, fields=None, targets=None, shapes=SHAPES, speeds_km_s=DEFAULT_SPEEDS_KM_S,
                   reaction_s=None, reaction_sweep_s=DEFAULT_REACTION_SWEEP_S, missiles: str = "first", rcs_m2=None, progress=None) -> list[IcbmReachResult]:
    """Can each of ``architectures`` (Architectures or ids) engage Russian ICBMs bound for the US?

    The field x target x shape flights are flown once and engaged by every architecture
    (what ``openbmd assess`` does for the EPAA phases and GMD).  ``fields``/``targets``: names
    of the ``russia-icbm`` threat set and the ``us-targets`` target set (case-insensitive;
    default all); ``shapes``: trajectory shapes; ``speeds_km_s``: the burnout-speed sweep;
    ``reaction_s`` overrides each architecture's; ``reaction_sweep_s``: the reaction times (s) at
    which the needed speed is found again (the architecture's own is added; None or empty: no
    sweep); ``missiles``: "first" (default) or "all" the
    missiles of each field.  ``progress(done, total)`` is called as work proceeds.  See the
    module doc for the meaning of each answer.
    """
    from openbmd.architectures.loader import get_architecture, get_target_set, get_threat_set
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.battlespace import threat_geometry
    from openbmd.engagement.engage import threat_rcs_m2
    from openbmd.missiles import get_missile

    t0 = time.perf_counter()
    archs = [get_architecture(a) if isinstance(a, str) else a for a in architectures]
    if not archs:
        raise InputError("give at least one architecture")
    ts, tg = get_threat_set(THREAT_SET), get_target_set(TARGET_SET)
    fs = [ts.area(n) for n in fields] if fields else list(ts.areas)
    tt = [tg.target(n) for n in targets] if targets else list(tg.targets)
    bad = [s for s in shapes if s not in SHAPES]
    if bad or not shapes:
        raise InputError(f"unknown shape {', '.join(map(repr, bad)) or '(none)'}; allowed: {', '.join(SHAPES)}")
    if missiles not in ("first", "all"):
        raise InputError(f"missiles = {missiles!r}; allowed: first, all")
    sp = [float(v) for v in np.atleast_1d(np.asarray(speeds_km_s, float))]
    if not sp or not all(np.isfinite(v) and 0.5 <= v <= 12.0 for v in sp):
        raise InputError(f"burnout speeds {sp} must be finite, between 0.5 and 12 km/s")
    sweep_r = check_reactions(reaction_sweep_s) if reaction_sweep_s is not None and len(reaction_sweep_s) else ()
    resolved = [resolve(a) for a in archs]
    for a, r in zip(archs, resolved):
        if not r.batteries:
            raise InputError(f"architecture {a.id!r} has no [[battery]]: nothing to engage with")
    n_jobs = sum(1 if missiles == "first" else len(f.missiles) for f in fs)
    total = n_jobs + sum((3 if sweep_r else 2) * len(r.batteries) + 1 for r in resolved)
    done = [0]

    def tick(k=1):
        done[0] += k
        if progress:
            progress(done[0], total)

    cases, s, unreachable = fly_cases(fs, tt, shapes, missiles=missiles, progress=lambda d, n: tick())
    t_fly = time.perf_counter() - t0
    geometry = threat_geometry(s.ecef_m, s.vel_m_s) if cases else None
    rcs = None
    if cases:
        rcs = rcs_m2 if rcs_m2 is not None else max(threat_rcs_m2(get_missile(m)) for m in {c.missile for c in cases})
    out = []
    for arch, res in zip(archs, resolved):
        t1 = time.perf_counter()
        reaction = arch.command.reaction_s if reaction_s is None else float(reaction_s)
        batteries = _engage(res, s, rcs, reaction, sp, sweep_r, geometry, tick) if cases else []
        out.append(IcbmReachResult(arch, tuple(cases), tuple(batteries), tuple(unreachable), reaction,
                                   t_fly + time.perf_counter() - t1,
                                   {"flights_s": round(t_fly, 2), "engagement_s": round(time.perf_counter() - t1, 2)}))
    return out


def _engage(resolved, s, rcs, reaction, speeds, reactions, geometry, tick) -> list[BatteryReach]:
    """Every battery of one architecture against every flight: engageable, margin, needed speed
    (and again at each of ``reactions``, when given)."""
    from openbmd.engagement.many import engage_many

    res = engage_many(resolved, s, rcs, reaction_s=reaction)
    tick()
    batteries = []
    for rb, o in zip(resolved.batteries, res.batteries):
        ctx = _ctx(s, rb, o.launch_s, rcs, geometry)
        margin = np.full(len(s), np.nan)
        eng = np.flatnonzero(o.engageable)
        margin[eng] = margins_s(ctx, rb.interceptor, eng)
        tick()
        need, grid = needed_speeds(ctx, o.engageable, speeds)
        tick()
        sweep = None
        if reactions:
            sweep = reaction_sweep(ctx, reaction, reactions, speeds)
            tick()
        batteries.append(BatteryReach(rb.id, rb.interceptor.id, float(rb.interceptor.burnout_speed_km_s),
                                      rb.entry.lat_deg, rb.entry.lon_deg, o.engageable.copy(), margin, need,
                                      o.reason, grid, sweep))
    return batteries
