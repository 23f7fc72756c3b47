"""Charts of analysis results: the pacing table and a raid (matplotlib, Agg canvas, no pyplot state).

Each reads a result (or its summary) and writes one picture (PNG/SVG/PDF by the path's extension);
nothing is computed here.
"""
from __future__ import annotations

import numpy as np


#: one colour per line (Okabe & Ito 2008, colour-blind safe; then Paul Tol's muted purple and grey)
PACING_COLORS = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#882255", "#555555")


def _where(c: dict, region: str) -> str:
    """", only Alaska" when the class's threatened area in the region lies in one part."""
    shares = c.get("threatened_in", {}).get(region) or {}
    return f", only {next(iter(shares))}" if len(shares) == 1 else ""


def draw_pacing_chart(table: dict, path) -> None:
    """Defended share of the threatened area per phase, one line per (class, region)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.5, 4.8), dpi=140)
    ax = fig.add_subplot(111)
    styles = {"nato-europe": "-", "us": "--"}
    markers = {"MRBM": "o", "IRBM": "s", "ICBM": "D"}
    labels = None
    k = 0
    for c in table["classes"]:
        for region, rows in c["regions"].items():
            ys = [r["defended_area_fraction"] for r in rows]
            if all(y is None for y in ys):
                continue
            labels = [r["phase"].replace("epaa-", "") for r in rows]
            where = _where(c, region)
            ax.plot(range(len(rows)), [np.nan if y is None else 100 * y for y in ys],
                    marker=markers.get(c["class"], "o"), ls=styles.get(region, ":"),
                    color=PACING_COLORS[k % len(PACING_COLORS)],
                    label=f"{c['class']} ({c['missile']}) - {region}{where}")
            k += 1
    if labels:
        ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(-3, 103)
    ax.set_ylabel("defended share of threatened area (%)")
    ax.set_title(f"Pacing: launches from {', '.join(table['launch_areas'])} (defended against all)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="best")
    fig.tight_layout()
    fig.savefig(path)


def draw_raid_chart(result, summary: dict, path) -> None:
    """Interceptors used vs magazine per battery; the distribution of leakers over the trials."""
    from matplotlib.figure import Figure

    bats = summary["batteries"]
    x = np.arange(len(bats))
    fig = Figure(figsize=(11, 4.2))
    ax1, ax2 = fig.subplots(1, 2)
    ax1.bar(x - 0.2, [b["magazine"] for b in bats], 0.4, color="#cccccc", label="magazine")
    mean = np.array([b["mean_used"] for b in bats])
    ax1.bar(x + 0.2, mean, 0.4, color="#3a6ea5", label="used (Monte Carlo mean)")
    ax1.errorbar(x + 0.2, mean, yerr=[np.zeros_like(mean), [b["max_used"] - m for b, m in zip(bats, mean)]],
                 fmt="none", ecolor="black", capsize=3, label="max used")
    ax1.set_xticks(x, [b["id"] for b in bats], rotation=30, ha="right")
    ax1.set_ylabel("interceptors")
    ax1.set_title("interceptors used vs magazine")
    ax1.legend(fontsize=8)
    leak = result.draws.leakers
    bins = np.arange(-0.5, max(int(leak.max()), 1) + 1.5)
    ax2.hist(leak, bins=bins, color="#a53a3a", rwidth=0.85, weights=np.full(leak.size, 1.0 / leak.size))
    ax2.axvline(summary["expected_leakers"], color="black", ls="--", label="expected (plan)")
    ax2.set_xlabel("leakers")
    ax2.set_ylabel("share of trials")
    ax2.set_title(f"leakers ({summary['monte_carlo']['trials']:,} trials, seed {summary['monte_carlo']['seed']})")
    ax2.legend(fontsize=8)
    fig.suptitle(f"{summary['raid']} vs {summary['architecture']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
