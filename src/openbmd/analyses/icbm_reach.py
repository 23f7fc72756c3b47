"""The Russian question: could an architecture's interceptors engage Russian ICBMs bound for the US?

For every Russian ICBM field of the ``russia-icbm`` threat set, every target of
``us-targets`` and every trajectory shape (minimum-energy, lofted, depressed),
the field's missile is flown at the target (:mod:`openbmd.analyses.icbm_flights`) and
engaged by every battery of the architecture on the deterministic timeline of
:func:`openbmd.engagement.engine.engage_many` (first detection, in boost where a
radar sees the booster, firm track, early-warning launches where allowed, launch-on-remote cues, the architecture's reaction time, the
battle space under the kill vehicle's limits).  Per (case, battery):

``engageable``
    the battery can launch after its earliest allowed launch and meet the
    warhead inside its kill vehicle's limits (engage_many's answer).
``launch_s``, ``intercept_altitude_km``
    the battery's first interceptor launch (s after the ICBM's launch: the launch toward
    the earliest feasible intercept, no earlier than the earliest allowed launch) and that
    earliest intercept's altitude; ``None`` when not engageable.
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
    the same timeline; ``None`` when even the fastest cannot;
    ``needed_burnout_speed_bound`` is ``"at_most"`` when it is the sweep's
    slowest speed (the case may need less; shown ``<=``).  A variant
    interceptor (:func:`openbmd.interceptors.variants.interceptor_at_speed`)
    is, below the catalog speed, the catalog booster with its burn cut short
    (launch mass, Isp, thrust, diameter, drag and kill vehicle kept; it flies
    as the catalog one up to the cut) and, above it, the same load
    re-calibrated to a higher Isp
    (:func:`openbmd.interceptors.booster.kinematic_booster`);
    its two kinematic kill-vehicle caps, ``max_range_km`` and
    ``max_intercept_alt_km`` (both derived from the speed in the catalog: a
    free-flight range and a ballistic ceiling, each ~v^2), scale with
    ``(v / v_catalog)^2``; at the catalog speed the variant IS the catalog
    interceptor.  Engageability grows with speed (the test suite checks it
    over the whole grid), so the speed is found by bisection on the grid,
    starting from the catalog interceptor's answer; a speed no variant
    reaches is left out of that battery's grid (``speeds_km_s`` per battery
    says which remain; every catalog interceptor builds 3-7 km/s and its figures).
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
cross-section is the missile's (catalog default 0.1 m^2), the booster's in boost
(notional 1 m^2: :data:`openbmd.sensors.horizon.DEFAULT_BOOSTER_RCS_M2`); every flight is flown once
(memoised in the process) and serves every architecture, battery and speed
(:func:`icbm_reach_set`); threats never in track or beyond the fastest variant's
kill-vehicle range need no speed search.  Sites at notional stations (a ship's patrol spot
chosen by the study, ``notional_station`` in the architecture file) are marked, and
``notional_stations`` counts the cases only they engage: an answer that rests on them holds
only if a ship is there.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from openbmd.analyses.icbm_flights import SAMPLE_DT_S, SHAPES, Case, clear_flight_memo, fly_cases  # noqa: F401
from openbmd.analyses.icbm_sweeps import (MARGIN_TOL_S, ReactionSweep, figures_km_s,  # noqa: F401
                                          interceptor_at_speed,
                                          made_variants, margins_s, needed_speeds, reaction_sweep, speed_bound,
                                          sweep_speeds)
from openbmd.errors import InputError

DEFAULT_SPEEDS_KM_S = tuple(float(v) for v in np.arange(3.0, 7.01, 0.25))
#: reaction times (firm track to launch, s) of the sweep; the architecture's own is always added
DEFAULT_REACTION_SWEEP_S = (0.0, 30.0, 60.0, 120.0)
MAX_REACTION_S = 3600.0  #: longer than any ICBM flight: nothing left to engage
THREAT_SET = "russia-icbm"
TARGET_SET = "us-targets"


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
    launch_s: np.ndarray | None = None  #: (C,) first interceptor launch, s after the ICBM's launch (NaN: none)
    intercept_altitude_km: np.ndarray | None = None  #: (C,) earliest intercept's altitude (NaN: none)
    #: the disputed burnout speeds of the catalog (spread ends and the chosen figure), each in the sweep
    figures_km_s: tuple = ()
    notional_station: str | None = None  #: why the battery's station is notional (None: a sourced site)
    #: Monte Carlo of the burnout speed (:mod:`openbmd.analyses.icbm_draws`; None: not drawn)
    speed_draws: object | None = None


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
                "needed_burnout_speed_bound": speed_bound(need, b.speeds_km_s),
                "launch_s": _rounded(b.launch_s, i, eng), "intercept_altitude_km": _rounded(b.intercept_altitude_km, i, eng),
                "reason": b.reason[i], "flight_time_s": round(c.flight_time_s, 1),
                **({"engageable_share_in_speed_draws": float(b.speed_draws.share[i])} if b.speed_draws else {})})
        sites = []
        for b in self.batteries:
            need = b.needed_burnout_speed_km_s
            slow = float(np.nanmin(need)) if np.isfinite(need).any() else None
            sites.append({
                "battery": b.battery_id, "interceptor": b.interceptor_id,
                "burnout_speed_km_s": b.burnout_speed_km_s, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg,
                "cases": len(self.cases), "engageable_cases": int(b.engageable.sum()),
                "max_margin_s": float(np.nanmax(b.margin_s)) if b.engageable.any() else None,
                "slowest_needed_burnout_speed_km_s": slow,
                "slowest_needed_burnout_speed_bound": speed_bound(slow, b.speeds_km_s),
                "cases_engageable_within_sweep": int(np.isfinite(need).sum()),
                "speeds_km_s": list(b.speeds_km_s),
                "notional_station": b.notional_station,
                **({"speed_draws": b.speed_draws.summary(b.engageable)} if b.speed_draws else {}),
                # each answer at each disputed figure: cases engageable at that burnout speed
                "engageable_cases_at_figure": {f"{v:g}": int(np.sum(need <= v + 1e-9))
                                               for v in b.figures_km_s if v in b.speeds_km_s}})
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
            "notional_stations": notional_station_summary(self.batteries, len(self.cases)),
            "assumptions": ASSUMPTIONS,
            "seconds": round(self.seconds, 2),
            **self.meta,
        }


ASSUMPTIONS = [
    "Each field flies its first listed missile (the 2024 force); positions are garrison towns, +/- 40 km (M).",
    "Timeline of engage_many: radars see the booster in boost (booster RCS, notional default 1 m^2, "
    "plausible 0.5-10 m^2) and the warhead after burnout; a track that starts in boost runs a "
    "constant-acceleration filter until burnout, then the ballistic one; firm at 1 km RSS position sigma "
    "after FIRM_AFTER looks; launch at the earliest firm track among the battery's cueing sensors plus "
    "the reaction time, or (launch_on = early-warning) at the first warning plus warning_to_launch_s.",
    "margin_s: latest feasible launch minus earliest allowed launch (bisection to 1 s on a common launch delay); "
    "null when not engageable.",
    "needed_burnout_speed_km_s: slowest speed of the sweep (3-7 km/s by 0.25, plus the interceptor's own "
    "and the ends of its published spread; engageable_cases_at_figure per site counts the cases at each) "
    "at which the battery could engage; needed_burnout_speed_bound 'at_most' (shown <=) when that is the "
    "sweep's slowest speed (the case may need less); null when even the fastest cannot. A slower variant is "
    "the catalog booster with its burn cut short (launch mass, Isp, thrust, kill vehicle kept; the unburnt "
    "propellant dropped at burnout), a faster one the same load at a re-calibrated Isp (N); max_range_km and "
    "max_intercept_alt_km scale with (v / v_catalog)^2.",
    "reaction_sweep: the needed speed again at each reaction time of the sweep (default 0, 30, 60, 120 s and "
    "the architecture's own), every reaction time solved on its own; its median is over the cases engageable "
    "within the speed sweep at the shortest reaction time (a case that drops out counts as beyond the fastest).",
    "Warhead radar cross-section: the missile's (catalog default 0.1 m^2); no decoys, no countermeasures; "
    "the spent stages and the post-boost vehicle are not tracked as separate objects.",
]


def _rounded(values, i: int, engageable: bool) -> float | None:
    """``values[i]`` to 0.1 for the JSON; None when the case is not engageable (or not computed)."""
    if values is None or not engageable or not np.isfinite(values[i]):
        return None
    return round(float(values[i]), 1)


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
                   reaction_s=None, reaction_sweep_s=DEFAULT_REACTION_SWEEP_S, missiles: str = "first", rcs_m2=None,
                   booster_rcs_m2=None, boost: bool = True, launch_on=None,
                   progress=None, client=None, threat_set: str = THREAT_SET,
                   target_set: str = TARGET_SET, speed_draws=None) -> list[IcbmReachResult]:
    """Can each of ``architectures`` (Architectures or ids) engage Russian ICBMs bound for the US?

    The field x target x shape flights are flown once and engaged by every architecture
    (what ``openbmd assess`` does for the EPAA phases and GMD).  ``fields``/``targets``: names
    of the ``russia-icbm`` threat set and the ``us-targets`` target set (case-insensitive;
    default all); ``shapes``: trajectory shapes; ``speeds_km_s``: the burnout-speed sweep;
    ``reaction_s`` overrides each architecture's; ``reaction_sweep_s``: the reaction times (s) at
    which the needed speed is found again (the architecture's own is added; None or empty: no
    sweep); ``missiles``: "first" (default) or "all" the
    missiles of each field; ``rcs_m2``/``booster_rcs_m2`` override the warhead's and the booster's
    radar cross sections (default the missiles', else the project's defaults); ``boost=False``
    lets radars see the threat only after burnout; ``launch_on`` overrides every battery's launch
    modes (``openbmd.architectures.model.LAUNCH_MODES``).  ``progress(done, total)`` is called as
    work proceeds; ``client``: a Dask client to run the batteries on (None: here, in order).
    ``threat_set``/``target_set``: other launch areas and targets on the same
    machinery (issue 12: North Korea, :mod:`openbmd.analyses.north_korea`).  ``speed_draws``
    (sigma_km_s, trials, seed): a Monte Carlo of each battery's burnout speed on its sweep
    (:mod:`openbmd.analyses.icbm_draws`).  See the module doc for the meaning of each answer.
    """
    from openbmd.analyses.icbm_draws import check_draws, normal_draws
    from openbmd.architectures.loader import get_architecture, get_target_set, get_threat_set
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.battlespace import threat_geometry
    from openbmd.sensors.horizon import threat_signature
    from openbmd.sensors.signature import Signature
    from openbmd.missiles import get_missile

    t0 = time.perf_counter()
    archs = [get_architecture(a) if isinstance(a, str) else a for a in architectures]
    if not archs:
        raise InputError("give at least one architecture")
    ts, tg = get_threat_set(threat_set), get_target_set(target_set)
    fs = [ts.area(n) for n in fields] if fields else list(ts.areas)
    tt = [tg.target(n) for n in targets] if targets else list(tg.targets)
    bad = [s for s in shapes if s not in SHAPES]
    if bad or not shapes:
        raise InputError(f"unknown shape {', '.join(map(repr, bad)) or '(none)'}; allowed: {', '.join(SHAPES)}")
    if missiles not in ("first", "all"):
        raise InputError(f"missiles = {missiles!r}; allowed: first, all")
    if launch_on is not None:
        from openbmd.architectures.model import LAUNCH_MODES

        bad = [m for m in launch_on if m not in LAUNCH_MODES] if not isinstance(launch_on, str) else [launch_on]
        if bad or not launch_on:
            raise InputError(f"launch_on = {launch_on!r}; allowed: a tuple of {', '.join(LAUNCH_MODES)}")
    sp = [float(v) for v in np.atleast_1d(np.asarray(speeds_km_s, float))]
    if not sp or not all(np.isfinite(v) and 0.5 <= v <= 12.0 for v in sp):
        raise InputError(f"burnout speeds {sp} must be finite, between 0.5 and 12 km/s")
    sweep_r = check_reactions(reaction_sweep_s) if reaction_sweep_s is not None and len(reaction_sweep_s) else ()
    z = None
    if speed_draws is not None:
        check_draws(speed_draws[0], speed_draws[1])
        z = normal_draws(speed_draws[1], speed_draws[2])
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
        sigs = [threat_signature(get_missile(m), rcs_m2, booster_rcs_m2, boost=boost)
                for m in sorted({c.missile for c in cases})]
        rcs = Signature(rv_rcs_m2=max(g.rv_rcs_m2 for g in sigs),
                        booster_rcs_m2=max(g.booster_rcs_m2 for g in sigs) if boost else None)
    out = []
    for arch, res in zip(archs, resolved):
        t1 = time.perf_counter()
        reaction = arch.command.reaction_s if reaction_s is None else float(reaction_s)
        batteries = _engage(res, s, rcs, reaction, sp, sweep_r, geometry, tick, launch_on,
                            client) if cases else []
        if z is not None:
            batteries = [_with_draws(b, float(speed_draws[0]), z) for b in batteries]
        out.append(IcbmReachResult(arch, tuple(cases), tuple(batteries), tuple(unreachable), reaction,
                                   t_fly + time.perf_counter() - t1,
                                   {"threat_set": ts.id, "target_set": tg.id, "flights_s": round(t_fly, 2),
                                    "engagement_s": round(time.perf_counter() - t1, 2)}))
    return out


def _engage(resolved, s, rcs, reaction, speeds, reactions, geometry, tick, launch_on=None,
            client=None) -> list[BatteryReach]:
    """Every battery of one architecture against every flight: engageable, margin, needed speed
    (and again at each of ``reactions``, when given): the engine's outcome, then its lane re-solved,
    one battery per task of ``client`` (None: here, in order)."""
    from openbmd.engagement.engine import engage_many
    from openbmd.scale.executor import map_chunks

    res = engage_many(resolved, s, rcs, reaction_s=reaction, geometry=geometry, launch_on=launch_on)
    tick()
    steps = 3 if reactions else 2
    # the flights and their geometry are every lane's: shipped once (shared), not once per battery
    lanes = [(_without(o.lane, s, geometry), o.engageable) for o in res.batteries]
    shared = {"reaction": reaction, "speeds": speeds, "reactions": reactions, "samples": s, "geometry": geometry}
    if client is not None:  # the speed variants made here go along: no worker calibrates them again
        shared["variants"] = made_variants([b.interceptor for b in resolved.batteries], speeds)
    answers = map_chunks(battery_answers, lanes, client=client, progress=lambda d, n: tick(steps), shared=shared)
    batteries = []
    for rb, o, (margin, need, grid, sweep) in zip(resolved.batteries, res.batteries, answers):
        batteries.append(BatteryReach(rb.id, rb.interceptor.id, float(rb.interceptor.burnout_speed_km_s),
                                      rb.entry.lat_deg, rb.entry.lon_deg, o.engageable.copy(), margin, need,
                                      o.reason, grid, sweep, o.first_launch_s.copy(),
                                      o.battlespace.earliest_alt_km.copy(), figures_km_s(rb.interceptor),
                                      rb.entry.notional_station))
    return batteries


def _with_draws(b: BatteryReach, sigma_km_s: float, z) -> BatteryReach:
    """The battery with its burnout-speed draws (:func:`openbmd.analyses.icbm_draws.speed_draws`)."""
    from dataclasses import replace

    from openbmd.analyses.icbm_draws import speed_draws

    return replace(b, speed_draws=speed_draws(b.needed_burnout_speed_km_s, b.speeds_km_s, b.burnout_speed_km_s,
                                              sigma_km_s, z))


def _without(lane, s, geometry):
    """``lane`` less the flights and geometry it shares with every battery (None marks them)."""
    from dataclasses import replace

    if lane.samples is s and lane.geometry is geometry:
        return replace(lane, samples=None, geometry=None)
    return lane


def battery_answers(lane_engageable, *, reaction, speeds, reactions, samples, geometry, variants=None):
    """One battery's lane re-solved: (margin_s, needed speeds, their grid, ReactionSweep or None).
    A pure function of its inputs: the unit of a task (``samples`` and ``geometry`` fill a lane
    that was shipped without them; ``variants``, {(interceptor, speed): variant}, the speed
    variants already made by the caller, :func:`openbmd.analyses.icbm_sweeps.sweep_speeds`)."""
    from dataclasses import replace

    from openbmd.analyses.icbm_sweeps import seed_variants

    seed_variants(variants or {})
    lane, engageable = lane_engageable
    if lane.samples is None:
        lane = replace(lane, samples=samples, geometry=geometry)
    margin = np.full(len(engageable), np.nan)
    eng = np.flatnonzero(engageable)
    margin[eng] = margins_s(lane, eng)
    need, grid = needed_speeds(lane, engageable, speeds)
    sweep = reaction_sweep(lane, reaction, reactions, speeds) if reactions else None
    return margin, need, grid, sweep


def notional_station_summary(batteries, n_cases: int) -> dict:
    """Which answers rest on batteries at notional stations (issue 13 item 6: the EPAA's only
    engagements of Russian ICBMs came from a notional North Sea ship station): the batteries and
    why, the cases any battery engages, and those only a notional station's battery engages."""
    notional = [b for b in batteries if b.notional_station]
    union = np.zeros(n_cases, bool)
    sourced = np.zeros(n_cases, bool)
    for b in batteries:
        union |= b.engageable
        if not b.notional_station:
            sourced |= b.engageable
    only = int((union & ~sourced).sum())
    engaged = [b.battery_id for b in notional if (b.engageable & ~sourced).any()]
    note = None
    if only:
        note = (f"{only} of the {int(union.sum())} engageable cases are engaged only from notional ship "
                f"stations ({', '.join(engaged)}): the answer holds only if a ship is on that station")
    return {"batteries": {b.battery_id: b.notional_station for b in notional}, "engageable_cases": int(union.sum()),
            "only_from_notional_stations": only, "note": note}
