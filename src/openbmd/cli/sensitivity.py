"""``openbmd sensitivity``: which notional or disputed figure flips which verdict."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, jsonable, out, progress, say_written, write_file
from openbmd.cli.parse import out_folder


def sensitivity(
    architecture: Annotated[Optional[list[str]], typer.Option(
        "--architecture", "-a", metavar="ID|FILE.toml",
        help="Architecture (repeatable). Default: epaa-phase-3, epaa-phase-4, gmd.")] = None,
    figure: Annotated[Optional[list[str]], typer.Option(
        "--figure", metavar="NAME", help="Figure to sweep (repeatable; default: every one, see the table).")] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Every ICBM field and US target (default: a reduced set, named in the output).")] = False,
    field: Annotated[Optional[list[str]], typer.Option(
        "--field", metavar="NAME", help="Russian ICBM field (repeatable) in place of the reduced set's.")] = None,
    target: Annotated[Optional[list[str]], typer.Option(
        "--target", metavar="NAME", help="US target (repeatable) in place of the reduced set's.")] = None,
    no_coverage: Annotated[bool, typer.Option(
        "--no-coverage", help="Skip the coverage metric (EPAA Phase 3 vs the IRBM from Tabriz).")] = False,
    json_: opt.Json = False,
    dask: opt.Dask = None,
    out_dir: Annotated[Optional[str], typer.Option(
        "--out", metavar="DIR",
        help="Write the tornado chart (sensitivity.png) and sensitivity.json into DIR.")] = None,
) -> None:
    """Every notional or disputed figure (warhead and booster RCS, radar reference range, firm-track rule,
    reaction time, launch mode, burnout speeds and burn times, kill-vehicle minimum altitude, Pk, the
    North Sea ship) at its low and high value: the engageable Russian ICBM cases, the defended share,
    and which verdicts flip."""
    from openbmd.analyses.sensitivity import COVERAGE_CASE, DEFAULT_ARCHITECTURES, get_figures
    from openbmd.analyses.sensitivity import sensitivity as run

    get_figures(figure)  # an unknown figure fails before any work
    out_dir = out_folder(out_dir, "sensitivity")
    from openbmd.scale.executor import dask_client

    with dask_client(dask) as client, progress("sensitivity", enabled=True) as report:
        result = run(architecture or DEFAULT_ARCHITECTURES, figures=figure or None, full=full,
                     fields=field or None, targets=target or None,
                     coverage_case=None if no_coverage else COVERAGE_CASE, progress=report, client=client)
    summary = result.summary()
    written = _write(out_dir, summary) if out_dir is not None else []
    if json_:
        emit_json(summary)
    else:
        out().print(table(summary))
        for f in summary["flips"] or [{"text": "no verdict flips"}]:
            line = f["text"] if "figure" not in f else (
                f"{f['figure']} at {f['at']} ({f['value']}): \"{f['text']}\" {f['nominal']} -> {f['now']}")
            out().print(line, soft_wrap=True)
        for n in summary["notional_stations"]:
            if n["engageable_cases"]:
                out().print(n["text"], soft_wrap=True)
    for p in written:
        say_written(p, json_mode=json_)


def _write(folder: Path, summary) -> list[Path]:
    from openbmd.report.sensitivity_chart import write_tornado

    paths: list[Path] = []

    def go(p: Path) -> None:
        p.mkdir(parents=True, exist_ok=True)
        paths.append(write_tornado(summary, p / "sensitivity.png"))
        j = p / "sensitivity.json"
        j.write_text(json.dumps(jsonable(summary), allow_nan=False, indent=1) + "\n", encoding="utf-8")
        paths.append(j)

    write_file(folder, go)
    return paths


def table(summary) -> Table:
    """The rich table: per figure, its values and each metric at low / nominal / high."""
    from openbmd.report.sensitivity_chart import metrics

    ms = metrics(summary)
    cs = summary["case_set"]
    t = Table(title=f"What the answers rest on ({cs['cases']} ICBM cases: {', '.join(cs['fields'])} x "
                    f"{', '.join(cs['targets'])} x {len(cs['shapes'])} shapes)")
    t.add_column("figure")
    t.add_column("low | nominal | high", justify="right")
    for key, title, _ in ms:
        t.add_column(key.replace("reach:", "") + (" %" if key == "coverage" else ""), justify="right")
    t.add_column("flips", justify="right")
    flips: dict = {}
    for f in summary["flips"]:
        flips[f["figure"]] = flips.get(f["figure"], 0) + 1
    for f in summary["figures"]:
        cells = []
        for _, _, get in ms:
            lo, nom, hi = get(f["low"]), get(summary["nominal"]), get(f["high"])
            cells.append(" | ".join(_fmt(v) for v in (lo, nom, hi)))
        t.add_row(f["name"], " | ".join(str(f[k]) for k in ("low_value", "nominal_value", "high_value")),
                  *cells, str(flips.get(f["name"], 0)))
    return t


def _fmt(v) -> str:
    return f"{v:.1f}" if isinstance(v, float) else str(v)
