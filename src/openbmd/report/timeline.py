"""The engagement timeline as a picture: the threat's altitude against time, the
events of the kill chain, and the battle space shaded.  Presentation only (a bare
matplotlib Figure: no pyplot state, the caller's backend left alone)."""
from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

import openbmd

_EVENTS = {"early warning": "#6a3d9a", "first radar detection": "#1f78b4", "firm track": "#33a02c",
           "first interceptor launch": "#e31a1c"}


def draw_timeline(result, path, *, size_px=(1400, 700), dpi=140) -> Path:
    """Write the timeline picture of an :class:`openbmd.engagement.engage.EngagementResult`."""
    tr = result.threat.trajectory
    tl = result.timeline
    fig = Figure(figsize=(size_px[0] / dpi, size_px[1] / dpi), dpi=dpi)
    ax = fig.add_subplot()
    ax.plot(tr.t_s, tr.alt_m / 1e3, color="#333333", lw=2, label=f"threat ({tr.name})")
    if tl.earliest_intercept_s is not None:
        ax.axvspan(tl.earliest_intercept_s, tl.latest_intercept_s, color="#fdbf6f", alpha=0.5,
                   label="battle space (intercept window)")
    for name, t in tl.rows():
        if name in _EVENTS and t is not None:
            ax.axvline(t, color=_EVENTS[name], ls="--", lw=1.2, label=f"{name} {t:.0f} s")
    title = ("engageable" if result.engageable else f"not engageable: {result.reason}")
    ax.set_title(f"Engagement timeline — {title}; {result.doctrine.name}, P(kill) {result.p_kill:.2f}")
    ax.set_xlabel("time after threat launch (s)")
    ax.set_ylabel("threat altitude (km)")
    ax.set_xlim(0, tl.impact_s)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    fig.text(0.99, 0.01, f"openbmd {openbmd.__version__}", ha="right", fontsize=7, color="#777777")
    fig.tight_layout()
    fig.savefig(path)
    return Path(path)
