"""Charts of the Russian question: per battery site, the burnout speed each case would need.

One PNG per battery (matplotlib, Agg canvas, no pyplot state, ~1300 px wide): a panel per US
target, each with its own speed axis and a row per ICBM field, a marker per trajectory shape at
the slowest burnout speed of the sweep at which that battery could engage it, a cross at the
right edge where even the fastest speed of the sweep cannot, and a vertical line at the
interceptor's own burnout speed: a marker left of the line is a case the battery can engage
today.  The sweep's slowest speed is labelled with a leading \u2264 and shaded: a case there
might need even less (``needed_burnout_speed_bound`` "at_most").  Above them, when the result carries a reaction-time
sweep, a panel of the needed speed against reaction time (firm track to
launch): the slowest and the median needed speed at each reaction time, the
interceptor's own speed as a dashed line, the architecture's reaction time as
a dotted one, and the count of cases engageable within the speed sweep.
Reads an :class:`~openbmd.analyses.icbm_reach.IcbmReachResult`;
computes nothing.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

SHAPE_STYLE = {"min-energy": ("o", "#1f77b4"), "lofted": ("^", "#2ca02c"), "depressed": ("v", "#d62728")}


PANEL_COLS = 4  #: target panels per row
FLOOR_MARK = "\u2264"  #: before the floor's tick label: a case there needs that speed or less


def reach_figure(result, battery):
    """The matplotlib Figure of one battery (a BatteryReach of ``result``): the reaction-time panel
    on top (when swept), then one panel per US target, a row per field in each (the same rows in
    every panel), each panel with its own speed axis."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fields = list(dict.fromkeys(c.field for c in result.cases))
    targets = list(dict.fromkeys(c.target for c in result.cases))
    speeds = [float(v) for v in battery.speeds_km_s] or [3.0, 7.0]
    vmin, vmax = min(speeds), max(speeds)
    ncols = max(1, min(PANEL_COLS, len(targets)))
    nrows = max(1, -(-len(targets) // ncols))
    panel_h = max(1.8, 0.19 * len(fields) + 1.0)
    sweep = getattr(battery, "reaction_sweep", None)
    h_sweep = 2.8 if sweep is not None else 0.0
    fig = Figure(figsize=(1.2 + 3.1 * ncols, 0.9 + h_sweep + panel_h * nrows), dpi=100)
    FigureCanvasAgg(fig)
    gs = fig.add_gridspec(nrows + (sweep is not None), ncols,
                          height_ratios=([h_sweep] if sweep is not None else []) + [panel_h] * nrows)
    if sweep is not None:
        _sweep_panel(fig.add_subplot(gs[0, :]), result, battery, sweep, vmin, vmax)
    first = None
    for k, target in enumerate(targets):
        r, col = divmod(k, ncols)
        ax = fig.add_subplot(gs[r + (sweep is not None), col], sharey=first)
        first = first or ax
        _target_panel(ax, result, battery, target, fields, vmin, vmax, labels=col == 0)
    handles, labels = first.get_legend_handles_labels() if first is not None else ([], [])
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle(f"{result.architecture.id}: {battery.battery_id} ({battery.lat_deg:.2f}, {battery.lon_deg:.2f}) "
                 f"vs Russian ICBMs, reaction {result.reaction_s:g} s: burnout speed needed to engage "
                 f"({FLOOR_MARK}{vmin:g}: engaged even at the sweep's slowest; x: not even at {vmax:g})", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    return fig


def _target_panel(ax, result, battery, target, fields, vmin, vmax, *, labels: bool) -> None:
    """One target: a row per field, a marker per shape at the needed speed (a cross beyond the sweep)."""
    row = {f: i for i, f in enumerate(fields)}
    beyond = vmax + 0.8
    offsets = {"min-energy": 0.0, "lofted": -0.25, "depressed": 0.25}
    for shape, (marker, colour) in SHAPE_STYLE.items():
        xs, ys, ys_x = [], [], []
        for i, c in enumerate(result.cases):
            if c.shape != shape or c.target != target:
                continue
            y = row[c.field] + offsets[shape]
            v = battery.needed_burnout_speed_km_s[i]
            (xs.append(v), ys.append(y)) if np.isfinite(v) else ys_x.append(y)
        ax.scatter(xs, ys, marker=marker, color=colour, s=22, label=shape, zorder=3)
        ax.scatter([beyond] * len(ys_x), ys_x, marker="x", color=colour, s=16, zorder=3, alpha=0.6)
    ax.axvline(battery.burnout_speed_km_s, color="black", lw=1.0, ls="--", zorder=2,
               label=f"{battery.interceptor_id} ({battery.burnout_speed_km_s:g} km/s)")
    ax.axvspan(vmin - 0.4, vmin + 0.12, color="#dddddd", alpha=0.5, lw=0, zorder=1)  # the floor: <= vmin
    ax.set_yticks(range(len(fields)))
    ax.tick_params(axis="y", labelleft=labels, labelsize=7)
    if labels:
        ax.set_yticklabels(fields)
    ax.set_ylim(len(fields) - 0.5, -0.5)
    ax.set_xlim(vmin - 0.4, beyond + 0.45)
    ticks = [float(v) for v in np.arange(np.ceil(vmin), np.floor(vmax) + 0.01, 1.0)]
    ticks = sorted(set(ticks) | {vmin, vmax})
    ticks = [t for t in ticks if t in (vmin, vmax) or min(abs(t - vmin), abs(t - vmax)) >= 0.6]
    ax.set_xticks(ticks + [beyond])
    ax.set_xticklabels([(FLOOR_MARK if t == vmin else "") + f"{t:g}" for t in ticks] + [f">{vmax:g}"], fontsize=7)
    ax.set_xlabel("needed km/s", fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"to {target}", fontsize=8)


def _sweep_panel(ax, result, battery, sweep, vmin, vmax):
    """Needed burnout speed against reaction time (rows of :meth:`ReactionSweep.rows`)."""
    rows = sweep.rows()
    r = np.array([row["reaction_s"] for row in rows])
    for key, label, style in (("slowest_needed_burnout_speed_km_s", "slowest needed", dict(marker="o", color="#1f77b4")),
                              ("median_needed_burnout_speed_km_s", "median needed", dict(marker="s", color="#ff7f0e"))):
        v = np.array([np.nan if row[key] is None else row[key] for row in rows])
        ax.plot(r, v, lw=1.5, ms=5, label=label, **style)
    ax.axhline(battery.burnout_speed_km_s, color="black", lw=1.2, ls="--",
               label=f"{battery.interceptor_id} ({battery.burnout_speed_km_s:g} km/s)")
    ax.axvline(result.reaction_s, color="grey", lw=1.0, ls=":", label=f"architecture's ({result.reaction_s:g} s)")
    top = vmax + 0.35
    for x, row in zip(r, rows):
        n = row["cases_engageable_within_sweep"]
        ax.annotate(f"{n}" if n else "none", (x, top), fontsize=7, ha="center", va="center",
                    color="#444444" if n else "#d62728",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    ax.set_ylim(vmin - 0.25, top + 0.3)
    yt = sorted({vmin} | {float(v) for v in np.arange(np.ceil(vmin + 0.5), vmax + 0.01, 1.0)})
    ax.set_yticks(yt)
    ax.set_yticklabels([(FLOOR_MARK if v == vmin else "") + f"{v:g}" for v in yt], fontsize=7)
    span = float(r.max() - r.min()) or 10.0
    ax.set_xlim(r.min() - 0.05 * span, r.max() + 0.05 * span)
    ax.set_xticks(r)
    ax.set_xticklabels([f"{x:g}" for x in r], fontsize=7)
    ax.set_xlabel("reaction time, firm track to launch (s)", fontsize=8)
    ax.set_ylabel("needed km/s", fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(f"needed burnout speed against reaction time (top row: cases engageable at {FLOOR_MARK} {vmax:g} km/s; "
                 f"median over those at {r.min():g} s)", fontsize=8)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9, ncol=2)


def chart_name(battery_id: str) -> str:
    return "reach-" + re.sub(r"[^a-z0-9-]+", "-", battery_id.lower()).strip("-") + ".png"


def write_reach_charts(result, folder) -> list[Path]:
    """One PNG per battery into ``folder`` (created); returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for b in result.batteries:
        p = folder / chart_name(b.battery_id)
        reach_figure(result, b).savefig(p)
        paths.append(p)
    return paths
