"""`openbmd architectures` and `architectures show ID` end to end (real catalog, no mocks).

Counts and positions are checked against the raw TOML files (read with tomllib here) and the
sensor catalog, not against the command's own helpers.
"""
import json
import tomllib

import pytest
from cli_helpers import assert_usage_error

from openbmd.architectures.loader import CATALOG_DIR
from openbmd.sensors.catalog import get_sensor

FILES = sorted((CATALOG_DIR / "architectures").glob("*.toml"))


def _raw(stem: str) -> dict:
    return tomllib.loads((CATALOG_DIR / "architectures" / f"{stem}.toml").read_text(encoding="utf-8"))


LAUNCHERS = {r["id"]: r for r in tomllib.loads((CATALOG_DIR.parent.parent / "interceptors" / "catalog" /
                                                 "_launchers.toml").read_text(encoding="utf-8"))["launcher"]}


def _magazine(battery: dict) -> int:
    """The battery's own magazine, else its launcher's (read from the raw launcher file)."""
    return battery["magazine"] if "magazine" in battery else LAUNCHERS[battery["launcher"]]["magazine"]


def test_list_json_counts_match_the_files(run):
    res = run("architectures", "--json")
    assert res.code == 0, res.err
    rows = {r["id"]: r for r in json.loads(res.out)["architectures"]}
    assert set(rows) == {p.stem for p in FILES}
    for stem, row in rows.items():
        raw = _raw(stem)
        assert row["year"] == raw["year"] and row["status"] == raw["status"]
        assert row["sensor_count"] == len(raw.get("sensor", []))
        assert row["battery_count"] == len(raw.get("battery", []))
        assert row["interceptor_count"] == sum(_magazine(b) for b in raw.get("battery", []))


def test_list_table_names_every_architecture(run):
    res = run("architectures")
    assert res.code == 0, res.err
    for p in FILES:
        assert p.stem in res.out
    third = next(line for line in res.out.splitlines() if "│ third-site-2007 " in line)
    cells = [c.strip() for c in third.split("│")[1:-1]]
    assert cells[-3:] == ["4", "1", "10"]  # 4 radars, 1 battery, 10 GBIs (State Dept 2007)


@pytest.mark.parametrize("stem", ["epaa-phase-1", "gmd", "cooperative"])
def test_show_json_positions_come_from_the_file_or_the_sensor_catalog(run, stem):
    res = run("architectures", "show", stem, "--json")
    assert res.code == 0, res.err
    d = json.loads(res.out)
    raw = _raw(stem)
    assert [s["id"] for s in d["sensors"]] == [s["id"] for s in raw["sensor"]]
    for s, r in zip(d["sensors"], raw["sensor"]):
        if "lat_deg" in r:  # a station given by the architecture
            assert (s["lat_deg"], s["lon_deg"], s["moved"]) == (r["lat_deg"], r["lon_deg"], True)
        else:  # the catalog site
            cat = get_sensor(r["sensor"])
            assert (s["lat_deg"], s["lon_deg"], s["moved"]) == (cat.site_lat_deg, cat.site_lon_deg, False)
        assert s["party"] == r.get("party", "us") and s["source"] == r["source"]
    for b, r in zip(d["batteries"], raw["battery"], strict=True):
        assert (b["interceptor"], b["magazine"], b["fire_control"]) == (r["interceptor"], _magazine(r),
                                                                         r.get("fire_control"))
        assert b["engage_on_remote"] == r.get("engage_on_remote", True)
        assert b["notional_station"] == r.get("notional_station")  # issue 13 item 6: the reason, as filed
    assert d["command"]["reaction_s"] == raw["command"]["reaction_s"]
    assert d["sources"] == raw["sources"]
    assert (d["data_center"] is None) == ("data_center" not in raw)


def test_show_cooperative_marks_the_shared_russian_radars(run):
    d = json.loads(run("architectures", "show", "cooperative", "--json").out)
    shared = {s["sensor"] for s in d["sensors"] if s["shared_through_data_center"]}
    assert shared == {"voronezh-dm-armavir", "daryal-gabala"}
    assert d["data_center"]["parties"] == ["us", "russia"]
    assert all({"armavir", "gabala"} <= set(b["cue_sensors"]) for b in d["batteries"])


def test_show_table_prints_every_part(run):
    res = run("architectures", "show", "epaa-phase-1")
    assert res.code == 0, res.err
    for text in ("sensors", "batteries", "battery sources", "command and control", "sources", "tpy2-kurecik",
                 "spy-east-med", "sm-3-ia", "(moved)", "shoot-look-shoot", "Fact Sheet"):
        assert text in res.out, text


def test_unknown_id_is_one_line(run):
    assert_usage_error(run("architectures", "show", "epaa-phase-9"), "unknown architecture 'epaa-phase-9'",
                       "epaa-phase-1")


def test_broken_file_is_one_line_naming_the_file(run, tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text('id = "mine"\nname = "M"\nyear = 2011\nstatus = "planned"\ndescription = "d"\n'
                   '[[sensor]]\nid = "r"\nsensor = "no-such-radar"\n', encoding="utf-8")
    assert_usage_error(run("architectures", "show", str(bad)), "mine.toml", "sensor 'r'", "no-such-radar")


def test_show_marks_the_notional_ship_stations(run, monkeypatch):
    """Each battery the file gives a notional_station is marked '(notional)' with its reason;
    the Aegis Ashore sites are not."""
    raw = _raw("epaa-phase-3")
    notional = {b["id"] for b in raw["battery"] if "notional_station" in b}
    assert notional and "redzikowo" not in notional
    monkeypatch.setenv("COLUMNS", "400")  # one table row per line
    res = run("architectures", "show", "epaa-phase-3")
    assert res.code == 0, res.err
    marked = {line.split("│")[1].strip() for line in res.out.splitlines() if "(notional)" in line}
    assert marked == notional
    assert res.out.count("notional station: N: no source gives a patrol box") == len(notional)
