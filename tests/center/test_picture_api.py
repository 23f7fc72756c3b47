"""The routes the live picture's page reads: GET /v1/me, GET /v1/sensors (what each party may see of
the sensors, and their coverage against a closed-form horizon), GET /v1/history (a replay of the
stored data that ends on the live picture: same ids, same states, and the same rights)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, flight, looks, returns, truth
from picture_helpers import SITES
from picture_helpers import register as _register
from pyproj import Geod


def _post(c, sensor: str, seed: int) -> list[float]:
    traj, tb, *_ = flight()
    tt = looks(sensor, tb + 20.0, tb + 200.0, 5.0)
    rows = [{"id": m.id, "sensor": sensor, "t_s": m.t_s, "range_m": m.range_m, "azimuth_deg": m.azimuth_deg,
             "elevation_deg": m.elevation_deg, "sigma_range_m": m.sigma_range_m, "sigma_angle_deg": m.sigma_angle_deg}
            for m in returns(sensor, tt, truth(traj, tt), seed=seed)]
    r = c.call("POST", "/v1/reports", SITES[sensor][0], json={"reports": rows})
    assert r.status_code == 200, r.text
    return [row["t_s"] for row in rows]


def _center(make_center):
    c = make_center(fusion=True)
    c.clock.now = EPOCH_S + 3600.0
    return c


def _ids(c, who: str) -> list[str]:
    r = c.call("GET", "/v1/sensors", who)
    assert r.status_code == 200, r.text
    return sorted(f"{s['party']}/{s['id']}" for s in r.json()["sensors"])


def test_me_names_the_tokens_party_and_role(center):
    center.extra["obs"] = center.token("russia", "observer")
    assert center.call("GET", "/v1/me", "nato").json()["party"] == "nato"
    me = center.call("GET", "/v1/me", "obs").json()
    assert (me["party"], me["role"]) == ("russia", "observer")
    assert center.call("GET", "/v1/me", headers={"Authorization": "Bearer obmd_00_x"}).status_code == 401


def test_sensors_follow_the_sharing_levels(center):
    c = center
    c.sensor("nato", "n-raw", "raw")
    c.sensor("nato", "n-warn", "warning", lat_deg=39.0)
    c.sensor("russia", "r-tracks", "tracks", sensor="voronezh-dm-armavir", lat_deg=44.925, lon_deg=40.984)
    c.sensor("russia", "r-warn", "warning", sensor="voronezh-dm-armavir", lat_deg=45.0, lon_deg=41.0)
    c.extra["nato-obs"] = c.token("nato", "observer")
    assert _ids(c, "nato") == ["nato/n-raw", "nato/n-warn", "russia/r-tracks"]
    assert _ids(c, "russia") == ["nato/n-raw", "russia/r-tracks", "russia/r-warn"]
    assert _ids(c, "nato-obs") == ["nato/n-raw", "russia/r-tracks"]  # an observer token has no sensors of its own
    body = c.call("GET", "/v1/sensors", "nato").text
    assert "r-warn" not in body and "45.0," not in body


def test_coverage_is_the_horizon_fan_of_each_face():
    """The AN/TPY-2's footprint for a 100 km target: one 120-degree fan whose arc lies at the ground range
    where the target rises above the radar's 1-degree minimum elevation. Closed form on a sphere of
    radius R: psi = acos(R cos(e) / (R + h)) - e, ground range R psi (here the horizon binds, not the
    radar equation: its slant range, ~1,300 km, is inside the detection range at the default RCS)."""
    from openbmd.center.picture_api import coverage
    from openbmd.center.store import catalog_sensor

    radar = catalog_sensor("an-tpy-2-fbm")
    (fan,) = coverage("an-tpy-2-fbm", 33.5, 50.5)
    fan = np.asarray(fan)
    assert tuple(fan[0]) == tuple(fan[-1]) == (33.5, 50.5)  # the site closes the fan
    arc = fan[1:-1]
    az, _, dist_m = Geod(ellps="WGS84").inv(np.full(len(arc), 50.5), np.full(len(arc), 33.5), arc[:, 1], arc[:, 0])
    r_km, h_km, e = 6371.0, 100.0, radar.el_min_rad
    ground_km = r_km * (math.acos(r_km * math.cos(e) / (r_km + h_km)) - e)
    assert np.allclose(dist_m / 1e3, ground_km, rtol=0.01)
    span = (az[-1] - az[0]) % 360.0
    assert span == pytest.approx(2 * math.degrees(radar.face_half_width_rad), abs=0.5)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_history_replays_the_stored_data_and_ends_on_the_live_picture(make_center):
    c = _center(make_center)
    _register(c, "r1", "raw")
    t = _post(c, "r1", seed=0)
    c.client.app.state.center.picture.drain()
    (live,) = c.call("GET", "/v1/tracks", "nato").json()["tracks"]
    t0, t1 = math.floor(t[0]) - 10.0, math.ceil(t[-1])
    r = c.call("GET", f"/v1/history?from_s={t0}&to_s={t1}&step_s=5", "nato")
    assert r.status_code == 200, r.text
    frames = r.json()["frames"]
    assert [f["t_s"] for f in frames][:3] == [t0, t0 + 5, t0 + 10] and frames[-1]["t_s"] == t1
    assert frames[0]["tracks"] == []  # before the first return
    for f in frames:
        assert all(tr["t_s"] <= f["t_s"] for tr in f["tracks"])
    (last,) = frames[-1]["tracks"]
    assert last["id"] == live["id"] and last["t_s"] == live["t_s"] and last["firm"]
    assert np.linalg.norm(np.subtract(last["position_m"], live["position_m"])) < 1.0  # the same fusion, re-run
    assert "covariance" not in last
    moving = [f["tracks"][0]["position_m"] for f in frames if f["tracks"]]
    assert len({tuple(p) for p in moving}) > 5  # the replayed track moves
    (alert,) = r.json()["alerts"]
    assert alert["kind"] == "unannounced" and alert["track_id"] == live["id"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_history_keeps_the_rights_and_refuses_a_bad_window(make_center):
    c = _center(make_center)
    _register(c, "r2", "warning")
    t = _post(c, "r2", seed=2)
    c.extra["obs"] = c.token("nato", "observer")
    q = f"/v1/history?from_s={t[0]}&to_s={t[-1]}&step_s=10"
    (own,) = c.call("GET", q, "russia").json()["frames"][-1]["tracks"]
    assert own["level"] == "track" and own["sensors"] == ["russia/r2"]
    for who in ("nato", "obs"):
        (seen,) = c.call("GET", q, who).json()["frames"][-1]["tracks"]
        assert set(seen) == {"id", "t_s", "firm", "launch_point", "impact_point", "level"}
        assert seen["level"] == "warning" and seen["id"] == own["id"]
    r = c.call("GET", f"/v1/history?from_s={t[0]}&to_s={t[0] + 3600}&step_s=1", "nato")
    assert r.status_code == 422 and "at most 600" in r.json()["detail"] and "step_s" in r.json()["detail"]
    r = c.call("GET", f"/v1/history?from_s={t[-1]}&to_s={t[0]}", "nato")
    assert r.status_code == 422 and "must be at or after from_s" in r.json()["detail"]
    assert c.call("GET", q).status_code == 401
