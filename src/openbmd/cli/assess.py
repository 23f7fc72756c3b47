"""``openbmd assess``: coverage, pacing and ICBM reach for the EPAA debate, as one HTML report and JSON."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, err, out, stages
from openbmd.cli.parse import check_finite, out_folder
from openbmd.errors import InputError


def assess(
    architectures: Annotated[Optional[list[str]], typer.Argument(
        metavar="[ARCHITECTURE]...",
        help="Architecture ids or TOML files (default: epaa-phase-1..4 and gmd).")] = None,
    out_dir: Annotated[str, typer.Option("--out", metavar="DIR",
                                         help="Folder for assessment.html, assessment.json and figures/.")]
    = "openbmd-assess",
    from_: Annotated[str, typer.Option("--from", metavar="AREA",
                                       help="Iranian launch area of the coverage maps.")] = "Tabriz",
    step_deg: Annotated[float, typer.Option("--step-deg", metavar="DEG", help="Grid step of the maps.")] = 0.5,
    pacing_step_deg: Annotated[float, typer.Option("--pacing-step-deg", metavar="DEG",
                                                   help="Grid step of the pacing analysis.")] = 1.0,
    no_sensitivity: Annotated[bool, typer.Option(
        "--no-sensitivity", help="Skip 'what the answers rest on' (each notional figure at its low and high "
                                 "value; ~10-20 s).")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print the JSON document instead of its path.")] = False,
    dask: opt.Dask = None,
) -> None:
    """Run the whole assessment and print the path of the HTML report."""
    from openbmd.analyses.assess import assess as run
    from openbmd.report.assessment import make_folder, write_assessment
    from openbmd.scale.executor import dask_client
    from openbmd.sites import threat_area

    out_dir = out_folder(out_dir, "openbmd-assess")
    check_finite(step_deg, "--step-deg")
    check_finite(pacing_step_deg, "--pacing-step-deg")
    threat_area("iran", from_)  # the maps fly the Iranian classes: from an Iranian launch area
    existed = out_dir.exists()
    try:
        make_folder(out_dir)  # before hours of work: an unwritable folder fails at once
    except InputError as exc:
        raise InputError(str(exc).replace("output folder ", "--out ", 1)) from None
    try:
        with dask_client(dask) as client:
            _run_and_write(architectures, out_dir, from_, step_deg, pacing_step_deg, json_,
                           lambda *a, **k: run(*a, sensitivity=not no_sensitivity, client=client, **k),
                           write_assessment)
    except BaseException:
        if not existed:  # a run that failed (bad id, interrupted) leaves no empty folder behind
            _remove_if_empty(out_dir)
        raise


def _remove_if_empty(out_dir: Path) -> None:
    for d in (out_dir / "figures", out_dir):
        try:
            d.rmdir()
        except OSError:
            return


def _run_and_write(architectures, out_dir, from_, step_deg, pacing_step_deg, json_, run, write_assessment):
    import time

    t0 = time.perf_counter()
    with stages("assess") as report:  # one line per stage on stderr, with a count; a bar in a terminal
        result = run(architectures or None, area=from_, map_step_deg=step_deg,
                     pacing_step_deg=pacing_step_deg, progress=report)
        paths = write_assessment(result, out_dir, progress=report)
    seconds = time.perf_counter() - t0
    console = err()
    if json_:
        emit_json(result.summary())
        console.print(f"wrote {paths['html']} ({seconds:.0f} s)", soft_wrap=True)
    else:
        out().print(str(paths["html"]), soft_wrap=True)
        console.print(f"also {paths['json']}; {seconds:.0f} s", soft_wrap=True)
