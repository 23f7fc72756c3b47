"""The tornado chart of ``openbmd sensitivity``: which figure moves which answer, and how far.

One panel per metric (engageable Russian ICBM cases of each architecture, the defended share
of the coverage case), one bar per figure: from the metric at the figure's low value to the
metric at its high value, around a vertical line at the nominal answer; the low end blue, the
high end orange; a figure that flips a verdict is starred.  Reads the JSON summary of
:class:`openbmd.analyses.sensitivity.SensitivityResult`; computes nothing.
"""
from __future__ import annotations

from pathlib import Path

LOW, HIGH = "#1f77b4", "#ff7f0e"


def metrics(summary: dict) -> list[tuple[str, str, object]]:
    """(key, panel title, getter metrics -> number) of every metric of the summary."""
    out = []
    n = summary["nominal"]["cases"]
    for a in summary["nominal"]["reach"]:
        out.append((f"reach:{a}", f"{a}: engageable ICBM cases (of {n})",
                    lambda m, a=a: m["reach"][a]["engageable_cases"]))
    if summary["nominal"].get("coverage"):
        c = summary["coverage_case"]
        out.append(("coverage", f"{c['architecture']} vs {c['missile']} from {c['area']}: defended share (%)",
                    lambda m: 100.0 * m["coverage"]["defended_area_fraction"]))
    return out


def _value(v) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def tornado_figure(summary: dict):
    """The matplotlib Figure (Agg canvas, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figs = summary["figures"]
    panels = metrics(summary)
    flipped = {f["figure"] for f in summary["flips"]}
    ncol = min(2, len(panels))
    nrow = -(-len(panels) // ncol)
    fig = Figure(figsize=(5.0 * ncol + 3.6, nrow * (0.34 * len(figs) + 1.2) + 0.6), dpi=110)
    FigureCanvasAgg(fig)
    grid = fig.subplots(nrow, ncol, sharey=True, squeeze=False)
    axes = grid.ravel()
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    labels = [f"{'* ' if f['name'] in flipped else ''}{f['name']} "
              f"({_value(f['low_value'])} | {_value(f['nominal_value'])} | {_value(f['high_value'])})" for f in figs]
    ys = list(range(len(figs)))[::-1]
    for ax, (_, title, get) in zip(axes, panels):
        nom = get(summary["nominal"])
        for y, f in zip(ys, figs):
            lo, hi = get(f["low"]), get(f["high"])
            ax.barh(y, lo - nom, left=nom, color=LOW, height=0.6)
            ax.barh(y, hi - nom, left=nom, color=HIGH, height=0.6)
            if lo == nom and hi == nom:
                ax.plot([nom], [y], "|", color="0.4", ms=8)
        ax.axvline(nom, color="black", lw=1)
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    for row in grid:
        row[0].set_yticks(ys)
        row[0].set_yticklabels(labels, fontsize=8)
    fig.suptitle("What the answers rest on: each figure at its low (blue) and high (orange) value "
                 "(* flips a verdict; labels: low | nominal | high)", fontsize=10)
    fig.tight_layout()
    return fig


def write_tornado(summary: dict, path: Path) -> Path:
    path = Path(path)
    tornado_figure(summary).savefig(path)
    return path


def sensitivity_section(summary: dict, png) -> dict:
    """The report section (blocks of :mod:`openbmd.report.html`): the tornado and the table."""
    cs = summary["case_set"]
    panels = metrics(summary)
    rows = []
    for f in summary["figures"]:
        vals = " | ".join(_value(f[k]) for k in ("low_value", "nominal_value", "high_value"))
        cells = [" | ".join(_num(get(f[e]) if e != "nominal" else get(summary["nominal"]))
                            for e in ("low", "nominal", "high")) for _, _, get in panels]
        rows.append([f["name"], f["label"], vals, *cells, f["why"]])
    at = at_each_figure(summary)
    each = [("p", "Each answer at each disputed burnout speed (the catalog's spread and its choice), everything "
                  "else nominal:"), ("list", at)] if at else []
    return {"id": "sensitivity", "title": "What the answers rest on", "blocks": [
        ("p", f"Each notional or disputed figure at the low and the high end of its plausible range, everything "
              f"else nominal, on {'every' if cs['full'] else 'a reduced set of'} {cs['cases']} Russian ICBM cases ("
              f"{', '.join(cs['fields'])} x {', '.join(cs['targets'])} x {', '.join(cs['shapes'])}) and the "
              "coverage case on a coarse grid. A verdict that flips is conditional on that figure."),
        ("list", conditional(summary)),
        *each,
        ("img", {"path": png, "caption": "tornado: each metric at the figure's low (blue) and high (orange) value"}),
        ("table", {"columns": ["figure", "what", "low | nominal | high", *[t for _, t, _ in panels], "why"],
                   "rows": rows})]}


def conditional(summary: dict) -> list[str]:
    """Each verdict of the run as a conditional statement: true or false at the nominal figures,
    and the figures (at which end of their range) that turn it."""
    out = []
    for v in summary["verdicts"]:
        if v["nominal"] is None:
            continue
        by = [f"{f['figure']} at {_value(f['value'])}" for f in summary["flips"] if f["verdict"] == v["name"]]
        now = "true" if v["nominal"] else "false"
        out.append(f"{v['text']}: {now} at the nominal figures; " + (
            f"{'false' if v['nominal'] else 'true'} with {', '.join(by)}" if by else "no figure's range turns it"))
    # issue 13 item 6: the answers that rest on a notional ship station say so
    out.extend(n["text"] for n in summary.get("notional_stations", []) if n["engageable_cases"] > 0)
    return out


def at_each_figure(summary: dict, suffix: str = "-burnout-speed") -> list[str]:
    """Each architecture's engageable cases at each value of the disputed burnout speeds (the GBI's
    6.3 / 7 / 8.5 km/s...), everything else nominal."""
    n = summary["nominal"]["cases"]
    out = []
    for f in summary["figures"]:
        if not f["name"].endswith(suffix):
            continue
        for a, got in f.get("engageable_cases_at", {}).items():
            vals = sorted(got, key=float)
            out.append(f"{a}, {f['label']} {' / '.join(vals)}: engages {' / '.join(str(got[v]) for v in vals)} "
                       f"of {n} cases")
    return out


def _num(v) -> str:
    return f"{v:.1f}" if isinstance(v, float) else str(v)
