"""The engagement scene (CZML): read back as plain JSON and checked against the engagement
result and against pyproj (WGS-84 geodesics and ECEF, independent of openbmd's geodesy).

CZML reference: the czml-writer wiki (Packet, Clock, Position: cartographicDegrees is
[time, lon, lat, height_m] with time in seconds after ``epoch``)."""
import datetime as dt
import json
import math

import numpy as np
import pytest
from pyproj import Geod, Transformer

from openbmd.engagement.engage import engage
from openbmd.errors import InputError
from openbmd.interceptors.catalog import get_interceptor
from openbmd.missiles import get_missile
from openbmd.report.scene import coverage_fans, write_engagement_czml
from openbmd.sensors import get_radar

GEOD = Geod(ellps="WGS84")
TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
SITE = (35.0, 33.0)  # the battery (lat, lon): eastern Mediterranean
EPOCH = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.timezone.utc)


def _engage(**kw):
    return engage(get_missile("shahab-3"), (38.08, 46.29), (39.93, 32.86), interceptor=get_interceptor("sm-3-ia"),
                  site=SITE, radars=[get_radar("an-tpy-2-fbm")], **kw)


@pytest.fixture(scope="module")
def radar():
    return get_radar("an-tpy-2-fbm")  # at Kürecik, one face to 100 deg, +-60 deg


@pytest.fixture(scope="module")
def result():
    res = _engage()
    assert res.engageable
    return res


@pytest.fixture(scope="module")
def scene(result, radar, tmp_path_factory):
    path = write_engagement_czml(result, [radar], SITE, tmp_path_factory.mktemp("scene") / "e.czml", epoch_utc=EPOCH)
    return {p["id"]: p for p in json.loads(path.read_text())}


def _t(iso: str) -> float:
    """Seconds after EPOCH of an ISO 8601 'Z' time."""
    return (dt.datetime.fromisoformat(iso.replace("Z", "+00:00")) - EPOCH).total_seconds()


def _samples(packet) -> np.ndarray:
    return np.asarray(packet["position"]["cartographicDegrees"], float).reshape(-1, 4)


def test_document_and_clock_span_launch_to_impact(scene, result):
    doc = scene["document"]
    assert doc["version"] == "1.0" and "clock" in doc
    start, end = doc["clock"]["interval"].split("/")
    assert _t(start) == pytest.approx(0.0, abs=1e-6)
    assert _t(end) == pytest.approx(result.timeline.impact_s, abs=1e-5)
    assert _t(doc["clock"]["currentTime"]) == pytest.approx(0.0, abs=1e-6)


def test_threat_positions_are_time_lon_lat_height(scene, result):
    traj = result.threat.trajectory
    pk = scene["threat"]
    assert _t(pk["position"]["epoch"]) == 0.0
    s = _samples(pk)
    np.testing.assert_allclose(s[:, 0], traj.t_s, atol=1e-9)
    np.testing.assert_allclose(s[:, 1], traj.lon_deg, atol=1e-9)  # lon first
    np.testing.assert_allclose(s[:, 2], traj.lat_deg, atol=1e-9)
    np.testing.assert_allclose(s[:, 3], traj.alt_m, atol=1e-6)
    assert "path" in pk
    launch = scene["threat-launch"]["position"]["cartographicDegrees"]
    assert launch[:2] == pytest.approx([traj.lon_deg[0], traj.lat_deg[0]])


def test_interceptor_arc_from_site_at_first_launch_to_earliest_intercept(scene, result):
    e = result.battlespace.intercept(0, "earliest")
    s = _samples(scene["interceptor"])
    assert s[0] == pytest.approx([result.timeline.first_launch_s, SITE[1], SITE[0], 0.0], abs=1e-9)
    assert s[-1] == pytest.approx([e["t_s"], e["lon_deg"], e["lat_deg"], e["altitude_km"] * 1e3], abs=1e-6)
    assert np.all(np.diff(s[:, 0]) > 0) and np.all(np.diff(s[:, 3]) >= 0)  # climbs to the intercept height
    # its ground track is the geodesic from the site to the intercept (pyproj, Karney 2013)
    az_end, _, dist_end = GEOD.inv(SITE[1], SITE[0], e["lon_deg"], e["lat_deg"])
    az, _, dist = GEOD.inv(np.full(len(s) - 1, SITE[1]), np.full(len(s) - 1, SITE[0]), s[1:, 1], s[1:, 2])
    np.testing.assert_allclose(az, az_end, atol=1e-6)
    assert np.all(np.diff(dist) > 0) and dist[-1] == pytest.approx(dist_end, abs=0.01)
    start, end = scene["interceptor"]["availability"].split("/")
    assert _t(start) == pytest.approx(result.timeline.first_launch_s, abs=1e-5)
    assert _t(end) == pytest.approx(e["t_s"], abs=1e-5)


def test_intercept_points_are_labelled_markers(scene, result):
    for which in ("earliest", "latest"):
        p = result.battlespace.intercept(0, which)
        pk = scene[f"intercept-{which}"]
        assert pk["position"]["cartographicDegrees"] == pytest.approx(
            [p["lon_deg"], p["lat_deg"], p["altitude_km"] * 1e3])
        assert which in pk["label"]["text"] and "point" in pk
    battery = scene["battery"]["position"]["cartographicDegrees"]
    assert battery == pytest.approx([SITE[1], SITE[0], 0.0])


def _fan_geometry(radar, lonlat, alt_m):
    """(ground distance m, azimuth deg, elevation deg, slant range m) of fan vertices raised
    to ``alt_m``, seen from the radar: pyproj geodesics and ECEF, the local ENU up vector."""
    n = len(lonlat)
    az, _, dist = GEOD.inv(np.full(n, radar.site_lon_deg), np.full(n, radar.site_lat_deg), lonlat[:, 0], lonlat[:, 1])
    site = np.array(TO_ECEF.transform(radar.site_lon_deg, radar.site_lat_deg, radar.site_alt_m))
    tgt = np.column_stack(TO_ECEF.transform(lonlat[:, 0], lonlat[:, 1], np.full(n, alt_m)))
    lat, lon = np.radians(radar.site_lat_deg), np.radians(radar.site_lon_deg)
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    d = tgt - site
    slant = np.linalg.norm(d, axis=1)
    return dist, az % 360.0, np.degrees(np.arcsin(d @ up / slant)), slant


def test_radar_fan_is_the_horizon_footprint_inside_the_face(scene, radar):
    pk = scene["radar-0-coverage-0"]
    xyz = np.asarray(pk["polygon"]["positions"]["cartographicDegrees"], float).reshape(-1, 3)
    assert xyz[0, :2] == pytest.approx([radar.site_lon_deg, radar.site_lat_deg])  # a fan from the site
    arc = xyz[1:-1, :2]
    dist, az, el, slant = _fan_geometry(radar, arc, 100e3)
    # TPY-2 FBM: face at 100 deg, +-60 deg; against 0.1 m^2 it detects to 1,600 km, so at
    # 100 km the horizon binds: every arc vertex sees the target at the 1 deg minimum elevation
    assert np.all((az >= 40.0 - 1e-6) & (az <= 160.0 + 1e-6))
    assert az.min() == pytest.approx(40.0, abs=1e-6) and az.max() == pytest.approx(160.0, abs=1e-6)
    assert np.all(slant <= radar.detection_range_m(0.1))
    np.testing.assert_allclose(el, math.degrees(radar.el_min_rad), atol=0.05)
    # closed-form horizon on a 6,371 km sphere: R (arccos((R + h_s) cos eps / (R + H)) - eps) ~ 1,000 km
    R, eps = 6371e3, radar.el_min_rad
    ref = R * (math.acos((R + radar.site_alt_m) * math.cos(eps) / (R + 100e3)) - eps)
    np.testing.assert_allclose(dist, ref, rtol=0.005)


def test_fan_shrinks_to_the_detection_range_for_a_small_target(radar):
    (fan,) = coverage_fans(radar, 100.0, rcs_m2=1e-4)  # R ~ 1,600 km x (1e-3)^(1/4) ~ 285 km slant
    detect = radar.detection_range_m(1e-4)
    assert detect == pytest.approx(1600.45e3 * 1e-3 ** 0.25, rel=1e-3)  # R^4 scaling (radar equation)
    _, _, el, slant = _fan_geometry(radar, fan[1:-1], 100e3)
    np.testing.assert_allclose(slant, detect, rtol=0.003)  # on the detection-range sphere
    assert np.all(el > math.degrees(radar.el_min_rad))
    assert coverage_fans(radar, 100.0, rcs_m2=1e-12) == []  # 100 km overhead is out of reach


def test_full_circle_radar_is_a_closed_disc(radar):
    ring = radar.at(50.0, 10.0, faces_az_deg=[])
    (disc,) = coverage_fans(ring, 100.0)
    dist, az, _, _ = _fan_geometry(ring, disc, 100e3)
    assert len(disc) == 360 and np.ptp(dist) / dist.mean() < 0.005
    assert np.all(np.diff(np.unwrap(np.radians(az))) > 0)  # once round, in order


def test_not_engageable_scene_has_threat_and_radars_but_no_interceptor(radar, result, tmp_path):
    late = _engage(reaction_s=600.0)  # firm track + 600 s is after impact
    assert not late.engageable
    path = write_engagement_czml(late, [radar], SITE, tmp_path / "late.czml")
    ids = {p["id"] for p in json.loads(path.read_text())}
    assert {"document", "threat", "battery", "radar-0", "radar-0-coverage-0"} <= ids
    assert not ids & {"interceptor", "intercept-earliest", "intercept-latest"}


def test_naive_epoch_and_wrong_suffix_are_one_line_errors(result, radar, tmp_path):
    with pytest.raises(InputError, match="timezone-aware"):
        write_engagement_czml(result, [radar], SITE, tmp_path / "x.czml", epoch_utc=dt.datetime(2030, 1, 1))
    with pytest.raises(InputError, match=".czml"):
        write_engagement_czml(result, [radar], SITE, tmp_path / "x.kml")
