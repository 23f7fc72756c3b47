"""Returns from the engine's own radar models (catalog AN/TPY-2 forward-based near the launch, the
Voronezh-DM at Armavir) of a Sejjil-2 from its boost on: the track starts in the boost model, turns
ballistic within seconds of the true burnout (which the center is not told), stays one track, and
keeps its error consistent with its covariance; its impact point holds the truth."""
from __future__ import annotations

import json

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, LAUNCH, flight, truth
from scipy.stats import chi2

from openbmd.center.fusion import Fusion, SensorSite, from_detections
from openbmd.earth.frames import Site
from openbmd.earth.geodesy import geodetic_to_ecef
from openbmd.sensors import get_radar


@pytest.fixture(scope="module")
def run():
    traj, tb, ilat, ilon, ti = flight()
    tpy = get_radar("an-tpy-2-fbm").at(33.5, 50.5, 1200.0)
    vor = get_radar("voronezh-dm-armavir")
    sensors = {"tpy": SensorSite(id="tpy", party="nato", sensor=tpy),
               "vor": SensorSite(id="vor", party="russia", sensor=vor)}
    ms = []
    for key, radar, seed in (("tpy", tpy, 1), ("vor", vor, 2)):
        ms += from_detections(radar.observe(traj, 0.1, np.random.default_rng(seed), object_id="rv"), sensor=key,
                              epoch_s=EPOCH_S)
    ms.sort(key=lambda m: m.t_s)
    f = Fusion(sensors)
    history, launches = [], []
    for i, m in enumerate(ms):
        f.add_measurements([m])
        history.append([(t.id, t.boosting, t.firm, t.t_s, t.position_m, t.covariance) for t in f.tracks(ground=False)])
        if i % 20 == 10:
            launches += [(t.boosting, t.launch_point) for t in f.tracks() if t.firm]
    return f, history, ms, (traj, tb, ilat, ilon), launches


def test_the_boost_is_followed_by_one_track_that_turns_ballistic_after_burnout(run):
    f, history, ms, (traj, tb, _, _), _ = run
    assert ms[0].t_s - EPOCH_S < tb - 60.0                   # the radar sees the booster a minute before burnout
    firm = [t for t in f.tracks(ground=False) if t.firm]
    assert len(firm) == 1 and firm[0].sensors == ("tpy", "vor") and not firm[0].boosting
    tid = firm[0].id
    mode = [(rows[0][3] - EPOCH_S, rows[0][1]) for rows in ([r for r in h if r[0] == tid] for h in history) if rows]
    boost_until = max(t for t, b in mode if b)
    assert all(b for t, b in mode if t < tb)                 # no false burnout while it burns
    assert tb <= boost_until < tb + 15.0                     # ballistic within seconds of it
    nees = [e @ np.linalg.solve(c[:3, :3], e) for (_, _, _, t, x, c) in (r for h in history for r in h if r[0] == tid)
            for e in [x - truth(traj, t - EPOCH_S)[0]]]
    assert np.mean(nees) < 1.5 * 3 and np.mean(np.array(nees) > chi2.ppf(0.999, 3)) < 0.02


def test_its_impact_point_holds_the_truth(run):
    f, _, _, (_, _, ilat, ilon), _ = run
    (tr,) = [t for t in f.tracks() if t.firm]
    ip = tr.impact_point
    en = Site(lat_deg=ip.lat_deg, lon_deg=ip.lon_deg).enu(geodetic_to_ecef(ilat, ilon, 0.0))[:2] / 1e3
    assert np.hypot(*en) < 3.0 * ip.sigma_km
    doc = json.loads(json.dumps(tr.summary()))              # what the center stores and serves
    assert doc["id"] == tr.id and doc["boosting"] is False and len(doc["covariance"]) == 6


def test_its_launch_point_holds_the_truth_while_it_burns_and_after(run):
    *_, launches = run
    assert sum(b for b, _ in launches) >= 3 and sum(not b for b, _ in launches) >= 3
    for _, lp in launches:
        en = Site(lat_deg=lp.lat_deg, lon_deg=lp.lon_deg).enu(geodetic_to_ecef(*LAUNCH, 0.0))[:2] / 1e3
        assert np.hypot(*en) < 3.0 * lp.sigma_km and abs(lp.t_s - EPOCH_S) < 3.0 * lp.sigma_t_s
