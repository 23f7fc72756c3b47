"""`openbmd coverage`: the --json contract of issue 4, the map and GeoJSON, one-line errors."""
import json

import pytest

from cli_helpers import assert_usage_error

ARGS = ("coverage", "--architecture", "epaa-phase-1", "--threat", "sejjil-2", "--from", "Tabriz",
        "--region", "34,46,20,45", "--step-deg", "1.5")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from openbmd.cli.main import main

    d = tmp_path_factory.mktemp("coverage")
    png, geo = d / "map.png", d / "cells.geojson"
    code = main([*ARGS, "--json", "--out", str(png), "--out", str(geo)])
    return code, png, geo


def test_json_contract(run, outputs, capsys):
    r = run(*ARGS, "--json")
    assert r.code == 0, r.err
    obj = json.loads(r.out)
    assert {"defended_area_fraction", "population_defended", "population_total", "capitals"} <= set(obj)
    assert 0.0 <= obj["defended_area_fraction"] <= 1.0
    assert isinstance(obj["population_defended"], int) and isinstance(obj["population_total"], int)
    assert 0 <= obj["population_defended"] <= obj["population_total"]
    names = set()
    for c in obj["capitals"]:
        assert {"name", "lat_deg", "lon_deg", "defended", "p_defense"} <= set(c)
        assert isinstance(c["defended"], bool) and 0.0 <= c["p_defense"] <= 1.0
        assert c["defended"] == (c["p_defense"] > 0)
        assert -90 <= c["lat_deg"] <= 90 and -180 <= c["lon_deg"] <= 180
        names.add(c["name"])
    assert {"Athens", "Ankara", "Sofia", "Bucharest"} <= names


def test_png_and_geojson_written(outputs):
    code, png, geo = outputs
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    doc = json.loads(geo.read_text())
    assert doc["type"] == "FeatureCollection"
    kinds = {f["properties"]["kind"] for f in doc["features"]}
    assert {"cell", "capital", "battery", "launch-area"} <= kinds
    for f in doc["features"]:
        p = f["properties"]
        if p["kind"] == "cell":
            assert f["geometry"]["type"] == "Polygon" and len(f["geometry"]["coordinates"][0]) >= 4
            assert {"defended", "p_defense", "shot_opportunities", "country"} <= set(p)
            assert p["defended"] == (p["p_defense"] > 0)
        if p["kind"] in ("city", "capital"):
            assert {"name", "population", "threatened", "defended", "p_defense"} <= set(p)
    assert 0 <= doc["properties"]["defended_area_fraction"] <= 1


@pytest.mark.parametrize("change,fragment", [
    (("--architecture", "epaa-phase-9"), "epaa-phase-9"),
    (("--threat", "no-such-missile"), "no-such-missile"),
    (("--from", "Atlantis"), "Atlantis"),
    (("--region", "35,36,-40,-39"), "no land"),
    (("--region", "mars"), "mars"),
    (("--step-deg", "0"), "step"),
    (("--step-deg", "nan"), "step"),
])
def test_bad_input_is_one_line(run, change, fragment):
    args = list(ARGS)
    i = args.index(change[0])
    args[i + 1] = change[1]
    assert_usage_error(run(*args), fragment)


def test_launch_on_and_booster_rcs_reach_the_analysis(run):
    """The nominal options are the plain run; launching on early warning as well never defends less
    (the library test, tests/unit/test_coverage.py, checks it cell by cell)."""
    plain = json.loads(run(*ARGS, "--json").out)
    nominal = run(*ARGS, "--json", "--launch-on", "firm-track", "--booster-rcs-m2", "1")
    assert nominal.code == 0, nominal.err
    warned = json.loads(run(*ARGS, "--json", "--launch-on", "firm-track", "--launch-on", "early-warning").out)
    drop = ("seconds",)
    assert {k: v for k, v in json.loads(nominal.out).items() if k not in drop} == \
        {k: v for k, v in plain.items() if k not in drop}
    assert warned["defended_area_fraction"] >= plain["defended_area_fraction"]
    assert warned["population_defended"] >= plain["population_defended"]
