"""Long runs say where they are: one line per stage on stderr, with a count, in a terminal or not
(CliRunner and these captured runs are not terminals); nothing of it on stdout."""
import json

import pytest

from openbmd.cli.output import stages


def _lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


def test_each_new_stage_is_one_line_outside_a_terminal(capsys):
    with stages("assess") as report:
        report("coverage 1/3: MRBM (sejjil-2)", 0, 5)
        report("coverage 1/3: MRBM (sejjil-2)", 3, 5)  # progress within a stage: no new line
        report("coverage 2/3: IRBM (iran-irbm-notional)", 0, 5)  # same first word, a new stage
        report("coverage 3/3: ICBM (iran-icbm-notional)", 0, 5)
        report("maps", 1, 2)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert _lines(captured.err) == ["openbmd assess: coverage 1/3: MRBM (sejjil-2)…",
                                    "openbmd assess: coverage 2/3: IRBM (iran-irbm-notional)…",
                                    "openbmd assess: coverage 3/3: ICBM (iran-icbm-notional)…",
                                    "openbmd assess: maps…"]


def test_a_stage_named_after_the_command_reads_as_one_phrase(capsys):
    with stages("pacing") as report:
        report("pacing 1/6: MRBM (sejjil-2) from Tabriz over us", 0, 1)
    assert _lines(capsys.readouterr().err) == ["openbmd pacing 1/6: MRBM (sejjil-2) from Tabriz over us…"]


def test_stage_lines_also_show_in_a_terminal(capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stderr as a terminal: the bar draws too
    with stages("assess") as report:
        report("icbm-reach: 1 architecture", 0, 4)
        report("icbm-reach: 1 architecture", 4, 4)
        report("sensitivity: gmd", 0, 1)
    err = capsys.readouterr().err
    assert err.count("openbmd assess: icbm-reach: 1 architecture…") == 1
    assert err.count("openbmd assess: sensitivity: gmd…") == 1


def test_pacing_names_every_stage_and_keeps_its_answer(run):
    """6 stages for one launch area (3 Iranian classes x 2 regions), in the analysis's order; the
    staged run is the analysis's default run (coverage_set), so the table is the library's."""
    from openbmd.analyses.pacing import pacing
    from openbmd.architectures.loader import get_threat_set

    result = run("pacing", "epaa-phase-1", "--from", "Tabriz", "--step-deg", "5", "--json")
    assert result.code == 0, result.err
    classes = dict(get_threat_set("iran").classes)  # missile id -> class, as the threat set declares it
    lines = _lines(result.err)
    assert len(lines) == 6
    for k, line in enumerate(lines, start=1):
        assert line.startswith(f"openbmd pacing {k}/6: ") and line.endswith("…")
        region = "nato-europe" if k % 2 else "us"
        assert f" from Tabriz over {region}…" in line
        cls, mid = line.split(": ", 1)[1].split(" from ")[0].split(" ")
        assert classes[mid.strip("()")] == cls
    assert [ln.split(": ")[1].split(" ")[0] for ln in lines[::2]] == ["MRBM", "IRBM", "ICBM"]
    table = json.loads(result.out)
    plain = pacing(("epaa-phase-1",), areas=("Tabriz",), step_deg=5.0)
    table.pop("seconds"), plain.pop("seconds")
    assert table == json.loads(json.dumps(plain))


ENGAGE = ("engage", "--threat", "shahab-3", "--from", "Tabriz", "--to", "Ankara", "--interceptor", "sm-3-ia",
          "--site", "35,33", "--radar", "an-tpy-2-fbm", "--json", "--seed", "3")


def test_monte_carlo_in_chunks_says_so_and_agrees_with_one_call(run, monkeypatch):
    from openbmd.cli import engage

    one = run(*ENGAGE, "--monte-carlo", "1000")
    assert one.code == 0 and one.err == ""  # one chunk: no stage line, the draws of one call
    monkeypatch.setattr(engage, "CHUNK_TRIALS", 400)
    chunked = run(*ENGAGE, "--monte-carlo", "1000")
    assert chunked.code == 0, chunked.err
    assert _lines(chunked.err) == ["openbmd engage: Monte Carlo: 1,000 trials in 3 chunks of up to 400…"]
    a, b = json.loads(one.out)["monte_carlo"], json.loads(chunked.out)["monte_carlo"]
    assert set(b) == set(a) and b["trials"] == 1000 and b["seed"] == 3
    assert json.loads(run(*ENGAGE, "--monte-carlo", "1000").out)["monte_carlo"] == b  # seeded
    # other draws of the same distributions: the kill fractions' 95 % intervals overlap
    assert b["kill_fraction_95ci"][0] <= a["kill_fraction_95ci"][1]
    assert a["kill_fraction_95ci"][0] <= b["kill_fraction_95ci"][1]
    assert b["mean_p_kill"] == pytest.approx(a["mean_p_kill"], abs=0.03)
