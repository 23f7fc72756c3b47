"""A raid: salvos of threats at targets against an architecture with finite magazines.

A raid file (TOML) lists ``[[salvo]]`` entries::

    name = "Iranian salvo on south-east Europe"      # optional
    [[salvo]]
    missile = "shahab-3"        # catalog missile id (or a missile .toml, relative to the raid file)
    from = "Tabriz"             # a launch area of the shipped threat sets, or "LAT,LON"
    to = "Ankara"               # a target of a shipped target set, a city of data/cities.csv, or "LAT,LON"
    count = 6                   # whole number >= 1
    launch_time_s = 0           # optional, s after the raid starts (default 0)
    shape = "min-energy"        # optional: min-energy | lofted | depressed
    rcs_m2 = 0.1                # optional: the warhead's RCS (default: the missile's, else 0.1)

The engine:

1. every distinct flight (missile, from, to, shape) is flown once
   (:func:`openbmd.flight.api.fly`) and every distinct (flight, RCS) is
   engaged by every battery once (:func:`openbmd.engagement.many.engage_many`).
   Sensors and launchers are fixed on the rotating Earth and the engine
   models no sensor loading, so a flight launched ``launch_time_s`` later
   has the same engagement, later by ``launch_time_s``: each threat's times
   are shifted by its absolute launch offset (``ThreatSamples`` keep the time
   from each threat's own launch);
2. :func:`plan` allocates the rounds in the time order of the intercept
   opportunities (every engageable (threat, battery) pair, by its earliest
   intercept): a battery that still holds a first salvo commits it, and the
   second salvo of a shoot-look-shoot when the battle space leaves room and
   the magazine holds it; a later layer holds fire only on a threat whose
   kill it learns in time (the rule of :mod:`openbmd.engagement.layers`: a layer
   whose latest intercept comes after an earlier layer's kill assessment
   waits for it).  Expected leakers = sum over threats of prod(1 - P_layer)
   (independent layers, Wilkening, Science & Global Security 8, 2000);
3. :func:`simulate` draws the same raid shot by shot ``trials`` times
   (a kill means no second salvo and no later layer that could wait; the
   magazines deplete per trial by the rounds actually fired).

Both allocation functions are pure functions of arrays (units for a Dask worker).

Approximations, stated: the assessment of a second salvo is dated at the end
of the battery's window (its intercept time is not solved); the cross-layer
waiting rule uses window arithmetic (``layers`` re-solves the battle space)
and ignores ``p_ka``; the plan is the mean field of the Monte Carlo (magazines
deplete by expected rounds), so with scarce rounds the two differ a little
and the Monte Carlo is the estimate.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from openbmd.analyses.raid_file import Raid, Salvo, load_raid, parse_raid  # noqa: F401 (the raid file)
from openbmd.errors import InputError


# ---------------------------------------------------------------- allocation (pure array functions)
@dataclass(frozen=True, eq=False)
class Pairs:
    """Every threat against every battery, times absolute (s after the raid starts)."""

    engageable: np.ndarray  #: (T, B) bool
    t_first_s: np.ndarray  #: (T, B) earliest intercept; inf where not engageable
    t_last_s: np.ndarray  #: (T, B) latest intercept; inf where not engageable
    second: np.ndarray  #: (T, B) bool: a second salvo fits after the kill assessment
    pk: np.ndarray  #: (B,) single-shot kill probability
    magazine: np.ndarray  #: (B,) rounds at the start


def event_order(pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """(threat, battery) indices of the engageable pairs in time order of the earliest intercept."""
    ti, bi = np.nonzero(pairs.engageable)
    order = np.lexsort((bi, ti, pairs.t_first_s[ti, bi]))
    return ti[order], bi[order]


def _waits(pairs, i, b, prev_b, look_s) -> tuple[np.ndarray, np.ndarray]:
    """Can battery ``b`` wait for the kill assessment of each earlier layer ``prev_b`` of threat ``i``?
    (after its first salvo, after its second salvo)."""
    t_last = pairs.t_last_s[i, b]
    return (pairs.t_first_s[i, prev_b] + look_s <= t_last), (pairs.t_last_s[i, prev_b] + look_s <= t_last)


@dataclass(frozen=True, eq=False)
class Plan:
    assigned: np.ndarray  #: (T, B) bool: the battery is a layer of this threat
    second: np.ndarray  #: (T, B) bool: with a second salvo planned
    denied: np.ndarray  #: (T, B) bool: engageable, but the battery had no salvo left
    p_layer: np.ndarray  #: (T, B) kill probability of the assigned layer
    p_leak: np.ndarray  #: (T,)
    expected_used: np.ndarray  #: (B,) expected rounds fired


def plan(pairs: Pairs, doctrine) -> Plan:
    """The deterministic allocation and its expectation (the mean field of :func:`simulate`).

    In time order, a battery becomes a layer of a threat while its expected
    remaining rounds hold a first salvo, and plans the second salvo of a
    shoot-look-shoot when the battle space leaves room and the rounds left
    after the first salvo hold it; its magazine then drops by the rounds it
    is expected to fire (a later layer fires only at a threat whose kill it
    cannot know in time; a second salvo only after a detected miss).
    """
    from openbmd.engagement.doctrine import p_engagement

    T, B = pairs.engageable.shape
    n1, n2 = doctrine.first_salvo, (doctrine.second_salvo if doctrine.look else 0)
    rem = pairs.magazine.astype(float).copy()
    assigned, second, denied = (np.zeros((T, B), bool) for _ in range(3))
    p = np.zeros((T, B))
    used = np.zeros(B)
    alive = np.ones(T)
    history: list[list] = [[] for _ in range(T)]  # per threat: (battery, P(kill by salvo 1), by salvo 2)
    eps = 1e-9
    for i, b in zip(*event_order(pairs)):
        if rem[b] < n1 - eps:
            denied[i, b] = True
            continue
        prev = history[i]
        p_fire = 1.0
        if prev:
            pb = np.array([h[0] for h in prev])
            w1, w2 = _waits(pairs, i, b, pb, doctrine.look_s)
            p_fire -= sum(h[1] * x1 + h[2] * x2 for h, x1, x2 in zip(prev, w1, w2))
        q1 = (1.0 - pairs.pk[b]) ** n1
        sls = bool(n2 and pairs.second[i, b] and rem[b] - n1 * p_fire >= n2 - eps)
        p2 = doctrine.p_ka * q1 * sls  # P(second salvo | alive before this layer)
        spend = p_fire * n1 + alive[i] * p2 * n2
        assigned[i, b], second[i, b] = True, sls
        p[i, b] = p_engagement(pairs.pk[b], doctrine, second_chance=sls)
        used[b] += spend
        rem[b] -= spend
        history[i].append((b, alive[i] * (1.0 - q1), alive[i] * p2 * (1.0 - (1.0 - pairs.pk[b]) ** max(n2, 1))))
        alive[i] *= 1.0 - p[i, b]
    return Plan(assigned, second, denied, p, np.prod(1.0 - p, axis=1), used)


@dataclass(frozen=True, eq=False)
class Draws:
    leaked: np.ndarray  #: (trials, T) bool
    used: np.ndarray  #: (trials, B) int
    exhausted: np.ndarray  #: (trials, B) bool: fewer rounds left than a first salvo
    denied: np.ndarray  #: (trials, B) bool: a threat still alive found the battery without a salvo
    denied_threat: np.ndarray  #: (trials, T) bool: some battery was empty for this live threat

    @property
    def leakers(self) -> np.ndarray:
        """(trials,) number of threats that got through."""
        return self.leaked.sum(axis=1)


def simulate(pairs: Pairs, doctrine, trials: int, seed: int = 0) -> Draws:
    """Draw the raid shot by shot ``trials`` times; reproducible for a seed.

    Every (threat, battery) pair draws the same uniforms whether it fires or
    not (common random numbers): changing a magazine changes only what the
    magazine changes.
    """
    if trials < 1:
        raise InputError(f"trials must be >= 1, got {trials}")
    T, B = pairs.engageable.shape
    n1, n2 = doctrine.first_salvo, (doctrine.second_salvo if doctrine.look else 0)
    rng = np.random.default_rng(seed)
    rem = np.tile(pairs.magazine.astype(np.int64), (trials, 1))
    used = np.zeros((trials, B), np.int64)
    dead = np.zeros((trials, T), bool)
    known = np.full((trials, T), np.inf)  # when a kill is assessed
    denied = np.zeros((trials, B), bool)
    denied_threat = np.zeros((trials, T), bool)
    for i, b in zip(*event_order(pairs)):
        u = rng.random((trials, n1 + n2 + 1))
        pk = pairs.pk[b]
        want = known[:, i] > pairs.t_last_s[i, b]  # the battery cannot know of a kill in time
        empty = want & (rem[:, b] < n1)
        denied[:, b] |= empty & ~dead[:, i]
        denied_threat[:, i] |= empty & ~dead[:, i]
        fire = want & ~empty
        k1 = fire & (u[:, :n1] < pk).any(axis=1)
        dead[:, i] |= k1
        known[:, i] = np.where(k1, np.minimum(known[:, i], pairs.t_first_s[i, b] + doctrine.look_s), known[:, i])
        rem[:, b] -= n1 * fire
        used[:, b] += n1 * fire
        if n2 and pairs.second[i, b]:
            s2 = fire & ~dead[:, i] & (u[:, -1] < doctrine.p_ka) & (rem[:, b] >= n2)
            k2 = s2 & (u[:, n1:n1 + n2] < pk).any(axis=1)
            dead[:, i] |= k2
            known[:, i] = np.where(k2, np.minimum(known[:, i], pairs.t_last_s[i, b] + doctrine.look_s),
                                   known[:, i])
            rem[:, b] -= n2 * s2
            used[:, b] += n2 * s2
    return Draws(~dead, used, rem < n1, denied, denied_threat)


# ---------------------------------------------------------------- the analysis
@dataclass(frozen=True, eq=False)
class RaidResult:
    architecture: object  #: Architecture
    raid: Raid
    doctrine: object
    battery_ids: tuple[str, ...]
    interceptors: tuple[str, ...]
    group: np.ndarray  #: (T,) salvo index (0-based) of each threat
    launch_s: np.ndarray  #: (T,) launch time of each threat (s after the raid starts)
    pairs: Pairs
    plan: Plan
    draws: Draws
    trials: int
    seed: int
    reasons: tuple  #: per salvo, per battery: why not engageable (None: engageable)
    seconds: float
    meta: dict = field(default_factory=dict)

    @property
    def expected_leakers(self) -> float:
        return float(self.plan.p_leak.sum())

    def summary(self) -> dict:
        """The JSON contract of ``openbmd raid``."""
        from openbmd.engagement.montecarlo import wilson_interval

        d, n = self.draws, self.trials
        lk = d.leakers.astype(float)
        mean = float(lk.mean())
        half = 1.96 * float(lk.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
        p0 = float((d.leakers == 0).mean())
        batteries = [{"id": bid, "interceptor": self.interceptors[b], "magazine": int(self.pairs.magazine[b]),
                      "engageable_threats": int(self.pairs.engageable[:, b].sum()),
                      "expected_used": float(self.plan.expected_used[b]),
                      "mean_used": float(d.used[:, b].mean()), "max_used": int(d.used[:, b].max()),
                      "p_exhausted": float(d.exhausted[:, b].mean()),
                      "p_found_empty": float(d.denied[:, b].mean())}
                     for b, bid in enumerate(self.battery_ids)]
        groups = []
        for k, s in enumerate(self.raid.salvos):
            m = self.group == k
            eng = self.pairs.engageable[m].any(axis=0)
            groups.append({
                "salvo": s.index, "line": s.line, "missile": s.missile, "from": s.from_name, "to": s.to_name,
                "count": s.count, "launch_time_s": s.launch_time_s, "shape": s.shape,
                "engageable_by": [self.battery_ids[b] for b in np.flatnonzero(eng)],
                "not_engageable": {self.battery_ids[b]: r for b, r in enumerate(self.reasons[k]) if r},
                "found_empty": [self.battery_ids[b] for b in np.flatnonzero(self.plan.denied[m].any(axis=0))],
                "expected_leakers": float(self.plan.p_leak[m].sum()),
                "mean_leakers": float(d.leaked[:, m].sum(axis=1).mean()),
                "p_found_empty": float(d.denied_threat[:, m].any(axis=1).mean()),
            })
        return {
            "architecture": self.architecture.id,
            "raid": self.raid.name,
            "doctrine": self.doctrine.name,
            "threats": int(self.group.size),
            "expected_leakers": self.expected_leakers,
            "p_no_leaker": p0,
            "monte_carlo": {"trials": n, "seed": self.seed, "mean_leakers": mean,
                            "leakers_95ci": [max(0.0, mean - half), mean + half],
                            "p_no_leaker_95ci": list(wilson_interval(p0, n))},
            "batteries": batteries,
            "groups": groups,
            "seconds": round(self.seconds, 2),
            **self.meta,
        }


def raid(architecture, raid_: Raid | str | Path, *, trials: int = 1000, seed: int = 0,
         reaction_s: float | None = None, progress=None) -> RaidResult:
    """Fly, engage and allocate a raid against ``architecture`` (an id, a .toml path or an Architecture).

    ``progress(done, total)`` is called as the flights, the engagements and
    the Monte Carlo finish.
    """
    from openbmd.architectures.loader import get_architecture
    from openbmd.architectures.model import Architecture
    from openbmd.architectures.resolve import resolve

    t0 = time.perf_counter()
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or not 1 <= trials <= 10_000_000:
        raise InputError(f"trials = {trials!r} must be a whole number from 1 to 10,000,000")
    if reaction_s is not None and not (math.isfinite(reaction_s) and 0 <= reaction_s <= 3600):
        raise InputError(f"reaction time {reaction_s} s must lie in [0, 3600]")
    arch = architecture if isinstance(architecture, Architecture) else get_architecture(str(architecture))
    raid_ = raid_ if isinstance(raid_, Raid) else load_raid(raid_)
    resolved = resolve(arch)
    if not resolved.batteries:
        raise InputError(f"architecture {arch.id!r} has no [[battery]]: nothing to allocate")
    flights, tracks, track_of_salvo = _flights(raid_, progress)
    results = _engage(resolved, flights, tracks, reaction_s)
    if progress:
        progress(len(flights) + 1, len(flights) + 2)
    group = np.repeat(np.arange(len(raid_.salvos)), [s.count for s in raid_.salvos])
    offset = np.repeat([s.launch_time_s for s in raid_.salvos], [s.count for s in raid_.salvos])
    tr = np.asarray(track_of_salvo)[group]
    B = len(resolved.batteries)
    eng = np.zeros((len(group), B), bool)
    t_first, t_last = np.full((len(group), B), np.inf), np.full((len(group), B), np.inf)
    second = np.zeros((len(group), B), bool)
    pos = np.array([tracks[k][1] for k in tr])
    for b in range(B):
        def col(attr):
            return np.array([getattr(results[k].batteries[b], attr)[j] for k, j in zip(tr, pos)])

        e = col("engageable").astype(bool)
        eng[:, b] = e
        t_first[:, b] = np.where(e, col("earliest_t_s") + offset, np.inf)
        t_last[:, b] = np.where(e, col("latest_t_s") + offset, np.inf)
        second[:, b] = e & (col("opportunities") >= 2)
    pairs = Pairs(eng, t_first, t_last, second,
                  np.array([b.interceptor.kill_vehicle.pk_single_shot for b in resolved.batteries], float),
                  np.array([b.entry.magazine for b in resolved.batteries], np.int64))
    allocation = plan(pairs, resolved.doctrine)
    draws = simulate(pairs, resolved.doctrine, int(trials), int(seed))
    if progress:
        progress(len(flights) + 2, len(flights) + 2)
    reasons = tuple(tuple(results[track_of_salvo[k]].batteries[b].reason[tracks[track_of_salvo[k]][1]]
                          for b in range(B)) for k in range(len(raid_.salvos)))
    meta = {"reaction_s": arch.command.reaction_s if reaction_s is None else float(reaction_s)}
    return RaidResult(arch, raid_, resolved.doctrine, tuple(b.id for b in resolved.batteries),
                      tuple(b.interceptor.id for b in resolved.batteries), group, offset, pairs, allocation,
                      draws, int(trials), int(seed), reasons, time.perf_counter() - t0, meta)


def _flights(raid_: Raid, progress):
    """Fly each distinct (missile, from, to, shape) once; group the distinct (flight, RCS) tracks by RCS.

    Returns (flights, tracks, track_of_salvo): ``tracks[k] = (rcs_m2, position in its RCS group,
    flight index)``.
    """
    from openbmd.engagement.engage import threat_rcs_m2
    from openbmd.flight.api import fly
    from openbmd.missiles import get_missile

    keys, flights = {}, []
    track_keys, tracks, track_of_salvo = {}, [], []
    by_rcs: dict[float, int] = {}
    for s in raid_.salvos:
        key = (s.missile, s.from_lat_deg, s.from_lon_deg, s.to_lat_deg, s.to_lon_deg, s.shape)
        missile = get_missile(s.missile)
        if key not in keys:
            try:
                f = fly(missile, s.from_lat_deg, s.from_lon_deg, target=(s.to_lat_deg, s.to_lon_deg), shape=s.shape)
            except InputError as exc:
                raise InputError(f"{raid_.path} line {s.line}: [[salvo]] #{s.index} ({s.missile} "
                                 f"{s.from_name} -> {s.to_name}): {exc}") from None
            keys[key] = len(flights)
            flights.append(f)
            if progress:
                progress(len(flights), len(raid_.salvos) + 2)
        rcs = threat_rcs_m2(missile, s.rcs_m2)
        tkey = (keys[key], rcs)
        if tkey not in track_keys:
            track_keys[tkey] = len(tracks)
            tracks.append((rcs, by_rcs.get(rcs, 0), keys[key]))
            by_rcs[rcs] = by_rcs.get(rcs, 0) + 1
        track_of_salvo.append(track_keys[tkey])
    return flights, tracks, track_of_salvo


def _engage(resolved, flights, tracks, reaction_s):
    """engage_many once per distinct RCS; returns, per track, the ManyResult that holds it."""
    from openbmd.engagement.many import engage_many, sample_flights

    samples = [sample_flights(f.batch) for f in flights]
    results = {}
    for rcs in dict.fromkeys(t[0] for t in tracks):
        members = [t[2] for t in tracks if t[0] == rcs]  # flight indices, in position order
        results[rcs] = engage_many(resolved, _merge([samples[f] for f in members]), rcs, reaction_s=reaction_s)
    return [results[t[0]] for t in tracks]


def _merge(parts):
    """One ThreatSamples on the longest of the parts' time grids (NaN after each flight's end)."""
    from openbmd.engagement.many import ThreatSamples

    t = max((p.t_s for p in parts), key=lambda x: x[-1])
    X = np.full((sum(len(p) for p in parts), t.size, 3), np.nan)
    V = np.full_like(X, np.nan)
    row = 0
    for p in parts:
        for i in range(len(p)):
            ok = np.isfinite(p.ecef_m[i, :, 0])
            n = np.searchsorted(t, p.t_s[ok][-1], side="right")
            for k in range(3):
                X[row, :n, k] = np.interp(t[:n], p.t_s[ok], p.ecef_m[i, ok, k])
                V[row, :n, k] = np.interp(t[:n], p.t_s[ok], p.vel_m_s[i, ok, k])
            row += 1
    return ThreatSamples(t, X, V, np.concatenate([p.burnout_s for p in parts]),
                         np.concatenate([p.impact_s for p in parts]))
