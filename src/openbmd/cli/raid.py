"""``openbmd raid``: a salvo of threats at targets; interceptors used, magazines depleted, leakers."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, jsonable, out, progress, say_written, write_file
from openbmd.cli.parse import check_finite, check_out_path

OUT_SUFFIXES = (".png", ".json")


def raid(
    architecture: Annotated[str, typer.Option("--architecture", "-a", metavar="ID|FILE.toml",
                                              help="Architecture: shipped id or TOML file.")],
    raid_file: Annotated[Path, typer.Option("--raid", metavar="FILE.toml",
                                            help="Raid file: [[salvo]] entries (see examples/raids).")],
    trials: Annotated[int, typer.Option("--trials", metavar="N", help="Monte Carlo trials.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo.")] = 0,
    reaction_s: Annotated[Optional[float], typer.Option(
        "--reaction-s", metavar="S", help="Override the architecture's reaction time, s.")] = None,
    json_: opt.Json = False,
    dask: opt.Dask = None,
    out_path: opt.out_option(OUT_SUFFIXES) = None,
) -> None:
    """A raid against an architecture: interceptors used, magazines depleted, expected leakers."""
    from openbmd.analyses.raid import raid as run
    from openbmd.errors import InputError
    from openbmd.scale.executor import dask_client

    check_finite(reaction_s, "--reaction-s")
    check_out_path(out_path, OUT_SUFFIXES)
    if trials < 1:
        raise InputError(f"--trials must be >= 1, got {trials}")
    with dask_client(dask) as client, progress("raid", enabled=True) as bar:
        result = run(architecture, raid_file, trials=trials, seed=seed, reaction_s=reaction_s, progress=bar,
                     client=client)
    summary = result.summary()
    if out_path is not None:
        write_file(out_path, lambda p: _write(p, result, summary))
    if json_:
        emit_json(summary)
    else:
        _print(summary)
    if out_path is not None:
        say_written(out_path, json_mode=json_)


def _print(s: dict) -> None:
    console = out()
    mc = s["monte_carlo"]
    lo, hi = mc["leakers_95ci"]
    console.print(f"[bold]{s['raid']}[/bold] vs {s['architecture']} ({s['doctrine']}): {s['threats']} threats",
                  soft_wrap=True)
    bt = Table(title="batteries (rounds)")
    for col, just in (("battery", "left"), ("interceptor", "left"), ("at start", "right"),
                      ("engageable threats", "right"), ("used expected", "right"), ("used mean", "right"),
                      ("used max", "right"), ("P(empty)", "right")):
        bt.add_column(col, justify=just)
    for b in s["batteries"]:
        bt.add_row(b["id"], b["interceptor"], str(b["magazine"]), str(b["engageable_threats"]),
                   f"{b['expected_used']:.2f}", f"{b['mean_used']:.2f}", str(b["max_used"]),
                   f"{b['p_exhausted']:.1%}")
    console.print(bt)
    gt = Table(title="threat groups")
    for col, just in (("salvo", "right"), ("threat", "left"), ("count", "right"), ("launch s", "right"),
                      ("engageable by", "left"), ("found empty", "left"), ("leakers expected", "right"),
                      ("leakers MC", "right")):
        gt.add_column(col, justify=just)
    for g in s["groups"]:
        gt.add_row(str(g["salvo"]), f"{g['missile']} {g['from']} -> {g['to']} ({g['shape']})", str(g["count"]),
                   f"{g['launch_time_s']:g}", ", ".join(g["engageable_by"]) or "none",
                   ", ".join(g["found_empty"]) or "—", f"{g['expected_leakers']:.3f}", f"{g['mean_leakers']:.3f}")
    gt.add_row("", "total", str(s["threats"]), "", "", "", f"{s['expected_leakers']:.3f}",
               f"{mc['mean_leakers']:.3f}")
    console.print(gt)
    console.print(f"expected leakers {s['expected_leakers']:.3f}; Monte Carlo ({mc['trials']:,} trials, seed "
                  f"{mc['seed']}): mean {mc['mean_leakers']:.3f} (95 % CI {lo:.3f}-{hi:.3f}), "
                  f"P(no leaker) {s['p_no_leaker']:.1%}", soft_wrap=True)


def _write(path: Path, result, summary: dict) -> None:
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(jsonable(summary), indent=1, allow_nan=False) + "\n", encoding="utf-8")
        return
    from openbmd.report.charts import draw_raid_chart

    draw_raid_chart(result, summary, path)

