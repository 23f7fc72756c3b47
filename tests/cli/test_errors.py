"""Bad input: one 'openbmd: error: ...' line on stderr, exit status 2, never a traceback.

None of these cases needs the flight engine: every check runs before any physics.
"""
import pytest

from cli_helpers import assert_usage_error, run_subprocess

MISSILE = ["--missile", "shahab-3"]

CASES = {
    "latitude": (["fly", *MISSILE, "--from", "91,10", "--azimuth", "0"], ["latitude 91", "[-90, 90]"]),
    "longitude": (["fly", *MISSILE, "--from", "10,360", "--azimuth", "0"], ["longitude 360", "[-180, 180]"]),
    "longitude-0-360": (["fly", *MISSILE, "--from", "35,200", "--azimuth", "0"],
                        ["longitude 200", "[-180, 180]", "200 E is -160"]),
    "malformed": (["fly", *MISSILE, "--from", "35.2", "--azimuth", "0"],
                  ["expected LAT,LON in degrees, e.g. 35.2,53.9"]),
    "malformed-to": (["fly", *MISSILE, "--from", "1,2", "--to", "x,y"], ["--to", "expected LAT,LON"]),
    "to-and-azimuth": (["fly", *MISSILE, "--from", "1,2", "--to", "3,4", "--azimuth", "5"],
                       ["exactly one of --to", "--azimuth"]),
    "neither-to-nor-azimuth": (["fly", *MISSILE, "--from", "1,2"], ["exactly one of --to"]),
    "apogee-and-angle": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--apogee-km", "300",
                          "--burnout-angle", "30"], ["--apogee-km", "--burnout-angle"]),
    "apogee-with-to": (["fly", *MISSILE, "--from", "1,2", "--to", "3,4", "--shape", "lofted", "--apogee-km", "300"],
                       ["--to", "--azimuth"]),
    "apogee-without-shape": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--apogee-km", "300"],
                             ["--apogee-km", "--shape lofted or depressed"]),
    "lofted-without-apogee": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--shape", "lofted"],
                              ["--shape lofted", "--apogee-km or --burnout-angle"]),
    "no-missile": (["fly", "--from", "1,2", "--azimuth", "5"], ["--missile", "--burnout-speed"]),
    "speed-zero": (["fly", "--from", "1,2", "--azimuth", "5", "--burnout-speed", "0",
                    "--burnout-angle", "40"], ["--burnout-speed must be > 0"]),
    "speed-negative": (["fly", "--from", "1,2", "--azimuth", "5", "--burnout-speed", "-3",
                        "--burnout-angle", "40"], ["--burnout-speed must be > 0"]),
    "free-flight-with-missile": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5",
                                  "--burnout-speed", "3", "--burnout-angle", "40"], ["--missile"]),
    "free-flight-with-to": (["fly", "--from", "1,2", "--to", "3,4", "--burnout-speed", "3",
                             "--burnout-angle", "40"], ["--azimuth"]),
    "free-flight-no-angle": (["fly", "--from", "1,2", "--azimuth", "5", "--burnout-speed", "3"],
                             ["--burnout-angle"]),
    "nan-azimuth": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "nan"], ["--azimuth", "finite"]),
    # the library names the catalog (UnknownIdError.kind); the command line adds where its users list it
    "unknown-missile": (["fly", "--missile", "shahab3", "--from", "1,2", "--azimuth", "3"],
                        ["unknown missile 'shahab3'", "did you mean: shahab-3", "see `openbmd missiles`"]),
    "unknown-radar": (["horizon", "--radar", "tpy2", "--site", "1,2", "--target-altitude-km", "100"],
                      ["unknown sensor 'tpy2'", "see `openbmd radars`"]),
    "fly-out-ext": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--out", "t.txt"],
                    ["unknown output extension .txt", ".csv, .kml, .czml, .geojson"]),
    "out-folder": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--out", "/no/such/dir/t.csv"],
                   ["does not exist"]),
    "ring-count-zero": (["range-ring", *MISSILE, "--from", "1,2", "--count", "0"], ["--count must be from 1 to 3,600"]),
    "ring-count-negative": (["range-ring", *MISSILE, "--from", "1,2", "--count", "-4"],
                            ["--count must be from 1 to 3,600"]),
    "ring-out-ext": (["range-ring", *MISSILE, "--from", "1,2", "--out", "r.csv"],
                     ["unknown output extension .csv", ".geojson, .kml, .png"]),
    "ring-no-missile": (["range-ring", "--from", "1,2"], ["--missile"]),
    "map-count": (["threat-map", "--count", "0"], ["--count must be from 1 to 3,600"]),
    "map-ext": (["threat-map", "--out", "m.jpg"], ["unknown output extension .jpg"]),
    # click usage errors, reformatted into the same single line
    "unknown-option": (["fly", "--frm", "1,2"], ["--frm"]),
    "missing-from": (["fly", *MISSILE, "--azimuth", "5"], ["--from"]),
    "bad-shape": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--shape", "loopy"], ["--shape"]),
    "bad-earth": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--earth", "flat"], ["--earth"]),
    "count-not-int": (["range-ring", *MISSILE, "--from", "1,2", "--count", "many"], ["--count"]),
    "unknown-command": (["launch"], ["launch"]),
    "show-without-id": (["missiles", "show"], ["ID"]),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_one_line_exit_2(run, case):
    args, fragments = CASES[case]
    assert_usage_error(run(*args), *fragments)


# Needs openbmd.missiles (the catalog), not the flight engine.
def test_unknown_missile_suggests_ids(run):
    assert_usage_error(run("missiles", "show", "shahab3"), "shahab3", "shahab-3")
    assert_usage_error(run("range-ring", "--missile", "sejil-2", "--from", "35,53"), "sejjil-2")


def test_bad_missile_toml_is_one_line(run, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("id = 'x'\nname = [unclosed\n")
    assert_usage_error(run("missiles", "show", str(path)))


def test_negative_coordinates_reach_the_checks_in_both_forms(run):
    """Both spellings parse as a coordinate (the error proves what was read)."""
    for args in (["--from", "-95,18.4"], ["--from=-95,18.4"]):
        assert_usage_error(run("fly", *MISSILE, *args, "--azimuth", "-45"), "latitude -95")
    for args in (["--to", "-33.9,-500"], ["--to=-33.9,-500"]):
        assert_usage_error(run("fly", *MISSILE, "--from", "-33.9,18.4", *args), "longitude -500")


def test_error_line_through_the_real_argv():
    """The console path (sys.argv, python -m openbmd) behaves the same."""
    result = run_subprocess("fly", "--from", "-95,18.4", "--azimuth", "-45", "--missile", "shahab-3")
    assert_usage_error(result, "latitude -95")
