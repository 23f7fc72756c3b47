"""The chart of ``openbmd balance --sweep``: where defense starts to matter to deterrence.

Reads the ``sweep`` of :meth:`openbmd.analyses.balance.BalanceResult.summary`; computes nothing.
Left: the share of the warheads expected to arrive against the interceptor inventory, one line
per force size (the architecture's inventory today marked).  Right: the inventory at which
at most X warheads are expected to arrive, against the force size, one line per threshold
and decoy load (a threshold never reached has no point).
"""
from __future__ import annotations

from pathlib import Path


def sweep_figure(sweep: dict, title: str = ""):
    """The matplotlib Figure (Agg canvas, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11.0, 4.6), dpi=110)
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2)
    inv = sweep["inventories"]
    for i, (w, share) in enumerate(zip(sweep["warheads"], sweep["arriving_share"])):
        ax1.plot(inv, [100 * s for s in share], "o-", color=f"C{i}", ms=3, label=f"{w:,} warheads")
    ax1.axvline(sweep["current_inventory"], color="0.4", ls=":", lw=1)
    ax1.text(sweep["current_inventory"], 1, f" today {sweep['current_inventory']}", fontsize=7, color="0.3",
             va="bottom")
    ax1.set_xscale("log")
    ax1.set_ylim(0, 102)
    ax1.set_xlabel("interceptor inventory (rounds)")
    ax1.set_ylabel("warheads expected to arrive (%)")
    ax1.grid(True, which="both", alpha=0.3)
    ax1.legend(fontsize=7)
    styles = {0.0: "-", 1.0: "--", 3.0: ":"}
    thresholds = sorted({r["threshold_warheads"] for r in sweep["needed_inventory"]}, reverse=True)
    for row in sweep["needed_inventory"]:
        pts = [(w, n) for w, n in zip(sweep["warheads"], row["inventory"]) if n]
        if not pts:
            continue
        color = f"C{thresholds.index(row['threshold_warheads'])}"
        ax2.plot(*zip(*pts), marker="o", ms=3, color=color, ls=styles.get(row["decoys_per_warhead"], "-."),
                 label=f"<= {row['threshold_warheads']} arrive, {row['decoys_per_warhead']:g} decoys/warhead")
    ax2.axhline(sweep["current_inventory"], color="0.4", ls=":", lw=1)
    ax2.set_yscale("log")
    ax2.set_xlabel("warheads launched at the United States")
    ax2.set_ylabel("interceptors needed (rounds)")
    ax2.grid(True, which="both", alpha=0.3)
    ax2.legend(fontsize=6)
    fig.suptitle(title or "offense-defense balance", fontsize=9)
    fig.tight_layout()
    return fig


def write_balance_chart(path: Path, sweep: dict, title: str = "") -> Path:
    """Write the chart as PNG to ``path``."""
    sweep_figure(sweep, title).savefig(path)
    return path


def draw_balance_charts(section: dict | None, folder: Path) -> dict:
    """The sweep chart of every architecture of assess's ``balance`` section that engages any
    warhead: {architecture id: PNG path}."""
    pngs = {}
    for aid, s in ((section or {}).get("architectures") or {}).items():
        if s.get("sweep") and s["engageable_warheads"] > 0:
            pngs[aid] = write_balance_chart(Path(folder) / f"balance-{aid}.png", s["sweep"],
                                            f"{s['force']} vs {aid}")
    return pngs


def balance_section(section: dict | None, pngs: dict) -> dict | None:
    """The report section (blocks of :mod:`openbmd.report.html`) of assess's ``balance``."""
    if not section:
        return None
    f = section["force"]
    rows = []
    for aid, s in section["architectures"].items():
        lo, hi = s["arriving_interval"]
        rows.append([aid, s["doctrine"], s["interceptors"], s["warheads"], f"{100 * s['engageable_share']:.0f} %",
                     f"{s['expected_arriving']:,.1f}", f"{lo:,.0f}–{hi:,.0f}", f"{s['worst_case_arriving']:,.0f}"])
    blocks = [
        ("p", f"{f['name']}: {f['missiles']:,} missiles, {f['warheads']:,} warheads ({f['id']}; every count with its "
              "source in the force file), launched at the US targets of icbm-reach; the architectures' magazines "
              "allocated to the warheads their batteries can reach (icbm-reach's engageable cases), under each "
              "architecture's doctrine, with the catalog's notional Pk."),
        ("table", {"caption": "warheads that arrive (expected: mean field; 95 % of Monte Carlo trials; the "
                              "attacker's worst case: every interceptor that can reach a warhead destroys one)",
                   "columns": ["architecture", "doctrine", "interceptors", "warheads", "engageable",
                               "expected arriving", "95 % of trials", "worst case for the attacker"],
                   "rows": rows})]
    for aid, png in pngs.items():
        sw = section["architectures"][aid]["sweep"]
        blocks.append(("img", {"path": png, "alt": f"balance sweep {aid}",
                               "caption": f"{aid}: share of the warheads that arrive against the inventory, and the "
                                          "inventory at which at most X arrive, against the force size"}))
        blocks.append(("table", {"caption": f"{aid}: interceptors needed for at most X warheads to arrive "
                                            f"(— never; discrimination {sw['discrimination']:g})",
                                 "columns": ["X, decoys per warhead", *[f"{w:,} warheads" for w in sw["warheads"]]],
                                 "rows": [[f"{r['threshold_warheads']}, {r['decoys_per_warhead']:g}",
                                           *r["inventory"]] for r in sw["needed_inventory"]]
                                 + [[f"{r['threshold_warheads']}, 0, {r['variant']}", *r["inventory"]]
                                    for r in sw.get("needed_inventory_by_doctrine", [])]}))
        blocks.append(("list", sw["assumptions"]))
    first = next(iter(section["architectures"].values()), None)
    if first:
        blocks.append(("details", {"summary": "assumptions", "blocks": [("list", first["assumptions"])]}))
    return {"id": "balance", "title": "The offense-defense relationship", "blocks": blocks}
