"""Issue 14, item 8: what the commands accept and say (the refusals are in test_errors.py)."""
import json

from cli_helpers import Run


def _json(result: Run) -> dict:
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_fly_takes_the_place_names_raid_and_coverage_take(run):
    """A launch area and a target by name fly the same arc as their coordinates."""
    from openbmd.architectures.loader import find_area, get_target_set

    _, tabriz = find_area("Tabriz")  # what coverage and raid files read for "Tabriz"
    ankara = next(t for t in get_target_set("nato-europe-capitals").targets if t.name == "Ankara")
    named = _json(run("fly", "--missile", "shahab-3", "--from", "Tabriz", "--to", "Ankara", "--json"))
    plain = _json(run("fly", "--missile", "shahab-3", "--from", f"{tabriz.lat_deg!r},{tabriz.lon_deg!r}",
                      "--to", f"{ankara.lat_deg!r},{ankara.lon_deg!r}", "--json"))
    assert named == plain
    text = run("fly", "--missile", "shahab-3", "--from", "Tabriz", "--to", "Ankara").out
    assert "from Tabriz (38.08,46.29) to Ankara (" in text


def test_free_flight_names_its_drag_body(run):
    from openbmd.flight.api import DEFAULT_FREE_BETA_KG_M2

    args = ("fly", "--burnout-speed", "7.2", "--burnout-angle", "30", "--azimuth", "0", "--from", "0,0")
    text = run(*args).out
    assert f"ballistic coefficient {DEFAULT_FREE_BETA_KG_M2:,.0f} kg/m^2" in text and "--no-drag" in text
    assert "drag" not in run(*args, "--no-drag").out.split("└")[-1]  # vacuum asked for: no note
    with_json = run(*args, "--json")
    assert "ballistic coefficient" in with_json.err and json.loads(with_json.out)


def test_no_negative_zero_in_tables(run):
    from openbmd.cli.output import number

    assert (number(-0.0004, ".3f"), number(-0.0, ",.1f"), number(-0.001, ".3f")) == ("0.000", "0.0", "-0.001")
    table = run("range-ring", "--missile", "shahab-3", "--from", "0,0", "--count", "4").out
    assert "-0.000 " not in table


ENGAGE = ("engage", "--threat", "shahab-3", "--from", "Tabriz", "--to", "Ankara", "--interceptor", "sm-3-ia",
          "--site", "35,33")


def test_engage_names_the_interceptor_and_a_missing_radar(run):
    alone = run(*ENGAGE)
    assert alone.code == 0
    head = alone.out.splitlines()[0]
    assert head.startswith("shahab-3 vs sm-3-ia (salvo-2): not engageable: never in track (no --radar given)")
    assert "no --radar given: nothing tracks the threat" in alone.err and "--radar ID[@LAT,LON]" in alone.err
    tracked = run(*ENGAGE, "--radar", "an-tpy-2-fbm")
    assert tracked.out.startswith("shahab-3 vs sm-3-ia (salvo-2): engageable") and tracked.err == ""


def test_help_is_readable_at_80_columns(run, monkeypatch):
    """No option name cut short, every line within 80 columns, '[[salvo]]' printed as written."""
    from openbmd.cli.main import app
    import typer

    monkeypatch.setenv("COLUMNS", "80")
    command = typer.main.get_command(app)
    for name, sub in command.commands.items():
        text = run(name, "--help").out
        assert all(len(line) <= 80 for line in text.splitlines()), name
        assert "…" not in text, name
        for param in sub.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in text, (name, opt)
    assert "Raid file: [[salvo]] entries" in run("raid", "--help").out
