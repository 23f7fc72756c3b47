"""`openbmd sensitivity`: the JSON contract, the written tornado chart, one-line errors."""
import json

from cli_helpers import assert_usage_error

NARROW = ("--field", "kozelsk", "--target", "washington", "--target", "boston", "--no-coverage")


def test_json_contract(run):
    r = run("sensitivity", "-a", "epaa-phase-3", "--figure", "north-sea-station", "--figure", "single-shot-pk",
            *NARROW, "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert set(doc) == {"architectures", "case_set", "coverage_case", "nominal", "figures", "verdicts", "flips",
                        "notional_stations", "seconds"}
    assert doc["architectures"] == ["epaa-phase-3"] and doc["coverage_case"] is None
    assert doc["case_set"]["fields"] == ["Kozelsk"] and doc["case_set"]["cases"] == doc["nominal"]["cases"] == 6
    assert [f["name"] for f in doc["figures"]] == ["north-sea-station", "single-shot-pk"]
    for f in doc["figures"]:
        assert {"label", "why", "nominal_value", "low_value", "high_value", "low", "high", "verdicts"} <= set(f)
        assert set(f["low"]["reach"]) == {"epaa-phase-3"}
    assert {v["name"] for v in doc["verdicts"]} >= {"phase-3-none", "gmd-half"}
    for f in doc["flips"]:
        assert {"figure", "at", "value", "verdict", "text", "nominal", "now"} == set(f)
    # each answer at each value of a figure, and the answers that rest on notional ship stations
    ship = doc["figures"][0]
    at = ship["engageable_cases_at"]["epaa-phase-3"]
    assert at == {"dropped": ship["low"]["reach"]["epaa-phase-3"]["engageable_cases"],
                  "57.0,3.0": doc["nominal"]["reach"]["epaa-phase-3"]["engageable_cases"],
                  "64.0,2.0": ship["high"]["reach"]["epaa-phase-3"]["engageable_cases"]}
    assert at["dropped"] == 0  # the land sites engage none of these on a firm track
    (ns,) = doc["notional_stations"]
    assert ns["architecture"] == "epaa-phase-3" and ns["station_figure"] == at
    assert set(ns["batteries"]) == {"ship-east-med", "ship-black-sea", "ship-north-sea"}
    assert ns["only_notional"] == (ns["engageable_cases"] > 0 and ns["engageable_cases_sourced_sites"] == 0)


def test_table_and_out_folder(run, tmp_path):
    out = tmp_path / "sens"
    r = run("sensitivity", "-a", "gmd", "--figure", "reaction-time", *NARROW, "--out", str(out))
    assert r.code == 0, r.err
    assert "reaction-time" in r.out and "gmd" in r.out
    png = (out / "sensitivity.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    doc = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert doc["figures"][0]["name"] == "reaction-time"


def test_unknown_figure_exit_2_lists_the_allowed(run):
    assert_usage_error(run("sensitivity", "--figure", "rcs"), "unknown figure 'rcs'", "warhead-rcs",
                       "north-sea-station")


def test_unknown_architecture_and_field_exit_2(run):
    assert_usage_error(run("sensitivity", "-a", "epaa-phase-9", "--figure", "reaction-time"), "epaa-phase-9")
    assert_usage_error(run("sensitivity", "-a", "gmd", "--field", "moscow", "--no-coverage"), "moscow")


def test_out_is_a_file_exit_2(run, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert_usage_error(run("sensitivity", "--figure", "reaction-time", "--out", str(f)), "--out")
