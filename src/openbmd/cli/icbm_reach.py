"""``openbmd icbm-reach``: could the architecture engage Russian ICBMs bound for the US?"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, jsonable, out, progress, say_written, write_file
from openbmd.cli.parse import check_finite
from openbmd.errors import InputError

SHAPE_CHOICES = ("min-energy", "lofted", "depressed")


def icbm_reach(
    architecture: Annotated[str, typer.Option("--architecture", "-a", metavar="ID|FILE.toml",
                                              help="Architecture (see `openbmd architectures`).")],
    field: Annotated[Optional[list[str]], typer.Option(
        "--field", metavar="NAME", help="Russian ICBM field (repeatable; e.g. kozelsk). Default: all.")] = None,
    target: Annotated[Optional[list[str]], typer.Option(
        "--target", metavar="NAME", help="US target (repeatable; e.g. washington, minot). Default: all.")] = None,
    shape: Annotated[Optional[list[str]], typer.Option(
        "--shape", metavar="SHAPE", help="Trajectory shape (repeatable): min-energy, lofted, depressed. "
                                         "Default: all three.")] = None,
    reaction_s: Annotated[Optional[float], typer.Option(
        "--reaction-s", metavar="S", help="Firm track to launch, s (default: the architecture's).")] = None,
    all_missiles: Annotated[bool, typer.Option(
        "--all-missiles", help="Fly every missile listed for a field (default: the first, the 2024 force).")] = False,
    json_: opt.Json = False,
    out_dir: Annotated[Optional[Path], typer.Option(
        "--out", metavar="DIR", file_okay=False,
        help="Write one chart per battery site (PNG) and icbm-reach.json into DIR.")] = None,
) -> None:
    """The Russian question: per ICBM field, US target and shape, can each battery engage, with what
    margin, and what burnout speed it would need."""
    from openbmd.analyses.icbm_reach import icbm_reach as run

    check_finite(reaction_s, "--reaction-s")
    if reaction_s is not None and reaction_s < 0:
        raise InputError(f"--reaction-s must be >= 0, got {reaction_s:g}")
    for s in shape or []:
        if s not in SHAPE_CHOICES:
            raise InputError(f"--shape {s!r} unknown; allowed: {', '.join(SHAPE_CHOICES)}")
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir}: exists and is not a directory")
    with progress("icbm-reach", enabled=True) as report:
        result = run(architecture, fields=field or None, targets=target or None,
                     shapes=tuple(shape) if shape else SHAPE_CHOICES, reaction_s=reaction_s,
                     missiles="all" if all_missiles else "first", progress=report)
    summary = result.summary()
    written = []
    if out_dir is not None:
        written = _write(out_dir, result, summary)
    if json_:
        emit_json(summary)
    else:
        out().print(_table(summary))
        if summary["unreachable"]:
            out().print(f"{len(summary['unreachable'])} field/target/shape combinations are out of the "
                        "missile's reach (listed in the JSON)")
    for p in written:
        say_written(p, json_mode=json_)


def _write(folder: Path, result, summary) -> list[Path]:
    from openbmd.report.reach_charts import write_reach_charts

    paths: list[Path] = []

    def go(p: Path) -> None:
        paths.extend(write_reach_charts(result, p))
        j = p / "icbm-reach.json"
        j.write_text(json.dumps(jsonable(summary), allow_nan=False, indent=1) + "\n", encoding="utf-8")
        paths.append(j)

    write_file(folder, go)
    return paths


def _table(summary) -> Table:
    table = Table(title=f"{summary['architecture']}: Russian ICBMs bound for the US "
                        f"(reaction {summary['reaction_s']:g} s)")
    for name, just in (("field", "left"), ("target", "left"), ("shape", "left"), ("battery", "left"),
                       ("engageable", "center"), ("margin s", "right"), ("needed km/s", "right"),
                       ("why not", "left")):
        table.add_column(name, justify=just)
    for c in summary["cases"]:
        need = c["needed_burnout_speed_km_s"]
        table.add_row(c["field"], c["target"], c["shape"], f"{c['battery']} ({c['interceptor']})",
                      "yes" if c["engageable"] else "no",
                      f"{c['margin_s']:.0f}" if c["margin_s"] is not None else "-",
                      f"{need:g}" if need is not None else "none",
                      c["reason"] or "")
    table.caption = "; ".join(
        f"{s['battery']}: {s['engageable_cases']}/{s['cases']} engageable, "
        f"{s['cases_engageable_within_sweep']} at <= {max(s['speeds_km_s'] or [7.0]):g} km/s"
        for s in summary["sites"])
    return table
