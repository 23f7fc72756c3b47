"""Maps framed on what they show (issue 14 items 1 and 3), labels that do not overlap, the parts
of the United States that statements about "only Alaska" rest on.

References: ring points from pyproj's geodesic (Karney's algorithm, independent of the
framing code); city coordinates from GeoNames (data/cities.csv); Alaska, Hawaii and the
contiguous states from their published extents (geo.parts' boxes are checked against points
well inside and outside them, not against themselves).
"""
import logging

import numpy as np
import pytest
from pyproj import Geod

from openbmd.geo.parts import describe_parts, part_of, threatened_parts
from openbmd.report.framing import contains, frame_on, ring_frame
from openbmd.report.maps import RingSpec, draw_range_ring_map, project_lonlat

GEOD = Geod(ellps="WGS84")
SOHAE = (39.66, 124.71)  # lat, lon: Sohae launch site, North Korea
OLD_EUROPE_EXTENT = (-25.0, 65.0, 25.0, 72.0)  # what every range-ring map used to show
OLD_CONUS_EXTENT = (-128.0, -64.0, 22.0, 52.0)  # what every US coverage map used to show
USA = "United States of America"


def geodesic_ring(lat, lon, radius_km, n=180):
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    rlon, rlat, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_km * 1e3))
    return rlat, rlon


def in_extent(lon, lat, extent):
    west, east, south, north = extent
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


# ------------------------------------------------------------------ parts of the United States
@pytest.mark.parametrize("lat, lon, part", [
    (61.218, -149.900, "Alaska"),  # Anchorage
    (64.838, -147.716, "Alaska"),  # Fairbanks
    (58.302, -134.420, "Alaska"),  # Juneau, in the panhandle
    (52.737, 174.092, "Alaska"),  # Shemya, west of the antimeridian
    (21.307, -157.858, "Hawaii"),  # Honolulu
    (39.739, -104.985, "contiguous United States"),  # Denver
    (47.606, -122.332, "contiguous United States"),  # Seattle
    (25.774, -80.194, "contiguous United States"),  # Miami
])
def test_us_cities_fall_in_their_part(lat, lon, part):
    assert part_of([USA], [lat], [lon])[0] == part


def test_other_countries_are_their_own_part():
    # Whitehorse (Yukon) lies inside Alaska's box but is Canadian: its country stays
    assert part_of(["Canada", "Romania"], [60.72, 44.43], [-135.05, 26.10]).tolist() == ["Canada", "Romania"]


def test_threatened_parts_are_area_shares():
    country = np.array([USA] * 4)
    lat = np.array([61.0, 64.0, 40.0, 21.3])
    lon = np.array([-150.0, -147.0, -100.0, -157.9])
    area = np.array([1.0, 3.0, 5.0, 7.0])
    shares = threatened_parts(country, lat, lon, area, np.array([True, True, False, False]))
    assert shares == {"Alaska": 1.0}
    assert describe_parts(shares) == "Alaska only"
    both = threatened_parts(country, lat, lon, area, np.array([True, False, True, False]))
    assert both == pytest.approx({"contiguous United States": 5 / 6, "Alaska": 1 / 6})
    assert list(both) == ["contiguous United States", "Alaska"]  # largest first
    assert threatened_parts(country, lat, lon, area, np.zeros(4, bool)) == {}


# ------------------------------------------------------------------ frames
def test_alaska_frame_holds_the_threatened_cells_not_the_empty_conus():
    from openbmd.analyses.regions import region_grid

    reg = region_grid("us", 2.0)
    parts = part_of(reg.country, reg.lat_deg, reg.lon_deg)
    alaska, conus = parts == "Alaska", parts == "contiguous United States"
    assert alaska.sum() > 20 and conus.sum() > 100
    frame = frame_on(reg.lon_deg[alaska], reg.lat_deg[alaska])
    assert contains(frame, reg.lon_deg[alaska], reg.lat_deg[alaska]).all()
    assert not contains(frame, reg.lon_deg[conus], reg.lat_deg[conus]).any()
    # the old fixed frame showed none of these cells
    assert not in_extent(reg.lon_deg[alaska], reg.lat_deg[alaska], OLD_CONUS_EXTENT).any()


def test_frame_holds_cells_launch_area_and_batteries_across_the_pole():
    # Alaska cells, a launch from Semnan (35.6 N, 53.4 E) and GMD's batteries (Fort Greely, Vandenberg)
    lat = np.array([61.0, 64.0, 70.0, 35.57, 63.95, 34.74])
    lon = np.array([-150.0, -160.0, -155.0, 53.39, -145.73, -120.57])
    frame = frame_on(lon, lat)
    assert contains(frame, lon, lat).all()
    assert frame.centre_lat_deg > 60  # the short way round is over the Arctic, not through the Pacific


def test_sohae_ring_is_on_its_map():
    rlat, rlon = geodesic_ring(*SOHAE, 9000.0)
    assert not in_extent(rlon, rlat, OLD_EUROPE_EXTENT).all()  # the old default cut it off
    spec = RingSpec(label="icbm", site_lat_deg=SOHAE[0], site_lon_deg=SOHAE[1], lat_deg=rlat, lon_deg=rlon)
    frame = ring_frame([spec])
    assert contains(frame, rlon, rlat).all() and contains(frame, [SOHAE[1]], [SOHAE[0]]).all()


@pytest.mark.parametrize("lat, lon, radius_km", [(52.0, 178.0, 2500.0), (-40.0, -175.0, 1500.0),
                                                 (-75.0, 0.0, 2000.0), (10.0, 60.0, 800.0)])
def test_rings_anywhere_are_framed_tightly(lat, lon, radius_km):
    rlat, rlon = geodesic_ring(lat, lon, radius_km)
    spec = RingSpec(label="r", site_lat_deg=lat, site_lon_deg=lon, lat_deg=rlat, lon_deg=rlon)
    frame = ring_frame([spec])
    assert contains(frame, rlon, rlat).all()
    x0, x1, y0, y1 = frame.box
    # equal-area azimuthal about a point near the site: the ring spans about its diameter
    # (2 R sin(d / 2R) on the sphere), plus the margin; never the whole globe
    chord = 2 * 6371e3 * np.sin(radius_km * 1e3 / (2 * 6371e3))
    assert 1.8 * chord < max(x1 - x0, y1 - y0) < 2.6 * chord


def test_ring_across_the_antimeridian_is_drawn(tmp_path, caplog):
    rlat, rlon = geodesic_ring(55.0, 179.0, 2000.0, n=36)
    spec = RingSpec(label="r", site_lat_deg=55.0, site_lon_deg=179.0, lat_deg=rlat, lon_deg=rlon)
    with caplog.at_level(logging.INFO, logger="openbmd.report.maps"):
        path = draw_range_ring_map([spec], tmp_path / "anti.png", size_px=(600, 450), dpi=80)
    assert path.stat().st_size > 10_000
    assert "outside the map extent" not in caplog.text


# ------------------------------------------------------------------ labels
def test_labels_do_not_overlap():
    from matplotlib.figure import Figure

    from openbmd.report.labels import Label, place_labels

    # Deveselu over Sofia (issue 14), Bucharest and three points a few km apart
    lonlat = [(24.35, 44.08, "deveselu (sm-3-ib)"), (23.32, 42.70, "Sofia"), (26.10, 44.43, "Bucharest"),
              (24.40, 44.05, "spy-deveselu"), (24.45, 44.10, "tpy2-spare"), (24.30, 44.12, "reserve")]
    crs = "EPSG:3035"
    x, y = project_lonlat([p[0] for p in lonlat], [p[1] for p in lonlat], crs)
    fig = Figure(figsize=(5, 4), dpi=100)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(x.min() - 4e5, x.max() + 4e5)
    ax.set_ylim(y.min() - 3e5, y.max() + 3e5)
    labels = [Label(x=float(a), y=float(b), text=t, style={"fontsize": 9}) for a, b, (_, _, t) in zip(x, y, lonlat)]
    placed = place_labels(ax, labels)
    boxes = [bb for _, bb in placed]
    assert len(placed) >= 4
    assert [p.text for p, _ in placed][:3] == ["deveselu (sm-3-ib)", "Sofia", "Bucharest"]  # priority kept
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (placed[i][0].text, placed[j][0].text)
    frame = ax.get_window_extent()
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
    # the labels drawn are exactly those placed
    assert sorted(t.get_text() for t in ax.texts) == sorted(p.text for p, _ in placed)
