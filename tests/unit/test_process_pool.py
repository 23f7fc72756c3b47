"""map_chunks on a pool of worker processes (what ``openbmd assess`` runs icbm-reach's batteries on):
input order, progress per chunk, errors reach the caller, and icbm-reach's answers are the ones
computed here, to the last digit."""
from __future__ import annotations

import time

import numpy as np
import pytest

from openbmd.scale.executor import map_chunks, n_workers, process_pool


def _slow_square(x, *, offset, delay):
    time.sleep(delay * (5 - x))  # the first chunks finish last
    return x * x + offset


def _inverse(x):
    return 1 / x


@pytest.fixture(scope="module")
def pool():
    with process_pool(2) as p:
        yield p


def test_order_progress_and_errors(pool):
    seen = []
    got = map_chunks(_slow_square, range(5), client=pool, shared={"offset": 1, "delay": 0.05},
                     progress=lambda d, n: seen.append((d, n)))
    assert got == [x * x + 1 for x in range(5)] and seen == [(k, 5) for k in range(1, 6)]
    assert n_workers(pool) == 2
    with pytest.raises(ZeroDivisionError):
        map_chunks(_inverse, [1, 0, 2], client=pool)


def test_one_process_is_no_pool():
    with process_pool(1) as p:
        assert p is None


def test_icbm_reach_batteries_in_worker_processes_give_the_same_answers(pool):
    from openbmd.analyses.icbm_reach import icbm_reach_set

    kw = dict(fields=["Kozelsk"], targets=["Washington", "Minot"], reaction_sweep_s=(0.0, 60.0))
    here = icbm_reach_set(["epaa-phase-4"], **kw)[0].summary()
    there = icbm_reach_set(["epaa-phase-4"], client=pool, **kw)[0].summary()
    for doc in (here, there):
        doc.pop("seconds", None)
        doc.get("meta", {}).pop("flights_s", None)
        doc.get("meta", {}).pop("engagement_s", None)
    assert _plain(here) == _plain(there)
    assert len(here["sites"]) == 5


def _plain(doc):
    """NaN-safe comparison form (NaN != NaN)."""
    if isinstance(doc, dict):
        return {k: _plain(v) for k, v in doc.items() if k not in ("flights_s", "engagement_s", "seconds")}
    if isinstance(doc, (list, tuple)):
        return [_plain(v) for v in doc]
    if isinstance(doc, (float, np.floating)) and np.isnan(doc):
        return "nan"
    if isinstance(doc, np.ndarray):
        return _plain(doc.tolist())
    return doc


def test_sensitivity_ends_in_worker_processes_give_the_same_answers(pool):
    from openbmd.analyses.sensitivity import sensitivity

    kw = dict(figures=["reaction-time", "firm-track-looks"], fields=("Kozelsk",),
              targets=("Washington", "Boston"), coverage_case=None)
    seen = []
    here = sensitivity(["epaa-phase-3"], **kw).summary()
    there = sensitivity(["epaa-phase-3"], client=pool, progress=lambda d, n: seen.append((d, n)), **kw).summary()
    assert _plain(here) == _plain(there)
    assert seen[-1] == (5, 5) and len(seen) == 5  # the nominal run, then each figure's two ends
    assert [f["name"] for f in here["figures"]] == ["reaction-time", "firm-track-looks"]
    assert here["figures"][0]["low"] != here["figures"][0]["high"]  # the ends differ: a real comparison
