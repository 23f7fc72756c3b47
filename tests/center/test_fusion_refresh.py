"""Fusion.tracks_of: the launch and impact points of several tracks flown together are those of
each track flown alone, and with ``refresh_s`` they are kept until the track's data time has moved
that far (the live picture's pace, openbmd.center.picture.GROUND_REFRESH_S)."""
from __future__ import annotations

import numpy as np
from fusion_scenario import SENSORS, flight, returns, truth

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
