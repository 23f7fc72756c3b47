"""The summary plot of a sweep: the metric against reaction time, a panel per threat, a line per
architecture and burnout speed (reads the table's rows; computes nothing)."""
from __future__ import annotations

from pathlib import Path

LABELS = {"coverage": "defended share of the threatened area", "icbm-reach": "engageable cases"}


def draw_sweep_chart(rows: list[dict], path: Path, *, title: str) -> None:
    from matplotlib.figure import Figure

    threats = list(dict.fromkeys(r["threat"] for r in rows))
    fig = Figure(figsize=(5 * len(threats), 3.8))
    axes = fig.subplots(1, len(threats), squeeze=False)
    reactions = sorted({r["reaction_s"] for r in rows if r["reaction_s"] is not None})
    for ax, threat in zip(axes[0], threats):
        lines: dict = {}
        for r in rows:
            if r["threat"] == threat:
                v = "catalog" if r["burnout_speed_km_s"] is None else f"{r['burnout_speed_km_s']:g} km/s"
                lines.setdefault(f"{r['architecture']}, {v}", []).append(r)
        for label, rs in lines.items():
            xs = [-1.0 if r["reaction_s"] is None else r["reaction_s"] for r in rs]
            ax.plot(xs, [r["value"] for r in rs], marker="o", label=label)
        ax.set_title(threat)
        ax.set_xlabel("reaction time, s" + (" (-1: the architecture's own)" if not reactions else ""))
        ax.set_ylabel(LABELS.get(rows[0]["metric"], "value"))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
