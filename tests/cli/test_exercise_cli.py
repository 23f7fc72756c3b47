"""openbmd exercise: the JSON contract (exactly six keys) through an embedded center, and one-line errors."""
import json
from pathlib import Path

import pytest
from cli_helpers import assert_usage_error

CASE = Path(__file__).parents[1] / "exercise" / "exercise_case.toml"
KEYS = {"threats", "first_shared_track_s", "firm_track_s", "impact_error_km", "unannounced_flagged", "contribution"}


def test_json_contract_through_an_embedded_center(run):
    r = run("exercise", "--scenario", str(CASE), "--speed", "400", "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert set(d) == KEYS
    assert [t["id"] for t in d["threats"]] == ["s1-1", "s2-1"]
    assert set(d["contribution"]) == {"nato", "russia"}
    assert set(d["contribution"]["russia"]) >= {"warning_time_gained_s", "error_reduced_km"}
    assert d["first_shared_track_s"]["count"] == 2 and d["unannounced_flagged"]["unannounced"] == 1


BAD = [
    ('name = "x"\n[[salvo]]\nmissile = "shahab-3"\nfrom = "Tabriz"\nto = "Ankara"\ncount = 1\n', "[[sensor]]"),
    ('[[salvo]]\nmissile = "shahab-9"\nfrom = "Tabriz"\nto = "Ankara"\ncount = 1\n'
     '[[sensor]]\nparty = "nato"\nsensor = "don-2n"\n', "shahab-9"),
    ('[[salvo]]\nmissile = "shahab-3"\nfrom = "Tabriz"\nto = "Ankara"\ncount = 1\n'
     '[[sensor]]\nparty = "nato"\nsensor = "sbirs"\n', "not a radar"),
    ('[[salvo]]\nmissile = "shahab-3"\nfrom = "Tabriz"\nto = "Ankara"\ncount = 1\ninterval_s = -3\n'
     '[[sensor]]\nparty = "nato"\nsensor = "don-2n"\n', "interval_s"),
    ('[[salvo]]\nmissile = "shahab-3"\nfrom = "Tabriz"\nto = "Ankara"\ncount = 1\nnotified_by = "NATO!"\n'
     '[[sensor]]\nparty = "nato"\nsensor = "don-2n"\n', "notified_by"),
    ('[[salvo]]\nmissile = "shahab-3"\nfrom = "Tabriz"\nto = "Ankara"\ncount = 1\n'
     '[[sensor]]\nparty = "nato"\nsensor = "don-2n"\nlat_deg = 50.0\n', "lon_deg"),
    ('[[salvo]]\nmissile = "shahab-3"\nfrom = "Tabriz"\nto = "Ankara"\ncount = 1\n'
     '[[sensor]]\nparty = "nato"\nsensor = "don-2n"\n[[sensor]]\nparty = "nato"\nsensor = "don-2n"\n', "already used"),
    ('[[salvo]\nmissile = "x"\n', "scenario"),
]


@pytest.mark.parametrize("text, says", BAD)
def test_bad_scenario_files_are_one_line(run, tmp_path, text, says):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    assert_usage_error(run("exercise", "--scenario", str(f)), says)


def test_bad_options_are_one_line(run, tmp_path):
    assert_usage_error(run("exercise", "--scenario", str(CASE), "--speed", "0"), "speed")
    assert_usage_error(run("exercise", "--scenario", str(CASE), "--speed", "nan"), "speed")
    assert_usage_error(run("exercise", "--scenario", str(tmp_path / "none.toml")), "none.toml")
    assert_usage_error(run("exercise", "--scenario", str(CASE), "--token", "nato=abc"), "--center")
    assert_usage_error(run("exercise", "--scenario", str(CASE), "--center", "ftp://x"), "--center")
    assert_usage_error(run("exercise", "--scenario", str(CASE), "--center", "http://127.0.0.1:9", "--token",
                           "NATO"), "PARTY=TOKEN")
    # a center that is not there: one line naming it (the scenario's parties have tokens)
    assert_usage_error(run("exercise", "--scenario", str(CASE), "--center", "http://127.0.0.1:9", "--token",
                           "nato=a", "--token", "russia=b"), "127.0.0.1:9")
