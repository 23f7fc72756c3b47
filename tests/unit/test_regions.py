"""Region grids: country areas against published land areas, the sphere's closed form, bad boxes."""
import numpy as np
import pytest

from openbmd.analyses.regions import R_MEAN_KM, region_grid
from openbmd.errors import InputError

#: published areas (km^2) and their sources; the grid counts land cells of the Natural Earth
#: 1:50m outlines, so it should land within a few per cent (coastline generalisation, cell size)
PUBLISHED_KM2 = {
    # INSEE: metropolitan France 543,940 km^2 (CIA World Factbook: 551,500 total incl. lakes)
    "France": 543_940.0,
    # GUS (Statistics Poland), Concise Statistical Yearbook: 312,696 km^2
    "Poland": 312_696.0,
    # INS Romania, Statistical Yearbook: 238,397 km^2
    "Romania": 238_397.0,
    # Destatis: 357,588 km^2 (CIA World Factbook: 357,022)
    "Germany": 357_588.0,
}


@pytest.fixture(scope="module")
def nato():
    return region_grid("nato-europe", 0.25)


@pytest.mark.parametrize("name", sorted(PUBLISHED_KM2))
def test_country_area_matches_published(nato, name):
    got = nato.area_km2[nato.country == name].sum()
    ref = PUBLISHED_KM2[name]
    assert abs(got / ref - 1) < 0.03, (name, got, ref)


def test_box_area_is_the_spherical_closed_form():
    # a 1-degree box entirely over land (central Poland, 51-52 N, 19-20 E): every cell is land,
    # so the cells' total is the spherical zone area R^2 dlon (sin lat1 - sin lat0)
    reg = region_grid("51,52,19,20", 0.1)
    assert len(reg) == 100
    exact = R_MEAN_KM ** 2 * np.radians(1.0) * (np.sin(np.radians(52.0)) - np.sin(np.radians(51.0)))
    assert reg.total_area_km2 == pytest.approx(exact, rel=1e-4)
    assert set(reg.country) == {"Poland"}


def test_cells_cover_the_box_and_the_step():
    reg = region_grid("36,44,20,30", 1.0)
    assert np.all((reg.lat_deg > 36) & (reg.lat_deg < 44) & (reg.lon_deg > 20) & (reg.lon_deg < 30))
    # cell centres sit on half-steps
    assert np.allclose((reg.lat_deg - 36.5) % 1.0, 0.0) and np.allclose((reg.lon_deg - 20.5) % 1.0, 0.0)
    assert {"Greece", "Bulgaria", "Turkey"} <= set(reg.country)


@pytest.mark.parametrize("region,step", [("35,36,-40,-39", 0.25), ("nowhere", 1.0), ("40,30,0,10", 1.0),
                                         ("a,b,c,d", 1.0), ("nato-europe", 0.0), ("nato-europe", float("nan")),
                                         ("nato-europe", 10.0)])
def test_bad_region_is_one_line(region, step):
    with pytest.raises(InputError) as e:
        region_grid(region, step)
    msg = str(e.value)
    assert "\n" not in msg and msg


def test_open_ocean_names_the_problem():
    with pytest.raises(InputError, match="no land"):
        region_grid("35,36,-40,-39", 0.25)


def test_regions_file_names_only_shipped_countries():
    # every country a named region lists is a Natural Earth name of the shipped borders
    from openbmd.analyses.regions import region_specs
    from openbmd.geo.borders import countries

    names = {c.name for c in countries()}
    specs = region_specs()
    assert {"nato-europe", "europe", "us"} <= set(specs)
    for spec in specs.values():
        assert set(spec.countries) <= names, spec.id
        assert spec.source


def test_named_region_is_its_countries_inside_its_box():
    # the US region: only US land, inside the box of regions.toml, and Washington's cell is in it
    from openbmd.analyses.regions import region_specs

    spec = region_specs()["us"]
    reg = region_grid("us", 1.0)
    assert set(reg.country) == {"United States of America"}
    assert np.all((reg.lat_deg > spec.lat_deg[0]) & (reg.lat_deg < spec.lat_deg[1]))
    assert np.any((np.abs(reg.lat_deg - 38.5) < 1e-9) & (np.abs(reg.lon_deg + 77.5) < 1e-9))


@pytest.mark.parametrize("patch,match", [({"lat_deg": [72.0, 34.0]}, "lat_deg"), ({"countries": []}, "needs"),
                                         ({"title": 3}, "title"), ({"lon_deg": [0.0]}, "lon_deg")])
def test_bad_region_entry_is_one_line(patch, match):
    from openbmd.analyses.regions import _spec

    entry = {"id": "x", "title": "X", "nato_europe_members": False, "countries": ["France"],
             "lat_deg": [40.0, 50.0], "lon_deg": [0.0, 10.0], "source": "test"}
    with pytest.raises(InputError, match=match):
        _spec({**entry, **patch}, "regions.toml region 1")
