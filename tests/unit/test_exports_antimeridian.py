"""A track across the antimeridian: GeoJSON cuts it (RFC 7946 section 3.1.9), KML and CZML keep it.

The reference track is a great circle from Irkutsk to Seattle built here by spherical
interpolation (slerp), and the crossing latitude is checked against the great circle's own
latitude at longitude 180 (the closed form tan(lat) = (tan(lat1) sin(lon2 - lon) + tan(lat2)
sin(lon - lon1)) / sin(lon2 - lon1)), not against the exporter's interpolation.
"""
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pytest

from openbmd.report.exports import split_antimeridian, write_track

KML = {"k": "http://www.opengis.net/kml/2.2"}


@dataclass(frozen=True)
class GcTrack:
    name: str
    t_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    speed_m_s: np.ndarray


def _unit(lat, lon):
    la, lo = np.radians(lat), np.radians(lon)
    return np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def great_circle_track(lat1, lon1, lat2, lon2, n=121, name="gc"):
    a, b = _unit(lat1, lon1), _unit(lat2, lon2)
    om = np.arccos(np.clip(a @ b, -1, 1))
    s = np.linspace(0.0, 1.0, n)
    p = (np.sin((1 - s) * om)[:, None] * a + np.sin(s * om)[:, None] * b) / np.sin(om)
    lat = np.degrees(np.arcsin(p[:, 2]))
    lon = np.degrees(np.arctan2(p[:, 1], p[:, 0]))
    t = 1700.0 * s
    return GcTrack(name, t, lat, lon, 1.0e6 * 4 * s * (1 - s), 7000.0 - 1000.0 * s)


def gc_lat_at(lon, lat1, lon1, lat2, lon2):
    """The great circle's latitude at ``lon`` (closed form; longitudes unwrapped by the caller)."""
    r = np.radians
    num = np.tan(r(lat1)) * np.sin(r(lon2 - lon)) + np.tan(r(lat2)) * np.sin(r(lon - lon1))
    return float(np.degrees(np.arctan(num / np.sin(r(lon2 - lon1)))))


IRKUTSK, SEATTLE = (52.3, 104.3), (47.6, -122.3)


def _geojson(tmp_path, tr):
    return json.loads(write_track(tmp_path / "t.geojson", tr).read_text(encoding="utf-8"))["features"][0]


@pytest.mark.parametrize("ends", [(IRKUTSK, SEATTLE), (SEATTLE, IRKUTSK)], ids=["eastward", "westward"])
def test_geojson_track_is_cut_at_the_antimeridian(tmp_path, ends):
    (la1, lo1), (la2, lo2) = ends
    tr = great_circle_track(la1, lo1, la2, lo2)
    f = _geojson(tmp_path, tr)
    assert f["geometry"]["type"] == "MultiLineString"
    parts = [np.array(p) for p in f["geometry"]["coordinates"]]
    assert len(parts) == 2
    for p in parts:  # no segment spans more than 180 deg of longitude, every longitude in range
        assert np.all(np.abs(np.diff(p[:, 0])) <= 180.0)
        assert np.all(np.abs(p[:, 0]) <= 180.0)
    end, begin = parts[0][-1], parts[1][0]
    assert abs(end[0]) == 180.0 and begin[0] == -end[0]
    assert end[1] == begin[1] and end[2] == begin[2]  # the same point on both sides
    # the crossing sits on the great circle (closed form), to the chord-vs-arc error of a 1/120 step
    lo2u = lo2 + 360.0 if lo2 - lo1 < -180.0 else lo2 - 360.0 if lo2 - lo1 > 180.0 else lo2
    assert end[0] == (180.0 if lo2u > lo1 else -180.0)
    assert end[1] == pytest.approx(gc_lat_at(end[0], la1, lo1, la2, lo2u), abs=0.05)
    # every sample kept once, two inserted; per-vertex properties follow the parts
    assert sum(len(p) for p in parts) == len(tr.t_s) + 2
    t = f["properties"]["time_s"]
    assert [len(x) for x in t] == [len(p) for p in parts]
    assert t[0][-1] == t[1][0] and np.all(np.diff(np.concatenate(t)) >= 0)
    assert tr.t_s[0] == t[0][0] and tr.t_s[-1] == t[1][-1]


def test_ordinary_track_stays_one_linestring(tmp_path):
    tr = great_circle_track(38.08, 46.29, 50.1, 8.7)  # Tabriz to Frankfurt
    f = _geojson(tmp_path, tr)
    assert f["geometry"]["type"] == "LineString"
    got = np.array(f["geometry"]["coordinates"])
    np.testing.assert_array_equal(got, np.column_stack([tr.lon_deg, tr.lat_deg, tr.alt_m]))
    assert f["properties"]["time_s"] == tr.t_s.tolist()


def test_split_handles_samples_on_the_antimeridian_and_two_crossings():
    lon = np.array([170.0, 180.0, -170.0, -175.0, 175.0, 165.0])
    cols = np.column_stack([lon, np.arange(6.0), np.arange(6.0) * 10])
    parts = split_antimeridian(cols)
    assert len(parts) == 3
    for p in parts:
        assert len(p) >= 2 and np.all(np.abs(np.diff(p[:, 0])) <= 180.0)
    assert parts[0][-1][0] == 180.0 and parts[1][0][0] == -180.0 and parts[1][0][1] == 1.0
    # the second crossing, from -175 to 175 westward, halfway: latitude 3.5, third column 35
    assert parts[1][-1].tolist() == [-180.0, 3.5, 35.0] and parts[2][0].tolist() == [180.0, 3.5, 35.0]
    # longitudes given beyond 180 are wrapped first (200 deg is -160 deg)
    assert split_antimeridian(np.array([[150.0, 0.0], [200.0, 1.0]]))[1][-1].tolist() == [-160.0, 1.0]


def test_kml_and_czml_keep_the_samples_across_the_antimeridian(tmp_path):
    """Google Earth joins two points the short way and Cesium interpolates in Cartesian: both
    take the samples as they are (no cut, nothing dropped, longitudes within +-180)."""
    tr = great_circle_track(*IRKUTSK, *SEATTLE)
    root = ET.parse(write_track(tmp_path / "t.kml", tr)).getroot()
    coords = root.find(".//k:LineString/k:coordinates", KML).text.split()
    assert len(root.findall(".//k:LineString", KML)) == 1 and len(coords) == len(tr.t_s)
    lon = np.array([float(c.split(",")[0]) for c in coords])
    np.testing.assert_allclose(lon, tr.lon_deg)
    doc = json.loads(write_track(tmp_path / "t.czml", tr).read_text(encoding="utf-8"))
    s = np.array(doc[1]["position"]["cartographicDegrees"]).reshape(-1, 4)
    np.testing.assert_allclose(s[:, 1], tr.lon_deg)
    assert np.all(np.abs(s[:, 1]) <= 180.0)
