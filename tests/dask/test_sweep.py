"""openbmd sweep: the table resumes (only missing rows are computed), agrees with openbmd coverage at
the catalog figures, and is the same with Dask; bad study files are one line, exit 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from openbmd.analyses.sweep import load_study, sweep

STUDY = """
[study]
name = "t"
metric = "coverage"
architectures = ["epaa-phase-2"]
threats = ["shahab-3"]
reaction_s = %s
burnout_speed_km_s = %s

[coverage]
from = "Tabriz"
region = "36,42,30,44"
step_deg = 1.0
"""


def _study(tmp_path, reactions="[30, 120]", speeds="[3.0, 4.5]"):
    p = tmp_path / "s.toml"
    p.write_text(STUDY % (reactions, speeds), encoding="utf-8")
    return load_study(p)


def test_resume_computes_only_the_missing_rows_and_gives_the_same_table(tmp_path, client):
    study = _study(tmp_path)
    table = tmp_path / "t.csv"
    first = sweep(study, table, client=client)
    assert len(first["computed"]) == 4
    text = table.read_text()
    lines = text.splitlines()
    table.write_text("\n".join([lines[0], lines[1], lines[3]]) + "\n")  # cases 2 and 4 lost
    again = sweep(study, table)  # here, without Dask: the same answers
    assert again["computed"] == [first["rows"][1]["case"], first["rows"][3]["case"]]
    assert table.read_text() == text
    assert sweep(study, table)["computed"] == []
    # a later launch never defends more; a faster interceptor never less
    v = {(r["reaction_s"], r["burnout_speed_km_s"]): r["value"] for r in first["rows"]}
    assert v[(120.0, 3.0)] <= v[(30.0, 3.0)] and v[(30.0, 3.0)] <= v[(30.0, 4.5)]


def test_catalog_figures_are_openbmd_coverage(tmp_path, capsys):
    from openbmd.cli.main import main

    got = sweep(_study(tmp_path, "[]", "[]"), tmp_path / "c.csv")["rows"]
    assert main(["coverage", "-a", "epaa-phase-2", "--threat", "shahab-3", "--from", "Tabriz", "--region",
                 "36,42,30,44", "--step-deg", "1", "--json"]) == 0
    cov = json.loads(capsys.readouterr().out)
    assert got[0]["value"] == cov["defended_area_fraction"]
    assert got[0]["threatened_area_km2"] == cov["threatened_area_km2"]


@pytest.mark.parametrize("body, says", [
    ('[study]\nname="x"\nmetric="area"\narchitectures=["gmd"]\nthreats=["x"]', "study.metric: 'area' unknown; allowed: coverage, icbm-reach"),
    ('[study]\nname="x"\nmetric="coverage"\narchitectures=[]\nthreats=["x"]', "study.architectures: a non-empty list"),
    ('[study]\nname="x"\nmetric="coverage"\narchitectures=["gmd"]\nthreats=["x"]\nreaction_s=[-1]', "study.reaction_s: a list of numbers from 0 to 3600"),
    ('[study]\nname="x"\nmetric="coverage"\narchitectures=["gmd"]\nthreats=["x"]\n[coverage]\nstep=1', "coverage.step: unknown key; allowed: from, region, step_deg"),
    ('[study\n', "not TOML"),
])
def test_bad_study_files_are_one_line_exit_2(tmp_path, capsys, body, says):
    from openbmd.cli.main import main

    p = tmp_path / "bad.toml"
    p.write_text(body, encoding="utf-8")
    assert main(["sweep", str(p), "--table", str(tmp_path / "t.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(p) in err and says in err


def test_the_example_study_loads():
    s = load_study(Path(__file__).resolve().parents[2] / "examples" / "studies" / "epaa-reaction-speed.toml")
    assert len(s.cases()) == len(s.architectures) * len(s.threats) * len(s.reaction_s) * len(s.burnout_speed_km_s)


def test_parquet_table_holds_the_csv_rows_and_resumes(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    study = _study(tmp_path, "[30]", "[3.0, 4.5]")
    csv_rows = sweep(study, tmp_path / "t.csv")["rows"]
    table = tmp_path / "t.parquet"
    first = sweep(study, table)
    assert first["rows"] == csv_rows  # the same cases, values and types as the CSV table
    back = pq.read_table(table)
    assert back.num_rows == 2 and back.schema.field("value").type == pa.float64()
    assert back.column("value").to_pylist() == [r["value"] for r in csv_rows]
    pq.write_table(back.slice(0, 1), table)  # the second case lost
    again = sweep(study, table)
    assert again["computed"] == [csv_rows[1]["case"]] and again["rows"] == csv_rows
    assert pq.read_table(table).equals(back)


def test_parquet_without_pyarrow_is_one_line(tmp_path, monkeypatch, capsys):
    import sys

    from openbmd.cli.main import main

    p = tmp_path / "s.toml"
    p.write_text(STUDY % ("[30]", "[3.0]"), encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    assert main(["sweep", str(p), "--table", str(tmp_path / "t.parquet")]) == 2
    e = capsys.readouterr().err.strip()
    assert e.startswith("openbmd: error: ") and "pyarrow" in e and len(e.splitlines()) == 1
