"""``openbmd interceptors``: the interceptor catalog; ``interceptors show ID``: one interceptor."""
from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.table import Table

from openbmd.cli.missiles import _fields, _fmt, _sources_table, _stages_table
from openbmd.cli.options import Json
from openbmd.cli.output import emit_json, out

app = typer.Typer(help="Without a command: list the interceptor catalog (id, name, burnout speed, maximum "
                  "intercept altitude, range cap, single-shot Pk). `show ID`: one interceptor with its "
                  "sources and a fly-out summary.",
                  invoke_without_command=True, no_args_is_help=False)

#: latitude of the fly-out summary's site (tables depend on latitude only, not longitude)
SUMMARY_LAT_DEG = 45.0


def _pk(kv) -> str:
    return f"{kv.pk_single_shot:.2f}" + (" (notional)" if kv.pk_notional else "")


def _km(x: float) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def summary(icp) -> dict:
    """One interceptor's listing row (None: no stated burnout speed, or no kill-vehicle limit)."""
    kv = icp.kill_vehicle
    return {"id": icp.id, "name": icp.name, "status": icp.status, "burnout_speed_km_s": icp.burnout_speed_km_s,
            "max_intercept_alt_km": kv.max_intercept_alt_km, "max_range_km": kv.max_range_km,
            "pk_single_shot": kv.pk_single_shot, "pk_notional": kv.pk_notional}


@app.callback()
def interceptors(ctx: typer.Context, json_: Json = False) -> None:
    """List the interceptor catalog."""
    if ctx.invoked_subcommand is not None:
        return
    from openbmd.interceptors import get_interceptor, interceptor_ids

    if json_:
        emit_json({"interceptors": [summary(get_interceptor(i)) for i in interceptor_ids()]})
        return
    table = Table(title="openbmd interceptor catalog",
                  caption="burnout speed: stated figure (kinematic form: the engine is calibrated to it); "
                          "max altitude / range: kill-vehicle limits (— : the fly-out decides)")
    table.add_column("id", no_wrap=True)
    for name, justify in (("name", "left"), ("status", "left"), ("burnout speed km/s", "right"),
                          ("max altitude km", "right"), ("max range km", "right"), ("Pk", "right")):
        table.add_column(name, justify=justify)
    for iid in interceptor_ids():
        icp = get_interceptor(iid)
        kv = icp.kill_vehicle
        speed = "—" if icp.burnout_speed_km_s is None else f"{icp.burnout_speed_km_s:.1f}"
        table.add_row(icp.id, icp.name, icp.status, speed, _km(kv.max_intercept_alt_km), _km(kv.max_range_km),
                      _pk(kv))
    out().print(table)


def _flyout_table(icp, lat_deg: float) -> Table:
    from openbmd.interceptors import flyout_table

    s = flyout_table(icp, lat_deg).summary()
    table = Table(title=f"fly-out from {lat_deg:g} N (rotating WGS-84, drag; slowest of 8 azimuths)",
                  show_header=False)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_row("highest altitude reached", _km(s["reach_alt_km"]), "km")
    table.add_row("farthest ground range reached", _km(s["reach_range_km"]), "km")
    for rk in (100, 500, 1000):
        t, h = s[f"time_to_{rk}_km_s"], s[f"best_alt_at_{rk}_km"]
        table.add_row(f"time to {rk:,} km range", "out of reach" if t is None else f"{t:,.0f}",
                      "" if t is None else f"s (at {h:,.0f} km altitude)")
    return table


@app.command("show")
def show(interceptor_id: Annotated[str, typer.Argument(
        metavar="ID", help="Catalog id or an interceptor TOML file.")],
         lat: Annotated[float, typer.Option("--lat", help="Site latitude (deg) of the fly-out summary.")]
         = SUMMARY_LAT_DEG) -> None:
    """Show every field of one interceptor, its kill vehicle, booster, sources and fly-out."""
    from openbmd.interceptors import band_latitude, get_interceptor

    band_latitude(lat)  # bad latitudes are a one-line error before any work
    icp = get_interceptor(interceptor_id)
    table = Table(title=f"{icp.name} ({icp.id})", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for key, value in _fields(icp).items():
        if key in ("booster", "kill_vehicle", "sources", "source_path"):
            continue
        digits = 0 if key.endswith(("_kg", "_km")) else 2
        table.add_row(key, _fmt(value, digits, "–"))
    for key, value in _fields(icp.kill_vehicle).items():
        table.add_row(f"kill_vehicle.{key}", _km(value) if key == "max_range_km" else _fmt(value, 2))
    console = out()
    console.print(table)
    stages = _stages_table(icp.booster.stages)
    if icp.kinematic:
        stages.title = "booster: equivalent single stage (kinematic form, Isp solved on the engine)"
    console.print(stages)
    console.print(_flyout_table(icp, lat))
    console.print(_sources_table(icp.sources_dict()))


@app.command("launchers")
def launchers(json_: Json = False) -> None:
    """List the launchers: Aegis ships, Aegis Ashore sites, GBI fields, THAAD and Patriot batteries."""
    from openbmd.interceptors.catalog import launch_sites

    if json_:
        emit_json({"launchers": [{"id": s.id, "name": s.name, "kind": s.kind, "interceptors": list(s.interceptors),
                                  "magazine": s.magazine, "lat_deg": s.lat_deg, "lon_deg": s.lon_deg,
                                  "source": s.source} for s in launch_sites().values()]})
        return
    table = Table(title="openbmd launchers",
                  caption="mobile units (ships, batteries) sit at a representative position an analysis overrides")
    for name, justify in (("id", "left"), ("name", "left"), ("kind", "left"), ("interceptors", "left"),
                          ("magazine", "right"), ("lat, lon", "right"), ("source", "left")):
        table.add_column(name, justify=justify)
    for site in launch_sites().values():
        table.add_row(site.id, site.name, site.kind, ", ".join(site.interceptors), str(site.magazine),
                      f"{site.lat_deg:.2f}, {site.lon_deg:.2f}", site.source)
    out().print(table)
