"""Shared by the tests that drive the fused picture over HTTP: the engine's Sejjil-2 flight seen by
a NATO radar (r1) and a Russian one (r2) of fusion_scenario.py, registered and posted as JSON."""
from __future__ import annotations

from fusion_scenario import EPOCH_S, SENSORS, flight, looks, returns, truth

SITES = {"r1": ("nato", "an-tpy-2-fbm"), "r2": ("russia", "voronezh-dm-armavir")}


def http_reports(sensor: str, seed: int, offset: float) -> list[dict]:
    traj, tb, *_ = flight()
    tt = looks(sensor, tb + 20.0, tb + 200.0, 5.0, offset)
    return [{"id": m.id, "sensor": sensor, "t_s": m.t_s, "range_m": m.range_m, "azimuth_deg": m.azimuth_deg,
             "elevation_deg": m.elevation_deg, "sigma_range_m": m.sigma_range_m, "sigma_angle_deg": m.sigma_angle_deg}
            for m in returns(sensor, tt, truth(traj, tt), seed=seed)]


def register(c, sensor: str, sharing: str) -> None:
    party, model = SITES[sensor]
    s = SENSORS[sensor]
    r = c.call("POST", "/v1/sensors", party, json={"id": sensor, "sensor": model, "lat_deg": s.lat_deg,
                                                    "lon_deg": s.lon_deg, "alt_m": s.alt_m, "sharing": sharing})
    assert r.status_code == 201, r.text


def post(c, sensor: str, seed: int, offset: float = 0.0) -> None:
    party = SITES[sensor][0]
    r = c.call("POST", "/v1/reports", party, json={"reports": http_reports(sensor, seed, offset)})
    assert r.status_code == 200 and r.json()["accepted"] > 10, r.text


def fusing_center(make_center, **kwargs):
    c = make_center(fusion=True, **kwargs)
    c.clock.now = EPOCH_S + 3600.0
    return c


def tracks(c, who: str) -> list[dict]:
    c.client.app.state.center.picture.drain()
    r = c.call("GET", "/v1/tracks", who)
    assert r.status_code == 200, r.text
    return r.json()["tracks"]
