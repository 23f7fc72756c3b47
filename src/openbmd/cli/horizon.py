"""``openbmd horizon``: where a radar first sees a target at a given altitude."""
from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, out
from openbmd.cli.parse import check_finite, point
from openbmd.errors import InputError

HORIZON_KEYS = ("horizon_range_km", "detection_range_km", "limit")

RadarId = Annotated[Optional[str], typer.Option(
    "--radar", metavar="ID|FILE.toml", help="Catalog radar id (see `openbmd radars`) or a radar TOML file.")]
Site = Annotated[Optional[str], typer.Option(
    "--site", metavar="LAT,LON|PLACE", help="Put the radar here instead of its catalog site (e.g. 34.0,33.0, "
                                            "-33.9,18.4 or a place such as Warsaw).")]
SiteAlt = Annotated[Optional[float], typer.Option(
    "--site-alt-m", metavar="M", help="Antenna height above the ellipsoid (default: the catalog site's).")]
TargetAlt = Annotated[Optional[float], typer.Option(
    "--target-altitude-km", metavar="H", help="Target altitude, km (0 to 100,000).")]
Rcs = Annotated[float, typer.Option(
    "--rcs-m2", metavar="X", help="Target radar cross section, m^2. Threat files carry no RCS, so it comes "
    "from here; default 0.1 m^2, a warhead seen from ahead (order of magnitude: NRC 2012's ~1,500 km "
    "AN/TPY-2 figure matches ~0.1 m^2; Lewis & Postol 2012 use 0.01 m^2 as the hard case; "
    "docs/research/sensors.md 2.1, 2.6).")]
Refraction = Annotated[Optional[bool], typer.Option(
    "--refraction/--no-refraction", help="4/3-Earth refraction (default: the radar's catalog flag).")]


def horizon(
    radar: RadarId = None,
    site: Site = None,
    site_alt_m: SiteAlt = None,
    target_altitude_km: TargetAlt = None,
    rcs_m2: Rcs = 0.1,
    refraction: Refraction = None,
    json_: opt.Json = False,
) -> None:
    """Where a radar first sees a target at H km: its horizon or its detection range.

    Prints the ground range at which the target rises above the radar's minimum
    elevation, the radar-equation detection range for the RCS, and which of the two binds.
    """
    if radar is None:
        raise InputError("horizon needs --radar ID (see `openbmd radars`)")
    if target_altitude_km is None:
        raise InputError("horizon needs --target-altitude-km H")
    check_finite(target_altitude_km, "--target-altitude-km")
    check_finite(site_alt_m, "--site-alt-m")
    if not 0.0 <= target_altitude_km <= 1e5:
        raise InputError(f"--target-altitude-km must be in [0, 100000] km, got {target_altitude_km:g}")
    if not (rcs_m2 > 0.0 and check_finite(rcs_m2, "--rcs-m2") is not None):
        raise InputError(f"--rcs-m2 must be a number > 0 m^2, got {rcs_m2:g}")
    latlon = point(site, option="--site") if site is not None else None
    from openbmd.sensors import get_radar, horizon_geometry, horizon_range

    model = get_radar(radar)
    if latlon is not None or site_alt_m is not None:
        lat, lon = latlon or (model.site_lat_deg, model.site_lon_deg)
        model = model.at(lat, lon, site_alt_m, site_name=None if latlon is None else "--site")
    result = horizon_range(model, target_altitude_km, rcs_m2, refraction=refraction)
    if json_:
        emit_json(dict(zip(HORIZON_KEYS, result)))
        return
    _, slant_km = horizon_geometry(model, target_altitude_km, refraction=refraction)
    out().print(_table(model, target_altitude_km, rcs_m2, result, slant_km, refraction))


def _table(model, h_km, rcs_m2, result, slant_km, refraction) -> Table:
    import math

    refr = model.refraction if refraction is None else refraction
    table = Table(title=f"{model.name} at {model.site_lat_deg:g},{model.site_lon_deg:g} "
                        f"({model.site_alt_m:g} m): target at {h_km:g} km, RCS {rcs_m2:g} m²",
                  show_header=False)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_row("horizon range (ground)", f"{result.horizon_range_km:,.0f}", "km")
    table.add_row("slant range at the horizon", "—" if math.isnan(slant_km) else f"{slant_km:,.0f}", "km")
    table.add_row("detection range (slant)", f"{result.detection_range_km:,.0f}", "km")
    table.add_row("limit", result.limit, "")
    table.caption = (f"minimum elevation {math.degrees(model.el_min_rad):g} deg, "
                     f"{'4/3-Earth refraction' if refr else 'no refraction'}; detection range capped at the "
                     f"instrumented {model.max_range_m / 1e3:,.0f} km")
    return table
