"""The shipped launch areas (openbmd/data/launch_areas.toml, their one home)."""
import pytest
from pydantic import ValidationError
from pyproj import Geod

from openbmd.errors import InputError
from openbmd.sites import LaunchArea, get_launch_area, launch_areas, load_launch_areas, parse_launch_areas

# /work/shared/REFERENCE.md "Sites" table (town level): Tabriz and Semnan are the towns; Kermanshah
# is the IRGC base north-east of the town (34.35 N, 47.10 E), Shahrud the pad south-east of the town.
TOWNS = {"Tabriz": (38.08, 46.29), "Kermanshah": (34.35, 47.10), "Semnan": (35.23, 53.92), "Shahrud": (36.20, 55.30)}
GEOD = Geod(ellps="WGS84")


def test_threat_map_areas_are_near_the_reference_towns():
    areas = load_launch_areas()
    assert [a.name for a in areas] == list(TOWNS) and all(a.country == "Iran" for a in areas)
    for a in areas:
        lat, lon = TOWNS[a.name]
        km = GEOD.inv(lon, lat, a.lon_deg, a.lat_deg)[2] / 1e3
        assert km < 30.0, (a.name, km)  # Kermanshah's base is 28 km from the town


def test_every_area_names_a_source_and_is_frozen():
    assert len(launch_areas()) >= len(load_launch_areas())
    for area in launch_areas().values():
        assert len(area.source) > 30
        with pytest.raises(ValidationError):
            area.lat_deg = 0.0  # type: ignore[misc]
    assert get_launch_area("kermanshah").name == "Kermanshah"
    with pytest.raises(InputError, match="unknown launch area 'Atlantis'; allowed: "):
        get_launch_area("Atlantis")


def test_bad_files_are_one_line_input_errors():
    good = 'name="X"\ncountry="Y"\nsource="Z"\n'
    with pytest.raises(InputError, match=r"^f\.toml:5: launch_area\[1\]\.lat_deg = 91 — must be <= 90"):
        parse_launch_areas(f"[[launch_area]]\n{good}lat_deg=91\nlon_deg=0\n", "f.toml")
    with pytest.raises(InputError, match=r"^f\.toml:7: unknown key 'launch_area\[1\]\.alt_m'"):
        parse_launch_areas(f"[[launch_area]]\n{good}lat_deg=1\nlon_deg=0\nalt_m=3\n", "f.toml")
    with pytest.raises(InputError, match="invalid TOML") as info:
        parse_launch_areas("[[launch_area]\n")
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match=r"listed twice"):
        parse_launch_areas(f"[[launch_area]]\n{good}lat_deg=1\nlon_deg=0\n" * 2)
    assert parse_launch_areas(f"[[launch_area]]\n{good}lat_deg=-1\nlon_deg=359\n") == (
        LaunchArea(name="X", country="Y", lat_deg=-1.0, lon_deg=359.0, source="Z"),)


# ---------------------------------------------------------------- one resolver for every command

def test_resolve_place_reads_each_kind_from_its_own_file():
    from openbmd.architectures.loader import get_target_set, target_set_ids
    from openbmd.architectures.places import load_cities
    from openbmd.sites import resolve_place

    assert resolve_place("-33.9, 18.4") == ("-33.9, 18.4", -33.9, 18.4, "coordinates", "")
    kozelsk = resolve_place("kozelsk")
    assert (kozelsk.kind, kozelsk.country) == ("launch area", "Russia")
    assert kozelsk[1:3] == (get_launch_area("Kozelsk").lat_deg, get_launch_area("Kozelsk").lon_deg)
    target = get_target_set(target_set_ids()[0]).targets[0]
    assert resolve_place(target.name.upper(), prefer="target")[1:4] == (target.lat_deg, target.lon_deg, "target")
    # a city that is no target: its data/cities.csv position
    names = {t.name for tid in target_set_ids() for t in get_target_set(tid).targets}
    city = next(c for c in load_cities() if c.name not in names and c.population > 500_000)
    assert resolve_place(city.name)[1:4] == (city.lat_deg, city.lon_deg, "city")


@pytest.mark.parametrize("text, fragments", [
    ("35,200", ["longitude 200 is outside [-180, 180]", "200 E is -160"]),
    ("91,0", ["latitude 91 is outside [-90, 90]"]),
    ("1,2,3", ["expected LAT,LON"]),
    ("x,1", ["expected LAT,LON"]),
    ("Tabriss", ["--to 'Tabriss'", "unknown launch area, target or city", "close matches:", "Tabriz"]),
])
def test_resolve_place_refuses_in_one_line(text, fragments):
    from openbmd.sites import resolve_place

    with pytest.raises(InputError) as info:
        resolve_place(text, "--to")
    assert "\n" not in str(info.value) and all(f in str(info.value) for f in fragments)


def test_threat_area_names_the_country_of_a_foreign_field():
    from openbmd.sites import threat_area

    assert threat_area("iran", "semnan").name == "Semnan"
    with pytest.raises(InputError, match=r"'Kozelsk' is a launch area of Russia, not a launch area of threat "
                                         r"set 'iran' \(Iran\); allowed: Tabriz"):
        threat_area("iran", "Kozelsk")
