"""`openbmd radars` and `openbmd horizon`: tables, JSON keys, negative coordinates, bad input.

The horizon value checked here is the closed form R acos(R cos(eps) ... ) evaluated independently
in tests/validation/test_radar_horizon.py; this file checks the command line around it.
"""
import json

import pytest

from cli_helpers import assert_usage_error, run_subprocess
from openbmd.sensors import get_radar, horizon_range, radar_ids


def test_radars_lists_every_sensor():
    result = run_subprocess("radars")  # 200 columns: no wrapped cells
    assert result.code == 0, result.err
    for rid in radar_ids() + ["sbirs"]:
        assert rid in result.out
    for text in ("[hypothetical]", "[closed]", "Kürecik", "900 km @ 0.01 m²", "az 357/117 ±60°, el 3–85°"):
        assert text in result.out, text


def test_radars_show_prints_fields_and_sources(run):
    result = run("radars", "show", "cobra-dane")
    assert result.code == 0, result.err
    for text in ("reference_range_km", "3,200", "sources", "about 2,000 miles", "Shemya"):
        assert text in result.out, text
    assert run("radars", "show", "sbirs").code == 0


def test_horizon_json_has_exactly_the_three_keys(run):
    result = run("horizon", "--radar", "an-tpy-2-fbm", "--target-altitude-km", "100", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == ["horizon_range_km", "detection_range_km", "limit"]
    expected = horizon_range(get_radar("an-tpy-2-fbm"), 100.0, 0.1)
    assert [data[k] for k in data][:2] == pytest.approx(list(expected[:2])) and data["limit"] == expected.limit


@pytest.mark.parametrize("site_args", [["--site", "-33.9,18.4"], ["--site=-33.9,18.4"]])
def test_horizon_site_override_takes_negative_coordinates(run, site_args):
    result = run("horizon", "--radar", "spy-1d", *site_args, "--target-altitude-km", "300", "--rcs-m2", "1",
                 "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    expected = horizon_range(get_radar("spy-1d").at(-33.9, 18.4), 300.0, 1.0)
    assert (data["horizon_range_km"], data["detection_range_km"], data["limit"]) == \
        (pytest.approx(expected[0]), pytest.approx(expected[1]), expected[2])


def test_horizon_rcs_and_refraction_options(run):
    base = ["horizon", "--radar", "fylingdales", "--target-altitude-km", "1000", "--json"]
    small = json.loads(run(*base, "--rcs-m2", "0.01").out)
    big = json.loads(run(*base, "--rcs-m2", "0.16").out)
    assert big["detection_range_km"] / small["detection_range_km"] == pytest.approx(2.0)  # 16^(1/4)
    plain = json.loads(run(*base).out)["horizon_range_km"]
    bent = json.loads(run(*base, "--refraction").out)["horizon_range_km"]
    assert bent > plain


def test_horizon_table(run):
    result = run("horizon", "--radar", "thule", "--target-altitude-km", "300")
    assert result.code == 0, result.err
    for text in ("horizon range (ground)", "detection range (slant)", "limit", "detection"):
        assert text in result.out


def test_help_mentions_the_rcs_default_and_its_source(run):
    text = run_subprocess("horizon", "--help").out
    assert "--rcs-m2" in text and "0.1" in text and "NRC 2012" in text
    assert run("radars", "--help").code == 0 and run("radars", "show", "--help").code == 0


CASES = {
    "unknown-radar": (["horizon", "--radar", "tpy2", "--target-altitude-km", "100"],
                      ["unknown sensor 'tpy2'", "did you mean: an-tpy-2"]),
    "unknown-show": (["radars", "show", "fylingdale"], ["unknown sensor", "fylingdales"]),
    "not-a-radar": (["horizon", "--radar", "sbirs", "--target-altitude-km", "100"], ["not a radar"]),
    "no-radar": (["horizon", "--target-altitude-km", "100"], ["--radar"]),
    "no-altitude": (["horizon", "--radar", "thule"], ["--target-altitude-km"]),
    "negative-altitude": (["horizon", "--radar", "thule", "--target-altitude-km", "-5"], ["[0, 100000]"]),
    "bad-site": (["horizon", "--radar", "thule", "--site", "95,10", "--target-altitude-km", "100"],
                 ["--site", "latitude 95"]),
    "malformed-site": (["horizon", "--radar", "thule", "--site", "x,", "--target-altitude-km", "100"],
                       ["--site", "expected LAT,LON"]),
    "unknown-site": (["horizon", "--radar", "thule", "--site", "x", "--target-altitude-km", "100"],
                     ["--site 'x'", "unknown launch area, target or city", "LAT,LON"]),
    "zero-rcs": (["horizon", "--radar", "thule", "--target-altitude-km", "100", "--rcs-m2", "0"], ["--rcs-m2"]),
    "nan-rcs": (["horizon", "--radar", "thule", "--target-altitude-km", "100", "--rcs-m2", "nan"], ["--rcs-m2"]),
    "missing-file": (["horizon", "--radar", "nope.toml", "--target-altitude-km", "100"], ["no such sensor file"]),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_one_line_exit_2(run, case):
    args, fragments = CASES[case]
    assert_usage_error(run(*args), *fragments)


def test_real_process_negative_site():
    result = run_subprocess("horizon", "--radar", "spy-6", "--site", "-33.9,18.4", "--target-altitude-km",
                            "500", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["limit"] in ("horizon", "detection")
