"""Charts of the Russian question: per battery site, the burnout speed each case would need.

One PNG per battery (matplotlib, Agg canvas, no pyplot state): a row per
(field, target), a marker per trajectory shape at the slowest burnout speed
of the sweep at which that battery could engage it, a cross at the right edge
where even the fastest speed of the sweep cannot, and a vertical line at the
interceptor's own burnout speed: a marker left of the line is a case the
battery can engage today.  Reads an :class:`~openbmd.analyses.icbm_reach.IcbmReachResult`;
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
    fig = Figure(figsize=(9.0, max(3.0, 0.26 * len(pairs) + 1.6)), dpi=110)
    FigureCanvasAgg(fig)
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
