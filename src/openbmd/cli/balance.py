"""``openbmd balance``: a strategic force against an architecture's interceptors; warheads that arrive."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, jsonable, out, progress, say_written, write_file
from openbmd.cli.parse import check_finite, check_out_path

OUT_SUFFIXES = (".png", ".json")
ShapeChoice = Literal["min-energy", "lofted", "depressed", "all"]


def balance(
    architecture: Annotated[str, typer.Option("--architecture", "-a", metavar="ID|FILE.toml",
                                              help="Architecture: shipped id or TOML file.")],
    force: Annotated[str, typer.Option("--force", metavar="ID|FILE.toml",
                                       help="Force: shipped id (russia-2024) or a force TOML file.")],
    shape: Annotated[ShapeChoice, typer.Option("--shape", help="Trajectory shape the warheads fly "
                                               "('all': spread over the three).")] = "min-energy",
    discrimination: Annotated[float, typer.Option(
        "--discrimination", metavar="Q", help="Probability a decoy is recognised (0-1, notional).")] = 0.5,
    decoys: Annotated[Optional[float], typer.Option(
        "--decoys-per-warhead", metavar="D", help="Override the force file's decoys per warhead.")] = None,
    doctrine: Annotated[Optional[str], typer.Option(
        "--doctrine", metavar="salvo-N|shoot-look-shoot", help="Override the architecture's shot doctrine.")] = None,
    trials: Annotated[int, typer.Option("--trials", metavar="N", help="Monte Carlo trials.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo.")] = 0,
    sweep: Annotated[bool, typer.Option("--sweep", help="Sweep force size (1,550 to 200 warheads) and "
                                        "inventory (44 to 1,000); --out FILE.png draws it.")] = False,
    json_: opt.Json = False,
    out_path: opt.out_option(OUT_SUFFIXES) = None,
) -> None:
    """Interceptors against a strategic force: expected, worst-case and Monte Carlo arriving warheads."""
    from openbmd.analyses.balance import balance as run
    from openbmd.errors import InputError

    check_finite(discrimination, "--discrimination")
    check_finite(decoys, "--decoys-per-warhead")
    check_out_path(out_path, OUT_SUFFIXES)
    if not 0.0 <= discrimination <= 1.0:
        raise InputError(f"--discrimination {discrimination:g}: allowed 0 to 1")
    if decoys is not None and not 0.0 <= decoys <= 50.0:
        raise InputError(f"--decoys-per-warhead {decoys:g}: allowed 0 to 50")
    if trials < 1:
        raise InputError(f"--trials must be >= 1, got {trials}")
    if out_path is not None and out_path.suffix.lower() == ".png" and not sweep:
        raise InputError("--out FILE.png draws the sweep: add --sweep")
    if doctrine is not None:
        from openbmd.engagement.doctrine import parse_doctrine

        parse_doctrine(doctrine)  # a typo fails here, before icbm-reach runs
    shapes = ("min-energy", "lofted", "depressed") if shape == "all" else (shape,)
    with progress("balance", enabled=True) as bar:
        result = run(architecture, force, shapes=shapes, discrimination=discrimination,
                     decoys_per_warhead=decoys, doctrine=doctrine, trials=trials, seed=seed, sweep=sweep,
                     progress=bar)
    summary = result.summary()
    if out_path is not None:
        write_file(out_path, lambda p: _write(p, summary))
    if json_:
        emit_json(summary)
    else:
        _print(summary)
    if out_path is not None:
        say_written(out_path, json_mode=json_)


def _print(s: dict) -> None:
    console = out()
    lo, hi = s["arriving_interval"]
    console.print(f"[bold]{s['force']}[/bold] vs {s['architecture']} ({s['doctrine']}): {s['warheads']:,} warheads, "
                  f"{s['decoys']:,} decoys, {s['interceptors']} interceptors; engageable {s['engageable_share']:.1%}",
                  soft_wrap=True)
    t = Table(title="batteries")
    for col in ("battery", "interceptor", "magazine", "Pk", "engageable warheads", "rounds used"):
        t.add_column(col, justify="left" if col in ("battery", "interceptor") else "right")
    for b in s["batteries"]:
        t.add_row(b["battery"], b["interceptor"], str(b["magazine"]), f"{b['pk_single_shot']:g}",
                  f"{b['engageable_warheads']:,}", f"{b['expected_rounds_used']:.1f}")
    console.print(t)
    console.print(f"expected arriving {s['expected_arriving']:,.1f} ({s['expected_arriving_share']:.1%}); "
                  f"95 % of trials {lo:,.0f}-{hi:,.0f}; worst case for the attacker {s['worst_case_arriving']:,.0f}",
                  soft_wrap=True)
    console.print("by discrimination: " + ", ".join(f"{r['discrimination']:g}: {r['expected_arriving']:,.1f}"
                                                   for r in s["by_discrimination"]), soft_wrap=True)
    for n in s["notes"]:
        console.print(f"note: {n}", soft_wrap=True)
    sw = s.get("sweep")
    if sw:
        t = Table(title=f"expected arriving (discrimination {sw['discrimination']:g})")
        t.add_column("warheads \\ interceptors", justify="right")
        for n in sw["inventories"]:
            t.add_column(f"{n:,}", justify="right")
        for w, row in zip(sw["warheads"], sw["expected_arriving"]):
            t.add_row(f"{w:,}", *(f"{a:,.0f}" for a in row))
        console.print(t)
        t = Table(title="interceptors needed for at most X to arrive (— never)")
        t.add_column("X, decoys/warhead")
        for w in sw["warheads"]:
            t.add_column(f"{w:,}", justify="right")
        for r in sw["needed_inventory"]:
            t.add_row(f"{r['threshold_warheads']}, {r['decoys_per_warhead']:g}",
                      *("—" if n is None else f"{n:,}" for n in r["inventory"]))
        for r in sw.get("needed_inventory_by_doctrine", []):
            t.add_row(f"{r['threshold_warheads']}, 0, {r['variant']}",
                      *("—" if n is None else f"{n:,}" for n in r["inventory"]))
        console.print(t)


def _write(path: Path, summary: dict) -> None:
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(jsonable(summary), indent=1, allow_nan=False) + "\n", encoding="utf-8")
        return
    from openbmd.report.balance_chart import write_balance_chart

    write_balance_chart(path, summary["sweep"], f"{summary['force']} vs {summary['architecture']}")
