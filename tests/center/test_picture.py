"""The fused picture through the service: the engine's Sejjil-2 flight seen by a NATO and a Russian
radar, reports posted over HTTP, fused into one firm track; what each party sees of it follows the
sharing level; an unannounced launch raises an alert for every party, an announced one does not;
the picture is rebuilt from the database after a restart."""
from __future__ import annotations

import json

import pytest
from fusion_scenario import EPOCH_S, LAUNCH, flight
from picture_helpers import fusing_center as _center
from picture_helpers import post as _post
from picture_helpers import register as _register
from picture_helpers import tracks as _tracks


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_two_parties_fuse_one_firm_track_and_an_unannounced_alert(make_center):
    c = _center(make_center)
    _register(c, "r1", "raw")
    _register(c, "r2", "tracks")
    _post(c, "r1", seed=0)
    _post(c, "r2", seed=1, offset=0.7)
    (nato,) = _tracks(c, "nato")
    assert nato["level"] == "track" and nato["firm"] and nato["parties"] == ["nato", "russia"]
    assert sorted(nato["sensors"]) == ["nato/r1", "russia/r2"]
    lp = nato["launch_point"]
    assert abs(lp["lat_deg"] - LAUNCH[0]) < 1.0 and abs(lp["lon_deg"] - LAUNCH[1]) < 1.0
    alerts = c.call("GET", "/v1/alerts", "russia").json()["alerts"]
    assert [a["kind"] for a in alerts] == ["unannounced"] and alerts[0]["track_id"] == nato["id"]
    # the stream replays the updates from the start for a client that says it has seen none
    r = c.call("GET", "/v1/stream?timeout_s=0.5", "russia", headers={"Last-Event-ID": "0"})
    events = [line.split(": ", 1)[1] for line in r.text.splitlines() if line.startswith("event: ")]
    assert "track" in events and "alert" in events
    # restart: the picture is rebuilt from the stored reports, the same track again
    c.client.__exit__(None, None, None)
    from fastapi.testclient import TestClient

    from openbmd.center.service import create_app

    c.client = TestClient(create_app(c.url, clock=c.clock, fusion=True))
    c.client.__enter__()
    (again,) = _tracks(c, "nato")
    assert again["firm"] and abs(again["launch_point"]["lat_deg"] - lp["lat_deg"]) < 0.2


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_warning_level_shows_a_warning_only_and_an_announced_launch_is_not_flagged(make_center):
    c = _center(make_center)
    _register(c, "r2", "warning")
    traj, tb, ilat, ilon, _ = flight()
    note = {"id": "n1", "window_start_s": EPOCH_S - 1800.0, "window_end_s": EPOCH_S + 1800.0,
            "launch_area": {"lat_deg": LAUNCH[0], "lon_deg": LAUNCH[1], "radius_km": 50.0},
            "impact_area": {"lat_deg": ilat, "lon_deg": ilon, "radius_km": 100.0}}
    assert c.call("POST", "/v1/notifications", "russia", json=note).status_code == 201
    _post(c, "r2", seed=2)
    (own,) = _tracks(c, "russia")
    assert own["level"] == "track" and own["sensors"] == ["russia/r2"]
    (seen,) = _tracks(c, "nato")
    assert seen["level"] == "warning" and set(seen) == {"id", "t_s", "firm", "launch_point", "impact_point", "level"}
    assert "r2" not in json.dumps(seen)
    c.extra["obs"] = c.token("nato", "observer")
    assert _tracks(c, "obs")[0]["level"] == "warning"
    alerts = c.call("GET", "/v1/alerts", "nato").json()["alerts"]
    assert [(a["kind"], a["notification"]) for a in alerts] == [("announced", "n1")]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_purged_data_leaves_the_picture(make_center):
    c = _center(make_center, found_kwargs={"withdrawal": {"rule": "purge", "after_days": 0}})
    _register(c, "r2", "raw")
    _post(c, "r2", seed=3)
    assert len(_tracks(c, "nato")) == 1
    assert c.call("POST", "/v1/withdraw", "russia").json()["purge_after_s"] == c.clock()
    assert _tracks(c, "nato") == []  # the track rested on russia's reports alone


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_shared_track_is_fused_by_covariance_intersection(make_center):
    c = _center(make_center)
    _register(c, "r1", "raw")
    _post(c, "r1", seed=4)
    (mine,) = _tracks(c, "nato")
    assert mine["parties"] == ["nato"]
    shared = {"id": "rus-TRACK-7", "t_s": mine["t_s"], "position_m": mine["position_m"],
              "velocity_m_s": mine["velocity_m_s"], "covariance": mine["covariance"]}
    r = c.call("POST", "/v1/party-tracks", "russia", json={"tracks": [shared]})
    assert r.json() == {"accepted": 1, "duplicates": 0}
    (fused,) = _tracks(c, "nato")
    assert fused["id"] == mine["id"] and fused["parties"] == ["nato", "russia"]
    assert fused["sensors"] == ["nato/r1"] and "rus-TRACK-7" not in json.dumps(fused)
    (theirs,) = _tracks(c, "russia")  # russia contributed: it sees the whole track, nato's raw-level sensor too
    assert theirs["level"] == "track" and theirs["sensors"] == ["nato/r1"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_stream_does_not_wait_for_a_fusion_batch(make_center):
    # the stream reads the update feed on the server's event loop: it must not wait on the lock
    # the fusion worker holds for a whole batch (it did, and every request stalled 0.1-0.4 s)
    import threading
    import time

    c = _center(make_center)
    _register(c, "r1", "raw")
    _post(c, "r1", seed=0)
    picture = c.client.app.state.center.picture
    picture.drain()  # the batch fused and published: what the stream must show
    held, release = threading.Event(), threading.Event()

    def busy_worker():
        with picture._lock:
            held.set()
            release.wait(5.0)

    t = threading.Thread(target=busy_worker)
    t.start()
    try:
        held.wait(5.0)
        t0 = time.monotonic()
        r = c.call("GET", "/v1/stream?timeout_s=0.3", "nato", headers={"Last-Event-ID": "0"})
        took = time.monotonic() - t0
    finally:
        release.set()
        t.join()
    assert "event: track" in r.text and took < 2.0
