"""The North Korea section of the assessment report: reach table, coverage and raid figures.

Reads the ``north_korea`` section of ``assessment.json``
(:meth:`openbmd.analyses.north_korea.NorthKoreaResult.summary`); computes nothing.
"""
from __future__ import annotations


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def _reach_rows(cases: list[dict]) -> list[list]:
    """One row per (architecture, area, missile, target, shape); a cell per battery: margin or no."""
    rows, index = [], {}
    for c in cases:
        key = (c["architecture"], c["area"], c["missile"], c["target"], c["shape"])
        if key not in index:
            index[key] = len(rows)
            rows.append([*key, []])
        verdict = f"{c['battery']}: " + (f"yes, margin {c['margin_s']:,.0f} s" if c["engageable"]
                                         else f"no ({c['reason']})" if c.get("reason") else "no")
        rows[index[key]][-1].append(verdict)
    return [[*r[:-1], "; ".join(r[-1])] for r in rows]


def north_korea_section(nk: dict | None) -> dict | None:
    """The report section (blocks of :mod:`openbmd.report.html`)."""
    if not nk:
        return None
    if not nk["architectures"]:
        return {"id": "north-korea", "title": "North Korea", "blocks": [
            ("p", "No architecture of this run has a battery in the Pacific: nothing engages North Korean "
                  f"missiles ({', '.join(nk['skipped_no_pacific_battery'])}).")]}
    blocks = [("p", "GMD and the other architectures with batteries in the Pacific against North Korean missiles "
                    "toward the United States, Japan and Guam: which battery can engage which launch area x "
                    "missile x target x shape (icbm-reach's timeline), the defended share of Japan and of the "
                    "United States, and two raids. Architectures of the run without a Pacific battery "
                    f"({', '.join(nk['skipped_no_pacific_battery']) or 'none'}) are left out."),
              ("list", nk["assumptions"]),
              ("table", {"caption": "engageable cases per target (launch area x missile x shape x battery)",
                         "columns": ["architecture", "target", "cases", "engageable"],
                         "rows": [[t["architecture"], t["target"], t["cases"], t["engageable"]]
                                  for t in nk["by_target"]]})]
    cov = [[c["architecture"], c["region"], c["threat"], c["launch_area"], c["grid_step_deg"],
            _pct(c["defended_area_fraction"])] for c in nk["coverage"]]
    blocks.append(("table", {"caption": "coverage: defended share of the threatened area",
                             "columns": ["architecture", "region", "missile", "from", "grid deg", "defended"],
                             "rows": cov}))
    raid = []
    for aid, by_f in nk["raid"].items():
        for by_d in by_f.values():
            for d, s in by_d.items():
                lo, hi = s["arriving_interval"]
                raid.append([aid, s["force"], d, s["warheads"], s["interceptors"], s["doctrine"],
                             f"{100 * s['engageable_share']:.0f} %", f"{s['expected_arriving']:.2f}",
                             f"{lo:g}–{hi:g}", f"{s['worst_case_arriving']:g}"])
    blocks.append(("table", {"caption": "raids: North Korean ICBMs at US targets, Nodong and Taepodong-2 at Japan "
                                        "and Guam (openbmd balance; decoys notional, discrimination 0.5)",
                             "columns": ["architecture", "force", "decoys per warhead", "warheads", "interceptors",
                                         "doctrine", "engageable", "expected arriving", "95 % of trials",
                                         "worst case for the attacker"], "rows": raid}))
    blocks.append(("details", {"summary": "every case: which battery engages, with its margin", "blocks": [
        ("table", {"columns": ["architecture", "area", "missile", "target", "shape", "batteries"],
                   "rows": _reach_rows(nk["cases"])})]}))
    if nk["unreachable"]:
        blocks.append(("details", {"summary": f"{len(nk['unreachable'])} launch area x missile x target x shape "
                                              "out of the missile's reach", "blocks": [
            ("table", {"columns": ["threat set", "area", "missile", "target", "shape", "why"],
                       "rows": [[u["threat_set"], u["field"], u["missile"], u["target"], u["shape"], u["why"]]
                                for u in nk["unreachable"]]})]}))
    return {"id": "north-korea", "title": "North Korea", "blocks": blocks}
