"""``openbmd sweep``: a study file's grid of cases as one table (resumable) and a summary plot."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, err, out, stages, write_file


def sweep(
    study_file: Annotated[Path, typer.Argument(metavar="STUDY.toml", help="Study file (see examples/studies).")],
    table: Annotated[Optional[Path], typer.Option(
        "--table", metavar="FILE", help="The results table (.csv, or .parquet with pyarrow); rerun to resume. "
                                        "Default: NAME.parquet when pyarrow is importable, else NAME.csv.")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", metavar="FILE.png",
                                                 help="Summary plot (default: beside the table).")] = None,
    dask: opt.Dask = None,
    json_: opt.Json = False,
) -> None:
    """Run every case of a study (architectures x threats x reaction times x burnout speeds) not yet
    in its table; finished cases are read back, not computed again."""
    from openbmd.analyses.sweep import load_study, sweep as run
    from openbmd.errors import InputError
    from openbmd.report.sweep_chart import draw_sweep_chart
    from openbmd.scale.executor import dask_client

    study = load_study(study_file)
    table = table or Path(f"{study.name}.{'parquet' if _has_pyarrow() else 'csv'}")
    if table.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"--table {table}: allowed .csv or .parquet")
    plot = plot or table.with_suffix(".png")
    with dask_client(dask) as client, stages("sweep") as report:  # a line per batch of cases on stderr
        got = run(study, table, client=client, progress=lambda d, n: report(_stage(d, n, client), d, n))
    write_file(plot, lambda p: draw_sweep_chart(got["rows"], p, title=f"{study.name}: {study.metric}"))
    summary = {"study": study.name, "metric": study.metric, "table": str(table), "plot": str(plot),
               "cases": len(got["rows"]), "computed": len(got["computed"]), "rows": got["rows"]}
    if json_:
        emit_json(summary)
        return
    t = Table(title=f"{study.name}: {study.metric}")
    for col in ("architecture", "threat", "reaction s", "burnout km/s", "value"):
        t.add_column(col, justify="left" if col in ("architecture", "threat") else "right")
    for r in got["rows"]:
        t.add_row(r["architecture"], r["threat"], "own" if r["reaction_s"] is None else f"{r['reaction_s']:g}",
                  "catalog" if r["burnout_speed_km_s"] is None else f"{r['burnout_speed_km_s']:g}",
                  f"{r['value']:.3f}" if study.metric == "coverage" else f"{r['value']:.0f} / {r['cases']}")
    out().print(t)
    err().print(f"{len(got['computed'])} of {len(got['rows'])} cases computed; wrote {table} and {plot}",
                soft_wrap=True)


def _stage(done: int, total: int, client) -> str:
    """'cases 1-4 of 16' for the batch under way (a batch is as many cases as the workers take at once)."""
    from openbmd.scale.executor import n_workers

    size = max(4, 2 * n_workers(client))
    first = min((max(done - 1, 0) // size) * size + 1, total)
    return f"cases {first}-{min(first + size - 1, total)} of {total}"


def _has_pyarrow() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True
