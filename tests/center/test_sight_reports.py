"""Space infrared lines of sight over HTTP (POST /v1/sight-reports): two satellites of the catalog's
STSS-class constellation registered with their orbit's epoch, the engine's own noisy looks at its
Sejjil-2 flight posted as JSON, fused into a firm track near the flown truth; idempotent by id;
implausible lines and wrong sensors refused naming the report and the field; the reports of another
party readable only at sharing level raw, and audited."""
from __future__ import annotations

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, flight, truth

from openbmd.sensors.catalog import get_sensor

#: the constellation's first satellite passes over (34 N, 45 E) ascending 300 s after the launch
OVER = (34.0, 45.0, 300.0)
IR = get_sensor("stss-demo").over(*OVER)


def _register(c, who="nato", sharing="raw", prefix="stss"):
    for s in range(IR.n_satellites):
        r = c.call("POST", "/v1/sensors", who, json={
            "id": f"{prefix}/{s}", "sensor": "stss-demo", "lat_deg": OVER[0], "lon_deg": OVER[1], "sharing": sharing,
            "satellite": s, "epoch_s": EPOCH_S + OVER[2]})
        assert r.status_code == 201, r.text


def _lines(t, seed=3, prefix="stss", sigma_key="sigma_deg") -> list[dict]:
    """The engine's looks (InfraredTracker.observe) at the flight as JSON lines of sight."""
    traj = flight()[0]
    z, _ = IR.observe(t, truth(traj, t), np.random.default_rng(seed))
    sigma = float(np.degrees(IR.sigma_los_rad))
    return [{"id": f"los-{k}-{s}", "sensor": f"{prefix}/{s}", "t_s": EPOCH_S + float(t[k]),
             "los_lon_deg": float(np.degrees(z[k, s, 0])), "los_lat_deg": float(np.degrees(z[k, s, 1])),
             sigma_key: sigma}
            for k in range(len(t)) for s in range(IR.n_satellites) if np.isfinite(z[k, s, 0])]


def _center(make_center, **kw):
    c = make_center(**kw)
    c.clock.now = EPOCH_S + 3600.0
    return c


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_stereo_pair_over_http_makes_a_track_near_the_truth(make_center):
    c = _center(make_center, fusion=True)
    _register(c)
    tb = flight()[1]
    t = np.arange(tb + 20.0, tb + 300.0, IR.revisit_s)
    lines = _lines(t)
    assert len(lines) > 200
    half = len(lines) // 2  # the brief's name sigma_angle_deg is accepted for sigma_deg
    first = [{**{k: v for k, v in x.items() if k != "sigma_deg"}, "sigma_angle_deg": x["sigma_deg"]}
             for x in lines[:half]]
    r = c.call("POST", "/v1/sight-reports", "nato", json={"reports": first})
    assert r.status_code == 200 and r.json() == {"accepted": half, "duplicates": 0}, r.text
    r = c.call("POST", "/v1/sight-reports", "nato", json={"reports": lines})
    assert r.json() == {"accepted": len(lines) - half, "duplicates": half}
    c.client.app.state.center.picture.drain()
    (track,) = c.call("GET", "/v1/tracks", "nato").json()["tracks"]
    assert track["firm"] and sorted(track["sensors"]) == ["nato/stss/0", "nato/stss/1"]
    # the truth at the track's time; the error within 4 sigma (chi-square 3 dof, p ~ 0.998)
    e = np.array(track["position_m"]) - truth(flight()[0], track["t_s"] - EPOCH_S)[0]
    cov = np.array(track["covariance"])[:3, :3]
    assert e @ np.linalg.solve(cov, e) < 15.0
    assert np.linalg.norm(e) < 2000.0  # and within 2 km outright (20 urad at ~2,000 km is ~40 m per look)
    ip = track["impact_point"]
    _, _, ilat, ilon, _ = flight()
    assert abs(ip["lat_deg"] - ilat) < 0.5 and abs(ip["lon_deg"] - ilon) < 0.5


BAD = [
    ("los_lon_deg", 180.5, "los_lon_deg must be in [-180, 180] deg"),
    ("los_lat_deg", -90.5, "los_lat_deg must be in [-90, 90] deg"),
    ("sigma_deg", 0.0, "sigma_deg must be in (0, 10] deg"),
    ("t_s", EPOCH_S + 3660.0, "s in the future"),
    ("sensor", "radar", "is a ground sensor"),
    ("sensor", "nope", "sensor 'nope' is not registered to party 'nato'"),
]


def test_implausible_lines_of_sight_are_refused_naming_id_and_field(make_center):
    c = _center(make_center)
    _register(c)
    c.sensor("nato", "radar", "raw")
    good = _lines(np.array([400.0]))[0]
    for field, value, says in BAD:
        r = c.call("POST", "/v1/sight-reports", "nato", json={"reports": [good, {**good, "id": "bad-3", field: value}]})
        assert r.status_code == 422, (field, r.text)
        assert r.json()["detail"].startswith("report 'bad-3': ") and says in r.json()["detail"], r.text
    nan = '{"reports": [{"id": "n", "sensor": "stss/0", "t_s": 1.8e9, "los_lon_deg": NaN, "los_lat_deg": 1, ' \
          '"sigma_deg": 0.01}]}'
    r = c.call("POST", "/v1/sight-reports", "nato", content=nan, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "los_lon_deg must be a finite number" in r.json()["detail"]
    both = {**good, "sigma_angle_deg": 0.01}
    assert c.call("POST", "/v1/sight-reports", "nato", json={"reports": [both]}).status_code == 422
    # a radar report from a space tracker is refused, pointing to the right endpoint
    radar = {"id": "x", "sensor": "stss/0", "t_s": EPOCH_S, "range_m": 1e6, "azimuth_deg": 1.0, "elevation_deg": 5.0,
             "sigma_range_m": 10.0, "sigma_angle_deg": 0.1}
    r = c.call("POST", "/v1/reports", "nato", json={"reports": [radar]})
    assert r.status_code == 422 and "POST /v1/sight-reports" in r.json()["detail"]
    assert c.call("GET", "/v1/sight-reports?party=nato", "nato").json()["reports"] == []  # all or nothing


@pytest.mark.parametrize("body, says", [
    ({"sensor": "stss-demo"}, "epoch_s"),                       # a satellite needs its orbit's epoch
    ({"sensor": "stss-demo", "epoch_s": 1.8e9, "satellite": 2}, "satellites 0 to 1"),
    ({"sensor": "stss-demo", "epoch_s": 1.8e9, "lat_deg": 60.0}, "beyond the reach"),  # inclination 58 deg
    ({"sensor": "an-tpy-2-fbm", "epoch_s": 1.8e9}, "ground sensor"),
])
def test_space_sensor_registration_is_checked(center, body, says):
    base = {"id": "s", "lat_deg": 30.0, "lon_deg": 40.0, "sharing": "raw"}
    r = center.call("POST", "/v1/sensors", "nato", json={**base, **body})
    assert r.status_code == 422 and says in r.json()["detail"], r.text


@pytest.mark.parametrize("level, status", [("raw", 200), ("tracks", 403), ("warning", 403)])
def test_another_partys_lines_of_sight_follow_its_sharing_level(make_center, level, status):
    c = _center(make_center)
    _register(c, "russia", level, prefix="SECRET")
    lines = _lines(np.array([400.0, 402.0]), prefix="SECRET")
    assert c.call("POST", "/v1/sight-reports", "russia", json={"reports": lines}).status_code == 200
    before = c.call("GET", "/v1/audit/head", "nato").json()["seq"]
    r = c.call("GET", "/v1/sight-reports?party=russia", "nato")
    assert r.status_code == status
    assert (r.status_code == 200) == ("SECRET" in r.text)
    if status == 200:
        assert sorted(x["id"] for x in r.json()["reports"]) == sorted(x["id"] for x in lines)
        assert c.call("GET", "/v1/audit/head", "nato").json()["seq"] == before + 1  # the read is audited
    observer = c.token("nato", "observer")
    c.extra["obs"] = observer
    assert c.call("GET", "/v1/sight-reports?party=russia", "obs").status_code == 403
    assert c.call("POST", "/v1/sight-reports", "obs", json={"reports": lines}).status_code == 403
