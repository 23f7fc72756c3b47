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
    Found by bisection on ``d`` with :func:`~openbmd.engagement.battlespace.battle_space`
    to ``MARGIN_TOL_S``; ``None`` when not engageable.  It is also the extra
    reaction time the battery could afford.
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

Choices (reported in ``assumptions``): each field flies its FIRST listed
missile (the 2024 force; ``missiles="all"`` flies every missile listed);
minimum-energy arcs are aimed by :func:`openbmd.flight.aim_many.aim_many`
(miss < 2 km), lofted and depressed arcs (full burn, the kick on the steep or
flat side of the range-maximising one, as :func:`openbmd.flight.aim.aim`) by
a vectorized version of the same iteration here (miss < 2 km); a target out of
a missile's reach is listed in ``unreachable``, not as a case; the warhead's
radar cross-section is the missile's (catalog default 0.1 m^2); every flight
is flown once and serves every battery and every speed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
import numpy as np

from openbmd.errors import InputError

SHAPES = ("min-energy", "lofted", "depressed")
DEFAULT_SPEEDS_KM_S = tuple(float(v) for v in np.arange(3.0, 7.01, 0.25))
THREAT_SET = "russia-icbm"
TARGET_SET = "us-targets"
MARGIN_TOL_S = 1.0  #: bisection tolerance of margin_s (s)
AIM_MISS_M = 2000.0  #: lofted/depressed aim tolerance (that of aim_many)
AIM_ROUNDS = 8
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
                "cases_reachable_at_7_km_s": int(np.isfinite(need).sum()),
                "speeds_km_s": list(b.speeds_km_s)})
        return {
            "architecture": self.architecture.id,
            "threat_set": THREAT_SET, "target_set": TARGET_SET,
            "reaction_s": self.reaction_s,
            "cases": cases,
            "sites": sites,
            "unreachable": [dict(zip(("field", "target", "shape", "missile", "why"), u)) for u in self.unreachable],
            "assumptions": ASSUMPTIONS,
            "seconds": round(self.seconds, 2),
            **self.meta,
        }


ASSUMPTIONS = [
    "Each field flies its first listed missile (the 2024 force); positions are garrison towns, +/- 40 km (M).",
    "Timeline of engage_many: first detection after burnout, firm track after FIRM_AFTER revisits, "
    "launch at the earliest firm track among the battery's cueing sensors plus the reaction time.",
    "margin_s: latest feasible launch minus earliest allowed launch (bisection to 1 s); null when not engageable.",
    "needed_burnout_speed_km_s: slowest speed of the sweep (3-7 km/s by 0.25, plus the interceptor's own) "
    "at which the battery could engage; variants keep burn time, mass and kill vehicle, the booster is "
    "re-calibrated, max_range_km and max_intercept_alt_km scale with (v / v_catalog)^2; null when 7 km/s cannot.",
    "Warhead radar cross-section: the missile's (catalog default 0.1 m^2); no decoys, no countermeasures.",
]


# ---------------------------------------------------------------- flights
def _aim_shaped_many(launcher, tlat, tlon, shape):
    """Full-burn lofted/depressed steering to each target, all targets flown together.

    The iteration of :func:`openbmd.flight.aim.aim` for many lanes: the kick on the steep
    (lofted) or flat (depressed) side of the range-maximising kick that flies the range,
    the azimuth corrected by the impact's bearing error.  Returns (az, kick, miss_m, why).
    """
    from openbmd.earth.geodesy import geodesic_inverse
    from openbmd.flight.shaping import KICK_MAX_DEG, KICK_MIN_DEG, max_range_kick, solve_monotone

    n = tlat.size
    lat0, lon0 = np.full(n, launcher.lat_deg), np.full(n, launcher.lon_deg)
    dist, bearing, _ = (np.asarray(x, float) for x in geodesic_inverse(lat0, lon0, tlat, tlon, launcher.earth))
    az, want = bearing.copy(), dist.copy()
    best_az, best_kick, best_miss = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.inf)
    why = np.array([""] * n, dtype=object)
    todo = np.arange(n)
    for _ in range(AIM_ROUNDS):
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
            lo, hi = k_opt, _depressed_limits(launcher, az[todo], k_opt)
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
        go = ok & (miss >= AIM_MISS_M)
        if not go.any():
            break
        d_i, az_i, _ = geodesic_inverse(lat0[todo][go], lon0[todo][go], b.impact_lat_deg[go], b.impact_lon_deg[go],
                                        launcher.earth)
        t = todo[go]
        az[t] = (az[t] + ((bearing[t] - np.asarray(az_i) + 540.0) % 360.0 - 180.0)) % 360.0
        want[t] = want[t] + dist[t] - np.asarray(d_i)
        todo = t
    for i in np.flatnonzero((best_miss >= AIM_MISS_M) & (why == "")):
        why[i] = f"could not aim a {shape} arc within {AIM_MISS_M / 1e3:g} km"
    return best_az, best_kick, best_miss, why


def _depressed_limits(launcher, az, k_opt, n: int = 16):
    """Per lane, the flattest kick whose powered flight still ends above ground
    (:func:`openbmd.flight.shaping.depressed_limit_kick` for many lanes)."""
    from openbmd.flight.shaping import KICK_MAX_DEG

    f = np.linspace(0.0, 1.0, n)
    kicks = k_opt[:, None] + f[None, :] * (KICK_MAX_DEG - k_opt[:, None])
    b = launcher.fly(np.repeat(az, n), kicks.ravel())
    ok = ((b.status == 0) & np.isfinite(b.burnout_angle_deg)).reshape(-1, n)
    last = n - 1 - np.argmax(ok[:, ::-1], axis=1)
    return np.where(ok.any(axis=1), kicks[np.arange(len(az)), last], k_opt)


def fly_cases(fields, targets, shapes=SHAPES, *, missiles: str = "first", progress=None):
    """Fly every (field, missile, target, shape): (cases, ThreatSamples of their flights, unreachable)."""
    from openbmd.earth.model import earth_model
    from openbmd.engagement.many import sample_flights
    from openbmd.flight.aim_many import aim_many
    from openbmd.flight.shaping import Launcher
    from openbmd.missiles import get_missile

    tlat = np.array([t.lat_deg for t in targets])
    tlon = np.array([t.lon_deg for t in targets])
    cases, parts, unreachable = [], [], []
    jobs = [(f, m) for f in fields for m in (f.missiles[:1] if missiles == "first" else f.missiles)]
    for n_job, (f, mid) in enumerate(jobs):
        m = get_missile(mid)
        launcher = Launcher(m, f.lat_deg, f.lon_deg, earth_model("wgs84"), True)
        for shape in shapes:
            if shape == "min-energy":
                a = aim_many(launcher, tlat, tlon)
                az, kick, cut, ok = a.azimuth_deg, a.kick_deg, a.cutoff_s, a.reachable
                why = [f"out of reach of a minimum-energy {mid} arc"] * len(targets)
            else:
                az, kick, miss, why = _aim_shaped_many(launcher, tlat, tlon, shape)
                cut, ok = np.full(len(targets), np.inf), miss < AIM_MISS_M
            for j in np.flatnonzero(~ok):
                unreachable.append((f.name, targets[j].name, shape, mid, why[j]))
            idx = np.flatnonzero(ok)
            if not idx.size:
                continue
            b = launcher.fly(az[idx], kick[idx], cut[idx], history=True)
            down = np.asarray(b.status) == 0
            for j in idx[~down]:
                unreachable.append((f.name, targets[j].name, shape, mid, "flight did not come down"))
            if not down.all():
                b = launcher.fly(az[idx[down]], kick[idx[down]], cut[idx[down]], history=True)
                idx = idx[down]
            s = sample_flights(b, SAMPLE_DT_S)
            parts.append(s)
            for k, j in enumerate(idx):
                cases.append(Case(f.name, targets[j].name, shape, mid, f.lat_deg, f.lon_deg, float(tlat[j]),
                                  float(tlon[j]), float(s.impact_s[k])))
        if progress:
            progress(n_job + 1, len(jobs))
    return cases, (merge_samples(parts) if parts else None), unreachable


def merge_samples(parts):
    """One ThreatSamples from several on grids of the same step from 0 (NaN after each flight's end)."""
    from openbmd.engagement.many import ThreatSamples

    t = max((p.t_s for p in parts), key=lambda x: x.size)
    X = np.full((sum(len(p) for p in parts), t.size, 3), np.nan)
    V = np.full_like(X, np.nan)
    row = 0
    for p in parts:
        if not np.allclose(p.t_s, t[:p.t_s.size]):
            raise ValueError("merge_samples: the parts' time grids differ")
        X[row:row + len(p), :p.t_s.size] = p.ecef_m
        V[row:row + len(p), :p.t_s.size] = p.vel_m_s
        row += len(p)
    return ThreatSamples(t, X, V, np.concatenate([p.burnout_s for p in parts]),
                         np.concatenate([p.impact_s for p in parts]))


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


def sweep_speeds(icp, speeds_km_s) -> tuple[tuple[float, ...], dict]:
    """The grid for ``icp`` (the given speeds plus its own, sorted) and the buildable variants."""
    grid = sorted({round(float(v), 6) for v in speeds_km_s} | {float(icp.burnout_speed_km_s)})
    variants = {}
    for v in grid:
        try:
            variants[v] = interceptor_at_speed(icp, v)
        except InputError:  # no single stage of this mass and burn time reaches v
            continue
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


def _ctx(s, rb, t_launch, rcs_m2):
    from openbmd.engagement.many import _min_ground_range_km

    allowed = None
    if not rb.entry.engage_on_remote:
        allowed = rb.fire_control.visible(s.ecef_m, rcs_m2=rcs_m2) & np.isfinite(s.ecef_m[..., 0])
    return _Ctx(s, rb, t_launch, allowed, _min_ground_range_km(s, rb.entry.lat_deg, rb.entry.lon_deg))


def _engageable(ctx: _Ctx, icp, idx, delay_s=0.0, table=None) -> np.ndarray:
    """(len(idx),) bool: can ``icp`` from the battery's site engage threats ``idx``, launching no
    earlier than the timeline allows plus ``delay_s``?"""
    from openbmd.engagement.battlespace import battle_space
    from openbmd.engagement.many import kill_vehicle_limits
    from openbmd.interceptors.flyout import flyout_table

    idx = np.asarray(idx, np.int64)
    out = np.zeros(idx.size, bool)
    table = table or flyout_table(icp, ctx.rb.entry.lat_deg)
    limits = kill_vehicle_limits(icp)
    reach = min(float(table.reach_range_km), float(limits.max_range_km))
    tl = ctx.t_launch[idx] + delay_s
    go = (ctx.min_range_km[idx] <= reach + 50.0) & np.isfinite(tl)
    if go.any():
        e = ctx.rb.entry
        bs = battle_space(ctx.s.t_s, ctx.s.ecef_m, ctx.s.vel_m_s, e.lat_deg, e.lon_deg, table, tl[go], limits,
                          pair_threat=idx[go], allowed=ctx.allowed)
        out[go] = bs.engageable
    return out


def margins_s(ctx: _Ctx, icp, idx, *, tol_s: float = MARGIN_TOL_S) -> np.ndarray:
    """Latest feasible launch minus earliest allowed launch for engageable threats ``idx`` (bisection)."""
    from openbmd.interceptors.flyout import flyout_table

    idx = np.asarray(idx, np.int64)
    table = flyout_table(icp, ctx.rb.entry.lat_deg)
    lo = np.zeros(idx.size)
    hi = np.maximum(ctx.s.impact_s[idx] - ctx.t_launch[idx], 0.0) + 1.0  # never engageable this late
    while idx.size and np.any(hi - lo > tol_s):
        act = np.flatnonzero(hi - lo > tol_s)
        mid = 0.5 * (lo[act] + hi[act])
        ok = _engageable_delay(ctx, icp, idx[act], mid, table)
        lo[act] = np.where(ok, mid, lo[act])
        hi[act] = np.where(ok, hi[act], mid)
    return lo


def _engageable_delay(ctx, icp, idx, delays, table):
    """Like :func:`_engageable` with a delay per threat."""
    from openbmd.engagement.battlespace import battle_space
    from openbmd.engagement.many import kill_vehicle_limits

    e = ctx.rb.entry
    bs = battle_space(ctx.s.t_s, ctx.s.ecef_m, ctx.s.vel_m_s, e.lat_deg, e.lon_deg, table,
                      ctx.t_launch[idx] + delays, kill_vehicle_limits(icp), pair_threat=idx, allowed=ctx.allowed)
    return bs.engageable


def needed_speeds(ctx: _Ctx, engageable_catalog: np.ndarray, speeds_km_s) -> tuple[np.ndarray, tuple]:
    """(T,) slowest speed of the sweep at which the battery engages each threat (NaN: none),
    by bisection on the grid from the catalog interceptor's answer ``engageable_catalog``."""
    icp = ctx.rb.interceptor
    grid, variants = sweep_speeds(icp, speeds_km_s)
    v = np.array(grid)
    T = engageable_catalog.size
    i0 = int(np.flatnonzero(v == float(icp.burnout_speed_km_s))[0])
    # invariant: engageable at v[hi] (hi == len: not known to be engageable anywhere), not at v[lo] (lo == -1)
    lo = np.where(engageable_catalog, -1, i0)
    hi = np.where(engageable_catalog, i0, len(v))
    # the fastest first, so hopeless cases drop out at once
    top = np.flatnonzero(~engageable_catalog)
    if top.size and len(v) - 1 > i0:
        ok = _engageable(ctx, variants[grid[-1]], top)
        hi[top[ok]] = len(v) - 1
        lo[top[~ok]] = len(v) - 1
    while True:
        act = np.flatnonzero(hi - lo > 1)
        if not act.size:
            break
        mid = (lo[act] + hi[act]) // 2
        for m in np.unique(mid):
            sel = act[mid == m]
            ok = _engageable(ctx, variants[grid[m]], sel)
            hi[sel[ok]] = m
            lo[sel[~ok]] = m
    need = np.where(hi < len(v), v[np.minimum(hi, len(v) - 1)], np.nan)
    return need, grid


def icbm_reach(architecture, *, fields=None, targets=None, shapes=SHAPES, speeds_km_s=DEFAULT_SPEEDS_KM_S,
               reaction_s=None, missiles: str = "first", rcs_m2=None, progress=None) -> IcbmReachResult:
    """Can ``architecture`` (an Architecture or its id) engage Russian ICBMs bound for the US?

    ``fields``/``targets``: names of the ``russia-icbm`` threat set and the ``us-targets`` target
    set (case-insensitive; default all); ``shapes``: trajectory shapes; ``speeds_km_s``: the
    burnout-speed sweep; ``reaction_s`` overrides the architecture's; ``missiles``: "first"
    (default) or "all" the missiles of each field.  ``progress(done, total)`` is called as work
    proceeds.  See the module doc for the meaning of each answer.
    """
    from openbmd.architectures.loader import get_architecture, get_target_set, get_threat_set
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.engage import threat_rcs_m2
    from openbmd.engagement.many import engage_many
    from openbmd.missiles import get_missile

    t0 = time.perf_counter()
    arch = get_architecture(architecture) if isinstance(architecture, str) else architecture
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
    resolved = resolve(arch)
    if not resolved.batteries:
        raise InputError(f"architecture {arch.id!r} has no [[battery]]: nothing to engage with")
    reaction = arch.command.reaction_s if reaction_s is None else float(reaction_s)
    n_jobs = sum(1 if missiles == "first" else len(f.missiles) for f in fs)
    total = n_jobs + 3 * len(resolved.batteries)
    report = (lambda d: progress(d, total)) if progress else None

    cases, s, unreachable = fly_cases(fs, tt, shapes, missiles=missiles,
                                          progress=(lambda d, n: report(d)) if report else None)
    batteries = []
    if cases:
        rcs = rcs_m2 if rcs_m2 is not None else max(threat_rcs_m2(get_missile(m)) for m in {c.missile for c in cases})
        res = engage_many(resolved, s, rcs, reaction_s=reaction)
        done = n_jobs
        for rb, out in zip(resolved.batteries, res.batteries):
            ctx = _ctx(s, rb, out.launch_s, rcs)
            margin = np.full(len(cases), np.nan)
            eng = np.flatnonzero(out.engageable)
            margin[eng] = margins_s(ctx, rb.interceptor, eng)
            done += 1
            if report:
                report(done)
            need, grid = needed_speeds(ctx, out.engageable, sp)
            done += 2
            if report:
                report(done)
            batteries.append(BatteryReach(rb.id, rb.interceptor.id, float(rb.interceptor.burnout_speed_km_s),
                                          rb.entry.lat_deg, rb.entry.lon_deg, out.engageable.copy(), margin, need,
                                          out.reason, grid))
    return IcbmReachResult(arch, tuple(cases), tuple(batteries), tuple(unreachable), reaction,
                           time.perf_counter() - t0)
