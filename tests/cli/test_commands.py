"""The commands end to end, on the real flight engine (no mocks).

JSON keys are the contract: fly -> the FlightResult summary keys (+ miss_km with
--to); range-ring -> exactly the four ring lists.
"""
import json
import math

import pytest

from cli_helpers import assert_usage_error, run_subprocess

FLY_KEYS = {"range_km", "time_of_flight_s", "apogee_km", "burnout_time_s", "burnout_speed_km_s",
            "burnout_altitude_km", "burnout_angle_deg", "impact_lat_deg", "impact_lon_deg"}
RING_KEYS = {"azimuth_deg", "max_range_km", "lat_deg", "lon_deg"}
SEMNAN = "35.23,53.92"  # REFERENCE.md sites table
# free flight on the validation sphere, no rotation, no drag (closed-form conditions)
VACUUM = ["--earth", "sphere", "--no-rotation", "--no-drag"]


def one_json_object(result) -> dict:
    """stdout is exactly one JSON object on one line; exit 0."""
    assert result.code == 0, result.err
    assert result.out.count("\n") == 1 and result.out.endswith("\n")
    obj = json.loads(result.out)
    assert isinstance(obj, dict)
    return obj


def bmw_free_flight(v_km_s: float, phi_deg: float, r_km: float = 6371.0,
                    mu_km3_s2: float = 398600.4418) -> tuple[float, float, float]:
    """Range km, time of flight s, apogee km of a symmetric vacuum arc from the surface.

    Bate, Mueller & White, Fundamentals of Astrodynamics (1971), ch. 6 (as in REFERENCE.md).
    """
    cos2 = math.cos(math.radians(phi_deg)) ** 2
    q = v_km_s**2 * r_km / mu_km3_s2
    e = math.sqrt(1.0 + q * (q - 2.0) * cos2)
    half = math.acos((1.0 - q * cos2) / e)
    a = r_km / (2.0 - q)
    e1 = math.acos((e - math.cos(half)) / (1.0 - e * math.cos(half)))
    tof = 2.0 * math.sqrt(a**3 / mu_km3_s2) * (math.pi - e1 + e * math.sin(e1))
    return 2.0 * half * r_km, tof, a * (1.0 + e) - r_km


def test_closed_form_helper_matches_the_reference_table():
    # REFERENCE.md minimum-energy table: 1,000 km <- 3.016 km/s at 42.8 deg, 7.9 min, 240 km
    rng, tof, apo = bmw_free_flight(3.016, 42.8)
    assert rng == pytest.approx(1000, abs=2) and tof / 60 == pytest.approx(7.9, abs=0.05)
    assert apo == pytest.approx(240, abs=1)


def test_free_flight_json_matches_bate_mueller_white(run):
    obj = one_json_object(run("fly", "--burnout-speed", "3.016", "--burnout-angle", "42.8",
                              "--from", "0,0", "--azimuth", "90", *VACUUM, "--json"))
    assert set(obj) == FLY_KEYS
    rng, tof, apo = bmw_free_flight(3.016, 42.8)
    assert obj["range_km"] == pytest.approx(rng, abs=1.0)
    assert obj["time_of_flight_s"] == pytest.approx(tof, abs=1.0)
    assert obj["apogee_km"] == pytest.approx(apo, abs=0.5)
    # due east along the equator of a non-rotating sphere: impact longitude = range angle
    assert obj["impact_lat_deg"] == pytest.approx(0.0, abs=1e-3)
    assert obj["impact_lon_deg"] == pytest.approx(math.degrees(rng / 6371.0), abs=0.01)


def test_negative_coordinates_both_spellings_same_flight(run):
    free = ["fly", "--burnout-speed", "2", "--burnout-angle", "45", *VACUUM, "--json"]
    spaced = one_json_object(run(*free, "--from", "-33.9,18.4", "--azimuth", "-45"))
    glued = one_json_object(run(*free, "--from=-33.9,18.4", "--azimuth=-45"))
    positive = one_json_object(run(*free, "--from", "-33.9,18.4", "--azimuth", "315"))
    assert spaced == glued == positive
    assert spaced["impact_lat_deg"] > -33.9 and spaced["impact_lon_deg"] < 18.4  # north-west
    via_argv = run_subprocess(*free, "--from", "-33.9,18.4", "--azimuth", "-45")
    assert json.loads(via_argv.out) == spaced and via_argv.err == ""


def test_missile_fly_json_keys_and_target_miss(run):
    obj = one_json_object(run("fly", "--missile", "shahab-3", "--from", SEMNAN, "--azimuth", "300",
                              "--json"))
    assert set(obj) == FLY_KEYS and obj["range_km"] > 0
    aimed = run("fly", "--missile", "shahab-3", "--from", SEMNAN, "--to", "32.0,44.4", "--json")
    obj = one_json_object(aimed)
    assert set(obj) == FLY_KEYS | {"miss_km"}
    assert aimed.err == ""
    assert math.isfinite(obj["miss_km"])


def test_fly_without_json_prints_a_table(run):
    result = run("fly", "--burnout-speed", "3", "--burnout-angle", "40", "--from", "0,0",
                 "--azimuth", "90", *VACUUM)
    assert result.code == 0 and result.err == ""
    assert "time of flight" in result.out and "km/s" in result.out
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.out)


def test_out_of_reach_is_a_one_line_error(run):
    # Semnan to Berlin (52.52, 13.40) is ~3,700 km: beyond a ~1,300 km Shahab-3
    assert_usage_error(run("fly", "--missile", "shahab-3", "--from", SEMNAN, "--to", "52.52,13.40"))


def test_fly_out_writes_the_track_and_says_so_on_stderr_with_json(run, tmp_path):
    path = tmp_path / "track.csv"
    result = run("fly", "--missile", "shahab-3", "--from", SEMNAN, "--azimuth", "300", "--json",
                 "--out", str(path))
    assert set(one_json_object(result)) == FLY_KEYS
    assert path.stat().st_size > 0
    assert result.err.strip() == f"wrote {path}"


def test_range_ring_json_is_the_four_lists(run):
    result = run("range-ring", "--missile", "shahab-3", "--from", SEMNAN, "--count", "4", "--json")
    obj = one_json_object(result)
    assert set(obj) == RING_KEYS
    assert all(len(obj[k]) == 4 for k in RING_KEYS)
    assert obj["azimuth_deg"] == pytest.approx([0, 90, 180, 270])
    assert result.err == ""  # stderr is not a terminal here: no progress bar drawn


def test_range_ring_table_and_geojson(run, tmp_path):
    path = tmp_path / "ring.geojson"
    result = run("range-ring", "--missile", "shahab-3", "--from=-33.9,18.4", "--count", "3",
                 "--out", str(path))
    assert result.code == 0, result.err
    assert "max range" in result.out and f"wrote {path}" in result.out
    assert json.loads(path.read_text())["type"] in ("FeatureCollection", "Feature")


def test_missiles_table_lists_the_catalog(run):
    from openbmd.missiles import catalog_ids

    result = run("missiles")
    assert result.code == 0 and result.err == ""
    for missile_id in catalog_ids():
        assert missile_id in result.out


def test_missiles_show_prints_stages_and_sources(run):
    from openbmd.missiles import get_missile

    result = run("missiles", "show", "sejjil-2")
    assert result.code == 0 and result.err == ""
    assert "stages" in result.out and "sources" in result.out
    for key in get_missile("sejjil-2").sources_dict():
        assert key in result.out


def test_missiles_show_prints_azimuths_curve_and_points(run):
    result = run("missiles", "show", "shahab-3")
    assert result.code == 0 and result.err == ""
    for text in ("per launch azimuth", "payload-range curve", "calibrated to", "1,000 kg", "Bidganeh"):
        assert text in result.out


def test_missiles_show_json_flags_near_orbital_azimuths(run):
    result = run("missiles", "show", "ss-18", "--json")
    assert result.code == 0
    perf = json.loads(result.out)["performance"]
    assert set(perf) >= {"reference_site", "median_range_km", "azimuths", "payload_range", "calibrated_to",
                         "published_points"}
    east = next(a for a in perf["azimuths"] if a["azimuth_deg"] == 90.0)
    west = next(a for a in perf["azimuths"] if a["azimuth_deg"] == 270.0)
    assert east["near_orbital"] and not west["near_orbital"]
    assert perf["calibrated_to"]["met"] and perf["calibrated_to"]["payload_kg"] == 8800.0
    sputnik = perf["published_points"][0]
    assert sputnik["range_km"] == 16000.0 and sputnik["published_near_orbital"]


def test_threat_map_writes_the_png_and_prints_its_path(run, tmp_path):
    path = tmp_path / "threat-map.png"
    result = run("threat-map", "--out", str(path), "--count", "3")
    assert result.code == 0, result.err
    assert result.out == f"{path}\n"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Traceback" not in result.err


def test_cli_copies_of_shapes_and_earths_match_the_engine():
    from openbmd.cli import options
    from openbmd.earth import EARTHS
    from openbmd.flight import SHAPES

    assert options.SHAPES == tuple(SHAPES)
    assert options.EARTHS == tuple(EARTHS)


def test_progress_goes_to_stderr_never_to_stdout(run, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stderr as a terminal: the bar draws
    args = ("range-ring", "--missile", "shahab-3", "--from", SEMNAN, "--count", "3")
    shown = run(*args)
    assert shown.code == 0 and "range ring" in shown.err and "range ring" not in shown.out
    with_json = run(*args, "--json")
    assert set(one_json_object(with_json)) == RING_KEYS   # stdout: the JSON object alone
    assert "range ring" in with_json.err                   # progress still shown, on stderr
