"""Covariance intersection of tracks shared by parties: against Monte Carlo draws of correlated
errors (the bound it promises for any correlation; Julier & Uhlmann 1997), against the naive
independent fusion it replaces, and through Fusion.add_tracks against the engine's flight."""
from __future__ import annotations

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, SENSORS, flight, looks, returns, truth
from scipy.stats import chi2

from openbmd.center.fusion import Fusion, PartyTrack
from openbmd.center.fusion_assoc import covariance_intersection
from openbmd.errors import InputError


def _spd(g, n=6):
    a = g.standard_normal((n, n)) * np.array([300.0, 300.0, 300.0, 3.0, 3.0, 3.0])
    return a @ a.T + np.diag([100.0, 100.0, 100.0, 0.01, 0.01, 0.01])


@pytest.mark.parametrize("rho", [0.0, 0.6, 0.9])
def test_intersection_bounds_the_error_for_any_correlation(rho):
    # each party's error = a common part (both hold the same radar's returns) + its own part
    g = np.random.default_rng(12)
    common, own_a, own_b = _spd(g), _spd(g), _spd(g)
    pa, pb = rho * common + (1 - rho) * own_a, rho * common + (1 - rho) * own_b
    n = 20_000
    c = g.standard_normal((n, 6)) @ np.linalg.cholesky(rho * common + 1e-9 * np.eye(6)).T
    ea = c + g.standard_normal((n, 6)) @ np.linalg.cholesky((1 - rho) * own_a).T
    eb = c + g.standard_normal((n, 6)) @ np.linalg.cholesky((1 - rho) * own_b).T
    x, p, w = covariance_intersection(np.zeros(6), pa, np.zeros(6), pb)
    assert np.allclose(x, 0.0) and 0.0 <= w <= 1.0
    ia, ib = np.linalg.inv(pa), np.linalg.inv(pb)
    fused = (p @ (w * ia @ ea.T + (1 - w) * ib @ eb.T)).T
    emp = np.cov(fused, rowvar=False)
    root = np.linalg.cholesky(np.linalg.inv(p))
    assert np.linalg.eigvalsh(root.T @ emp @ root).max() < 1.05           # E <= P: consistent
    assert np.linalg.det(p) <= min(np.linalg.det(pa), np.linalg.det(pb))  # no larger than either
    # the fusion that assumes independence is right for independent errors, over-confident for
    # strongly correlated ones: why shared tracks are intersected
    pk = np.linalg.inv(ia + ib)
    naive = (pk @ (ia @ ea.T + ib @ eb.T)).T
    nees = np.mean(np.einsum("ki,ki->k", naive, np.linalg.solve(pk, naive.T).T))
    if rho == 0.0:
        assert nees == pytest.approx(6.0, abs=0.2)
    elif rho > 0.9:
        assert nees > 9.0


def test_shared_tracks_of_two_parties_become_one_consistent_track():
    traj, tb, _, _, ti = flight()
    party = {}
    for k, (s, off) in enumerate((("r1", 0.0), ("r2", 0.7))):
        tt = looks(s, 200.0, 400.0, 5.0, off)
        f = Fusion(SENSORS)
        f.add_measurements(returns(s, tt, truth(traj, tt), seed=40 + k))
        (party[s],) = f.tracks(ground=False)
    shared = [PartyTrack(id=f"pt-{s}", party=SENSORS[s].party, t_s=tr.t_s, position_m=tr.position_m,
                         velocity_m_s=tr.velocity_m_s, covariance=tr.covariance) for s, tr in party.items()]
    center = Fusion(SENSORS)
    assert center.add_tracks(shared[::-1]) == ["Tpt-r1"]
    assert center.add_tracks(shared) == []                                 # duplicates ignored
    (tr,) = center.tracks(ground=False)
    assert tr.parties == ("nato", "russia") and tr.n_updates == 2 and tr.t_s == party["r2"].t_s
    e = tr.position_m - truth(traj, tr.t_s - EPOCH_S)[0]
    assert e @ np.linalg.solve(tr.covariance[:3, :3], e) < chi2.ppf(0.999, 3)
    assert np.linalg.det(tr.covariance) <= np.linalg.det(party["r2"].covariance)


def test_a_party_track_must_be_well_formed():
    ok = dict(id="p", party="nato", t_s=EPOCH_S, position_m=[7e6, 0, 0], velocity_m_s=[0, 7e3, 0],
              covariance=np.eye(6))
    PartyTrack(**ok)
    for bad in ({"covariance": -np.eye(6)}, {"position_m": [1.0, 2.0]}, {"velocity_m_s": [0, np.nan, 0]}):
        with pytest.raises(InputError, match="track 'p'"):
            PartyTrack(**{**ok, **bad})
