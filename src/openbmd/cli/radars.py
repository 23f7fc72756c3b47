"""``openbmd radars``: the sensor catalog as a table; ``radars show ID``: one sensor and its sources."""
from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from openbmd.cli.missiles import _fmt, _sources_table
from openbmd.cli.options import Json
from openbmd.cli.output import emit_json, out

app = typer.Typer(help="Without a command: list the sensor catalog (id, name, country, band, site, "
                  "coverage, reference detection range). `show ID`: one sensor with every field and source.",
                  invoke_without_command=True, no_args_is_help=False)


def site_text(s) -> str:
    """'Kürecik, Turkey 38.35, 37.79' (mobile: 'mobile, default ...'); 'space (global)' for space-based IR."""
    return s.describe()["site"]


def coverage_text(s) -> str:
    """Azimuth, elevation and instrumented range of a radar (each sensor kind words its own)."""
    return s.describe()["coverage"]


def reference_text(s) -> str:
    return s.describe()["reference"]


def summary(s) -> dict:
    """One sensor's listing row: the table's cells, and for a radar its site and reference pair in numbers."""
    row = {"id": s.id, "name": s.name, "kind": s.kind, "status": s.status, "country": s.country,
           "band": s.band, "site": site_text(s), "coverage": coverage_text(s)}
    if s.kind == "radar":
        row.update(lat_deg=s.site_lat_deg, lon_deg=s.site_lon_deg, mobile=s.mobile,
                   max_range_km=s.max_range_m / 1e3, reference_range_km=s.reference_range_m / 1e3,
                   reference_rcs_m2=s.reference_rcs_m2)
    return row


@app.callback()
def radars(ctx: typer.Context, json_: Json = False) -> None:
    """List the sensor catalog: radars (site, coverage, detection reference pair) and
    space-based infrared early warning."""
    if ctx.invoked_subcommand is not None:
        return
    from openbmd.sensors import get_sensor, sensor_ids

    if json_:
        emit_json({"radars": [summary(get_sensor(i)) for i in sensor_ids()]})
        return
    table = Table(title="openbmd sensor catalog",
                  caption="reference range: detection range against the reference RCS; "
                          "range scales as RCS^(1/4) (see `openbmd horizon`)")
    for name in ("id", "name", "country", "band", "site", "coverage", "reference range"):
        table.add_column(name, no_wrap=name == "id")
    for s in (get_sensor(i) for i in sensor_ids()):
        status = "" if s.status == "operational" else f" [{s.status}]"
        cells = (s.id, s.name + status, s.country, s.band, site_text(s), coverage_text(s), reference_text(s))
        table.add_row(*map(escape, cells))
    out().print(table)


def outside_fields(s) -> dict:
    """The sensor's fields in file units (degrees, km), named as in the TOML file."""
    from openbmd.sensors.loader import sensor_to_toml_dict

    data = sensor_to_toml_dict(s)
    data.pop("sources", None)
    return data


@app.command("show")
def show(sensor_id: Annotated[str, typer.Argument(
        metavar="ID", help="Catalog id or a sensor TOML file.")]) -> None:
    """Show every field of one sensor and every source."""
    from openbmd.sensors import get_sensor

    s = get_sensor(sensor_id)
    table = Table(title=f"{s.name} ({s.id})", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for key, value in outside_fields(s).items():
        digits = 3 if key.endswith(("_deg", "_m2")) else 1
        table.add_row(key, escape(_fmt(value, digits, "–" if key.endswith("spread_km") else ", ")))
    if s.kind == "radar":
        table.add_row("coverage", coverage_text(s))
    console = out()
    console.print(table)
    console.print(_sources_table(s.sources_dict()))
