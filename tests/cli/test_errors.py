"""Bad input: one 'openbmd: error: ...' line on stderr, exit status 2, never a traceback.

None of these cases needs the flight engine: every check runs before any physics.
"""
from pathlib import Path

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
    "apogee-with-to-min-energy": (["fly", *MISSILE, "--from", "1,2", "--to", "3,4", "--apogee-km", "300"],
                                  ["--apogee-km", "--shape lofted or depressed"]),
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

# Issue 14's sweep across commands: each refused before any physics, with the allowed range or
# what the option takes in the one line.
ENGAGE = ["engage", "--threat", "shahab-3", "--from", "Tabriz", "--to", "Ankara", "--interceptor", "sm-3-ia",
          "--site", "35,33"]
RAID = str(Path(__file__).resolve().parents[2] / "examples" / "raids" / "iran-salvo.toml")
COVERAGE = ["coverage", "-a", "epaa-phase-1", "--threat", "shahab-3", "--from", "Tabriz"]
CASES.update({
    "azimuth-huge": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "1e308"],
                     ["--azimuth 1e+308 is outside [-360, 360] degrees"]),
    "azimuth-inf": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "-inf"], ["--azimuth", "finite"]),
    "free-flight-azimuth": (["fly", "--from", "1,2", "--azimuth", "400", "--burnout-speed", "3",
                             "--burnout-angle", "40"], ["--azimuth 400", "[-360, 360]"]),
    "unknown-place": (["fly", *MISSILE, "--from", "Atlantis", "--azimuth", "0"],
                      ["--from 'Atlantis'", "unknown launch area, target or city", "LAT,LON"]),
    "unknown-place-to": (["fly", *MISSILE, "--from", "Tabriz", "--to", "Ankarra"],
                         ["--to 'Ankarra'", "close matches: Ankara"]),
    "out-empty": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--out", ""], ["give a file name"]),
    "out-folder-itself": (["fly", *MISSILE, "--from", "1,2", "--azimuth", "5", "--out", "."], ["give a file name"]),
    "ring-count-huge": (["range-ring", *MISSILE, "--from", "1,2", "--count", "1000000"],
                        ["--count must be from 1 to 3,600", "1,000,000"]),
    "ring-longitude": (["range-ring", *MISSILE, "--from", "35,200"], ["longitude 200", "[-180, 180]"]),
    "map-count-huge": (["threat-map", "--count", "3601"], ["--count must be from 1 to 3,600"]),
    "horizon-site": (["horizon", "--radar", "an-tpy-2-fbm", "--site", "95,0", "--target-altitude-km", "100"],
                     ["--site", "latitude 95"]),
    "engage-monte-carlo-huge": ([*ENGAGE, "--monte-carlo", "100000000"],
                                ["--monte-carlo must be from 0 to 10,000,000 trials"]),
    "engage-monte-carlo-negative": ([*ENGAGE, "--monte-carlo", "-1"], ["--monte-carlo must be from 0"]),
    "engage-salvo-999": ([*ENGAGE, "--doctrine", "salvo-999"], ["salvo-999", "N from 1 to 8"]),
    "engage-sls-9": ([*ENGAGE, "--doctrine", "shoot-look-shoot-9-1"], ["each 1 to 8"]),
    "engage-site-place": ([*ENGAGE[:-2], "--site", "Atlantis"], ["--site 'Atlantis'", "unknown launch area"]),
    "engage-out-empty": ([*ENGAGE, "--out", ""], ["give a file name"]),
    "coverage-nato-year-early": ([*COVERAGE, "--nato-year", "1900"], ["--nato-year 1900", "from 1949 to"]),
    "coverage-nato-year-late": ([*COVERAGE, "--nato-year", "3000"], ["--nato-year 3000", "from 1949 to"]),
    "coverage-place": ([*COVERAGE[:-1], "Tabris"], ["--from 'Tabris'", "close matches", "Tabriz"]),
    "coverage-out-empty": ([*COVERAGE, "--out", ""], ["give a file name"]),
    "coverage-launch-on": ([*COVERAGE, "--launch-on", "whenever"], ["--launch-on 'whenever' unknown",
                                                                   "firm-track, early-warning"]),
    "coverage-booster-rcs": ([*COVERAGE, "--booster-rcs-m2", "0"], ["--booster-rcs-m2 must be > 0"]),
    "coverage-booster-rcs-nan": ([*COVERAGE, "--booster-rcs-m2", "nan"], ["--booster-rcs-m2"]),
    "pacing-russian-field": (["pacing", "--from", "Kozelsk"],
                             ["'Kozelsk' is a launch area of Russia", "threat set 'iran'", "Tabriz", "Semnan"]),
    "pacing-city": (["pacing", "--from", "Ankara"], ["'Ankara' is a target", "allowed: Tabriz"]),
    "raid-trials": (["raid", "-a", "epaa-phase-1", "--raid", RAID, "--trials", "0"],
                    ["--trials must be >= 1"]),
    "raid-out-empty": (["raid", "-a", "epaa-phase-1", "--raid", RAID, "--out", ""],
                       ["give a file name"]),
    "raid-file-folder": (["raid", "-a", "epaa-phase-1", "--raid", ""], ["is a folder, not a .toml file"]),
    # folder options: typer's Path would read "" as "." (the current folder); refused before any work
    "assess-out-empty": (["assess", "--out", ""], ["--out ''", "give a folder name"]),
    "icbm-reach-out-empty": (["icbm-reach", "-a", "gmd", "--out", ""], ["--out ''", "give a folder name"]),
    "sensitivity-out-empty": (["sensitivity", "--figure", "reaction-time", "--out", ""],
                              ["--out ''", "give a folder name"]),
    "assess-out-file": (["assess", "--out", __file__], ["exists and is not a directory"]),
})


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_one_line_exit_2(run, case):
    args, fragments = CASES[case]
    assert_usage_error(run(*args), *fragments)


# Needs openbmd.missiles (the catalog), not the flight engine.
def test_unknown_missile_suggests_ids(run):
    assert_usage_error(run("missiles", "show", "shahab3"), "shahab3", "shahab-3")
    assert_usage_error(run("range-ring", "--missile", "sejil-2", "--from", "35,53"), "sejjil-2")


def test_assess_refuses_a_launch_area_of_another_country(run, tmp_path):
    """Before any work and without leaving a folder behind."""
    out = tmp_path / "assess"
    assert_usage_error(run("assess", "--from", "Kozelsk", "--out", str(out)), "launch area of Russia", "Tabriz")
    assert not out.exists()


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
