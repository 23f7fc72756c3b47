"""Interceptors against a strategic force: the plain-number core of ``openbmd balance``.

The warheads are grouped in *classes* by the set of batteries that can engage them (icbm-reach's
answer for their field, target and shape): ``W[c]`` warheads and ``D[c]`` decoys in class ``c``,
``mask[c, b]`` True where battery ``b`` can engage the class.  Battery ``b`` holds ``magazine[b]``
rounds of single-shot kill probability ``pk[b]``; every object it engages gets the doctrine's
salvo (:mod:`openbmd.engagement.doctrine`: a salvo of ``s``, or shoot-look-shoot).

Discrimination: each decoy is recognised as a decoy with probability ``q`` (a stated notional
parameter, swept); an unrecognised decoy is engaged like a warhead, and the defence cannot tell
which of a class's objects is which, so it engages them in random order (decoys dilute the
interceptors).  One engagement per object: a battery never fires at an object another battery
engaged (no layering; N).

Allocation (the same rule in both functions): classes reachable by fewer batteries first (they
have no alternative), within a class the batteries in order of their starting magazines (largest
first); a battery holds fire when fewer rounds are left than a first salvo.

- :func:`mean_field`: the expectation with the rounds and the unrecognised decoys at their
  expected counts (continuous).  One class, one battery, no decoys, salvo ``s``: expected kills
  ``min(n / s, W) * (1 - (1 - pk)^s)`` (the closed form the tests hold it to);
- :func:`simulate`: the same allocation drawn object by object, seeded, vectorized over trials.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.engagement.doctrine import Doctrine, expected_shots, p_engagement, p_salvo
from openbmd.errors import InputError


@dataclass(frozen=True, eq=False)
class Classes:
    """Warheads and decoys by the set of batteries that can engage them."""

    warheads: np.ndarray  #: (C,) int
    decoys: np.ndarray  #: (C,) int
    mask: np.ndarray  #: (C, B) bool

    def __post_init__(self):
        if self.mask.ndim != 2 or self.mask.shape[0] != len(self.warheads) or len(self.decoys) != len(self.warheads):
            raise InputError("classes: warheads, decoys and mask rows must agree")
        if np.any(self.warheads < 0) or np.any(self.decoys < 0):
            raise InputError("classes: warhead and decoy counts must be >= 0")

    @property
    def total(self) -> int:
        return int(self.warheads.sum())

    @property
    def engageable(self) -> int:
        return int(self.warheads[self.mask.any(axis=1)].sum())


def _check(q: float, magazine, pk) -> None:
    if not (np.isfinite(q) and 0.0 <= q <= 1.0):
        raise InputError(f"discrimination probability {q!r}: allowed 0 to 1")
    if np.any(np.asarray(magazine) < 0):
        raise InputError("magazines must be >= 0 rounds")
    p = np.asarray(pk, float)
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise InputError("kill probabilities must lie in [0, 1]")


def order(classes: Classes, magazine) -> list[tuple[int, list[int]]]:
    """(class, its batteries in firing order) in the order classes are served."""
    mag = np.asarray(magazine, float)
    reach = classes.mask.sum(axis=1)
    out = []
    for c in sorted(np.flatnonzero(reach > 0), key=lambda c: (reach[c], c)):
        bats = sorted(np.flatnonzero(classes.mask[c]), key=lambda b: (-mag[b], b))
        out.append((int(c), [int(b) for b in bats]))
    return out


def mean_field(classes: Classes, magazine, pk, doctrine: Doctrine, q: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Expected warheads killed per class and rounds used per battery (see the module doc)."""
    _check(q, magazine, pk)
    pk = np.asarray(pk, float)
    rem = np.asarray(magazine, float).copy()
    per_object = np.atleast_1d(expected_shots(pk, doctrine))
    p_kill = np.atleast_1d(p_engagement(pk, doctrine))
    kills = np.zeros(len(classes.warheads))
    for c, bats in order(classes, magazine):
        objects = classes.warheads[c] + (1.0 - q) * classes.decoys[c]
        if objects <= 0:
            continue
        left = objects
        share = classes.warheads[c] / objects  # of the engaged objects, the warheads' share
        for b in bats:
            if rem[b] < doctrine.first_salvo - 1e-9 or left <= 0:
                continue
            engaged = min(left, rem[b] / per_object[b])
            rem[b] -= engaged * per_object[b]
            left -= engaged
            kills[c] += engaged * share * p_kill[b]
    return kills, np.asarray(magazine, float) - rem


def fewest_arriving(classes: Classes, magazine) -> float:
    """The attacker's worst case: every interceptor that can reach a warhead destroys one (Pk 1,
    one round per warhead, every decoy recognised): warheads minus the rounds matched to them."""
    one = Doctrine(first_salvo=1)
    kills, _ = mean_field(classes, magazine, np.ones(len(magazine)), one, q=1.0)
    return float(classes.total - kills.sum())


def simulate(classes: Classes, magazine, pk, doctrine: Doctrine, q: float = 1.0, *, trials: int = 2000,
             seed: int = 0) -> np.ndarray:
    """Warheads that arrive in each of ``trials`` draws of the allocation: (trials,) int.

    Per trial the unrecognised decoys of each class are Binomial(D, 1 - q); the class's objects
    are engaged in random order (the next object is a warhead with probability warheads left /
    objects left); each engagement kills with the doctrine's probability (shoot-look-shoot: the
    second salvo after a miss the assessment detects, if the battery still holds it).
    """
    _check(q, magazine, pk)
    if trials < 1:
        raise InputError(f"trials must be >= 1, got {trials}")
    rng = np.random.default_rng(seed)
    pk = np.asarray(pk, float)
    n1 = doctrine.first_salvo
    n2 = doctrine.second_salvo if doctrine.look else 0
    p1, p2 = np.atleast_1d(p_salvo(pk, n1)), np.atleast_1d(p_salvo(pk, max(n2, 1)))
    rem = np.tile(np.asarray(magazine, np.int64), (trials, 1))
    kills = np.zeros(trials, np.int64)
    rows = np.arange(trials)
    for c, bats in order(classes, magazine):
        w_left = np.full(trials, int(classes.warheads[c]), np.int64)
        d_left = rng.binomial(int(classes.decoys[c]), 1.0 - q, trials).astype(np.int64)
        for _ in range(int(classes.warheads[c] + classes.decoys[c])):
            chosen = np.full(trials, -1)
            for b in reversed(bats):  # the first battery in firing order that holds a salvo
                chosen = np.where(rem[:, b] >= n1, b, chosen)
            fire = (w_left + d_left > 0) & (chosen >= 0)
            if not fire.any():
                break
            b = np.where(fire, chosen, 0)
            u = rng.random((trials, 4))
            is_w = u[:, 0] * (w_left + d_left) < w_left
            killed = u[:, 1] < p1[b]
            rem[rows, b] -= n1 * fire
            if n2:
                second = fire & ~killed & (u[:, 2] < doctrine.p_ka) & (rem[rows, b] >= n2)
                killed |= second & (u[:, 3] < p2[b])
                rem[rows, b] -= n2 * second
            kills += fire & is_w & killed
            w_left -= fire & is_w
            d_left -= fire & ~is_w
    return classes.total - kills


def scaled_counts(counts, total: int) -> np.ndarray:
    """``counts`` scaled to sum to ``total`` (whole numbers, largest remainders rounded up)."""
    c = np.asarray(counts, float)
    if total < 0 or c.sum() <= 0:
        raise InputError(f"cannot scale counts {list(c)} to {total}")
    exact = c * (total / c.sum())
    out = np.floor(exact).astype(np.int64)
    short = int(total - out.sum())
    if short:
        out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out
