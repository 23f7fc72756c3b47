"""Space infrared lines of sight (the engine's STSS-class tracker, catalog ``stss-demo``, placed over
the flight) of the engine's Sejjil-2: stereo fixes start the track without any radar, the error
stays consistent with the covariance, two threats stay two tracks without ghosts, and the lines
refine a radar's track."""
from __future__ import annotations

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, SENSORS, flight, looks, returns, truth
from scipy.stats import chi2

from openbmd.center.fusion import Fusion, SensorSite, SightLine
from openbmd.center.fusion_sight import sight_lines
from openbmd.errors import InputError
from openbmd.sensors.catalog import get_sensor

IR = get_sensor("stss-demo").over(34.0, 45.0, 300.0)
IR_SITES = {f"stss/{s}": SensorSite(id=f"stss/{s}", lat_deg=0.0, lon_deg=0.0, party="nato")
            for s in range(IR.n_satellites)}


def _lines(traj, t, seed, prefix="stss", launch_s=0.0):
    z, sats = IR.observe(t + launch_s, truth(traj, t), np.random.default_rng(seed))
    return sight_lines(IR, t + launch_s, z, sats, prefix=prefix, sensor="stss", epoch_s=EPOCH_S)


def test_stereo_lines_of_sight_alone_make_a_consistent_track():
    traj, tb, ilat, ilon, ti = flight()
    lines = sorted(_lines(traj, np.arange(tb + 20.0, tb + 400.0, IR.revisit_s), 3), key=lambda m: (m.t_s, m.sensor))
    f = Fusion(IR_SITES)
    nees = []
    for m in lines:
        f.add_measurements([m])
        trs = f.tracks(ground=False)
        assert len(trs) <= 1
        if trs and trs[0].t_s == m.t_s:
            e = trs[0].position_m - truth(traj, trs[0].t_s - EPOCH_S)[0]
            nees.append(e @ np.linalg.solve(trs[0].covariance[:3, :3], e))
    (tr,) = f.tracks()
    assert tr.firm and tr.n_updates == len(lines) and tr.sensors == ("stss/0", "stss/1")
    assert len(nees) > 300 and 1.5 < np.mean(nees) < 4.5 and np.mean(np.array(nees) > chi2.ppf(0.999, 3)) < 0.01
    assert tr.impact_point.sigma_km < 5.0


def test_two_threats_seen_in_stereo_stay_two_tracks_without_ghosts():
    traj_a = flight()[0]
    traj_b = flight("sejjil-2", 32.6, 53.8, 284.0)[0]
    t = np.arange(150.0, 400.0, IR.revisit_s)
    lines = _lines(traj_a, t, 4, "a") + _lines(traj_b, t - 8.0, 5, "b", launch_s=8.0)
    f = Fusion(IR_SITES)
    f.add_measurements(lines)
    firm = [x for x in f.tracks(ground=False) if x.firm]
    assert sorted(x.id[1] for x in firm) == ["a", "b"]
    for x in firm:
        traj, launch = (traj_a, 0.0) if x.id[1] == "a" else (traj_b, 8.0)
        e = x.position_m - truth(traj, x.t_s - EPOCH_S - launch)[0]
        assert e @ np.linalg.solve(x.covariance[:3, :3], e) < chi2.ppf(0.999, 3)


def test_lines_of_sight_refine_a_radar_track():
    traj, tb, _, _, _ = flight()
    tt = looks("r1", 200.0, 300.0, 5.0)
    radar = returns("r1", tt, truth(traj, tt), seed=6)
    alone = Fusion(SENSORS)
    alone.add_measurements(radar)
    both = Fusion({**SENSORS, **IR_SITES})
    both.add_measurements(radar + _lines(traj, np.arange(215.0, 300.0, IR.revisit_s), 7))
    (a,), (b,) = alone.tracks(ground=False), both.tracks(ground=False)
    assert b.id == a.id and b.sensors == ("r1", "stss/0", "stss/1")
    assert b.position_sigma_m < 0.5 * a.position_sigma_m


def test_a_sight_line_must_be_well_formed():
    ok = dict(id="s", sensor="stss/0", t_s=EPOCH_S, observer_m=(7e6, 0.0, 0.0), los_lon_deg=10.0, los_lat_deg=5.0,
              sigma_deg=1e-3)
    SightLine(**ok)
    for bad in ({"observer_m": (1.0, 2.0)}, {"sigma_deg": 0.0}, {"los_lat_deg": 95.0}, {"t_s": float("inf")}):
        with pytest.raises(InputError, match="report 's'"):
            SightLine(**{**ok, **bad})


def test_late_lines_of_sight_replay_to_the_same_track():
    traj, tb, _, _, _ = flight()
    lines = _lines(traj, np.arange(tb + 20.0, tb + 200.0, IR.revisit_s), 8)
    one = Fusion(IR_SITES)
    one.add_measurements(lines)
    late = Fusion(IR_SITES)
    late.add_measurements(lines[40:])
    late.add_measurements(lines[:40])                          # the start comes last: a rollback to nothing
    (a,), (b,) = one.tracks(ground=False), late.tracks(ground=False)
    assert a.id == b.id and np.array_equal(a.position_m, b.position_m) and a.n_updates == b.n_updates
