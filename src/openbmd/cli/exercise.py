"""``openbmd exercise``: a joint exercise flown through the data-sharing center and scored."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from openbmd.cli import options as opt
from openbmd.cli.output import emit_json, out, progress
from openbmd.errors import InputError

TOKEN_ENV = "OPENBMD_CENTER_TOKENS"  #: PARTY=TOKEN,PARTY=TOKEN (the --token values, kept off the command line)
_TOKEN = re.compile(r"^([a-z][a-z0-9_-]{0,31})=(\S+)$")


def exercise(
    scenario: Annotated[Path, typer.Option("--scenario", metavar="FILE.toml", dir_okay=False,
                                           help="Exercise scenario (examples/exercises/).")],
    center: Annotated[Optional[str], typer.Option(
        "--center", metavar="URL", help="The center's URL (default: an embedded center on SQLite, for this run).")] = None,
    token: Annotated[Optional[list[str]], typer.Option(
        "--token", metavar="PARTY=TOKEN", help=f"With --center: a head's or operator's token of each party of the "
                                               f"scenario (or ${TOKEN_ENV}=PARTY=TOKEN,...).")] = None,
    speed: Annotated[float, typer.Option("--speed", metavar="X",
                                         help="Scenario seconds per second (1: real time; 0.1 to 1000).")] = 1.0,
    no_contribution: Annotated[bool, typer.Option(
        "--no-contribution", help="Skip the reruns with each party's sensors withheld.")] = False,
    json_: opt.Json = False,
) -> None:
    """Fly a scenario, stream each party's radar returns into the center in scenario time, and score the
    fused picture: first shared and firm tracks, impact error, unannounced launches flagged, and what each
    party's sensors add."""
    from openbmd.analyses.exercise import check_speed, exercise as run

    check_speed(speed)
    tokens = _tokens(token or [], os.environ.get(TOKEN_ENV, ""))
    if center is None and tokens:
        raise InputError("--token goes with --center URL (the embedded center makes its own tokens)")
    if center is not None and not re.match(r"^https?://[^\s/]+", center):
        raise InputError(f"--center {center!r} is not an http(s) URL; e.g. http://127.0.0.1:8642")
    with progress("exercise", enabled=not json_) as bar:
        result = run(scenario, center=center, tokens=tokens, speed=speed, contribution=not no_contribution,
                     progress=bar)
    if json_:
        emit_json(result.summary())
    else:
        _print(result)


def _tokens(given: list[str], env: str) -> dict[str, str]:
    out_: dict[str, str] = {}
    for item in [t for t in env.split(",") if t.strip()] + list(given):
        m = _TOKEN.match(item.strip())
        if not m:
            raise InputError(f"--token {item.split('=')[0]}=...: expected PARTY=TOKEN (a lower-case party id, "
                             "then the token)")
        out_[m.group(1)] = m.group(2)
    return out_


def _print(result) -> None:
    from openbmd.analyses.exercise import lag_stats

    s = result.summary()
    run, sc = result.run, result.scenario
    lag = lag_stats(result.lag_s)
    out().print(f"{sc.name}: {len(result.truth)} threats, {len(sc.sensors)} radars of "
                f"{', '.join(sorted({x.party for x in sc.sensors}))}; {len(result.measurements):,} returns streamed "
                f"at {run.speed:g}x into the {result.center} center (exercise {result.exercise_id})")
    table = Table(box=None, pad_edge=False)
    for col in ("threat", "missile", "launch s", "first track s", "firm s", "impact err km", "ellipse km", "alert"):
        table.add_column(col, justify="left" if col in ("threat", "missile", "alert") else "right")
    for t in s["threats"]:
        e = t["impact_ellipse_km"]
        f = t["flagged"]
        table.add_row(t["id"], t["missile"], f"{t['launch_s']:.0f}", _n(t["first_shared_track_s"]),
                      _n(t["firm_track_s"]), _n(t["impact_error_km"], 2),
                      f"{e['semi_major']:.2f} x {e['semi_minor']:.2f}" if e else "-",
                      f"{f['kind']} +{f['after_s']:.0f} s" if f else ("notified" if t["notified"] else "none"))
    out().print(table)
    for key, label in (("first_shared_track_s", "first shared track"), ("firm_track_s", "firm track"),
                       ("impact_error_km", "impact error")):
        v = s[key]
        unit = "km" if key == "impact_error_km" else "s after launch"
        out().print(f"{label}: median {_n(v['median'], 2)}, max {_n(v['max'], 2)} {unit} "
                    f"({v['count']} of {v['of']} threats)")
    u = s["unannounced_flagged"]
    out().print(f"unannounced launches flagged: {u['flagged']} of {u['unannounced']} (median "
                f"{_n(u['after_s']['median'])} s after launch), false alarms on notified launches: {u['false_alarms']}")
    for party, c in s["contribution"].items():
        out().print(f"{party}'s radars ({', '.join(c['sensors'])}) add: warning time median "
                    f"{_n(c['warning_time_gained_s'])} s (max {_n(c['warning_time_gained_max_s'])} s), impact error "
                    f"reduced by a median {_n(c['error_reduced_km'], 3)} km, {c['threats_tracked_only_with']} threats "
                    "tracked only with them")
    init = lag_stats(result.lag_with_initiation_s)
    out().print(f"picture lag behind the truth: p50 {_n(lag['p50'], 2)} s, p99 {_n(lag['p99'], 2)} s (scenario s, "
                f"{lag['count']:,} returns made once their threat was in the picture; with the returns held while "
                f"tracks started, p99 {_n(init['p99'], 2)} s); {result.seconds:.0f} s in all")


def _n(v, digits: int = 1) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"
