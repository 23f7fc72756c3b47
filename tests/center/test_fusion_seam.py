"""The seam the center's service uses: sensors from placed catalog radars and added later, returns
without a party, a sensor that moves (the picture is fused again from the start), notifications as
the service stores them (nested areas), and the JSON summary of a track."""
from __future__ import annotations

import json

import numpy as np
import pytest
from fusion_scenario import EPOCH_S, LAUNCH, SENSORS, flight, looks, returns, truth

from openbmd.center.fusion import Fusion, Measurement, Notification, SensorSite, match_notification
from openbmd.errors import InputError
from openbmd.sensors import get_radar


def _ms():
    traj, tb, _, _, ti = flight()
    out = []
    for k, (s, off) in enumerate((("r1", 0.0), ("r2", 0.7))):
        tt = looks(s, 200.0, 300.0, 5.0, off)
        out += returns(s, tt, truth(traj, tt), seed=70 + k)
    return out


def test_a_placed_catalog_radar_is_a_sensor_site():
    radar = get_radar("an-tpy-2-fbm").at(33.5, 50.5, 1200.0)
    site = SensorSite(id="nato/tpy", party="nato", sensor=radar)
    assert (site.lat_deg, site.lon_deg, site.alt_m) == (33.5, 50.5, 1200.0)
    with pytest.raises(InputError, match="lat_deg"):
        SensorSite(id="x", party="nato")


def test_sensors_added_later_and_returns_without_a_party():
    ms = [Measurement(**{**m.__dict__, "party": None}) for m in _ms()]
    f = Fusion({"r1": SENSORS["r1"]})
    with pytest.raises(InputError, match="unknown sensor"):
        f.add_measurements(ms)
    assert f.add_sensors({"r2": SENSORS["r2"]}) == []
    f.add_measurements(ms)
    (tr,) = f.tracks(ground=False)
    assert tr.parties == ("nato", "russia")                   # each return's party is its sensor's


def test_a_sensor_that_moves_refuses_the_picture_from_the_start():
    ms = _ms()
    f = Fusion(SENSORS)
    f.add_measurements(ms)
    before = f.tracks(ground=False)[0]
    moved = {"r2": SensorSite(id="r2", lat_deg=SENSORS["r2"].lat_deg + 0.001, lon_deg=SENSORS["r2"].lon_deg,
                              alt_m=SENSORS["r2"].alt_m, party="russia")}
    assert f.add_sensors(moved) == [before.id]
    fresh = Fusion({**SENSORS, **moved})
    fresh.add_measurements(ms)
    after, ref = f.tracks(ground=False)[0], fresh.tracks(ground=False)[0]
    assert not np.array_equal(after.position_m, before.position_m)
    assert np.array_equal(after.position_m, ref.position_m) and after.n_updates == ref.n_updates


def test_notifications_as_the_service_stores_them():
    f = Fusion(SENSORS)
    f.add_measurements(_ms())
    tr = f.track(f.tracks(ground=False)[0].id)
    stored = {"party": "russia", "id": "n7", "window_start_s": EPOCH_S - 600.0, "window_end_s": EPOCH_S + 600.0,
              "launch_area": {"lat_deg": LAUNCH[0], "lon_deg": LAUNCH[1], "radius_km": 25.0},
              "impact_area": {"lat_deg": tr.impact_point.lat_deg, "lon_deg": tr.impact_point.lon_deg,
                              "radius_km": 50.0}, "missile": "sejjil-2", "created": True}
    assert match_notification(tr, [Notification.from_dict(stored)]) == "n7"
    with pytest.raises(InputError, match="missing"):
        Notification.from_dict({"id": "n8", "window_start_s": 1.0})
    doc = json.loads(json.dumps(tr.summary()))
    assert doc["launch_point"]["sigma_km"] == tr.launch_point.sigma_km and doc["parties"] == ["nato", "russia"]
    assert f.track("nope") is None
