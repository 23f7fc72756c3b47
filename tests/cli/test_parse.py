"""Coordinate and option-value parsing (pure functions)."""
import math
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from openbmd.cli.parse import (LATLON_HINT, MAX_COUNT, check_azimuth, check_count, check_finite, check_out_path,
                               parse_latlon)
from openbmd.errors import InputError


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_latlon_round_trips_every_allowed_value(lat, lon):
    assert parse_latlon(f"{lat!r},{lon!r}") == (lat, lon)


def test_spaces_and_negative_values():
    assert parse_latlon(" -33.9 , 18.4 ") == (-33.9, 18.4)
    assert parse_latlon("90,-180") == (90.0, -180.0)


@pytest.mark.parametrize("text", ["", "35.2", "35.2;53.9", "1,2,3", "a,b", "nan,1", "1,inf", ","])
def test_malformed_pairs_name_the_expected_form(text):
    with pytest.raises(InputError, match="expected LAT,LON in degrees"):
        parse_latlon(text, option="--to")


@pytest.mark.parametrize("text, what", [("90.0001,0", "latitude"), ("-91,0", "latitude"),
                                         ("0,180.01", "longitude"), ("0,-180.5", "longitude")])
def test_out_of_range_names_the_bound(text, what):
    with pytest.raises(InputError, match=what) as info:
        parse_latlon(text)
    assert "\n" not in str(info.value)


@given(st.text(max_size=20))
def test_any_text_either_parses_or_raises_input_error(text):
    try:
        lat, lon = parse_latlon(text)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert -90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(lat + lon)


def test_hint_text_matches_the_contract():
    assert LATLON_HINT == "expected LAT,LON in degrees, e.g. 35.2,53.9"


def test_count_and_finite_checks():
    assert check_count(1) == 1 and check_count(MAX_COUNT) == MAX_COUNT
    for bad in (0, -1, MAX_COUNT + 1, 1_000_000):
        with pytest.raises(InputError, match="--count must be from 1 to 3,600"):
            check_count(bad)
    assert check_finite(None, "--x") is None and check_finite(-4.5, "--x") == -4.5
    with pytest.raises(InputError, match="--azimuth"):
        check_finite(float("inf"), "--azimuth")


def test_out_path_extension_and_folder(tmp_path):
    assert check_out_path(tmp_path / "a.KML", (".kml",)) == tmp_path / "a.KML"
    assert check_out_path(None, (".kml",)) is None
    with pytest.raises(InputError, match="unknown output extension .txt; allowed: .kml, .csv"):
        check_out_path(tmp_path / "a.txt", (".kml", ".csv"))
    with pytest.raises(InputError, match="does not exist"):
        check_out_path(tmp_path / "missing" / "a.kml", (".kml",))
    for folder in (Path(""), Path("."), tmp_path):  # typer reads --out "" as Path("") == "."
        with pytest.raises(InputError, match="give a file name"):
            check_out_path(folder, (".kml",))


@pytest.mark.parametrize("value, expected", [(0.0, 0.0), (-45.0, 315.0), (360.0, 0.0), (-360.0, 0.0),
                                             (725.0 - 365.0, 0.0)])
def test_azimuth_wraps_inside_the_bound(value, expected):
    assert check_azimuth(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", [360.5, -361.0, 1e308, float("nan"), float("inf")])
def test_azimuth_outside_the_bound_is_refused(value):
    with pytest.raises(InputError, match="--azimuth"):
        check_azimuth(value)
