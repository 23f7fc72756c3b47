"""``openbmd coverage``: the defended area of an architecture against one threat."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, out, progress, say_written, write_file
from openbmd.cli.parse import check_finite, check_out_path, place
from openbmd.errors import InputError

OUT_SUFFIXES = (".png", ".svg", ".pdf", ".geojson", ".json")


def launch_point(text: str):
    """A launch area's name (the analyses name it), or (lat, lon) of LAT,LON or any other place
    (:func:`openbmd.sites.resolve_place`, as every command)."""
    p = place(text, option="--from")
    return p.name if p.kind == "launch area" else (p.lat_deg, p.lon_deg)


def check_nato_year(year: int) -> int:
    """A year the shipped membership list covers: its first accession to its last."""
    from openbmd.architectures.places import nato_member_list

    years = [m.accession_year for m in nato_member_list()]
    if not min(years) <= year <= max(years):
        raise InputError(f"--nato-year {year}: the NATO membership list (data/nato_members.toml) runs from "
                         f"{min(years)} to {max(years)}")
    return year


def coverage(
    architecture: Annotated[str, typer.Option("--architecture", "-a", metavar="ID|FILE.toml",
                                              help="Architecture (see `openbmd architectures`).")],
    threat: Annotated[str, typer.Option("--threat", metavar="MISSILE", help="Threat missile id or TOML file.")],
    from_: Annotated[str, typer.Option("--from", metavar="AREA|LAT,LON",
                                       help="Launch area of the threat sets (e.g. Semnan, Tabriz), LAT,LON "
                                            "or another place (a target or city).")],
    region: Annotated[str, typer.Option(
        "--region", metavar="REGION",
        help="nato-europe, europe, us, or a box LAT0,LAT1,LON0,LON1 (land cells only).")] = "nato-europe",
    step_deg: Annotated[float, typer.Option("--step-deg", metavar="DEG", help="Grid step, degrees.")] = 0.25,
    nato_year: Annotated[int, typer.Option("--nato-year", metavar="YEAR",
                                           help="NATO membership year for nato-europe.")] = 2024,
    rcs_m2: Annotated[Optional[float], typer.Option(
        "--rcs-m2", metavar="M2", help="Threat RCS (default: the missile's rv_rcs_m2, else 0.1).")] = None,
    launch_on: Annotated[Optional[list[str]], typer.Option(
        "--launch-on", metavar="MODE",
        help="Launch mode of every battery (repeatable): firm-track, early-warning; a battery launches at the "
             "earliest of its modes. Default: each battery's own (the architecture's launch_on).")] = None,
    booster_rcs_m2: Annotated[Optional[float], typer.Option(
        "--booster-rcs-m2", metavar="M2",
        help="Radar cross section of the burning booster, m² (default: the missile's, else the notional 1 m²; "
             "plausible 0.5-10).")] = None,
    json_: opt.Json = False,
    dask: opt.Dask = None,
    out_paths: Annotated[Optional[list[Path]], typer.Option(
        "--out", metavar="FILE",
        help=f"Write the map or data (repeatable; {', '.join(OUT_SUFFIXES)}).")] = None,
) -> None:
    """Defended area: for a grid of aim points, can the architecture engage, how often, with what P(defense)."""
    from openbmd.analyses.coverage import coverage as run
    from openbmd.cli.icbm_reach import check_launch_on
    from openbmd.scale.executor import dask_client

    check_finite(step_deg, "--step-deg")
    check_nato_year(nato_year)
    check_finite(rcs_m2, "--rcs-m2")
    if rcs_m2 is not None and rcs_m2 <= 0:
        raise InputError(f"--rcs-m2 must be > 0, got {rcs_m2:g}")
    modes = check_launch_on(launch_on)
    check_finite(booster_rcs_m2, "--booster-rcs-m2")
    if booster_rcs_m2 is not None and booster_rcs_m2 <= 0:
        raise InputError(f"--booster-rcs-m2 must be > 0 (square metres), got {booster_rcs_m2:g}")
    for p in out_paths or []:
        check_out_path(p, OUT_SUFFIXES)
    with dask_client(dask) as client, progress("coverage", enabled=True) as report:
        result = run(architecture, threat, launch_point(from_), region=region, step_deg=step_deg,
                     nato_year=nato_year, rcs_m2=rcs_m2, booster_rcs_m2=booster_rcs_m2, launch_on=modes,
                     progress=report, client=client)
    summary = result.summary()
    for p in out_paths or []:
        write_file(p, lambda path: _write(path, result, summary, rcs_m2))
    if json_:
        emit_json(summary)
    else:
        _print(result, summary)
    for p in out_paths or []:
        say_written(p, json_mode=json_)


def _write(path: Path, result, summary, rcs_m2) -> None:
    suffix = path.suffix.lower()
    if suffix in (".png", ".svg", ".pdf"):
        from openbmd.report.coverage_map import draw_coverage_map

        draw_coverage_map(result, path, rcs_m2=rcs_m2)
    elif suffix == ".geojson":
        from openbmd.report.coverage_map import write_coverage_geojson

        write_coverage_geojson(result, path)
    else:
        import json

        from openbmd.cli.output import jsonable

        path.write_text(json.dumps(jsonable(summary), indent=1), encoding="utf-8")


def _print(result, s) -> None:
    console = out()
    console.print(f"[bold]{result.architecture.name}[/bold] against {s['threat']} from "
                  f"{s['launch_area']['name']}: {s['region']}, {s['cells']:,} land cells of "
                  f"{s['grid_step_deg']:g}°", soft_wrap=True)
    console.print(f"threatened {s['threatened_area_km2'] / 1e6:.2f} M km²; defended "
                  f"{s['defended_area_fraction']:.1%} of it (shoot-look-shoot fits on "
                  f"{s['shoot_look_shoot_area_fraction']:.1%}); mean P(defense) "
                  f"{s['mean_p_defense_threatened']:.2f}", soft_wrap=True)
    console.print(f"population in threatened cities {s['population_total']:,}: defended "
                  f"{s['population_defended']:,}", soft_wrap=True)
    bt = Table(title="share of the threatened area each battery can engage")
    bt.add_column("battery")
    bt.add_column("share", justify="right")
    for b, f in s["batteries"].items():
        bt.add_row(b, f"{f:.1%}")
    console.print(bt)
    ct = Table(title="capitals")
    for col in ("capital", "threatened", "defended", "P(defense)", "opportunities"):
        ct.add_column(col, justify="left" if col == "capital" else "right")
    for c in sorted(s["capitals"], key=lambda c: (not c["threatened"], c["name"])):
        ct.add_row(c["name"], "yes" if c["threatened"] else "no",
                   ("yes" if c["defended"] else "[red]no[/red]") if c["threatened"] else "—",
                   f"{c['p_defense']:.2f}" if c["threatened"] else "—",
                   str(c["shot_opportunities"]) if c["threatened"] else "—")
    console.print(ct)
    console.print(f"({s['seconds']:.1f} s)")
