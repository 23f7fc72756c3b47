"""Charts of the Russian question: per battery site, the burnout speed each case would need.

One PNG per battery (matplotlib, Agg canvas, no pyplot state): a row per
(field, target), a marker per trajectory shape at the slowest burnout speed
of the sweep at which that battery could engage it, a cross at the right edge
where even the fastest speed of the sweep cannot, and a vertical line at the
interceptor's own burnout speed: a marker left of the line is a case the
battery can engage today.  Above it, when the result carries a reaction-time
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


def reach_figure(result, battery):
    """The matplotlib Figure of one battery (a BatteryReach of ``result``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    pairs = list(dict.fromkeys((c.field, c.target) for c in result.cases))
    speeds = [float(v) for v in battery.speeds_km_s] or [3.0, 7.0]
    vmin, vmax = min(speeds), max(speeds)
    h_cases = max(3.0, 0.26 * len(pairs) + 1.6)
    sweep = getattr(battery, "reaction_sweep", None)
    h_sweep = 3.2 if sweep is not None else 0.0
    fig = Figure(figsize=(9.0, h_cases + h_sweep), dpi=110)
    FigureCanvasAgg(fig)
    if sweep is not None:
        gs = fig.add_gridspec(2, 1, height_ratios=[h_sweep, h_cases])
        _sweep_panel(fig.add_subplot(gs[0]), result, battery, sweep, vmin, vmax)
        ax = fig.add_subplot(gs[1])
    else:
        ax = fig.add_subplot(1, 1, 1)
    row = {p: i for i, p in enumerate(pairs)}
    beyond = vmax + 0.35
    offsets = {"min-energy": 0.0, "lofted": -0.22, "depressed": 0.22}
    for shape, (marker, colour) in SHAPE_STYLE.items():
        ys, xs, ys_x = [], [], []
        for i, c in enumerate(result.cases):
            if c.shape != shape:
                continue
            y = row[(c.field, c.target)] + offsets[shape]
            v = battery.needed_burnout_speed_km_s[i]
            (xs.append(v), ys.append(y)) if np.isfinite(v) else ys_x.append(y)
        ax.scatter(xs, ys, marker=marker, color=colour, s=28, label=shape, zorder=3)
        ax.scatter([beyond] * len(ys_x), ys_x, marker="x", color=colour, s=22, zorder=3, alpha=0.6)
    ax.axvline(battery.burnout_speed_km_s, color="black", lw=1.2, ls="--", zorder=2,
               label=f"{battery.interceptor_id} ({battery.burnout_speed_km_s:g} km/s)")
    ax.set_yticks(range(len(pairs)))
    ax.set_yticklabels([f"{f} -> {t}" for f, t in pairs], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(vmin - 0.25, beyond + 0.3)
    ticks = [v for v in np.arange(np.ceil(vmin * 2) / 2, vmax + 0.01, 0.5)]
    ax.set_xticks(ticks + [beyond])
    ax.set_xticklabels([f"{v:g}" for v in ticks] + [f"> {vmax:g}"])
    ax.set_xlabel("burnout speed needed to engage (km/s)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"{result.architecture.id}: {battery.battery_id} ({battery.lat_deg:.2f}, {battery.lon_deg:.2f}) "
                 f"vs Russian ICBMs, reaction {result.reaction_s:g} s", fontsize=9)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.tight_layout()
    return fig


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
    span = float(r.max() - r.min()) or 10.0
    ax.set_xlim(r.min() - 0.05 * span, r.max() + 0.05 * span)
    ax.set_xticks(r)
    ax.set_xticklabels([f"{x:g}" for x in r], fontsize=7)
    ax.set_xlabel("reaction time, firm track to launch (s)", fontsize=8)
    ax.set_ylabel("needed km/s", fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(f"needed burnout speed against reaction time (top row: cases engageable at <= {vmax:g} km/s; "
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
