"""Every listing command takes --json: one object on stdout, one key naming what is listed, one row per
catalog entry. Ids, names and counts are checked against the raw TOML files (read with tomllib here),
not against the commands' own helpers."""
import json
import tomllib
from pathlib import Path

import pytest
import typer
from cli_helpers import assert_usage_error

import openbmd
from openbmd.cli.main import app

PACKAGE = Path(openbmd.__file__).parent


def _raw(folder: str) -> dict[str, dict]:
    """The catalog files of a folder by id (files starting with '_' are not entries)."""
    files = sorted((PACKAGE / folder).glob("*.toml"))
    return {d["id"]: d for d in (tomllib.loads(p.read_text(encoding="utf-8")) for p in files
                                 if not p.name.startswith("_"))}


def _listing(run, *args: str) -> list[dict]:
    """Run a listing with --json; exit 0, nothing on stderr, exactly one JSON object with one key."""
    res = run(*args, "--json")
    assert res.code == 0, res.err
    assert res.err == ""
    obj = json.loads(res.out)
    assert list(obj) == [args[-1]], list(obj)
    rows = obj[args[-1]]
    assert rows, f"{' '.join(args)} --json listed nothing"
    return rows


def _listing_commands():
    """Each command of the CLI that lists something: a group run without a subcommand, and the
    `interceptors launchers` listing."""
    root = typer.main.get_command(app)
    for name, cmd in root.commands.items():
        if getattr(cmd, "invoke_without_command", False):
            yield (name,), cmd
    yield ("interceptors", "launchers"), root.commands["interceptors"].commands["launchers"]


@pytest.mark.parametrize("path,cmd", list(_listing_commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_listing_takes_json(path, cmd):
    assert any("--json" in p.opts for p in cmd.params), f"openbmd {' '.join(path)} has no --json"


def test_the_listings_are_the_five_known_ones():
    found = {" ".join(path) for path, _ in _listing_commands()}
    assert found == {"missiles", "radars", "interceptors", "interceptors launchers", "architectures"}


def test_missiles_json_rows_match_the_files(run):
    raw = _raw("missiles/catalog")
    rows = {r["id"]: r for r in _listing(run, "missiles")}
    assert set(rows) == set(raw)
    for ident, row in rows.items():
        assert set(row) == {"id", "name", "country", "range_class", "stage_count", "launch_mass_kg",
                            "published_range_km", "max_range_km", "reference_site", "calibrated_to",
                            "median_range_km", "east_range_km", "east_near_orbital", "west_range_km",
                            "west_near_orbital"}
        file = raw[ident]
        assert row["name"] == file["name"] and row["range_class"] == file["range_class"]
        assert row["stage_count"] == len(file["stages"])
        assert row["published_range_km"] == file["published_range_km"]
        stage_kg = sum(s["propellant_kg"] + s["dry_kg"] for s in file["stages"])
        assert row["launch_mass_kg"] == pytest.approx(stage_kg + file["payload_kg"], rel=1e-9)
        assert row["max_range_km"] > 0
        assert row["west_range_km"] < row["median_range_km"] < row["east_range_km"]  # the Earth turns east
        assert row["calibrated_to"]["range_km"] == file["calibrated_to"]["range_km"]


def test_radars_json_rows_match_the_files(run):
    raw = _raw("sensors/catalog")
    rows = {r["id"]: r for r in _listing(run, "radars")}
    assert set(rows) == set(raw)
    for ident, row in rows.items():
        assert row["name"] == raw[ident]["name"]
        assert row["kind"] == raw[ident].get("kind", "radar")
        if row["kind"] == "radar":
            assert -90 <= row["lat_deg"] <= 90 and -180 <= row["lon_deg"] <= 180
            assert 0 < row["reference_range_km"] <= row["max_range_km"] * 10


def test_interceptors_json_rows_match_the_files(run):
    raw = _raw("interceptors/catalog")
    rows = {r["id"]: r for r in _listing(run, "interceptors")}
    assert set(rows) == set(raw)
    for ident, row in rows.items():
        assert row["name"] == raw[ident]["name"]
        assert 0 < row["pk_single_shot"] <= 1 and isinstance(row["pk_notional"], bool)


def test_launchers_json_rows_match_the_file(run):
    file = tomllib.loads((PACKAGE / "interceptors/catalog/_launchers.toml").read_text(encoding="utf-8"))
    rows = {r["id"]: r for r in _listing(run, "interceptors", "launchers")}
    assert set(rows) == {lau["id"] for lau in file["launcher"]}
    for lau in file["launcher"]:
        assert rows[lau["id"]]["magazine"] == lau["magazine"]


def test_architectures_json_lists_every_file(run):
    raw = _raw("architectures/catalog/architectures")
    assert {r["id"] for r in _listing(run, "architectures")} == set(raw)


@pytest.mark.parametrize("args", [("missiles",), ("radars",), ("interceptors",), ("interceptors", "launchers"),
                                  ("architectures",)])
def test_unknown_option_is_one_line_exit_2(run, args):
    assert_usage_error(run(*args, "--jsn"), "--jsn")
