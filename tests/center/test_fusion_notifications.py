"""Pre-launch notifications against a fused track of the engine's Sejjil-2 flight: an announced
launch matches its notification, an unannounced one (no notice, another window, another area,
another impact area) is flagged."""
from __future__ import annotations

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, LAUNCH, SENSORS, flight, looks, returns, truth

from openbmd.center.fusion import Fusion
from openbmd.center.notifications import Notification, correlate, match_notification, unannounced
from openbmd.errors import InputError


@pytest.fixture(scope="module")
def track():
    traj, tb, ilat, ilon, ti = flight()
    ms = []
    for k, (s, off) in enumerate((("r1", 0.0), ("r2", 0.7))):
        tt = looks(s, tb + 20.0, tb + 200.0, 5.0, off)
        ms += returns(s, tt, truth(traj, tt), seed=k)
    f = Fusion(SENSORS)
    f.add_measurements(ms)
    (tr,) = f.tracks()
    assert tr.firm and tr.launch_point is not None and tr.impact_point is not None
    return tr, (ilat, ilon)


def _note(id="n1", **kw):
    base = dict(id=id, party="russia", window_start_s=EPOCH_S - 1800.0, window_end_s=EPOCH_S + 1800.0,
                launch_lat_deg=LAUNCH[0], launch_lon_deg=LAUNCH[1], launch_radius_km=20.0)
    return Notification(**{**base, **kw})


def test_an_announced_launch_matches_its_notification(track):
    tr, (ilat, ilon) = track
    notes = [_note("n1", impact_lat_deg=ilat, impact_lon_deg=ilon, impact_radius_km=50.0),
             _note("n0", launch_lat_deg=LAUNCH[0] + 0.1)]      # both fit; n1's launch area is nearer
    assert match_notification(tr, notes) == "n1"
    assert not unannounced(tr, notes)
    assert correlate([tr], notes) == {tr.id: "n1"}
    assert match_notification(tr, [_note()]) == "n1"           # no impact area: the launch alone decides


@pytest.mark.parametrize("change", [
    {"window_start_s": EPOCH_S + 3600.0, "window_end_s": EPOCH_S + 7200.0},   # an hour later
    {"window_start_s": EPOCH_S - 7200.0, "window_end_s": EPOCH_S - 600.0},    # closed 10 min before
    {"launch_lat_deg": LAUNCH[0] + 3.0},                                     # ~330 km north
    {"impact_lat_deg": 20.0, "impact_lon_deg": 30.0, "impact_radius_km": 100.0},   # another impact area
])
def test_an_unannounced_launch_is_flagged(track, change):
    tr, _ = track
    assert match_notification(tr, [_note(**change)]) is None
    assert unannounced(tr, [_note(**change)])
    assert unannounced(tr, [])


def test_the_area_is_widened_by_the_estimates_sigma(track):
    tr, _ = track
    lp = tr.launch_point
    # a launch area ~ (radius + 2 sigma) away from the estimate fits at n_sigma 3, not at 1
    from openbmd.earth.geodesy import geodesic_direct
    lat, lon, _ = geodesic_direct(lp.lat_deg, lp.lon_deg, 0.0, (5.0 + 2.0 * lp.sigma_km) * 1e3)
    note = _note(launch_lat_deg=float(lat), launch_lon_deg=float(lon), launch_radius_km=5.0)
    assert match_notification(tr, [note]) == "n1"
    assert match_notification(tr, [note], n_sigma=1.0) is None


def test_a_tentative_track_is_not_flagged_unless_asked(track):
    import dataclasses

    tr = dataclasses.replace(track[0], firm=False)
    assert not unannounced(tr, [])
    assert unannounced(tr, [], require_firm=False)


def test_bad_notifications_are_refused():
    for kw, word in (({"window_end_s": EPOCH_S - 7200.0}, "before"), ({"launch_radius_km": 0.0}, "radii"),
                     ({"impact_lat_deg": 10.0}, "all of"), ({"launch_lat_deg": 95.0}, "latitude")):
        with pytest.raises(InputError, match=word):
            _note(**kw)


def test_a_boosting_track_matches_its_notification_by_the_launch_area_alone():
    """Found by openbmd exercise (examples/exercises/test-launch-notified.toml): a notified test launch
    made firm during boost was flagged unannounced, its impact point (where it would fall if the
    thrust stopped now) being far from the notified impact area. Launch point and time fit."""
    from openbmd.center.fusion import FusedTrack, PointEstimate, match_notification
    from openbmd.center.notifications import Notification

    lp = PointEstimate(lat_deg=62.9, lon_deg=40.6, t_s=1000.0, sigma_km=30.0, ellipse_semi_major_km=25.0,
                       ellipse_semi_minor_km=15.0, ellipse_orientation_deg=36.0, sigma_t_s=50.0)
    ip = PointEstimate(lat_deg=63.5, lon_deg=45.0, t_s=1400.0, sigma_km=20.0, ellipse_semi_major_km=20.0,
                       ellipse_semi_minor_km=10.0, ellipse_orientation_deg=80.0)
    note = Notification.from_dict({"id": "test-1", "party": "russia", "window_start_s": 900.0, "window_end_s": 1100.0,
                                   "launch_area": {"lat_deg": 62.93, "lon_deg": 40.57, "radius_km": 50.0},
                                   "impact_area": {"lat_deg": 57.77, "lon_deg": 161.83, "radius_km": 150.0}})
    z = np.zeros(3)
    def track(boosting):
        return FusedTrack(id="T", t_s=1100.0, position_m=z, velocity_m_s=z, covariance=np.eye(6), parties=("russia",),
                          sensors=(), n_updates=9, firm=True, launch_point=lp, impact_point=ip, boosting=boosting)
    assert match_notification(track(True), [note]) == "test-1"
    assert match_notification(track(False), [note]) is None  # coasting: its impact point must fit too
