"""The chart of ``openbmd observe-test --sweep``: how well an observer reads the burnout speed,
against its distance from the test site, one line per radar.

Reads the rows of :func:`openbmd.analyses.observe_test.observe_sweep` (and the observed test's
summary, for the title); computes nothing.  Filled markers: the radar saw the burn; open: it
saw only the coasting arc (the burnout time then comes from the launch bounds and dominates
the sigma).  Distances where the radar saw too little have no point.
"""
from __future__ import annotations

from pathlib import Path


def sweep_figure(rows: list[dict], title: str = ""):
    """The matplotlib Figure (Agg canvas, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 4.6), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    radars = list(dict.fromkeys(r["radar"] for r in rows))
    for i, rid in enumerate(radars):
        mine = [r for r in rows if r["radar"] == rid and r["sigma_km_s"] is not None]
        if not mine:
            continue
        color = f"C{i}"
        d = [r["distance_km"] for r in mine]
        s = [1e3 * r["sigma_km_s"] for r in mine]
        ax.plot(d, s, "-", color=color, label=rid)
        for x, y, r in zip(d, s, mine):
            ax.plot(x, y, "o", color=color, mfc=color if r["boost_seen"] else "white")
    ax.set_yscale("log")
    ax.set_xlabel("observer's distance from the test site (km)")
    ax.set_ylabel("sigma of the burnout speed (m/s)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(title="filled: burn seen; open: coast only", fontsize=8, title_fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def write_sweep_chart(path: Path, rows: list[dict], title: str = "") -> Path:
    """Write the chart as PNG to ``path``."""
    sweep_figure(rows, title).savefig(path)
    return path
