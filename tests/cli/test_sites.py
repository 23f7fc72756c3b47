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
