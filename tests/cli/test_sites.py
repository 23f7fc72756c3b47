"""The shipped launch areas (openbmd/data/launch_areas.toml)."""
import dataclasses

import pytest

from openbmd.errors import InputError
from openbmd.sites import LaunchArea, load_launch_areas, parse_launch_areas

# /work/shared/REFERENCE.md "Sites" table (town level) and the CLI brief (Kermanshah).
EXPECTED = {"Tabriz": (38.08, 46.29), "Kermanshah": (34.35, 47.10),
            "Semnan": (35.23, 53.92), "Shahrud": (36.20, 55.30)}


def test_iranian_launch_areas_match_the_reference_table():
    areas = load_launch_areas()
    assert {a.name: (a.lat_deg, a.lon_deg) for a in areas} == EXPECTED
    assert all(a.country == "Iran" for a in areas)


def test_every_area_names_a_source_and_is_frozen():
    for area in load_launch_areas():
        assert len(area.source) > 30
        with pytest.raises(dataclasses.FrozenInstanceError):
            area.lat_deg = 0.0  # type: ignore[misc]


def test_bad_files_are_one_line_input_errors():
    good = 'name="X"\ncountry="Y"\nsource="Z"\n'
    with pytest.raises(InputError, match="latitude in"):
        parse_launch_areas(f"[[launch_area]]\n{good}lat_deg=91\nlon_deg=0\n")
    with pytest.raises(InputError, match="unknown keys"):
        parse_launch_areas(f"[[launch_area]]\n{good}lat_deg=1\nlon_deg=0\nalt_m=3\n")
    with pytest.raises(InputError, match="not valid TOML") as info:
        parse_launch_areas("[[launch_area]\n")
    assert "\n" not in str(info.value)
    assert parse_launch_areas(f"[[launch_area]]\n{good}lat_deg=-1\nlon_deg=359\n") == (
        LaunchArea(name="X", country="Y", lat_deg=-1.0, lon_deg=359.0, source="Z"),)
