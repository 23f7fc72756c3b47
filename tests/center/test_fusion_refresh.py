"""Fusion.tracks_of: the launch and impact points of several tracks flown together are those of
each track flown alone, and with ``refresh_s`` they are kept until the track's data time has moved
that far (the live picture's pace, openbmd.center.picture.GROUND_REFRESH_S)."""
from __future__ import annotations

import numpy as np
from fusion_scenario import EPOCH_S, SENSORS, flight, returns, truth

from openbmd.center.fusion import Fusion


def _fusion_with_two_threats(last_s: float) -> Fusion:
    traj = flight()[0]
    f = Fusion(SENSORS)
    for k, launch in enumerate((0.0, 40.0)):
        t = np.arange(150.0, last_s, 2.0)
        f.add_measurements(returns("r2", t, truth(traj, t), seed=k, tag=f"-{k}", launch_s=launch))
    return f


def test_batched_ground_points_equal_single_ones():
    f = _fusion_with_two_threats(260.0)
    ids = [t.id for t in f.tracks(ground=False)]
    assert len(ids) == 2
    together = f.tracks_of(ids)
    f._ground.clear()  # fly each alone again
    alone = [f.track(k) for k in ids]
    for a, b in zip(together, alone):
        for pa, pb in ((a.impact_point, b.impact_point), (a.launch_point, b.launch_point)):
            assert pa is not None and pb is not None
            assert abs(pa.lat_deg - pb.lat_deg) < 1e-9 and abs(pa.lon_deg - pb.lon_deg) < 1e-9


def test_refresh_keeps_points_until_the_data_time_moves():
    traj = flight()[0]
    f = _fusion_with_two_threats(260.0)
    tid = [t.id for t in f.tracks(ground=False)][0]
    first = f.tracks_of([tid], refresh_s=5.0)[0]
    t = np.array([260.0])  # one more return 2 s of data time later: the points are kept
    f.add_measurements(returns("r2", t, truth(traj, t), seed=9, tag="-a"))
    kept = f.tracks_of([tid], refresh_s=5.0)[0]
    assert kept.t_s > first.t_s and kept.impact_point == first.impact_point
    t = np.array([262.0, 264.0, 266.0])  # 6 s later: flown again from the new state
    f.add_measurements(returns("r2", t, truth(traj, t), seed=10, tag="-b"))
    again = f.tracks_of([tid], refresh_s=5.0)[0]
    assert again.impact_point != first.impact_point
    assert again.impact_point == f.track(tid).impact_point  # refresh_s 0 on the same state: the same flight


def test_close_checkpoints_thinned_give_the_same_picture_as_one_batch():
    """The live picture's checkpoints (1 s over the last minute, 30 s before): two parties' returns
    posted in small interleaved batches, each rolling the picture back, fuse to the same tracks as
    all of them at once; old checkpoints are thinned."""
    traj = flight()[0]
    t = np.arange(150.0, 400.0, 1.0)
    a = returns("r1", t, truth(traj, t), seed=1)
    b = returns("r2", t + 0.5, truth(traj, t + 0.5), seed=2)
    whole = Fusion(SENSORS)
    whole.add_measurements(a + b)
    live = Fusion(SENSORS, checkpoint_s=1.0, sparse_checkpoint_s=30.0)
    for t0 in np.arange(150.0, 400.0, 5.0):  # each party's 5 s of returns, the second party's after the first's
        for party in (a, b):
            live.add_measurements([m for m in party if t0 <= m.t_s - EPOCH_S < t0 + 5.0])
    x, y = whole.tracks(), live.tracks()
    assert [tr.id for tr in x] == [tr.id for tr in y]
    for p, q in zip(x, y):
        assert np.allclose(p.position_m, q.position_m, atol=1e-6) and p.n_updates == q.n_updates
    stamps = [c[0][0] for c in live._log.checkpoints]
    newest = stamps[-1]
    old = [s for s in stamps if newest - s > 60.0]
    assert all(b - a >= 30.0 for a, b in zip(old, old[1:]))
    assert sum(1 for s in stamps if newest - s <= 60.0) >= 50
