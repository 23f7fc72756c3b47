"""Monte Carlo of the burnout speed on icbm-reach's sweep (:mod:`openbmd.analyses.icbm_draws`).

References: the deterministic answer at the catalog speed (sigma -> 0 must give it exactly), the
normal law (a case needing grid speed g_k, not engageable at g_(k-1), is engageable in the draws
that round to g_k or above: P = 1 - Phi((g_(k-1) + g_k) / 2 - v) / sigma), and monotonicity.
"""
import numpy as np
import pytest
from scipy.stats import norm

from openbmd.analyses import icbm_reach as ir
from openbmd.analyses.icbm_draws import normal_draws, speed_draws
from openbmd.errors import InputError

GRID = tuple(np.arange(3.0, 7.01, 0.25))  # icbm-reach's default sweep (4.5 is on it)
NEED = np.array([3.0, 4.0, 4.25, 4.5, 4.75, 5.0, 5.5, 7.0, np.nan])  # NaN: beyond the sweep


def test_tiny_spread_is_the_deterministic_answer():
    d = speed_draws(NEED, GRID, 4.5, 1e-6, normal_draws(500, 1))
    assert np.array_equal(d.share, (np.nan_to_num(NEED, nan=np.inf) <= 4.5).astype(float))


def test_shares_follow_the_normal_law():
    n, v, sigma = 40_000, 4.5, 0.4
    d = speed_draws(NEED, GRID, v, sigma, normal_draws(n, 7))
    g = np.array(GRID)
    for need, share in zip(NEED, d.share):
        if not np.isfinite(need):
            assert share == 0.0
            continue
        k = int(np.flatnonzero(np.isclose(g, need))[0])
        p = 1.0 if k == 0 else 1.0 - norm.cdf((0.5 * (g[k - 1] + g[k]) - v) / sigma)
        assert share == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / n) + 1e-12)


def test_faster_draws_never_engage_fewer_cases():
    z = normal_draws(3000, 3)
    d = speed_draws(NEED, GRID, 4.5, 0.5, z)
    order = np.argsort(d.drawn_km_s, kind="stable")
    assert np.all(np.diff(d.cases_per_draw[order]) >= 0)
    # a case needing more speed is engaged in fewer draws, and a faster catalog speed never lowers a share
    fin = np.isfinite(NEED)
    assert np.all(np.diff(d.share[fin]) <= 0)
    faster = speed_draws(NEED, GRID, 4.75, 0.5, z)
    assert np.all(faster.share >= d.share)


def test_draws_beyond_the_sweep_are_clipped_and_counted():
    d = speed_draws(NEED, GRID, 6.9, 0.5, normal_draws(2000, 5))
    assert d.used_km_s.max() == 7.0 and d.clipped == int(np.sum(d.drawn_km_s > 7.0)) > 0


def test_bad_spread_or_trials():
    with pytest.raises(InputError, match="sigma"):
        ir.icbm_reach("gmd", fields=["Kozelsk"], speed_draws=(0.0, 100, 0))
    with pytest.raises(InputError, match="trials"):
        ir.icbm_reach("gmd", fields=["Kozelsk"], speed_draws=(0.3, 0, 0))
