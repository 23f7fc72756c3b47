"""``openbmd icbm-reach``: could the architecture engage Russian ICBMs bound for the US?"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, jsonable, out, progress, say_written, write_file
from openbmd.cli.parse import check_finite, out_folder
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
    reaction_sweep: Annotated[Optional[str], typer.Option(
        "--reaction-sweep", metavar="S,S,...",
        help="Reaction times (s) at which to find the needed burnout speed again; the architecture's own "
             "is added. Default: 0,30,60,120. Empty: no sweep.")] = None,
    no_reaction_sweep: Annotated[bool, typer.Option(
        "--no-reaction-sweep", help="Skip the reaction-time sweep.")] = False,
    all_missiles: Annotated[bool, typer.Option(
        "--all-missiles", help="Fly every missile listed for a field (default: the first, the 2024 force).")] = False,
    launch_on: Annotated[Optional[list[str]], typer.Option(
        "--launch-on", metavar="MODE",
        help="Launch mode of every battery (repeatable): firm-track, early-warning; a battery launches at the "
             "earliest of its modes. Default: each battery's own (the architecture's launch_on).")] = None,
    booster_rcs_m2: Annotated[Optional[float], typer.Option(
        "--booster-rcs-m2", metavar="M2",
        help="Radar cross section of the burning booster, m² (default: the missile's, else the notional 1 m²; "
             "plausible 0.5-10).")] = None,
    burnout_sigma_km_s: Annotated[Optional[float], typer.Option(
        "--burnout-sigma-km-s", metavar="KM_S",
        help="Monte Carlo of each interceptor's burnout speed: normal draws of this spread around the catalog "
             "figure, each rounded to the sweep's nearest speed (where the interceptor is re-built, so the reach "
             "boundary moves); adds each case's share of draws in which it is engageable.")] = None,
    trials: Annotated[int, typer.Option("--trials", metavar="N",
                                        help="Draws of --burnout-sigma-km-s (default 1000).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the burnout-speed draws.")] = 0,
    json_: opt.Json = False,
    dask: opt.Dask = None,
    out_dir: Annotated[Optional[str], typer.Option(
        "--out", metavar="DIR",
        help="Write one chart per battery site (PNG) and icbm-reach.json into DIR.")] = None,
) -> None:
    """The Russian question: per ICBM field, US target and shape, can each battery engage, with what
    margin, and what burnout speed it would need."""
    from openbmd.analyses.icbm_reach import DEFAULT_REACTION_SWEEP_S, icbm_reach as run
    from openbmd.scale.executor import dask_client

    check_finite(reaction_s, "--reaction-s")
    sweep = () if no_reaction_sweep else (
        DEFAULT_REACTION_SWEEP_S if reaction_sweep is None else parse_reactions(reaction_sweep))
    if reaction_s is not None and reaction_s < 0:
        raise InputError(f"--reaction-s must be >= 0, got {reaction_s:g}")
    for s in shape or []:
        if s not in SHAPE_CHOICES:
            raise InputError(f"--shape {s!r} unknown; allowed: {', '.join(SHAPE_CHOICES)}")
    modes = check_launch_on(launch_on)
    check_finite(booster_rcs_m2, "--booster-rcs-m2")
    if booster_rcs_m2 is not None and booster_rcs_m2 <= 0:
        raise InputError(f"--booster-rcs-m2 must be > 0 (square metres), got {booster_rcs_m2:g}")
    out_dir = out_folder(out_dir, "icbm-reach")
    draws = None
    check_finite(burnout_sigma_km_s, "--burnout-sigma-km-s")
    if burnout_sigma_km_s is not None:
        from openbmd.analyses.icbm_draws import check_draws

        try:
            check_draws(burnout_sigma_km_s, trials)
        except InputError as exc:
            raise InputError(f"--burnout-sigma-km-s/--trials: {exc}") from None
        draws = (burnout_sigma_km_s, trials, seed)
    with dask_client(dask) as client, progress("icbm-reach", enabled=True) as report:
        result = run(architecture, fields=field or None, targets=target or None,
                     shapes=tuple(shape) if shape else SHAPE_CHOICES, reaction_s=reaction_s,
                     reaction_sweep_s=sweep, missiles="all" if all_missiles else "first", launch_on=modes,
                     booster_rcs_m2=booster_rcs_m2, progress=report, client=client, speed_draws=draws)
    summary = result.summary()
    written = []
    if out_dir is not None:
        written = _write(out_dir, result, summary)
    if json_:
        emit_json(summary)
    else:
        out().print(_table(summary))
        if summary["reaction_sweep"]:
            out().print(_sweep_table(summary))
        for site in summary["sites"]:
            d = site.get("speed_draws")
            if d:
                out().print(f"{site['battery']} ({site['interceptor']}, {d['nominal_km_s']:g} ± {d['sigma_km_s']:g} "
                            f"km/s, {d['trials']:,} draws): {d['engageable_cases_nominal']} cases engageable at the "
                            f"catalog speed, {d['mean_engageable_cases_over_draws']:.1f} on average over the draws "
                            f"(5-95 %: {d['engageable_cases_5_95_percent'][0]:g}-"
                            f"{d['engageable_cases_5_95_percent'][1]:g}); {d['cases_engageable_in_some_draw']} in "
                            f"some draw, {d['cases_engageable_in_every_draw']} in every draw"
                            + (f"; {d['draws_clipped_to_the_sweep']} draws clipped to the sweep's ends"
                               if d['draws_clipped_to_the_sweep'] else ""), soft_wrap=True)
        if summary["notional_stations"]["note"]:
            out().print(summary["notional_stations"]["note"], soft_wrap=True)
        if summary["unreachable"]:
            out().print(f"{len(summary['unreachable'])} field/target/shape combinations are out of the "
                        "missile's reach (listed in the JSON)")
    for p in written:
        say_written(p, json_mode=json_)


def check_launch_on(modes) -> tuple[str, ...] | None:
    """The ``--launch-on`` modes as a tuple (None: each battery's own), or one InputError line."""
    from openbmd.architectures.model import LAUNCH_MODES

    for m in modes or []:
        if m not in LAUNCH_MODES:
            raise InputError(f"--launch-on {m!r} unknown; allowed: {', '.join(LAUNCH_MODES)}")
    return tuple(dict.fromkeys(modes)) if modes else None


def parse_reactions(text: str) -> tuple[float, ...]:
    """``"0,30,60"`` -> (0.0, 30.0, 60.0); empty -> (); anything else is one InputError line."""
    from openbmd.analyses.icbm_reach import MAX_REACTION_S

    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        return ()
    values = []
    for p in parts:
        try:
            v = float(p)
        except ValueError:
            v = float("nan")
        if not (math.isfinite(v) and 0.0 <= v <= MAX_REACTION_S):
            raise InputError(f"--reaction-sweep {text!r}: {p!r} is not a reaction time; allowed: numbers of "
                             f"seconds from 0 to {MAX_REACTION_S:g}, comma-separated, e.g. 0,30,60,120")
        values.append(v)
    return tuple(values)


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
    from openbmd.analyses.icbm_sweeps import bound_mark

    table = Table(title=f"{summary['architecture']}: Russian ICBMs bound for the US "
                        f"(reaction {summary['reaction_s']:g} s)")
    for name, just in (("field", "left"), ("target", "left"), ("shape", "left"), ("battery", "left"),
                       ("engageable", "center"), ("margin s", "right"), ("needed km/s", "right"),
                       ("why not", "left")):
        table.add_column(name, justify=just)
    drawn = any("engageable_share_in_speed_draws" in c for c in summary["cases"])
    if drawn:
        table.add_column("share of draws", justify="right")
    for c in summary["cases"]:
        need = c["needed_burnout_speed_km_s"]
        table.add_row(c["field"], c["target"], c["shape"], f"{c['battery']} ({c['interceptor']})",
                      "yes" if c["engageable"] else "no",
                      f"{c['margin_s']:.0f}" if c["margin_s"] is not None else "-",
                      bound_mark(need, c.get("needed_burnout_speed_bound")),
                      c["reason"] or "",
                      *([f"{c['engageable_share_in_speed_draws']:.0%}"] if drawn else []))
    table.caption = "; ".join(
        f"{s['battery']}{' (notional station)' if s.get('notional_station') else ''}: "
        f"{s['engageable_cases']}/{s['cases']} engageable, "
        f"{s['cases_engageable_within_sweep']} at <= {max(s['speeds_km_s'] or [7.0]):g} km/s"
        for s in summary["sites"])
    return table


def _sweep_table(summary) -> Table:
    from openbmd.analyses.icbm_sweeps import bound_mark

    table = Table(title=f"{summary['architecture']}: needed burnout speed against reaction time")
    for name, just in (("battery", "left"), ("interceptor", "left"), ("reaction s", "right"),
                       ("engageable at own speed", "right"),
                       ("within sweep", "right"), ("slowest km/s", "right"), ("median km/s", "right")):
        table.add_column(name, justify=just)

    def speed(r, key):
        return bound_mark(r[f"{key}_km_s"], r.get(f"{key}_bound"))

    last = None
    for r in summary["reaction_sweep"]:
        own = " *" if r["reaction_s"] == summary["reaction_s"] else ""
        first = r["battery"] != last
        last = r["battery"]
        table.add_row(r["battery"] if first else "",
                      f"{r['interceptor']} ({r['burnout_speed_km_s']:g} km/s)" if first else "",
                      f"{r['reaction_s']:g}{own}", str(r["engageable_cases_at_own_speed"]),
                      str(r["cases_engageable_within_sweep"]), speed(r, "slowest_needed_burnout_speed"),
                      speed(r, "median_needed_burnout_speed"))
    table.caption = ("* the architecture's reaction time; median over the cases engageable within the speed sweep "
                     "at the shortest reaction time (none: half of them drop out)")
    return table
