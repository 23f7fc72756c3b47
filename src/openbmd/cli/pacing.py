"""``openbmd pacing``: which EPAA phase first defends what share, against each Iranian class."""
from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, out, say_written, stages, write_file
from openbmd.cli.parse import check_finite, check_out_path

OUT_SUFFIXES = (".png", ".json")


def pacing(
    architectures: Annotated[Optional[list[str]], typer.Argument(
        metavar="[ARCHITECTURE]...", help="Phases in order (default epaa-phase-1..4).")] = None,
    from_: Annotated[Optional[list[str]], typer.Option(
        "--from", metavar="AREA", help="Launch areas (repeatable; default Tabriz and Semnan).")] = None,
    step_deg: Annotated[float, typer.Option("--step-deg", metavar="DEG", help="Grid step.")] = 1.0,
    json_: opt.Json = False,
    dask: opt.Dask = None,
    out_path: opt.out_option(OUT_SUFFIXES) = None,
) -> None:
    """Defended share of NATO Europe and the US per phase, for each Iranian threat class."""
    from openbmd.analyses.assess import staged_pacing_run
    from openbmd.analyses.pacing import DEFAULT_AREAS, DEFAULT_PHASES, class_missiles
    from openbmd.analyses.pacing import pacing as run
    from openbmd.sites import threat_area
    from openbmd.report.charts import draw_pacing_chart
    from openbmd.scale.executor import dask_client

    check_finite(step_deg, "--step-deg")
    check_out_path(out_path, OUT_SUFFIXES)
    areas = tuple(from_ or DEFAULT_AREAS)
    for a in areas:  # the analysis flies the Iranian set's missiles: from its areas only
        threat_area("iran", a)
    with dask_client(dask) as client, stages("pacing") as report:  # one line per stage on stderr ("pacing 3/12: IRBM (...) from ..."), in a
        # terminal or not: the run takes ~30 s
        table = run(tuple(architectures or DEFAULT_PHASES), areas=areas, step_deg=step_deg,
                    run=staged_pacing_run(report, class_missiles("iran"), len(areas), client))
    if out_path is not None:
        if out_path.suffix.lower() == ".png":
            write_file(out_path, lambda p: draw_pacing_chart(table, p))
        else:
            import json

            write_file(out_path, lambda p: p.write_text(json.dumps(table, indent=1), encoding="utf-8"))
    if json_:
        emit_json(table)
    else:
        t = Table(title=f"pacing: launches from {', '.join(table['launch_areas'])}, "
                        f"{table['grid_step_deg']:g}° grid (defended share of the threatened area / population)")
        for col in ("class", "missile", "region", *[r["phase"] for r in table["classes"][0]["regions"]["nato-europe"]],
                    "first phase"):
            t.add_column(col)
        for c in table["classes"]:
            for region, rows in c["regions"].items():
                cells = [("—" if r["defended_area_fraction"] is None else
                          f"{r['defended_area_fraction']:.0%} / " + ("—" if r["population_defended_fraction"] is None
                                                                     else f"{r['population_defended_fraction']:.0%}"))
                         for r in rows]
                t.add_row(c["class"], c["missile"], region, *cells, c["first_phase"][region] or "—")
        out().print(t)
        for note in table.get("notes", []):
            out().print(note, soft_wrap=True, markup=False)
    if out_path is not None:
        say_written(out_path, json_mode=json_)
