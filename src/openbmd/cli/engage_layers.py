"""``openbmd engage`` with several layers: ``--battery`` (repeatable) or ``--architecture``.

The batteries are engaged in the order of their earliest intercepts, shoot-look-shoot between
layers (:mod:`openbmd.engagement.layers`); the table shows each layer's shot opportunities and
kill probability, and the combined P(kill) = 1 - prod(1 - P_i) beside the independent-layers
figure that coverage, raid and icbm-reach count.
"""
from __future__ import annotations

from rich.table import Table

from openbmd.cli.output import emit_json, err, out
from openbmd.cli.parse import point
from openbmd.errors import InputError

BATTERY_HELP = ("A layer: INTERCEPTOR@LAT,LON|PLACE[:MAGAZINE] (repeatable; magazine default 24), "
                "e.g. sm-3-ib@35,33:8. Engaged in intercept order, shoot-look-shoot between layers.")
DEFAULT_MAGAZINE = 24


def parse_battery(spec: str):
    """``sm-3-ib@35,33:8`` -> Battery (the interceptor from the catalog, the site, the magazine)."""
    from openbmd.engagement.layers import Battery
    from openbmd.interceptors.catalog import get_interceptor

    ident, at, where = spec.partition("@")
    if not at or not ident.strip() or not where.strip():
        raise InputError(f"--battery {spec!r}: expected INTERCEPTOR@LAT,LON|PLACE[:MAGAZINE], e.g. sm-3-ib@35,33:8")
    magazine = DEFAULT_MAGAZINE
    head, colon, tail = where.rpartition(":")
    if colon:
        if not tail.strip().isdigit():
            raise InputError(f"--battery {spec!r}: the magazine after ':' must be a whole number >= 0, got {tail!r}")
        where, magazine = head, int(tail)
    lat, lon = point(where, option="--battery")
    return Battery(where.strip(), get_interceptor(ident.strip()), lat, lon, magazine)


def check_layer_options(*, batteries, architecture, interceptor, site, radars, fire_control, monte_carlo,
                        out_path) -> None:
    """One way to name the shooters, and no single-battery option with layers."""
    ways = [bool(batteries), architecture is not None, interceptor is not None or site is not None]
    if sum(ways) != 1:
        raise InputError("give the shooters one way: --interceptor ID --site WHERE (one battery), "
                         "--battery SPEC (repeatable), or --architecture ID")
    if ways[2] and (interceptor is None or site is None):
        raise InputError("one battery needs both --interceptor ID and --site LAT,LON|PLACE")
    if architecture is not None and (radars or fire_control):
        raise InputError("--architecture brings its own sensors; --radar and --fire-control go with "
                         "--battery or --interceptor")
    if (batteries or architecture is not None) and (monte_carlo or out_path is not None or fire_control):
        raise InputError("--monte-carlo, --out and --fire-control go with one battery (--interceptor/--site), "
                         "not with layers")


def run_layers(missile, launch, target, *, batteries, architecture, radars, shape, reaction_s, doctrine,
               rcs_m2, seed, early_warning, json_mode: bool) -> None:
    """Engage the layers, then print the table (or the JSON)."""
    from openbmd.engagement.layers import engage_architecture, engage_layers

    if architecture is not None:
        import dataclasses

        from openbmd.architectures.loader import get_architecture
        from openbmd.architectures.resolve import resolve

        resolved = resolve(get_architecture(architecture))
        if doctrine is not None:
            resolved = dataclasses.replace(resolved, doctrine=doctrine)
        result = engage_architecture(missile, launch, target, resolved, shape=shape, rcs_m2=rcs_m2,
                                     reaction_s=reaction_s)
        title = f"{result.threat.trajectory.name} vs {architecture} ({resolved.doctrine.name})"
    else:
        from openbmd.engagement.doctrine import Doctrine

        doctrine = doctrine or Doctrine(first_salvo=2)
        result = engage_layers(missile, launch, target, batteries=batteries, radars=radars, shape=shape,
                               reaction_s=30.0 if reaction_s is None else reaction_s, doctrine=doctrine,
                               rcs_m2=rcs_m2, seed=seed, early_warning=early_warning)
        title = f"{result.threat.trajectory.name} vs {len(batteries)} batteries ({doctrine.name})"
        if not radars:
            from openbmd.cli.engage import NO_RADAR

            err().print(f"openbmd engage: note: {NO_RADAR}", soft_wrap=True, markup=False)
    summary = result.summary()
    if json_mode:
        emit_json(summary)
    else:
        _print(title, summary)


def _print(title: str, summary: dict) -> None:
    console = out()
    firm = summary["firm_track_s"]
    console.print(f"[bold]{title}[/bold]: firm track "
                  + ("never" if firm is None else f"{firm:,.1f} s after launch"), soft_wrap=True)
    table = Table(title="layers, in intercept order")
    for col, just in (("battery", "left"), ("interceptor", "left"), ("earliest s", "right"), ("latest s", "right"),
                      ("shot opp.", "right"), ("waits for look", "center"), ("shots", "right"), ("P(kill)", "right"),
                      ("exp. shots", "right")):
        table.add_column(col, justify=just, no_wrap=col == "battery")
    why = []
    for lo in summary["layers"]:
        if not lo["engageable"]:
            table.add_row(lo["battery"], lo["interceptor"], "—", "—", str(lo["shot_opportunities"]), "—", "0",
                          "0", "0")
            why.append(f"{lo['battery']}: not engageable, {lo['reason']}")
            continue
        table.add_row(lo["battery"], lo["interceptor"], f"{lo['earliest_intercept_s']:,.1f}",
                      f"{lo['latest_intercept_s']:,.1f}", str(lo["shot_opportunities"]),
                      "yes" if lo["fires_after_look"] else "no", str(lo["shots_planned"]), f"{lo['p_kill']:.3f}",
                      f"{lo['expected_shots']:.2f}")
    console.print(table)
    for line in why:
        console.print(line, soft_wrap=True)
    console.print(f"combined P(kill) = 1 - prod(1 - P_i) = {summary['p_kill']:.3f}, "
                  f"{summary['expected_interceptors']:.2f} interceptors expected; independent layers (every "
                  f"layer fires regardless, the coverage/raid rule): {summary['p_kill_independent_layers']:.3f}",
                  soft_wrap=True)
