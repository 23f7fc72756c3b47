"""The fusion center's tracker against the truth of the engine's own flights: a Sejjil-2 flown by
openbmd.flight, seen by three radars with seeded Gaussian noise of known sigma.

References: the chi-square distribution of the normalized estimation error squared (NEES) of a
consistent filter (Bar-Shalom, Li & Kirubarajan 2001, sec. 5.4), the information a second
independent sensor adds, and the two threats' own truths."""
from __future__ import annotations

import random

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, SENSORS, flight, looks, returns, truth
from scipy.stats import chi2

from openbmd.center.fusion import Fusion, Measurement
from openbmd.errors import InputError

RADARS = (("r1", 0.0), ("r2", 0.7), ("r3", 1.3))


def _run_returns(seed: int, radars=RADARS, revisit_s: float = 5.0, first_s: float | None = None,
                 last_s: float | None = None, **kw):
    traj, tb, _, _, ti = flight(**kw)
    t0 = tb + 20.0 if first_s is None else first_s
    t1 = ti - 60.0 if last_s is None else last_s
    ms = []
    for k, (s, off) in enumerate(radars):
        tt = looks(s, t0, t1, revisit_s, off)
        ms += returns(s, tt, truth(traj, tt), seed=1000 * seed + k)
    return ms


def _err(tr, traj):
    return tr.position_m - truth(traj, tr.t_s - EPOCH_S)[0]


def test_position_error_is_consistent_with_the_covariance():
    # NEES of the position over the run, averaged across seeds at each update: for a consistent
    # filter S * mean ~ chi2(3 S); the run-average must be near 3 and most updates in the 99% band
    traj = flight()[0]
    seeds = 4
    runs = []
    for seed in range(seeds):
        ms = sorted(_run_returns(seed), key=lambda m: m.t_s)
        f = Fusion(SENSORS)
        nees = []
        for m in ms:
            f.add_measurements([m])
            trs = f.tracks(ground=False)
            assert len(trs) <= 1
            if trs and trs[0].t_s == m.t_s:
                e = _err(trs[0], traj)
                nees.append(e @ np.linalg.solve(trs[0].covariance[:3, :3], e))
        runs.append(nees)
    n = min(len(r) for r in runs)
    assert n > 300
    anees = np.mean([r[:n] for r in runs], axis=0)
    lo, hi = chi2.ppf([0.005, 0.995], 3 * seeds) / seeds
    inside = np.mean((anees >= lo) & (anees <= hi))
    assert 2.0 <= anees.mean() <= 4.0, anees.mean()
    assert inside >= 0.9, inside


def test_two_radars_beat_each_alone():
    traj = flight()[0]
    sig, err = {}, {}
    for name, radars in (("r1", RADARS[:1]), ("r2", RADARS[1:2]), ("both", RADARS[:2])):
        s, e = [], []
        for seed in range(4):
            f = Fusion(SENSORS)
            f.add_measurements(_run_returns(seed, radars, first_s=200.0, last_s=400.0))
            (tr,) = f.tracks(ground=False)
            s.append(tr.position_sigma_m)
            e.append(np.linalg.norm(_err(tr, traj)))
        sig[name], err[name] = np.mean(s), np.sqrt(np.mean(np.square(e)))
    assert sig["both"] < 0.8 * min(sig["r1"], sig["r2"])
    assert err["both"] < min(err["r1"], err["r2"])


def test_two_threats_launched_close_in_time_stay_two_tracks():
    # the same missile from sites 30 km apart, 8 s apart, on azimuths one degree apart
    traj_a = flight()[0]
    traj_b = flight("sejjil-2", 32.6, 53.8, 284.0)[0]
    ms = []
    for k, (s, off) in enumerate(RADARS[:2]):
        tt = looks(s, 140.0, 500.0, 4.0, off)
        ms += returns(s, tt, truth(traj_a, tt), seed=k, tag="a")
        tt_b = tt - 8.0
        ms += returns(s, tt_b, truth(traj_b, tt_b), seed=10 + k, tag="b", launch_s=8.0)
    random.Random(3).shuffle(ms)
    f = Fusion(SENSORS)
    f.add_measurements(ms)
    trs = f.tracks(ground=False)
    assert len(trs) == 2 and all(t.firm for t in trs)
    by_truth = {t.id[1]: t for t in trs}      # "Tra-..." / "Trb-...": started by each threat's returns
    for tag, traj, launch in (("a", traj_a, 0.0), ("b", traj_b, 8.0)):
        tr = [t for t in trs if t.id.startswith(f"Tr1{tag}") or t.id.startswith(f"Tr2{tag}")]
        assert len(tr) == 1, by_truth
        e = tr[0].position_m - truth(traj, tr[0].t_s - EPOCH_S - launch)[0]
        assert e @ np.linalg.solve(tr[0].covariance[:3, :3], e) < chi2.ppf(0.999, 3)
        n_own = sum(m.id[2] == tag for m in ms)
        assert tr[0].n_updates == n_own   # every return went to its own threat's track


def test_rebuild_is_deterministic_whatever_the_batching():
    ms = _run_returns(5, first_s=150.0, last_s=450.0)
    one = Fusion(SENSORS)
    one.add_measurements(ms)
    shuffled = ms[:]
    random.Random(1).shuffle(shuffled)
    late = Fusion(SENSORS)         # batches out of time order: later reports first, then the rest
    by_t = sorted(ms, key=lambda m: m.t_s)
    late.add_measurements(by_t[200:])
    late.add_measurements(by_t[:50])
    touched = late.add_measurements(shuffled)                  # duplicates of every report
    late.add_measurements(by_t[100:150])
    assert touched and all(t.startswith("T") for t in touched)
    a, b = one.tracks(), late.tracks()
    assert [t.id for t in a] == [t.id for t in b] == ["T" + min(by_t[:3], key=lambda m: m.t_s).id]
    for x, y in zip(a, b):
        assert np.array_equal(x.position_m, y.position_m) and np.array_equal(x.covariance, y.covariance)
        assert x.n_updates == y.n_updates >= len(ms) - 2       # a return before the start may be left out
        assert x.launch_point == y.launch_point and x.impact_point == y.impact_point


def test_angles_only_returns_update_a_track():
    ms = _run_returns(2, RADARS[:1], first_s=200.0, last_s=300.0)
    traj = flight()[0]
    base = Fusion(SENSORS)
    base.add_measurements(ms)
    (tr0,) = base.tracks(ground=False)
    ir = [Measurement(id=m.id + "-ir", sensor="r2", party="russia", t_s=m.t_s + 0.5, azimuth_deg=m.azimuth_deg,
                      elevation_deg=m.elevation_deg, sigma_angle_deg=m.sigma_angle_deg)
          for m in _run_returns(7, RADARS[1:2], first_s=200.0, last_s=300.0)]
    both = Fusion(SENSORS)
    both.add_measurements(ms + ir)
    (tr,) = both.tracks(ground=False)
    started = sorted(m.t_s for m in ms)[2]                   # the third radar return starts it
    after_start = sum(m.t_s > started for m in ir)           # angles alone start no track
    assert len(ir) - after_start <= 2
    assert tr.sensors == ("r1", "r2") and tr.n_updates == len(ms) + after_start
    assert tr.position_sigma_m < 0.95 * tr0.position_sigma_m       # angles add information
    e = _err(tr, traj)
    assert e @ np.linalg.solve(tr.covariance[:3, :3], e) < chi2.ppf(0.999, 3)


def test_bad_reports_are_refused_with_their_id():
    f = Fusion(SENSORS)
    good = dict(id="x1", sensor="r1", party="nato", t_s=EPOCH_S, range_m=5e5, azimuth_deg=10.0, elevation_deg=20.0,
                sigma_range_m=10.0, sigma_angle_deg=0.1)
    f.add_measurements([Measurement(**good)])
    assert f.add_measurements([Measurement(**good)]) == []                     # a duplicate: ignored
    for change, word in (({"sensor": "zz"}, "unknown sensor"), ({"range_m": -1.0}, "> 0"),
                         ({"elevation_deg": 95.0}, "elevation"), ({"sigma_angle_deg": float("nan")}, "finite")):
        with pytest.raises(InputError, match=word):
            f.add_measurements([Measurement(**{**good, "id": "x2", **change})])
    with pytest.raises(InputError, match="different content"):
        f.add_measurements([Measurement(**{**good, "range_m": 6e5})])
    with pytest.raises(InputError, match="gate_sigma"):
        Fusion(SENSORS, gate_sigma=0.0)


def test_the_window_forgets_old_reports_and_refuses_later_ones():
    ms = sorted(_run_returns(6, first_s=150.0, last_s=450.0), key=lambda m: m.t_s)
    late_ok, too_late = ms[-20], ms[10]
    rest = [m for m in ms if m not in (late_ok, too_late)]
    f = Fusion(SENSORS, window_s=60.0)
    f.add_measurements(rest)
    assert f.kept_reports < len(rest) / 2                       # memory holds about the last minute
    before = f.tracks(ground=False)[0]
    assert f.add_measurements([too_late]) == [] and f.stale_reports == 1
    assert np.array_equal(f.tracks(ground=False)[0].position_m, before.position_m)
    assert f.add_measurements([late_ok]) == [before.id]          # inside the window: rolled back and replayed
    ref = Fusion(SENSORS)
    ref.add_measurements([m for m in ms if m is not too_late])
    a, b = f.tracks(ground=False)[0], ref.tracks(ground=False)[0]
    assert np.array_equal(a.position_m, b.position_m) and a.n_updates == b.n_updates


def test_false_returns_start_no_firm_track_and_leave_the_true_one_whole():
    # three false returns per look per radar, uniform over 200-3,000 km, all azimuths, 2-60 deg up:
    # every look of the threat has 3x as many false alarms around it in the picture
    ms = _run_returns(8)
    g = np.random.default_rng(9)
    false = [Measurement(id=f"fa-{i}-{j}", sensor=m.sensor, t_s=m.t_s, range_m=g.uniform(2e5, 3e6),
                         azimuth_deg=g.uniform(0.0, 360.0), elevation_deg=g.uniform(2.0, 60.0), sigma_range_m=25.0,
                         sigma_angle_deg=m.sigma_angle_deg) for i, m in enumerate(ms) for j in range(3)]
    f = Fusion(SENSORS)
    f.add_measurements(ms + false)
    firm = [t for t in f.tracks(ground=False) if t.firm]
    assert len(firm) == 1 and firm[0].id.startswith("Tr")
    assert firm[0].n_updates >= len(ms) - 2
