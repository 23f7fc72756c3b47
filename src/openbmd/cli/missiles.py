"""``openbmd missiles``: the catalog as a table; ``missiles show ID``: one missile."""
from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer
from rich.table import Table

from openbmd.cli.options import Json
from openbmd.cli.output import emit_json, out

app = typer.Typer(help="Without a command: list the missile catalog (id, name, country, class, "
                  "stages, launch mass, published range, the engine's max range). `show ID`: one "
                  "missile with its sources.",
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


def summary(m, max_range: float) -> dict[str, Any]:
    """One missile's listing row (the table's columns, named with their units)."""
    return {"id": m.id, "name": m.name, "country": getattr(m, "country", None), "range_class": m.range_class,
            "stage_count": len(m.stages), "launch_mass_kg": m.launch_mass_kg,
            "published_range_km": m.published_range_km, "max_range_km": max_range}


@app.callback()
def missiles(ctx: typer.Context, json_: Json = False) -> None:
    """List the missile catalog (id, name, country, class, stages, launch mass, published range,
    and the engine's maximum range on a non-rotating WGS-84 Earth)."""
    if ctx.invoked_subcommand is not None:
        return
    from openbmd.flight import max_range_km

    rows = [summary(m, max_range_km(m)) for m in _catalog()]
    if json_:
        emit_json({"missiles": rows})
        return
    table = Table(title="openbmd missile catalog",
                  caption="max range: this engine, optimal steering, non-rotating WGS-84 Earth with drag")
    table.add_column("id", no_wrap=True)
    for name, justify in (("name", "left"), ("country", "left"), ("class", "left"),
                          ("stages", "right"), ("launch mass kg", "right"),
                          ("published range km", "right"), ("max range km", "right")):
        table.add_column(name, justify=justify)
    for r in rows:
        table.add_row(r["id"], r["name"], _fmt(r["country"]), _fmt(r["range_class"]), str(r["stage_count"]),
                      _fmt(r["launch_mass_kg"]), _fmt(r["published_range_km"], sep="–"), _fmt(r["max_range_km"]))
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
        metavar="ID", help="Catalog id or a missile TOML file.")]) -> None:
    """Show every field of one missile, its stages and every source."""
    from openbmd.missiles import get_missile

    m = get_missile(missile_id)
    fields = _fields(m)
    table = Table(title=f"{m.name} ({m.id})", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for key, value in fields.items():
        if key in ("stages", "sources"):
            continue
        digits = 0 if key.endswith(("_kg", "_km", "_s")) else 3
        table.add_row(key, _fmt(value, digits, "–" if key.startswith("published_") else ", "))
    if "launch_mass_kg" not in fields:  # a derived property
        table.add_row("launch_mass_kg", _fmt(m.launch_mass_kg))
    console = out()
    console.print(table)
    console.print(_stages_table(m.stages))
    console.print(_sources_table(m.sources_dict()))
