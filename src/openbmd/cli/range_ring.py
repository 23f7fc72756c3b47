"""``openbmd range-ring``: the maximum range of a missile around a launch point."""
from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, number, out, progress, say_written, write_file
from openbmd.cli.parse import check_count, check_out_path, place
from openbmd.errors import InputError

RING_SUFFIXES = (".geojson", ".kml", ".png")
RING_KEYS = ("azimuth_deg", "max_range_km", "lat_deg", "lon_deg")

Count = Annotated[int, typer.Option(
    "--count", metavar="N", help="Number of azimuths, evenly spaced from north.")]


def ring_spec(ring, label: str, lat: float, lon: float, site_name: str = ""):
    """The map/export description (RingSpec) of one computed ring.

    Maps colour rings by ``label`` (the missile) and dash them by launch site.
    """
    from openbmd.report.maps import RingSpec

    return RingSpec(label=label, site_lat_deg=lat, site_lon_deg=lon, lat_deg=ring.lat_deg,
                    lon_deg=ring.lon_deg, site_name=site_name)


def _ring_table(title: str, ring: dict) -> Table:
    table = Table(title=title)
    for name in ("azimuth deg", "max range km", "lat deg", "lon deg"):
        table.add_column(name, justify="right")
    for az, rng, la, lo in zip(*(ring[k] for k in RING_KEYS)):
        table.add_row(number(az, ".1f"), number(rng, ",.0f"), number(la, ".3f"), number(lo, ".3f"))
    ranges = ring["max_range_km"]
    if ranges:
        table.caption = f"max range {min(ranges):,.0f} to {max(ranges):,.0f} km"
    return table


def range_ring(
    missile: opt.Missile = None,
    from_: opt.From = ...,
    count: Count = 36,
    earth: opt.Earth = "wgs84",
    rotation: opt.Rotation = True,
    drag: opt.Drag = True,
    json_: opt.Json = False,
    out_path: opt.out_option(RING_SUFFIXES) = None,
) -> None:
    """Compute the maximum-range ring of a missile around a launch point."""
    if missile is None:
        raise InputError("range-ring needs --missile ID|FILE.toml")
    start = place(from_, option="--from")
    lat, lon = start.lat_deg, start.lon_deg
    check_count(count)
    check_out_path(out_path, RING_SUFFIXES)
    from openbmd.flight import range_ring as compute_ring
    from openbmd.missiles import get_missile

    model = get_missile(missile)
    site = "" if start.kind == "coordinates" else start.name
    with progress(f"{model.name} range ring", enabled=True) as report:
        ring = compute_ring(model, lat, lon, count=count, earth=earth, rotation=rotation,
                            drag=drag, progress=report)
    data = ring.to_dict()
    if out_path is not None:
        from openbmd.report.exports import write_rings

        write_file(out_path, lambda p: write_rings(p, [ring_spec(ring, model.name, lat, lon, site)]))
    if json_:
        emit_json({k: data[k] for k in RING_KEYS})
    else:
        where = f"{site} ({lat:g},{lon:g})" if site else f"{lat:g},{lon:g}"
        out().print(_ring_table(f"{model.name} from {where}: maximum range", data))
    if out_path is not None:
        say_written(out_path, json_mode=json_)
