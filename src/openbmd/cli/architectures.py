"""``openbmd architectures``: the shipped architectures; ``architectures show ID``: one in full."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from openbmd.cli.missiles import _sources_table
from openbmd.cli.options import Json
from openbmd.cli.output import emit_json, out
from openbmd.errors import InputError

app = typer.Typer(help="Without a command: list the shipped architectures (id, name, year, status, numbers "
                  "of sensors, batteries and interceptors). `show ID`: every sensor, battery, the command "
                  "and control, the data centre and the sources of one architecture.",
                  invoke_without_command=True, no_args_is_help=False)


def summary(arch) -> dict[str, Any]:
    """The one-line facts of an architecture: counts of sensors, batteries and interceptors."""
    return {"id": arch.id, "name": arch.name, "year": arch.year, "status": arch.status,
            "sensor_count": len(arch.sensors), "battery_count": len(arch.batteries),
            "interceptor_count": sum(b.magazine for b in arch.batteries)}


@app.callback()
def architectures(ctx: typer.Context, json_: Json = False) -> None:
    """List the shipped architectures."""
    if ctx.invoked_subcommand is not None:
        return
    from openbmd.architectures.loader import architecture_ids, get_architecture

    rows = [summary(get_architecture(i)) for i in architecture_ids()]
    if json_:
        emit_json({"architectures": rows})
        return
    table = Table(title="openbmd architectures",
                  caption="interceptors: the sum of the batteries' magazines; `openbmd architectures show ID` "
                          "for sites, command and control and sources")
    for name, justify in (("id", "left"), ("name", "left"), ("year", "right"), ("status", "left"),
                          ("sensors", "right"), ("batteries", "right"), ("interceptors", "right")):
        table.add_column(name, justify=justify, no_wrap=name == "id")
    for r in rows:
        table.add_row(r["id"], escape(r["name"]), str(r["year"]), r["status"], str(r["sensor_count"]),
                      str(r["battery_count"]), str(r["interceptor_count"]))
    out().print(table)


def describe(ident: str) -> dict[str, Any]:
    """Everything about one architecture as plain JSON types (ids checked against the catalogs)."""
    from openbmd.architectures.loader import get_architecture
    from openbmd.architectures.resolve import resolve

    arch = get_architecture(ident)
    try:
        resolved = resolve(arch)
    except InputError as exc:
        if ident.endswith(".toml"):  # a user's file: name it (catalog ids name themselves)
            raise InputError(f"{Path(ident).name}: {exc}") from None
        raise
    sensors = []
    for s in arch.sensors:
        site = resolved.radars[s.id].site  # None for a sensor in orbit: where it was placed over
        sensors.append({"id": s.id, "sensor": s.sensor, "lat_deg": site.lat_deg if site else s.lat_deg,
                        "lon_deg": site.lon_deg if site else s.lon_deg, "moved": s.lat_deg is not None,
                        "party": s.party,
                        "shared_through_data_center": arch.latency_s(s) > 0, "source": s.source})
    batteries = []
    for b in arch.batteries:
        batteries.append({"id": b.id, "interceptor": b.interceptor, "launcher": b.launcher,
                          "lat_deg": b.lat_deg, "lon_deg": b.lon_deg, "magazine": b.magazine,
                          "fire_control": b.fire_control, "cued_by": list(b.cued_by),
                          "cue_sensors": [s.id for s in arch.cue_sensors(b)],
                          "engage_on_remote": b.engage_on_remote, "notional_station": b.notional_station,
                          "source": b.source})
    c = arch.command
    dc = arch.data_center
    return {**summary(arch), "description": arch.description, "source_path": arch.source_path,
            "sensors": sensors, "batteries": batteries,
            "command": {"reaction_s": c.reaction_s, "doctrine": c.doctrine, "look_s": c.look_s,
                        "early_warning": c.early_warning, "source": c.source},
            "data_center": None if dc is None else {"parties": list(dc.parties), "latency_s": dc.latency_s,
                                                    "source": dc.source},
            "sources": arch.sources_dict()}


def _latlon(lat: float, lon: float) -> str:
    return f"{lat:.2f}, {lon:.2f}"


def _sensor_table(d: dict) -> Table:
    table = Table(title="sensors", caption="position: (moved) = a station given by the architecture; "
                  "otherwise the catalog site (`openbmd radars show ID`)")
    for name in ("id", "catalog sensor", "position", "party", "source"):
        table.add_column(name, no_wrap=name == "id")
    for s in d["sensors"]:
        where = _latlon(s["lat_deg"], s["lon_deg"]) + (" (moved)" if s["moved"] else "")
        party = s["party"] + (" (via data centre)" if s["shared_through_data_center"] else "")
        table.add_row(s["id"], s["sensor"], where, party, escape(s["source"]))
    return table


def _battery_table(d: dict) -> Table:
    table = Table(title="batteries", caption="cue sensors: whose tracks may launch the battery "
                  "(launch-on-remote); engage-on-remote no: the intercept needs the fire-control radar's track")
    for name, justify in (("id", "left"), ("interceptor", "left"), ("position", "right"),
                          ("magazine", "right"), ("fire control", "left"), ("cue sensors", "left"),
                          ("engage-on-remote", "left")):
        table.add_column(name, justify=justify, no_wrap=name == "id")
    for b in d["batteries"]:
        where = _latlon(b["lat_deg"], b["lon_deg"]) + (f" ({b['launcher']})" if b["launcher"] else "")
        where += " (notional)" if b["notional_station"] else ""
        cues = ", ".join(b["cue_sensors"]) + ("" if b["cued_by"] else " (all)")
        table.add_row(b["id"], b["interceptor"], where, str(b["magazine"]), b["fire_control"] or "—", cues,
                      "yes" if b["engage_on_remote"] else "no")
    return table


def _battery_sources(d: dict) -> Table:
    table = Table(title="battery sources", caption="notional station: a site chosen by the study, not given "
                  "by a source (why in the row); answers that rest on such a battery say so")
    table.add_column("battery", no_wrap=True)
    table.add_column("source")
    for b in d["batteries"]:
        note = f"\nnotional station: {b['notional_station']}" if b["notional_station"] else ""
        table.add_row(b["id"], escape(b["source"] + note))
    return table


def _command_table(d: dict) -> Table:
    table = Table(title="command and control", show_header=False)
    table.add_column("field")
    table.add_column("value")
    c = d["command"]
    table.add_row("reaction_s", f"{c['reaction_s']:g}")
    table.add_row("doctrine", c["doctrine"])
    table.add_row("look_s", f"{c['look_s']:g}")
    table.add_row("early_warning", c["early_warning"] or "none")
    table.add_row("source", escape(c["source"]))
    dc = d["data_center"]
    if dc is not None:
        table.add_row("data centre parties", ", ".join(dc["parties"]))
        table.add_row("data centre latency_s", f"{dc['latency_s']:g}")
        table.add_row("data centre source", escape(dc["source"]))
    return table


@app.command("show")
def show(architecture_id: Annotated[str, typer.Argument(
        metavar="ID", help="Architecture id (see `openbmd architectures`) or an architecture TOML file.")],
         json_: Json = False) -> None:
    """Show one architecture: sensors, batteries, command and control, data centre and sources."""
    d = describe(architecture_id)
    if json_:
        emit_json(d)
        return
    console = out()
    head = Table(title=f"{escape(d['name'])} ({d['id']})", show_header=False)
    head.add_column("field")
    head.add_column("value")
    for key in ("year", "status", "description", "sensor_count", "battery_count", "interceptor_count"):
        head.add_row(key.replace("_", " "), escape(str(d[key])))
    console.print(head)
    console.print(_sensor_table(d))
    console.print(_battery_table(d))
    console.print(_battery_sources(d))
    console.print(_command_table(d))
    console.print(_sources_table({k: escape(v) for k, v in d["sources"].items()}))
