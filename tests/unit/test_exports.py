"""Exports parse back with the standard library and reproduce their input.

Format references: RFC 4180 (CSV), RFC 7946 (GeoJSON: [lon, lat, alt] order,
counterclockwise exteriors, antimeridian cutting), OGC KML 2.2
(``lon,lat,alt`` tuples), CZML Position ``cartographicDegrees`` =
[t, lon, lat, h_m, ...] with an ``epoch`` (czml-writer wiki).
"""
import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pytest

from openbmd.errors import InputError
from openbmd.report.exports import Track, write_rings, write_track
from openbmd.report.maps import RingSpec

KML = {"k": "http://www.opengis.net/kml/2.2"}


@dataclass(frozen=True)
class FakeTrack:
    name: str
    t_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    speed_m_s: np.ndarray


def fake_track(name="Shahab-3", n=31, lat0=38.08, lon0=46.29):
    """A made-up arc; latitudes and longitudes differ so that a swap shows."""
    t = np.linspace(0.0, 600.0, n)
    s = t / t[-1]
    return FakeTrack(name, t, lat0 + 4.0 * s, lon0 - 12.5 * s, 300e3 * 4 * s * (1 - s) + 1.5,
                     2500.0 + 800.0 * np.abs(s - 0.5))


def test_fake_track_satisfies_the_protocol():
    assert isinstance(fake_track(), Track)


def test_csv_round_trip_with_units_in_header(tmp_path):
    tracks = [fake_track(), fake_track("Sejjil-2", n=11, lat0=35.23, lon0=53.92)]
    path = write_track(tmp_path / "t.csv", tracks)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["track", "time_s", "lat_deg", "lon_deg", "alt_km", "speed_km_s"]
    for tr in tracks:
        mine = [r for r in rows if r["track"] == tr.name]
        assert len(mine) == len(tr.t_s)
        col = lambda k: np.array([float(r[k]) for r in mine])  # noqa: E731
        np.testing.assert_allclose(col("time_s"), tr.t_s, atol=1e-4)
        np.testing.assert_allclose(col("lat_deg"), tr.lat_deg, atol=1e-7)
        np.testing.assert_allclose(col("lon_deg"), tr.lon_deg, atol=1e-7)
        np.testing.assert_allclose(col("alt_km") * 1e3, tr.alt_m, atol=1e-3)
        np.testing.assert_allclose(col("speed_km_s") * 1e3, tr.speed_m_s, atol=1e-3)


def test_geojson_linestring_is_lon_lat_alt(tmp_path):
    tr = fake_track()
    doc = json.loads(write_track(tmp_path / "t.geojson", tr).read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    (feature,) = doc["features"]
    assert feature["geometry"]["type"] == "LineString" and feature["properties"]["name"] == tr.name
    coords = np.array(feature["geometry"]["coordinates"])
    np.testing.assert_allclose(coords, np.column_stack([tr.lon_deg, tr.lat_deg, tr.alt_m]))
    np.testing.assert_allclose(feature["properties"]["time_s"], tr.t_s)


def test_kml_linestring_absolute_extruded(tmp_path):
    tr = fake_track()
    root = ET.parse(write_track(tmp_path / "t.kml", tr)).getroot()
    (line,) = root.findall(".//k:LineString", KML)
    assert line.find("k:altitudeMode", KML).text == "absolute"
    assert line.find("k:extrude", KML).text == "1"
    coords = np.array([[float(v) for v in c.split(",")] for c in line.find("k:coordinates", KML).text.split()])
    np.testing.assert_allclose(coords, np.column_stack([tr.lon_deg, tr.lat_deg, tr.alt_m]), atol=1e-9)
    assert root.find(".//k:Placemark/k:name", KML).text == tr.name


def test_czml_document_then_time_tagged_lon_lat_height(tmp_path):
    tracks = [fake_track(), fake_track("B", n=5)]
    epoch = dt.datetime(2011, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    packets = json.loads(write_track(tmp_path / "t.czml", tracks, epoch_utc=epoch).read_text("utf-8"))
    doc = packets[0]
    assert doc["id"] == "document" and doc["version"] == "1.0"
    start, end = doc["clock"]["interval"].split("/")
    assert dt.datetime.fromisoformat(start.replace("Z", "+00:00")) == epoch
    assert dt.datetime.fromisoformat(end.replace("Z", "+00:00")) == epoch + dt.timedelta(seconds=600)
    assert [p["name"] for p in packets[1:]] == ["Shahab-3", "B"]
    for packet, tr in zip(packets[1:], tracks):
        pos = packet["position"]
        assert dt.datetime.fromisoformat(pos["epoch"].replace("Z", "+00:00")) == epoch
        samples = np.array(pos["cartographicDegrees"]).reshape(-1, 4)
        np.testing.assert_allclose(samples, np.column_stack([tr.t_s, tr.lon_deg, tr.lat_deg, tr.alt_m]))
        assert "path" in packet


def test_czml_needs_an_aware_epoch(tmp_path):
    with pytest.raises(InputError, match="timezone"):
        write_track(tmp_path / "t.czml", fake_track(), epoch_utc=dt.datetime(2011, 3, 1))


def test_unknown_extension_names_the_allowed_ones(tmp_path):
    with pytest.raises(InputError, match=r"\.csv, \.kml, \.czml, \.geojson"):
        write_track(tmp_path / "t.xlsx", fake_track())


def test_bad_tracks_are_input_errors(tmp_path):
    tr = fake_track()
    short = FakeTrack(tr.name, tr.t_s, tr.lat_deg[:-1], tr.lon_deg, tr.alt_m, tr.speed_m_s)
    with pytest.raises(InputError, match="equal length"):
        write_track(tmp_path / "t.csv", short)
    with pytest.raises(InputError, match="not a track"):
        write_track(tmp_path / "t.csv", [object()])


# ------------------------------------------------------------------ rings
def circle(lat0, lon0, radius_deg, n=36):
    """A small lon/lat test circle (not a geodesic: only the export is tested)."""
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return lat0 + radius_deg * np.sin(a), lon0 + radius_deg * np.cos(a)


def test_rings_geojson_polygon_counterclockwise_with_properties(tmp_path):
    lat, lon = circle(38.0, 46.0, 5.0)
    ring = RingSpec("Shahab-3", 38.08, 46.29, lat[::-1], lon[::-1], site_name="Tabriz")  # clockwise in
    doc = json.loads(write_rings(tmp_path / "r.geojson", [ring]).read_text("utf-8"))
    (feature,) = doc["features"]
    assert feature["properties"]["label"] == "Shahab-3" and feature["properties"]["site"] == "Tabriz"
    assert feature["geometry"]["type"] == "Polygon"
    xy = np.array(feature["geometry"]["coordinates"][0])
    np.testing.assert_array_equal(xy[0], xy[-1])
    assert np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]) > 0  # RFC 7946 3.1.6
    assert {tuple(p) for p in xy} == set(zip(lon, lat))  # lon first


def test_rings_geojson_cut_at_the_antimeridian(tmp_path):
    lat, lon = circle(52.7, 174.1, 20.0, n=72)  # about Shemya; crosses 180
    lon = (lon + 180) % 360 - 180
    doc = json.loads(write_rings(tmp_path / "r.geojson", [RingSpec("x", 52.7, 174.1, lat, lon)]).read_text())
    geom = doc["features"][0]["geometry"]
    assert geom["type"] == "MultiLineString" and len(geom["coordinates"]) == 2
    for piece in map(np.array, geom["coordinates"]):
        assert np.all(np.abs(piece[:, 0]) <= 180) and np.abs(np.diff(piece[:, 0])).max() < 20
        assert abs(piece[0, 0]) == 180 and abs(piece[-1, 0]) == 180
    total = sum(len(p) for p in geom["coordinates"])
    assert total == 72 + 4  # every sample once, plus two crossing points on each side


def test_rings_kml_and_png(tmp_path):
    lat, lon = circle(38.0, 46.0, 5.0)
    rings = [RingSpec("Shahab-3", 38.08, 46.29, lat, lon, site_name="Tabriz")]
    root = ET.parse(write_rings(tmp_path / "r.kml", rings)).getroot()
    (line,) = root.findall(".//k:LineString", KML)
    coords = [tuple(map(float, c.split(",")))[:2] for c in line.find("k:coordinates", KML).text.split()]
    assert coords[0] == coords[-1] and coords[0] == pytest.approx((lon[0], lat[0]))
    assert root.find(".//k:Point/k:coordinates", KML).text.startswith("46.29,38.08")
    png = write_rings(tmp_path / "r.png", rings)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InputError, match=".geojson"):
        write_rings(tmp_path / "r.csv", rings)


def test_csv_never_writes_negative_zero(tmp_path):
    """A launch altitude of -1e-9 km or a longitude of -1e-12 deg rounds to zero: written "0.000000",
    not "-0.000000" (issue 14); a real negative value keeps its sign."""
    tr = fake_track(n=3)
    tr = FakeTrack(tr.name, tr.t_s, np.array([-1e-12, 1.0, -2.5]), np.array([-1e-12, -4e-8, -122.3]),
                   np.array([-1e-6, -4e-4, 1000.0]), tr.speed_m_s)
    path = write_track(tmp_path / "t.csv", tr)
    text = path.read_text(encoding="utf-8")
    assert "-0.0" not in text
    rows = list(csv.DictReader(text.splitlines()))
    assert [r["lon_deg"] for r in rows] == ["0.0000000", "0.0000000", "-122.3000000"]
    assert [r["lat_deg"] for r in rows] == ["0.0000000", "1.0000000", "-2.5000000"]
    assert [r["alt_km"] for r in rows] == ["0.000000", "0.000000", "1.000000"]
