"""``openbmd observe-test``: another party's radar observes an interceptor flight test."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, out, say_written, write_file
from openbmd.cli.parse import check_finite, check_out_path


def observe_test(
    interceptor: Annotated[str, typer.Option("--interceptor", metavar="ID",
                                             help="Catalog interceptor (see `openbmd interceptors`).")],
    site: Annotated[str, typer.Option("--site", metavar="LAUNCHER|LAT,LON",
                                      help="Test site: a catalog launcher id or LAT,LON in degrees.")],
    observer: Annotated[str, typer.Option(
        "--observer", metavar="RADAR[@LAT,LON]",
        help="Observing radar (see `openbmd radars`), at its catalog site or moved to LAT,LON "
             "(its faces then turned to the test site).")],
    azimuth: Annotated[float, typer.Option("--azimuth", metavar="DEG", help="Flight azimuth (deg from north).")] = 90.0,
    kick: Annotated[Optional[float], typer.Option(
        "--kick", metavar="DEG", help="Pitch-over kick from the vertical (default: the reference fly-out's "
                                      "farthest arc, the one the catalog speed is calibrated on).")] = None,
    window_s: Annotated[float, typer.Option("--window-s", metavar="S",
                                            help="Seconds of flight the observer is shown.")] = 300.0,
    rcs_m2: Annotated[float, typer.Option("--rcs-m2", metavar="M2",
                                          help="Interceptor RCS (notional; plausible 0.5-5).")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the looks' noise and phase.")] = 0,
    architecture: Annotated[Optional[str], typer.Option(
        "--architecture", "-a", metavar="ID",
        help="Architecture whose batteries with this interceptor face the ICBM cases "
             "(default: the catalog's first carrying it, as-built first).")] = None,
    all_cases: Annotated[bool, typer.Option(
        "--all-cases", help="Every field, target and shape of icbm-reach (default: 8 cases, a few seconds).")] = False,
    no_reach: Annotated[bool, typer.Option("--no-reach", help="Skip the icbm-reach comparison.")] = False,
    sweep: Annotated[bool, typer.Option(
        "--sweep", help="Also the sigma against the observer's distance (300-3,000 km) for three catalog radars.")] = False,
    out_file: Annotated[Optional[Path], typer.Option(
        "--out", metavar="FILE.png", dir_okay=False, help="With --sweep: write its chart (PNG).")] = None,
    json_: opt.Json = False,
) -> None:
    """Fly an interceptor test, let the observer's radar measure it, estimate the burnout speed with its
    sigma as the observer would, and count the Russian ICBM cases of icbm-reach that speed could engage."""
    from openbmd.analyses.observe_test import observe_sweep, observe_test as run
    from openbmd.errors import InputError

    for v, name in ((azimuth, "--azimuth"), (kick, "--kick"), (window_s, "--window-s"), (rcs_m2, "--rcs-m2")):
        check_finite(v, name)
    check_out_path(out_file, (".png",))
    if out_file is not None and not sweep:
        raise InputError("--out writes the chart of --sweep; add --sweep")
    result = run(interceptor, site, observer, azimuth_deg=azimuth, kick_deg=kick, window_s=window_s,
                 rcs_m2=rcs_m2, seed=seed, reach=not no_reach, architecture=architecture, all_cases=all_cases)
    summary = result.summary()
    if sweep:
        summary["sweep"] = observe_sweep(result.flight, rcs_m2=rcs_m2)
    if out_file is not None:
        from openbmd.report.observe_chart import write_sweep_chart

        title = f"{interceptor} test from {site}: the observer's burnout-speed sigma"
        write_file(out_file, lambda p: write_sweep_chart(p, summary["sweep"], title))
    if json_:
        emit_json(summary)
    else:
        _print(summary)
    if out_file is not None:
        say_written(out_file, json_mode=json_)


def _print(s: dict) -> None:
    o = s["observer"]
    out().print(f"{s['interceptor']} test observed by {o['radar']} at {o['lat_deg']:.2f}, {o['lon_deg']:.2f} "
                f"({o['distance_km']:,.0f} km from the site): {s['looks']} looks from {s['first_look_s']:.0f} s, "
                f"burn {'seen' if s['boost_seen'] else 'not seen'}")
    out().print(f"burnout speed {s['burnout_speed_km_s']:.3f} ± {s['sigma_km_s']:.3f} km/s "
                f"(true {s['true_burnout_speed_km_s']:.3f}; catalog {s['catalog_burnout_speed_km_s']:g}); "
                f"burnout at {s['burnout_time_s']:.1f} s")
    c = s["could_engage"]
    if c:
        out().print(f"{c['architecture']} ({', '.join(c['batteries'])}), {c['cases']} cases ({c['case_set']}): "
                    f"engageable at the estimate {c['cases_at_estimate']}, at +2 sigma "
                    f"{c['cases_at_estimate_plus_2_sigma']}, at the true speed {c['cases_at_true_speed']}; "
                    f"slowest needed speed {c['slowest_needed_burnout_speed_km_s'] or 'beyond 7'} km/s")
    if s.get("sweep"):
        t = Table(title="sigma against the observer's distance")
        for col in ("radar", "distance km", "sigma km/s", "burn seen", "looks"):
            t.add_column(col)
        for r in s["sweep"]:
            t.add_row(r["radar"], f"{r['distance_km']:,.0f}",
                      "sees too little" if r["sigma_km_s"] is None else f"{r['sigma_km_s']:.4f}",
                      "" if r["boost_seen"] is None else ("yes" if r["boost_seen"] else "no"), str(r["looks"]))
        out().print(t)
