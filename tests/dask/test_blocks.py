"""The raid Monte Carlo in blocks of trials: blocks concatenated are the single run, draw for draw."""
from __future__ import annotations

import numpy as np
import pytest

from openbmd.engagement.allocation import Draws, Pairs, _uniform_rows, simulate
from openbmd.engagement.doctrine import parse_doctrine


def test_rows_of_the_stream_are_the_rows_of_one_draw():
    full = np.random.default_rng(11)
    want = [full.random((9, 4)) for _ in range(3)]
    after = full.random(3)
    for a, b in ((0, 2), (2, 7), (7, 9)):
        rng = np.random.default_rng(11)
        got = [_uniform_rows(rng, 9, 4, a, b) for _ in range(3)]
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w[a:b])
        np.testing.assert_array_equal(rng.random(3), after)  # the stream ends where the single run's does


def _pairs():
    rng = np.random.default_rng(0)
    T, B = 7, 3
    eng = rng.random((T, B)) < 0.7
    t0 = rng.uniform(100, 300, (T, B))
    return Pairs(engageable=eng, t_first_s=t0, t_last_s=t0 + rng.uniform(0, 200, (T, B)),
                 second=eng & (rng.random((T, B)) < 0.5), pk=np.array([0.6, 0.7, 0.8]),
                 magazine=np.array([4, 3, 6]))


@pytest.mark.parametrize("cuts", [(0, 1, 1000), (0, 333, 334, 1000), (0, 500, 1000)])
def test_blocks_concatenated_equal_one_run(cuts):
    pairs, doctrine = _pairs(), parse_doctrine("shoot-look-shoot-2-1")
    one = simulate(pairs, doctrine, 1000, seed=5)
    parts = [simulate(pairs, doctrine, 1000, seed=5, rows=(a, b)) for a, b in zip(cuts[:-1], cuts[1:])]
    for f in ("leaked", "used", "exhausted", "denied", "denied_threat"):
        np.testing.assert_array_equal(np.concatenate([getattr(p, f) for p in parts]), getattr(one, f))
    assert isinstance(one, Draws)
