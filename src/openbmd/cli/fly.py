"""``openbmd fly``: one trajectory, of a catalog missile or a free flight."""
from __future__ import annotations

from typing import Annotated, Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, err, number, out, say_written, write_file
from openbmd.cli.parse import check_azimuth, check_finite, check_out_path, place
from openbmd.errors import InputError

TRACK_SUFFIXES = (".csv", ".kml", ".czml", ".geojson")

# summary key -> (label, unit, format)
_ROWS = {
    "range_km": ("range", "km", "{:,.1f}"),
    "time_of_flight_s": ("time of flight", "s", "{:,.1f}"),
    "apogee_km": ("apogee", "km", "{:,.1f}"),
    "burnout_time_s": ("burnout time", "s", "{:,.1f}"),
    "burnout_speed_km_s": ("burnout speed", "km/s", "{:.3f}"),
    "burnout_altitude_km": ("burnout altitude", "km", "{:,.1f}"),
    "burnout_angle_deg": ("burnout angle", "deg", "{:.2f}"),
    "impact_lat_deg": ("impact latitude", "deg", "{:.4f}"),
    "impact_lon_deg": ("impact longitude", "deg", "{:.4f}"),
    "miss_km": ("miss distance", "km", "{:,.3f}"),
}


def _free_flight_checks(missile, to, azimuth, shape, apogee_km, burnout_angle, speed, altitude_km):
    """Free flight (--burnout-speed): the options that must and must not be given."""
    if missile is not None:
        raise InputError("--missile cannot be combined with --burnout-speed (free flight)")
    if shape is not None or apogee_km is not None:
        raise InputError("--shape and --apogee-km need --missile; free flight takes --burnout-angle")
    if to is not None or azimuth is None:
        raise InputError("free flight (--burnout-speed) needs --azimuth DEG, not --to")
    if burnout_angle is None:
        raise InputError("free flight (--burnout-speed) needs --burnout-angle DEG")
    if speed <= 0.0:
        raise InputError(f"--burnout-speed must be > 0 km/s, got {speed:g}")
    if altitude_km is not None and altitude_km < 0.0:
        raise InputError(f"--burnout-altitude-km must be >= 0, got {altitude_km:g}")


def _missile_flight_checks(missile, to, azimuth, shape, apogee_km, burnout_angle, altitude_km):
    """Missile flight: exactly one aim, at most one shape parameter, and the one the shape needs."""
    if missile is None:
        raise InputError("give --missile ID|FILE.toml, or --burnout-speed KM_S for a free flight")
    if altitude_km is not None:
        raise InputError("--burnout-altitude-km needs --burnout-speed (free flight)")
    if (to is None) == (azimuth is None):
        raise InputError("give exactly one of --to LAT,LON or --azimuth DEG")
    if apogee_km is not None and burnout_angle is not None:
        raise InputError("give at most one of --apogee-km and --burnout-angle")
    if apogee_km is not None and apogee_km <= 0.0:
        raise InputError(f"--apogee-km must be > 0, got {apogee_km:g}")
    shaped = apogee_km is not None or burnout_angle is not None
    shape = shape or ("min-energy" if to is not None else "max-range")
    if shaped and shape not in ("lofted", "depressed"):
        raise InputError("--apogee-km and --burnout-angle go with --shape lofted or depressed")
    if not shaped and to is None and shape in ("lofted", "depressed"):
        raise InputError(f"--shape {shape} along an azimuth needs --apogee-km or --burnout-angle "
                         "(or give a target with --to)")


def _summary_table(summary: dict[str, Any]) -> Table:
    """A rich table of a flight summary, units in their own column."""
    table = Table(show_header=False)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for key, value in summary.items():
        label, unit, fmt = _ROWS.get(key, (key, "", "{}"))
        text = "—" if value is None else number(float(value), fmt[2:-1]) if unit else str(value)
        table.add_row(label, text, unit)
    return table


def fly(
    missile: opt.Missile = None,
    from_: opt.From = ...,
    to: Annotated[Optional[str], typer.Option(
        "--to", metavar="LAT,LON|PLACE", help=f"Aim at this point: {opt.PLACE_HELP}.")] = None,
    azimuth: Annotated[Optional[float], typer.Option(
        "--azimuth", metavar="DEG", help="Fire along this azimuth, degrees clockwise from north.")] = None,
    shape: Annotated[Optional[opt.ShapeName], typer.Option(
        "--shape",
        help="Trajectory shape (default: max-range along --azimuth, min-energy with --to).")] = None,
    apogee_km: Annotated[Optional[float], typer.Option(
        "--apogee-km", metavar="KM",
        help="Lofted/depressed: the apogee to fly (with --to: the thrust is cut early to get it).")] = None,
    burnout_angle: Annotated[Optional[float], typer.Option(
        "--burnout-angle", metavar="DEG",
        help="Flight-path angle at burnout above the local horizontal.")] = None,
    burnout_speed: Annotated[Optional[float], typer.Option(
        "--burnout-speed", metavar="KM_S", help="Free flight: burnout speed, km/s (no --missile).")] = None,
    burnout_altitude_km: Annotated[Optional[float], typer.Option(
        "--burnout-altitude-km", metavar="KM", help="Free flight: burnout altitude (default 0).")] = None,
    earth: opt.Earth = "wgs84",
    rotation: opt.Rotation = True,
    drag: opt.Drag = True,
    json_: opt.Json = False,
    out_path: opt.out_option(TRACK_SUFFIXES) = None,
) -> None:
    """Fly one trajectory and print its summary (range, time of flight, apogee, burnout, impact)."""
    start = place(from_, option="--from")
    aim = place(to, option="--to", prefer="target") if to is not None else None
    for value, name in ((apogee_km, "--apogee-km"), (burnout_angle, "--burnout-angle"),
                        (burnout_speed, "--burnout-speed"), (burnout_altitude_km, "--burnout-altitude-km")):
        check_finite(value, name)
    azimuth = check_azimuth(azimuth)
    check_out_path(out_path, TRACK_SUFFIXES)
    common = dict(earth=earth, rotation=rotation, drag=drag)
    note = None
    if burnout_speed is not None:
        _free_flight_checks(missile, to, azimuth, shape, apogee_km, burnout_angle,
                            burnout_speed, burnout_altitude_km)
        result, title = _fly_free(start, azimuth, burnout_speed, burnout_angle,
                                  burnout_altitude_km or 0.0, common)
        note = _drag_note(drag, burnout_altitude_km or 0.0)
    else:
        _missile_flight_checks(missile, to, azimuth, shape, apogee_km, burnout_angle, burnout_altitude_km)
        result, title = _fly_missile(missile, start, azimuth, aim, shape, apogee_km, burnout_angle, common)
    _report(result, title, json_mode=json_, out_path=out_path, note=note)


def _named(p) -> str:
    """'Tabriz (38.08,46.29)' for a named place, '35,53' for coordinates."""
    return p.name if p.kind == "coordinates" else f"{p.name} ({p.lat_deg:g},{p.lon_deg:g})"


def _drag_note(drag: bool, altitude_km: float) -> str | None:
    """What a free flight's drag is: the body it flies (the one a user cannot see otherwise)."""
    from openbmd.flight.api import DEFAULT_FREE_BETA_KG_M2

    if not drag:
        return None  # asked for: nothing to say
    low = "; from the ground the dense low atmosphere slows it hard" if altitude_km < 20.0 else ""
    return (f"drag: on, a re-entry body of ballistic coefficient {DEFAULT_FREE_BETA_KG_M2:,.0f} kg/m^2 "
            f"(the free-flight default){low}; --no-drag flies it in vacuum")


def _fly_free(start, azimuth, speed_km_s, angle_deg, altitude_km, common):
    """A free flight from burnout conditions; returns (result, title)."""
    from openbmd.flight import fly_free

    result = fly_free(burnout_speed_km_s=speed_km_s, burnout_angle_deg=angle_deg,
                      burnout_altitude_km=altitude_km, launch_lat_deg=start.lat_deg,
                      launch_lon_deg=start.lon_deg, azimuth_deg=azimuth, **common)
    return result, f"free flight at {speed_km_s:g} km/s from {_named(start)} azimuth {azimuth:g}"


def _fly_missile(missile, start, azimuth, aim, shape, apogee_km, angle_deg, common):
    """A catalog (or TOML-file) missile flight; returns (result, title)."""
    from openbmd.flight import fly as fly_missile
    from openbmd.missiles import get_missile

    model = get_missile(missile)
    target = (aim.lat_deg, aim.lon_deg) if aim is not None else None
    shape = shape or ("min-energy" if target is not None else "max-range")
    result = fly_missile(model, start.lat_deg, start.lon_deg, azimuth_deg=azimuth, target=target, shape=shape,
                         apogee_km=apogee_km, burnout_angle_deg=angle_deg, **common)
    where = f"to {_named(aim)}" if aim is not None else f"azimuth {azimuth:g}"
    return result, f"{model.name}, {shape}, from {_named(start)} {where}"


def _report(result, title: str, *, json_mode: bool, out_path, note: str | None = None) -> None:
    """Write --out (if any), then print the summary as JSON or as a table."""
    if out_path is not None:
        from openbmd.report.exports import write_track

        write_file(out_path, lambda p: write_track(p, result.trajectory))
    summary = result.summary()
    if json_mode:
        emit_json(summary)
        if note:
            err().print(f"openbmd fly: {note}", soft_wrap=True)
    else:
        console = out()
        console.print(Text(title, style="bold"))
        console.print(_summary_table(summary))
        steer = result.steering()
        if steer["kick_deg"] is not None:
            cut = steer["thrust_cutoff_s"]
            console.print(f"steering: launch azimuth {steer['launch_azimuth_deg']:.2f} deg, pitch-over kick "
                          f"{steer['kick_deg']:.2f} deg, "
                          + ("full burn" if cut is None else f"thrust cut at {cut:.1f} s"), soft_wrap=True)
        if note:
            console.print(note, soft_wrap=True)
    if out_path is not None:
        say_written(out_path, json_mode=json_mode)
