"""``openbmd engage``: one threat against one battery, its timeline and battle space."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, err, out, say_written, stages, write_file
from openbmd.cli.engage_layers import BATTERY_HELP, check_layer_options, parse_battery, run_layers
from openbmd.cli.parse import check_finite, check_out_path, parse_latlon, point
from openbmd.errors import InputError

OUT_SUFFIXES = (".csv", ".png", ".czml")
#: the most Monte Carlo trials (as ``raid --trials``): ~50 min (100,000 took 30 s on the shared
#: 2-core machine), run in chunks with a bar; 100,000,000 asked 434 GiB at once before
MAX_TRIALS = 10_000_000
#: trials per chunk: ~5 kB of work arrays per trial, so ~100 MB at a time
CHUNK_TRIALS = 20_000
NO_RADAR = ("no --radar given: nothing tracks the threat, so no battery can engage it; add one or more "
            "--radar ID[@LAT,LON] (e.g. an-tpy-2-fbm; see `openbmd radars`)")


def _radar(spec: str):
    """``ID`` (at its catalog site) or ``ID@LAT,LON`` (moved there, at sea level, keeping its
    faces' boresights)."""
    from openbmd.sensors.catalog import get_radar

    rid, _, where = spec.partition("@")
    radar = get_radar(rid.strip())
    if where:
        lat, lon = parse_latlon(where, option="--radar")
        radar = radar.at(lat, lon, 0.0)
    return radar


def engage(
    threat: Annotated[str, typer.Option("--threat", metavar="ID|FILE.toml",
                                        help="Threat missile: catalog id or TOML file.")],
    from_: opt.From,
    to: Annotated[str, typer.Option("--to", metavar="LAT,LON|PLACE",
                                     help="The threat's target (LAT,LON or a place, as --from).")],
    interceptor: Annotated[Optional[str], typer.Option(
        "--interceptor", metavar="ID", help="Interceptor id (see `openbmd interceptors`), one battery.")] = None,
    site: Annotated[Optional[str], typer.Option(
        "--site", metavar="LAT,LON|PLACE", help="The battery's launch site (LAT,LON or a place, as --from).")] = None,
    battery: Annotated[Optional[list[str]], typer.Option(
        "--battery", metavar="ID@LAT,LON[:MAG]", help=BATTERY_HELP)] = None,
    architecture: Annotated[Optional[str], typer.Option(
        "--architecture", metavar="ID",
        help="Engage with every battery of this architecture as layers (its sensors, reaction time and "
             "doctrine; see `openbmd architectures`).")] = None,
    radar: Annotated[Optional[list[str]], typer.Option(
        "--radar", metavar="ID[@LAT,LON]",
        help="A radar that tracks the threat (repeatable); at its catalog site unless @LAT,LON "
             "is given (then at sea level, same boresight). A radar away from the battery provides "
             "the remote track.")] = None,
    fire_control: Annotated[Optional[str], typer.Option(
        "--fire-control", metavar="ID[@LAT,LON]",
        help="The battery's own radar: intercepts only where it sees the threat (launch-on-remote). "
             "Without it the remote track guides the interceptor (engage-on-remote).")] = None,
    early_warning: Annotated[bool, typer.Option(
        "--early-warning/--no-early-warning",
        help="Report the space-based infrared warning (SBIRS) on the timeline.")] = True,
    shape: Annotated[Optional[opt.ShapeName], typer.Option(
        "--shape", help="The threat's trajectory (default min-energy).")] = None,
    reaction_s: Annotated[Optional[float], typer.Option(
        "--reaction-s", metavar="S",
        help="Firm track to interceptor launch, s (default 30, notional; an architecture's own).")] = None,
    doctrine: Annotated[Optional[str], typer.Option(
        "--doctrine", metavar="salvo-N|shoot-look-shoot",
        help="Shot doctrine (default salvo-2; an architecture's own).")] = None,
    rcs_m2: Annotated[Optional[float], typer.Option(
        "--rcs-m2", metavar="M2",
        help="Threat radar cross section, m^2 (default: the missile file's rv_rcs_m2, else 0.1).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the measurement noise and the Monte Carlo.")] = 0,
    handover_error_km: Annotated[Optional[float], typer.Option(
        "--handover-error-km", metavar="KM",
        help="Miss the kill vehicle's seeker finds at acquisition; its divert must remove it before impact "
             "(dv = miss x closing / acquisition range, the impulsive best case): caps the closing speed. "
             "One battery only; default: not checked.")] = None,
    monte_carlo: Annotated[int, typer.Option(
        "--monte-carlo", metavar="N",
        help="Also run N Monte Carlo trials over Pk (±0.15), reaction time (x0.5-x2), detection range "
             "(x0.7-1.3) and the interceptor's published burnout-speed spread; adds the key "
             "'monte_carlo' to the JSON. Up to 10,000,000 trials, run 20,000 at a time.")] = 0,
    json_: opt.Json = False,
    out_path: opt.out_option(OUT_SUFFIXES) = None,
) -> None:
    """Engage one threat from one battery (timeline, battle space, shots and kill probability),
    or from several layers (--battery ..., --architecture): per-layer shots and the combined P(kill)."""
    from openbmd.engagement.doctrine import parse_doctrine
    from openbmd.engagement.engage import engage as run
    from openbmd.interceptors.catalog import get_interceptor
    from openbmd.missiles import get_missile

    check_layer_options(batteries=battery, architecture=architecture, interceptor=interceptor, site=site,
                        radars=radar, fire_control=fire_control, monte_carlo=monte_carlo, out_path=out_path)
    launch = point(from_, option="--from")
    target = point(to, option="--to", prefer="target")
    check_finite(reaction_s, "--reaction-s")
    if reaction_s is not None and reaction_s < 0:
        raise InputError(f"--reaction-s must be >= 0, got {reaction_s:g}")
    check_finite(rcs_m2, "--rcs-m2")
    check_finite(handover_error_km, "--handover-error-km")
    if handover_error_km is not None and handover_error_km < 0:
        raise InputError(f"--handover-error-km must be >= 0, got {handover_error_km:g}")
    if handover_error_km is not None and (battery or architecture is not None):
        raise InputError("--handover-error-km goes with one battery (--interceptor/--site), not with layers")
    if rcs_m2 is not None and rcs_m2 <= 0:
        raise InputError(f"--rcs-m2 must be > 0, got {rcs_m2:g}")
    check_out_path(out_path, OUT_SUFFIXES)
    if not 0 <= monte_carlo <= MAX_TRIALS:
        raise InputError(f"--monte-carlo must be from 0 to {MAX_TRIALS:,} trials, got {monte_carlo:,}")
    shot_doctrine = parse_doctrine(doctrine) if doctrine is not None else None
    layers = [parse_battery(b) for b in (battery or [])]
    radars = [_radar(r) for r in (radar or [])]
    fc = _radar(fire_control) if fire_control else None
    ew = None
    if early_warning:
        from openbmd.sensors.catalog import get_sensor

        ew = get_sensor("sbirs")
    from openbmd.engagement.engage import threat_rcs_m2

    missile = get_missile(threat)
    rcs_m2 = threat_rcs_m2(missile, rcs_m2)
    if layers or architecture is not None:
        run_layers(missile, launch, target, batteries=layers, architecture=architecture, radars=radars, shape=shape,
                   reaction_s=reaction_s, doctrine=shot_doctrine, rcs_m2=rcs_m2, seed=seed, early_warning=ew,
                   json_mode=json_)
        return
    icp = get_interceptor(interceptor)
    where = point(site, option="--site")
    reaction_s = 30.0 if reaction_s is None else reaction_s
    result = run(missile, launch, target, interceptor=icp, site=where, radars=radars,
                 shape=shape, reaction_s=reaction_s, doctrine=shot_doctrine or parse_doctrine("salvo-2"),
                 rcs_m2=rcs_m2, seed=seed, fire_control=fc, early_warning=ew,
                 handover_error_m=(handover_error_km or 0.0) * 1e3)
    if out_path is not None:
        write_file(out_path, lambda p: _write(p, result, radars, where, rcs_m2))
    summary = result.summary()
    if monte_carlo:
        summary["monte_carlo"] = _monte_carlo(result, icp, where, radars, result.signature, monte_carlo, seed,
                                              reaction_s)
    if not radars:
        err().print(f"openbmd engage: note: {NO_RADAR}", soft_wrap=True, markup=False)
    if json_:
        emit_json(summary)
    else:
        _print(result, summary, icp.id, bool(radars))
    if out_path is not None:
        say_written(out_path, json_mode=json_)


def _monte_carlo(result, icp, site, radars, rcs_m2, n, seed, reaction_s) -> dict:
    """The Monte Carlo summary; above :data:`CHUNK_TRIALS` trials it runs in chunks (memory stays
    ~100 MB) seeded by ``SeedSequence(seed).spawn``, with a stage line and a bar on stderr."""
    import numpy as np

    from openbmd.engagement.montecarlo import Uncertainty, monte_carlo, wilson_interval

    pk = icp.kill_vehicle.pk_single_shot
    u = Uncertainty(pk_single_shot=(max(0.0, pk - 0.15), min(1.0, pk + 0.15)),
                    reaction_s=(0.5 * reaction_s, 2.0 * reaction_s), detection_range_scale=(0.7, 1.3),
                    burnout_speed_km_s=icp.burnout_speed_spread_km_s)

    def run(k, seed_k):
        return monte_carlo(result, interceptor=icp, site=site, radars=radars, rcs_m2=rcs_m2, n=k, seed=seed_k,
                           uncertainty=u, reaction_s=reaction_s)

    if n <= CHUNK_TRIALS:  # one call: the same draws as ever for a given seed
        return run(n, seed).summary()
    sizes = [CHUNK_TRIALS] * (n // CHUNK_TRIALS) + ([n % CHUNK_TRIALS] if n % CHUNK_TRIALS else [])
    engageable = p_kill = killed = done = 0.0
    stage = f"Monte Carlo: {n:,} trials in {len(sizes)} chunks of up to {CHUNK_TRIALS:,}"
    with stages("engage") as report:
        for k, child in zip(sizes, np.random.SeedSequence(seed).spawn(len(sizes))):
            report(stage, int(done), n)
            r = run(k, child)
            engageable += float(r.engageable.sum())
            p_kill += float(r.p_kill.sum())
            killed += float(r.killed.sum())
            done += k
        report(stage, n, n)
    frac = killed / n
    return {"trials": n, "seed": seed, "p_engageable": engageable / n, "mean_p_kill": p_kill / n,
            "kill_fraction": frac, "kill_fraction_95ci": list(wilson_interval(frac, n))}


def _print(result, summary, interceptor_id: str, tracked: bool = True) -> None:
    console = out()
    head = "engageable" if summary["engageable"] else f"not engageable: {summary['reason']}"
    if not tracked and not summary["engageable"]:
        head += " (no --radar given)"
    console.print(f"[bold]{result.threat.trajectory.name}[/bold] vs {interceptor_id} "
                  f"({result.doctrine.name}): {head}", soft_wrap=True)
    table = Table(title="timeline (s after threat launch)")
    table.add_column("event")
    table.add_column("t s", justify="right")
    for name, t in result.timeline.rows():
        table.add_row(name, "—" if t is None else f"{t:,.1f}")
    console.print(table)
    if summary["engageable"]:
        e, lt = summary["earliest_intercept"], summary["latest_intercept"]
        console.print(f"earliest intercept {e['t_s']:.1f} s at {e['altitude_km']:.0f} km "
                      f"({e['lat_deg']:.2f}, {e['lon_deg']:.2f}), closing {e['closing_speed_km_s']:.2f} km/s; "
                      f"latest {lt['t_s']:.1f} s at {lt['altitude_km']:.0f} km; window {summary['window_s']:.0f} s, "
                      f"{summary['shots_possible']} shot opportunit{'y' if summary['shots_possible'] == 1 else 'ies'}, "
                      f"P(kill) {summary['p_kill']:.3f}",
                      soft_wrap=True)
    dv = summary.get("divert")
    if dv:
        cap = dv["max_closing_speed_km_s"]
        need = dv["needed_divert_at_earliest_m_s"]
        console.print(f"divert: a {dv['handover_error_km']:g} km handover error at seeker acquisition "
                      f"({dv['seeker_acquisition_km']:g} km, notional) needs "
                      + (f"{need:.0f} m/s at the earliest intercept's closing speed" if need is not None else "—")
                      + f" of the kill vehicle's {dv['divert_delta_v_m_s']:g} m/s (notional); "
                      + (f"closing speeds above {cap:.2f} km/s excluded" if cap is not None
                         else "no divert limit (aerodynamic interceptor)"), soft_wrap=True)
    mc = summary.get("monte_carlo")
    if mc:
        lo, hi = mc["kill_fraction_95ci"]
        console.print(f"Monte Carlo ({mc['trials']:,} trials, seed {mc['seed']}): engageable in "
                      f"{mc['p_engageable']:.1%}, mean P(kill) {mc['mean_p_kill']:.3f}, killed in "
                      f"{mc['kill_fraction']:.1%} (95 % CI {lo:.1%}-{hi:.1%})", soft_wrap=True)


def _write(path: Path, result, radars=(), site=None, rcs_m2=0.1) -> None:
    if path.suffix.lower() == ".czml":
        from openbmd.report.scene import write_engagement_czml

        write_engagement_czml(result, radars, site, path, rcs_m2=rcs_m2)
        return
    if path.suffix.lower() == ".csv":
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["event", "t_s"])
            for name, t in result.timeline.rows():
                w.writerow([name, "" if t is None else f"{t:.3f}"])
        return
    from openbmd.report.timeline import draw_timeline

    draw_timeline(result, path)
