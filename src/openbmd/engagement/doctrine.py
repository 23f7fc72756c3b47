"""Shot doctrine and the probability of engagement success.

Closed forms for independent shots (each interceptor kills with probability
``pk``, independently):

- a salvo of n shots:            P = 1 - (1 - pk)^n
- shoot-look-shoot, salvos n1 then n2 with a kill assessment in between that
  correctly reports a miss with probability ``p_ka`` (1 = perfect):
                                 P = 1 - (1 - pk)^n1 * (1 - p_ka * (1 - (1 - pk)^n2))
  and the expected interceptors spent  n1 + (1 - pk)^n1 * p_ka * n2
  (after a kill the assessment is assumed right: no second salvo);
- independent layers (e.g. SM-3 then THAAD):  P = 1 - prod(1 - P_layer).

These are the textbook expressions (e.g. Wilkening, "A simple model for
calculating ballistic missile defense effectiveness", Science & Global
Security 8 (2000) 183-215).  Arrays broadcast, so a Monte Carlo over uncertain
``pk`` is one call.  :func:`simulate` draws the same engagements shot by shot,
for checking the closed forms and for raids where magazines run out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from openbmd.errors import InputError

DOCTRINES = ("salvo-N", "shoot-look-shoot")
#: the largest salvo a doctrine string may ask for (N: a bound against typos such as salvo-999;
#: the shot doctrines discussed in open sources fire a few interceptors, up to about 4-5, per warhead)
MAX_SALVO = 8


@dataclass(frozen=True, kw_only=True)
class Doctrine:
    """How many interceptors to fire at one threat, and whether to look before firing again.

    ``first_salvo`` shots fire at once; under shoot-look-shoot a second salvo
    of ``second_salvo`` shots fires only if the kill assessment (``look_s``
    seconds after the first intercept) reports a miss, and only if the battle
    space still has an opportunity then.
    """

    first_salvo: int = 2
    look: bool = False
    second_salvo: int = 1
    look_s: float = 10.0  #: kill-assessment time after an intercept (s)
    p_ka: float = 1.0  #: probability that the assessment correctly reports a miss

    def __post_init__(self):
        if self.first_salvo < 1 or self.second_salvo < 0:
            raise InputError("a doctrine fires at least one interceptor first, and a second salvo of >= 0")
        if not 0.0 <= self.p_ka <= 1.0:
            raise InputError(f"kill-assessment probability {self.p_ka} is outside [0, 1]")
        if self.look_s < 0:
            raise InputError(f"kill-assessment time {self.look_s} s must be >= 0")

    @property
    def name(self) -> str:
        return (f"shoot-look-shoot ({self.first_salvo}+{self.second_salvo})" if self.look
                else f"salvo-{self.first_salvo}")

    @property
    def max_shots(self) -> int:
        return self.first_salvo + (self.second_salvo if self.look else 0)


def parse_doctrine(text: str, *, look_s: float = 10.0) -> Doctrine:
    """'salvo-2', 'salvo-1', ... or 'shoot-look-shoot' (1 then 1), 'shoot-look-shoot-2-1'."""
    t = text.strip().lower()
    m = re.fullmatch(r"salvo-(\d+)", t)
    if m and 1 <= int(m.group(1)) <= MAX_SALVO:
        return Doctrine(first_salvo=int(m.group(1)), look_s=look_s)
    m = re.fullmatch(r"shoot-look-shoot(?:-(\d+)-(\d+))?", t)
    if m:
        n1, n2 = (int(m.group(1)), int(m.group(2))) if m.group(1) else (1, 1)
        if 1 <= n1 <= MAX_SALVO and 1 <= n2 <= MAX_SALVO:
            return Doctrine(first_salvo=n1, second_salvo=n2, look=True, look_s=look_s)
    raise InputError(f"unknown doctrine {text!r}; allowed: salvo-N (N from 1 to {MAX_SALVO}, e.g. salvo-2), "
                     f"shoot-look-shoot, shoot-look-shoot-N1-N2 (each 1 to {MAX_SALVO})")


def _pk(pk) -> np.ndarray:
    p = np.asarray(pk, float)
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise InputError("kill probabilities must lie in [0, 1]")
    return p


def p_salvo(pk, n) -> np.ndarray:
    """Probability that at least one of n independent shots kills."""
    return 1.0 - (1.0 - _pk(pk)) ** np.asarray(n)


def p_engagement(pk, doctrine: Doctrine, second_chance=True) -> np.ndarray:
    """Probability of killing the threat under ``doctrine``.

    ``second_chance`` (bool array allowed): whether the battle space leaves room
    for the second salvo of a shoot-look-shoot; without it only the first fires.
    """
    q1 = (1.0 - _pk(pk)) ** doctrine.first_salvo
    if not doctrine.look:
        return 1.0 - q1
    q2 = (1.0 - _pk(pk)) ** doctrine.second_salvo
    second = doctrine.p_ka * np.asarray(second_chance, float)
    return 1.0 - q1 * (1.0 - second * (1.0 - q2))


def expected_shots(pk, doctrine: Doctrine, second_chance=True) -> np.ndarray:
    """Expected number of interceptors spent on one threat."""
    q1 = (1.0 - _pk(pk)) ** doctrine.first_salvo
    if not doctrine.look:
        return np.full(np.shape(q1), float(doctrine.first_salvo))
    return doctrine.first_salvo + q1 * doctrine.p_ka * np.asarray(second_chance, float) * doctrine.second_salvo


def p_layers(p_layer) -> np.ndarray:
    """Probability that at least one of several independent layers kills: the last axis is the layer."""
    p = _pk(p_layer)
    return 1.0 - np.prod(1.0 - p, axis=-1)


def simulate(pk, doctrine: Doctrine, n_trials: int, *, second_chance: bool = True, seed: int = 0):
    """Draw ``n_trials`` engagements shot by shot: (killed bool array, shots spent int array).

    Reproducible for a given ``seed``.  The closed forms above are its expectations.
    """
    if n_trials < 1:
        raise InputError(f"n_trials must be >= 1, got {n_trials}")
    rng = np.random.default_rng(seed)
    p = float(_pk(pk))
    first = rng.random((n_trials, doctrine.first_salvo)) < p
    killed = first.any(axis=1)
    shots = np.full(n_trials, doctrine.first_salvo)
    if doctrine.look and second_chance:
        detected_miss = ~killed & (rng.random(n_trials) < doctrine.p_ka)
        second = rng.random((n_trials, doctrine.second_salvo)) < p
        killed = killed | (detected_miss & second.any(axis=1))
        shots = shots + detected_miss * doctrine.second_salvo
    return killed, shots
