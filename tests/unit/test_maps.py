"""Borders decoder and range-ring maps.

References: TopoJSON specification 1.0 (github.com/topojson/topojson-specification)
for the decoder; EPSG:3035 definition (LAEA, lat_0 52 N, lon_0 10 E, false
easting 4,321,000 m, false northing 3,210,000 m); city coordinates and the
extreme points of metropolitan France from IGN (Bray-Dunes 51 deg 05' N,
Pointe de Corsen 4 deg 48' W, Corsica 41 deg 22' N to 9 deg 34' E).
"""
import numpy as np
import pytest
from PIL import Image
from pyproj import Geod

from openbmd.errors import InputError
from openbmd.geo import borders
from openbmd.report import borders as map_borders
from openbmd.report.maps import (RingSpec, _project_lines, densify_great_circle,
                                 draw_range_ring_map, project_lonlat)

GEOD = Geod(ellps="WGS84")


def geodesic_ring(lat, lon, radius_km, n=72):
    """A test ring: points radius_km from (lat, lon) by pyproj's geodesic."""
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lo, la, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_km * 1e3))
    return la, lo


# ------------------------------------------------------------------ decoder
def test_decoder_follows_the_spec_on_a_handmade_topology():
    # Two unit squares sharing the arc x = 1 (arc 1); the right square uses it
    # reversed (~1 = -2). Quantized positions are deltas (spec 2.1.2).
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 40.0]},
        "arcs": [
            [[2, 0], [-2, 0], [0, 4], [2, 0]],  # (11,40)->(10,40)->(10,41)->(11,41)
            [[2, 4], [0, -4]],                  # (11,41)->(11,40)
            [[2, 4], [2, 0], [0, -4], [-2, 0]],  # (11,41)->(12,41)->(12,40)->(11,40)
        ],
        "objects": {"squares": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "West"}},
            {"type": "MultiPolygon", "arcs": [[[2, -2]]], "properties": {"name": "East"}},
        ]}},
    }
    west, east = borders.decode_topojson(topology, "squares")
    assert west.name == "West" and east.name == "East"
    np.testing.assert_allclose(west.polygons[0], [[11, 40], [10, 40], [10, 41], [11, 41], [11, 40]])
    np.testing.assert_allclose(east.polygons[0], [[11, 41], [12, 41], [12, 40], [11, 40], [11, 41]])
    assert west.contains(40.5, 10.5) and not west.contains(40.5, 11.5)
    with pytest.raises(InputError, match="squares"):
        borders.decode_topojson(topology, "land")


def test_iceland_contains_reykjavik_not_oslo():
    iceland, norway = borders.country("Iceland"), borders.country("Norway")
    reykjavik, oslo = (64.15, -21.94), (59.91, 10.75)
    assert iceland.contains(*reykjavik) and not iceland.contains(*oslo)
    assert norway.contains(*oslo) and not norway.contains(*reykjavik)


def test_metropolitan_france_bbox():
    france = borders.country("France")
    europe = [p for p in france.polygons if p[:, 0].mean() > -10 and p[:, 1].mean() > 40]
    pts = np.concatenate(europe)
    west, south = pts.min(axis=0)
    east, north = pts.max(axis=0)
    assert west == pytest.approx(-4.80, abs=0.15)   # Pointe de Corsen (1:50m drops Ouessant)
    assert south == pytest.approx(41.37, abs=0.15)  # Corsica, Capo di u Pertusatu
    assert east == pytest.approx(9.57, abs=0.15)    # Corsica, Cap Corse
    assert north == pytest.approx(51.09, abs=0.15)  # Bray-Dunes


def test_land_has_the_caspian_as_a_hole():
    land = borders.land()
    assert land.contains(40.42, -3.70)            # Madrid
    assert not land.contains(41.0, 51.0)          # Caspian Sea
    assert not land.contains(43.0, 34.0)          # Black Sea
    assert len(borders.countries()) == 241        # world-atlas 2.0.2 README


def test_unknown_country_is_an_input_error():
    with pytest.raises(InputError, match="France"):
        borders.country("Atlantis")


def planar_area(xy):
    return 0.5 * abs(np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]))


def test_cut_at_antimeridian_keeps_the_area():
    # a 20 x 10 deg box from 170 E to 170 W: two 10 x 10 pieces, one each side
    ring = np.array([[170.0, 0.0], [-170.0, 0.0], [-170.0, 10.0], [170.0, 10.0], [170.0, 0.0]])
    pieces = map_borders._cut_at_antimeridian(ring)
    assert len(pieces) == 2 and all(np.abs(p[:, 0]).max() <= 180 for p in pieces)
    assert sorted(planar_area(p) for p in pieces) == pytest.approx([100.0, 100.0])


def test_land_fill_closes_antarctica_along_the_south_pole():
    rings = map_borders.land_fill_rings()
    south = [r for r, outer in rings if outer and r[:, 1].min() == -90.0]
    assert len(south) == 1 and np.ptp(south[0][:, 0]) == pytest.approx(360.0)
    assert all(np.abs(r[:, 0]).max() <= 180.0 for r, _ in rings)


# ------------------------------------------------------------------ geometry
def test_project_lonlat_epsg3035_origin():
    x, y = project_lonlat(10.0, 52.0, "EPSG:3035")
    assert x == pytest.approx(4_321_000.0, abs=0.01) and y == pytest.approx(3_210_000.0, abs=0.01)


def test_densify_stays_on_the_great_circle():
    lon, lat = densify_great_circle(np.array([-6.35, 37.79]), np.array([36.64, 38.35]), max_step_deg=0.5)
    assert (lon[0], lat[0]) == pytest.approx((-6.35, 36.64)) and (lon[-1], lat[-1]) == pytest.approx((37.79, 38.35))
    sphere = Geod(a=6371e3, b=6371e3)
    _, _, steps = sphere.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    _, _, whole = sphere.inv(lon[0], lat[0], lon[-1], lat[-1])
    assert steps.sum() == pytest.approx(whole, rel=1e-9)  # no detour: on the great circle
    assert steps.max() <= np.radians(0.5) * 6371e3 * (1 + 1e-9)


def test_line_across_the_antimeridian_is_cut_only_where_the_projection_tears():
    lon, lat = densify_great_circle(np.array([170.0, -170.0]), np.array([60.0, 60.0]))
    world = (-180.0, 180.0, -90.0, 90.0)
    pieces = _project_lines([(lon, lat)], "EPSG:4326", world)
    assert len(pieces) == 2 and all(np.ptp(p[:, 0]) < 20 for p in pieces)
    laea = _project_lines([(lon, lat)], "EPSG:3035", (-1e8, 1e8, -1e8, 1e8))
    assert len(laea) == 1


def test_ring_around_the_north_pole_is_one_clean_piece():
    lat, lon = geodesic_ring(89.0, 0.0, 2500.0)  # encloses the pole
    lon, lat = densify_great_circle(np.r_[lon, lon[0]], np.r_[lat, lat[0]])
    (piece,) = _project_lines([(lon, lat)], "EPSG:4326", (-180.0, 180.0, -90.0, 90.0), closed=True)
    assert np.abs(np.diff(piece[:, 0])).max() < 5.0  # no jump across the map
    assert np.ptp(piece[:, 0]) > 355.0


# ------------------------------------------------------------------ maps
@pytest.fixture(scope="module")
def europe_rings():
    specs = []
    for name, lat, lon in (("Tabriz", 38.08, 46.29), ("Semnan", 35.23, 53.92)):
        for label, r_km in (("Shahab-3", 1300.0), ("Sejjil-2", 2000.0)):
            la, lo = geodesic_ring(lat, lon, r_km)
            specs.append(RingSpec(label, lat, lon, la, lo, site_name=name))
    la, lo = geodesic_ring(35.23, 53.92, 10_000.0)  # wraps far round the globe
    specs.append(RingSpec("notional ICBM", 35.23, 53.92, la, lo))
    return specs


def test_europe_map_is_a_png_of_the_requested_size_and_not_blank(tmp_path, europe_rings):
    out = draw_range_ring_map(europe_rings, tmp_path / "europe.png", title="Test", size_px=(800, 600))
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (800, 600)
        rgb = np.asarray(im.convert("RGB"), dtype=float)
    assert rgb.std() > 10.0
    colours = {tuple(c) for c in rgb.reshape(-1, 3).astype(int)[::7]}
    assert (0xE4, 0xE1, 0xD8) in colours   # land fill drawn
    assert (0xD5, 0x5E, 0x00) in colours   # first ring colour drawn


@pytest.mark.parametrize("crs, extent", [("EPSG:3035", (-25.0, 65.0, 25.0, 72.0)),
                                         ("EPSG:4326", (-180.0, 180.0, -90.0, 90.0))])
def test_ring_enclosing_the_pole_draws(tmp_path, crs, extent):
    la, lo = geodesic_ring(76.57, -68.30, 4000.0)  # Thule, 4,000 km: encloses the pole
    out = draw_range_ring_map([RingSpec("polar", 76.57, -68.30, la, lo)], tmp_path / "pole.png",
                              crs=crs, extent_lonlat=extent, size_px=(400, 300))
    assert out.stat().st_size > 10_000


def test_vector_formats_by_extension(tmp_path, europe_rings):
    svg = draw_range_ring_map(europe_rings[:1], tmp_path / "m.svg", size_px=(400, 300),
                              extent_lonlat=(30.0, 60.0, 30.0, 45.0))
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    pdf = draw_range_ring_map(europe_rings[:1], tmp_path / "m.pdf", size_px=(400, 300),
                              extent_lonlat=(30.0, 60.0, 30.0, 45.0))
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("kwargs, match", [
    ({"path": "map.jpg"}, "png"),
    ({"extent_lonlat": (10.0, 20.0, 50.0, 40.0)}, "south"),
    ({"crs": "EPSG:999999"}, "CRS"),
])
def test_bad_map_input_is_an_input_error(tmp_path, europe_rings, kwargs, match):
    path = tmp_path / kwargs.pop("path", "map.png")
    with pytest.raises(InputError, match=match):
        draw_range_ring_map(europe_rings, path, **kwargs)


def test_ringspec_rejects_bad_samples():
    with pytest.raises(InputError, match="equal length"):
        RingSpec("x", 0.0, 0.0, np.zeros(5), np.zeros(4))
    with pytest.raises(InputError, match="lat_deg"):
        RingSpec("x", 0.0, 0.0, np.array([0.0, 95.0, 10.0]), np.zeros(3))


def test_contains_broadcasts_like_its_inputs():
    # a (2, 3) grid of points gives a (2, 3) answer, the same as point by point
    france = borders.country("France")
    lat = np.array([[48.86, 45.76, 40.42], [43.30, 51.51, 46.0]])
    lon = np.array([[2.35, 4.84, -3.70], [5.37, -0.13, 2.0]])
    got = france.contains(lat, lon)
    assert got.shape == (2, 3)
    assert got.tolist() == [[bool(france.contains(a, o)) for a, o in zip(ra, ro)] for ra, ro in zip(lat, lon)]
    assert got.tolist() == [[True, True, False], [True, False, True]]  # Paris, Lyon, Madrid; Marseille, London, centre
