"""``openbmd missiles``: the catalog as a table; ``missiles show ID``: one missile."""
from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer
from rich.table import Table

from openbmd.cli.options import Json
from openbmd.cli.output import emit_json, out

app = typer.Typer(help="Without a command: list the missile catalog (id, name, country, class, "
                  "stages, launch mass, published range, the point each is calibrated to, the engine's "
                  "range on the rotating Earth: median over azimuths, east and west). `show ID`: one "
                  "missile with its range per azimuth, payload-range curve and sources.",
                  invoke_without_command=True, no_args_is_help=False)


def _fmt(value: Any, digits: int = 0, sep: str = ", ") -> str:
    """Numbers with thousands separators (sequences joined by ``sep``), text as is, '—' for None."""
    if value is None:
        return "—"
    if isinstance(value, (tuple, list)):
        return sep.join(_fmt(v, digits) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:,.{digits}f}"


def _catalog():
    from openbmd.missiles import catalog_ids, get_missile

    return [get_missile(i) for i in catalog_ids()]


def summary(m, max_range: float, spread=None) -> dict[str, Any]:
    """One missile's listing row (the table's columns, named with their units). ``spread``: the
    missile's row of :func:`openbmd.flight.performance.azimuth_table` (rotating Earth)."""
    row = {"id": m.id, "name": m.name, "country": getattr(m, "country", None), "range_class": m.range_class,
           "stage_count": len(m.stages), "launch_mass_kg": m.launch_mass_kg,
           "published_range_km": m.published_range_km, "max_range_km": max_range}
    if spread is not None:
        from openbmd.flight.performance import AZIMUTHS_DEG

        east, west = AZIMUTHS_DEG.index(90.0), AZIMUTHS_DEG.index(270.0)
        cal = getattr(m, "calibrated_to", None)
        site = getattr(m, "reference_site", None)
        row.update({"reference_site": site.name if site else None,
                    "calibrated_to": cal.to_dict() if cal else None,
                    "median_range_km": float(_median(spread["range_km"])),
                    "east_range_km": float(spread["range_km"][east]),
                    "east_near_orbital": bool(spread["near_orbital"][east]),
                    "west_range_km": float(spread["range_km"][west]),
                    "west_near_orbital": bool(spread["near_orbital"][west])})
    return row


def _median(values) -> float:
    import numpy as np

    return float(np.median(values))


def _km_or_flag(km: float, near: bool) -> str:
    """A range, or 'near-orbital' in its place: such a figure is no range."""
    return "orbital*" if near else _fmt(km)


def _point(p, short: bool = False) -> str:
    """A published point: '≥ 1,300 (1,000 kg, any direction)'; ``short`` leaves out 'any direction'."""
    if p is None:
        return "—"
    rng = p["range_km"]
    text = f"{rng[0]:,.0f}–{rng[1]:,.0f}" if isinstance(rng, (list, tuple)) else f"{rng:,.0f}"
    bound = {"at-least": "≥ ", "up-to": "≤ "}.get(p["bound"], "")
    where = "any direction" if p["azimuth_deg"] is None else f"azimuth {p['azimuth_deg']:g}"
    if short and p["azimuth_deg"] is None:
        return f"{bound}{text} ({_fmt(p['payload_kg'])} kg)"
    return f"{bound}{text} ({_fmt(p['payload_kg'])} kg, {where})"


@app.callback()
def missiles(ctx: typer.Context, json_: Json = False) -> None:
    """List the missile catalog (id, name, country, class, stages, launch mass, published range, the
    point each is calibrated to, the engine's non-rotating maximum range and its rotating-Earth
    range from the reference site: median over eight azimuths, east and west)."""
    if ctx.invoked_subcommand is not None:
        return
    from openbmd.flight import max_range_km
    from openbmd.flight.performance import azimuth_table

    ms = _catalog()
    spread = azimuth_table(ms)
    rows = [summary(m, max_range_km(m), {"range_km": spread.range_km[i], "near_orbital": spread.near_orbital[i]})
            for i, m in enumerate(ms)]
    if json_:
        emit_json({"missiles": rows})
        return
    table = Table(title="openbmd missile catalog",
                  caption="calibrated to: published range (payload, direction); median / east / west: this "
                          "engine on the rotating WGS-84 Earth with drag from the reference site (median over 8 "
                          "azimuths: the figure a direction-free range is held to); near-orbital: burnout "
                          "within 2 % of circular speed, no range (orbital*). --json adds the site and the non-rotating range")
    table.add_column("id", no_wrap=True)
    for name, justify in (("name", "left"), ("class", "left"), ("stages", "right"), ("launch mass kg", "right"),
                          ("published km", "right"), ("calibrated to", "right"), ("median km", "right"),
                          ("east / west km", "right")):
        table.add_column(name, justify=justify)
    for r in rows:
        table.add_row(r["id"], r["name"], _fmt(r["range_class"]), str(r["stage_count"]), _fmt(r["launch_mass_kg"]),
                      _fmt(r["published_range_km"], sep="–"), _point(r["calibrated_to"], short=True),
                      _fmt(r["median_range_km"]),
                      f"{_km_or_flag(r['east_range_km'], r['east_near_orbital'])} / "
                      f"{_km_or_flag(r['west_range_km'], r['west_near_orbital'])}")
    out().print(table)


def _fields(obj: Any) -> dict[str, Any]:
    """Dataclass fields (or public attributes) of a model object."""
    if dataclasses.is_dataclass(obj):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def _stages_table(stages) -> Table:
    table = Table(title="stages")
    rows = [_fields(s) for s in stages]
    keys = list(rows[0]) if rows else []
    table.add_column("stage", justify="right")
    for key in keys:
        table.add_column(key.replace("_", " "), justify="right")
    for i, row in enumerate(rows, start=1):
        table.add_row(str(i), *(_fmt(row[k], 1) for k in keys))
    return table


def _sources_table(sources: dict) -> Table:
    table = Table(title="sources")
    table.add_column("field")
    table.add_column("source")
    for key, value in sources.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            table.add_row(str(key), str(v))
    return table


@app.command("show")
def show(missile_id: Annotated[str, typer.Argument(
        metavar="ID", help="Catalog id or a missile TOML file.")], json_: Json = False) -> None:
    """Show every field of one missile, its stages and every source; its range per azimuth from its
    reference site on the rotating Earth, its payload-range curve and each published point against it."""
    from openbmd.flight.performance import performance
    from openbmd.missiles import get_missile

    m = get_missile(missile_id)
    perf = performance([m])[0]
    if json_:
        data = m.to_toml_dict()
        data["launch_mass_kg"] = m.launch_mass_kg
        emit_json({"missile": data, "performance": perf.to_dict()})
        return
    fields = _fields(m)
    table = Table(title=f"{m.name} ({m.id})", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for key, value in fields.items():
        if key in ("stages", "sources", "published_points"):
            continue
        if key == "reference_site":
            value = None if value is None else f"{value.name} ({value.lat_deg:g}, {value.lon_deg:g})"
        if key == "calibrated_to":
            value = _point(value.to_dict()) + f" — {value.source}" if value else None
        digits = 0 if key.endswith(("_kg", "_km", "_s")) else 3
        table.add_row(key, _fmt(value, digits, "–" if key.startswith("published_") else ", "))
    if "launch_mass_kg" not in fields:  # a derived property
        table.add_row("launch_mass_kg", _fmt(m.launch_mass_kg))
    console = out()
    console.print(table)
    console.print(_stages_table(m.stages))
    d = perf.to_dict()
    console.print(_azimuth_table(d))
    console.print(_curve_table(d))
    console.print(_points_table(d))
    console.print(_sources_table(m.sources_dict()))


def _azimuth_table(d: dict) -> Table:
    site = d["reference_site"]
    table = Table(title=f"maximum range per launch azimuth from {site['name']} ({site['lat_deg']:g}, "
                        f"{site['lon_deg']:g}), rotating WGS-84 Earth with drag",
                  caption=f"median {d['median_range_km']:,.0f} km (the figure for a published range without "
                          "direction); orbital*: near-orbital, inertial burnout speed >= 98 % of circular: "
                          "no range")
    for name in ("azimuth deg", "range km", "burnout / circular speed"):
        table.add_column(name, justify="right")
    for a in d["azimuths"]:
        table.add_row(f"{a['azimuth_deg']:g}", _km_or_flag(a["range_km"], a["near_orbital"]) +
                      (f" ({a['range_km']:,.0f} ground track)" if a["near_orbital"] else ""),
                      f"{a['burnout_speed_ratio']:.3f}")
    return table


def _curve_table(d: dict) -> Table:
    c = d["payload_range"]
    table = Table(title="payload-range curve (rotating Earth, reference site)")
    for name in ("payload kg", "median km", "shortest azimuth km", "longest azimuth km"):
        table.add_column(name, justify="right")
    for i, kg in enumerate(c["payload_kg"]):
        table.add_row(_fmt(kg), _km_or_flag(c["median_range_km"][i], c["median_near_orbital"][i]),
                      _fmt(c["min_range_km"][i]),
                      _km_or_flag(c["max_range_km"][i], c["max_near_orbital"][i]))
    return table


def _points_table(d: dict) -> Table:
    table = Table(title="published points against the engine (at each point's payload; 'any' direction: "
                        "the median over azimuths)")
    for name, justify in (("", "left"), ("published", "right"), ("engine km", "right"), ("met", "left"),
                          ("source", "left")):
        table.add_column(name, justify=justify)
    rows = ([("calibrated to", d["calibrated_to"])] if d["calibrated_to"] else []) + \
        [("published", p) for p in d["published_points"]]
    for label, p in rows:
        shown = dict(p, payload_kg=p["engine_payload_kg"])
        met = "yes" if p["met"] else "no"
        if p["published_near_orbital"]:
            met += " (published figure near-orbital)"
        table.add_row(label, _point(shown), _km_or_flag(p["engine_range_km"], p["engine_near_orbital"]), met,
                      p.get("source") or "")
    return table
