"""Allocation of interceptors to threats with finite magazines: the raid's policy on the engine's outcomes.

Inputs are the engine's per (threat, battery) outcomes (:class:`Pairs`: engageable, earliest
and latest intercept, whether a second salvo fits, each battery's Pk and magazine);

- :func:`plan` allocates the rounds in the time order of the intercept opportunities
  (every engageable pair, by its earliest intercept): a battery that still holds a first
  salvo commits it, and the second salvo of a shoot-look-shoot when the battle space leaves
  room and the magazine holds it; a later layer holds fire only on a threat whose kill it
  learns in time (a layer whose latest intercept comes after an earlier layer's kill
  assessment waits for it).  Expected leakers = sum over threats of prod(1 - P_layer)
  (independent layers, Wilkening, Science & Global Security 8, 2000);
- :func:`simulate` draws the same allocation shot by shot (a kill means no second salvo and
  no later layer that could wait; the magazines deplete per trial by the rounds fired).

Both are pure functions of arrays (units for a Dask worker).  Approximations, stated: the
assessment of a second salvo is dated at the end of the battery's window (its intercept time
is not solved); the cross-layer waiting rule uses window arithmetic and ignores ``p_ka``; the
plan is the mean field of the Monte Carlo (magazines deplete by expected rounds), so with
scarce rounds the two differ a little and the Monte Carlo is the estimate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.engagement.doctrine import p_engagement
from openbmd.errors import InputError


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


def simulate(pairs: Pairs, doctrine, trials: int, seed: int = 0, rows: tuple[int, int] | None = None) -> Draws:
    """Draw the raid shot by shot ``trials`` times; reproducible for a seed.

    ``rows=(a, b)``: only trials a..b-1 of that run, drawing exactly their part of the random
    stream (the rest is skipped: blocks concatenated equal the whole run, bit for bit).

    Every (threat, battery) pair draws the same uniforms whether it fires or
    not (common random numbers): changing a magazine changes only what the
    magazine changes.
    """
    if trials < 1:
        raise InputError(f"trials must be >= 1, got {trials}")
    T, B = pairs.engageable.shape
    n1, n2 = doctrine.first_salvo, (doctrine.second_salvo if doctrine.look else 0)
    rng = np.random.default_rng(seed)
    r0, r1 = (0, trials) if rows is None else (int(rows[0]), int(rows[1]))
    if not 0 <= r0 < r1 <= trials:
        raise InputError(f"rows {rows} must lie within 0..{trials}")
    full, trials = trials, r1 - r0
    rem = np.tile(pairs.magazine.astype(np.int64), (trials, 1))
    used = np.zeros((trials, B), np.int64)
    dead = np.zeros((trials, T), bool)
    known = np.full((trials, T), np.inf)  # when a kill is assessed
    denied = np.zeros((trials, B), bool)
    denied_threat = np.zeros((trials, T), bool)
    for i, b in zip(*event_order(pairs)):
        u = _uniform_rows(rng, full, n1 + n2 + 1, r0, r1)
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


def _uniform_rows(rng, trials: int, k: int, a: int, b: int) -> np.ndarray:
    """Rows a..b-1 of ``rng.random((trials, k))``, advancing ``rng`` past all of it (PCG64 draws
    one 64-bit word per double, row after row: the rows before and after are skipped)."""
    if (a, b) == (0, trials):
        return rng.random((trials, k))
    rng.bit_generator.advance(a * k)
    u = rng.random((b - a, k))
    rng.bit_generator.advance((trials - b) * k)
    return u
