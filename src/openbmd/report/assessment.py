"""The assessment written out: figures, ``assessment.json`` and the HTML report (:mod:`openbmd.report.html`).

Reads an :class:`openbmd.analyses.assess.Assessment`; computes nothing.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from openbmd._json import jsonable
from openbmd.errors import InputError
from openbmd.report.html import text, write_html

VERDICT_CSS = {"agrees": "agree", "partly": "partly", "disagrees": "disagree", "not evaluated": "muted"}


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def make_folder(out_dir) -> Path:
    """Create ``out_dir`` and its ``figures/`` (an InputError naming the folder when it cannot be)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"output folder {out}: exists and is not a folder")
    try:
        (out / "figures").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"output folder {out}: cannot create it ({exc.strerror or exc})") from None
    return out


def write_assessment(result, out_dir, *, progress=None) -> dict:
    """Write the figures, ``assessment.json`` and ``assessment.html`` of ``result`` into ``out_dir``.

    Returns {"html": path, "json": path}.  ``progress(stage, done, total)`` as in ``assess``.
    """
    from openbmd.report.charts import draw_pacing_chart
    from openbmd.report.coverage_map import draw_coverage_map
    from openbmd.report.reach_charts import write_reach_charts

    say = progress or (lambda stage, done, total: None)
    out = make_folder(out_dir)
    figures = out / "figures"
    maps = {}
    for k, ((aid, cls), r) in enumerate(result.coverage.items()):
        say("maps", k, len(result.coverage))
        maps[(aid, cls)] = draw_coverage_map(r, figures / f"coverage-{aid}-{cls.lower()}.png",
                                             resolved=result.resolved[aid], size_px=(1200, 980), dpi=120)
    if result.pacing:
        draw_pacing_chart(result.pacing, figures / "pacing.png")
    reach_charts = {aid: write_reach_charts(r, figures / f"reach-{aid}") for aid, r in result.icbm_reach.items()}
    doc = result.summary()
    sens_png = None
    if doc.get("sensitivity"):
        from openbmd.report.sensitivity_chart import write_tornado

        sens_png = write_tornado(doc["sensitivity"], figures / "sensitivity.png")
    from openbmd.report.balance_chart import balance_section, draw_balance_charts
    from openbmd.report.north_korea import north_korea_section

    extra = [balance_section(doc.get("balance"), draw_balance_charts(doc.get("balance"), figures)),
             north_korea_section(doc.get("north_korea"))]
    json_path = out / "assessment.json"
    json_path.write_text(json.dumps(jsonable(doc), indent=1), encoding="utf-8")
    say("report", 0, 1)
    html_path = write_report(out / "assessment.html", doc, result.coverage, maps, result.pacing,
                             figures / "pacing.png", doc["icbm_reach"], reach_charts, sens_png, extra)
    return {"html": html_path, "json": json_path}


def write_report(path, doc, cov, maps, pace, pacing_png, reach, reach_charts, sensitivity_png=None,
                 extra=()) -> Path:
    from openbmd.report.sensitivity_chart import sensitivity_section

    meta = doc["meta"]
    sens = doc.get("sensitivity")
    sections = [_summary(doc, cov, pace, reach), _coverage(cov, maps, meta), _pacing(pace, pacing_png),
                _reach(reach, reach_charts), *(x for x in (extra or ()) if x is not None),
                sensitivity_section(sens, sensitivity_png) if sens and sensitivity_png else None,
                _validation(doc["validation"]), _assumptions(doc["assumptions"]), _metadata(meta)]
    sections = [s for s in sections if s is not None]
    return write_html(path, "openbmd assessment of the EPAA debate",
                      f"openbmd {meta['openbmd_version']} · run {meta['started_utc']} · {meta['seconds']:.0f} s · "
                      f"architectures: {', '.join(meta['architectures'])}", sections)


def _summary(doc, cov, pace, reach):
    blocks = [("p", "Every number below is computed by openbmd from open-literature parameters, each with its "
                    "citation in the catalog (section 'Assumptions and sources'). Kill probabilities, reaction "
                    "times and ship stations are notional where nothing is public: read the results as what the "
                    "kinematics and the geometry allow, not as predictions of combat performance.")]
    rows = []
    for (aid, cls), r in sorted(cov.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        s = r.summary()
        rows.append([aid, cls, s["threat"], _pct(s["defended_area_fraction"]),
                     f"{s['population_defended'] / 1e6:.1f} / {s['population_total'] / 1e6:.1f} M",
                     f"{sum(c['defended'] for c in s['capitals'])} / {sum(c['threatened'] for c in s['capitals'])}"])
    if rows:
        blocks.append(("table", {"caption": f"Defended area of NATO Europe (launches from {doc['meta']['coverage_launch_area']})",
                                 "columns": ["architecture", "class", "missile", "defended share of threatened area",
                                             "population defended / threatened", "capitals defended / threatened"],
                                 "rows": rows}))
    rr = []
    for aid, s in reach.items():
        n = sum(c["engageable"] for c in s["cases"])
        rr.append([aid, len(s["cases"]), n, ", ".join(sorted({c["battery"] for c in s["cases"] if c["engageable"]})) or "—"])
    if rr:
        blocks.append(("table", {"caption": "Russian ICBMs bound for the United States: engageable cases",
                                 "columns": ["architecture", "cases (field x target x shape x battery)",
                                             "engageable", "by"], "rows": rr}))
    if doc.get("sensitivity"):
        from openbmd.report.sensitivity_chart import conditional

        blocks.append(("p", "What these verdicts rest on (section 'What the answers rest on'):"))
        blocks.append(("list", conditional(doc["sensitivity"])))
    v = doc["validation"]
    counts = {k: sum(c["verdict"] == k for c in v) for k in ("agrees", "partly", "disagrees")}
    blocks.append(("p", f"Against what open sources state: {counts['agrees']} claims agree, {counts['partly']} "
                        f"partly, {counts['disagrees']} disagree (section 'Sources compared')."))
    return {"id": "summary", "title": "Summary", "blocks": blocks}


def _coverage(cov, maps, meta):
    if not cov:
        return None
    blocks = [("p", f"For each architecture and each Iranian threat class, every land cell of NATO Europe on a "
                    f"{meta['map_grid_step_deg']:g}° grid (and every city) gets a minimum-energy trajectory "
                    f"from {meta['coverage_launch_area']}; a cell is defended when at least one battery can engage "
                    "it under the architecture's timeline (detection, firm track, reaction, fly-out, kill-vehicle "
                    "limits). Shading: probability of defense under the doctrine, batteries as independent layers; "
                    "vermilion: threatened but not defended.")]
    imgs = [{"path": p, "alt": f"{aid} {cls}", "caption": f"{aid}: {cls}"} for (aid, cls), p in maps.items()]
    blocks.append(("grid", imgs))
    caps = {}
    keys = sorted(cov)
    for k in keys:
        for c in cov[k].summary()["capitals"]:
            caps.setdefault(c["name"], {})[k] = c
    rows = []
    for name in sorted(caps):
        row = [name]
        for k in keys:
            c = caps[name].get(k)
            if c is None or not c["threatened"]:
                row.append(("class", ("muted", "not threatened")))
            else:
                row.append(("class", ("ok" if c["defended"] else "no", f"{c['p_defense']:.2f}")))
        rows.append(row)
    blocks.append(("details", {"summary": "Capitals: P(defense) per architecture and class", "blocks": [
        ("table", {"columns": ["capital"] + [f"{a} {c}" for a, c in keys], "rows": rows})]}))
    return {"id": "coverage", "title": "Defended area of NATO Europe", "blocks": blocks}


def _pacing(pace, png):
    if not pace:
        return None
    rows = []
    for c in pace["classes"]:
        for region, rs in c["regions"].items():
            for r in rs:
                rows.append([c["class"], c["missile"], region, r["phase"], str(r["year"]),
                             f"{r['threatened_area_km2'] / 1e6:.2f}", _pct(r["defended_area_fraction"]),
                             _pct(r["population_defended_fraction"])])
    firsts = [f"{c['class']}: " + ", ".join(f"{reg} {ph or 'no phase'}" for reg, ph in c["first_phase"].items())
              for c in pace["classes"]]
    return {"id": "pacing", "title": "Pacing: which phase defends what, against which class", "blocks": [
        ("p", f"Launches from {', '.join(pace['launch_areas'])}; a cell counts as defended only if it is defended "
              f"against every one of them; {pace['grid_step_deg']:g}° grid. A phase 'defends' a class in a region "
              f"when it defends at least {pace['defends_share']:.0%} of the threatened area."),
        ("list", [f"first phase that defends {f}" for f in firsts] + list(pace.get("notes", []))),
        ("table", {"caption": "where the threatened area lies (share of it per country, or part of the United "
                              "States)", "columns": ["class", "missile", "region", "threatened area lies in"],
                   "rows": _where_rows(pace)}),
        ("img", {"path": png, "caption": "defended share of the threatened area per phase"}),
        ("table", {"columns": ["class", "missile", "region", "phase", "year", "threatened area M km²",
                               "defended area", "defended population"], "rows": rows})]}


def _where_rows(pace):
    from openbmd.geo.parts import describe_parts

    return [[c["class"], c["missile"], region, describe_parts(shares, most=6)]
            for c in pace["classes"] for region, shares in c.get("threatened_in", {}).items()]


def _same_site_notes(reach) -> list[str]:
    """Where one battery site needs a different speed in different architectures, and why."""
    by = {}
    for aid, s in reach.items():
        for b in s.get("sites", []):
            by.setdefault(b["battery"], []).append((aid, b["interceptor"], b.get("slowest_needed_burnout_speed_km_s")))
    notes = []
    for battery, rows in by.items():
        speeds = {v for _, _, v in rows}
        if len(rows) > 1 and len(speeds) > 1:
            each = ", ".join(f"{aid} ({icp}) {'none within the sweep' if v is None else f'{v:g} km/s'}"
                             for aid, icp, v in rows)
            notes.append(f"{battery} needs a different speed in different architectures: {each}. The needed speed "
                         "is that of a variant of the battery's own interceptor, which keeps that interceptor's "
                         "burn time, launch mass and kill vehicle (its range and altitude caps scale from its own "
                         "catalog speed), so the same burnout speed means a different fly-out for each interceptor; "
                         "the architectures' sensors and command (reaction time, launch mode) differ too.")
    return notes


def _le(d: dict, key: str):
    """``d[key + '_km_s']``, as text with a leading \u2264 when ``d[key + '_bound']`` is 'at_most' (the sweep's floor)."""
    v = d.get(f"{key}_km_s")
    return f"\u2264{v:g}" if v is not None and d.get(f"{key}_bound") == "at_most" else v


def _reach(reach, charts):
    if not reach:
        return None
    blocks = [("p", "Every Russian ICBM field against every US target on minimum-energy, lofted and depressed "
                    "trajectories, engaged by every battery under the architecture's timeline. margin: how long "
                    "after its earliest possible launch the battery could still launch and intercept. needed speed: "
                    "the slowest interceptor burnout speed (sweep 3-7 km/s by 0.25 plus each interceptor's disputed "
                    "figures, e.g. GBI 6.3 and 8.5) at which the battery could engage; \u2264 3 where even the slowest "
                    "engages; none where even the fastest cannot (most often the threat is never in track: the "
                    "EPAA radars face Iran). "
                    "The reaction-time sweep repeats the speed search with the interceptor launched 0, 30, 60 and "
                    "120 s after firm track.")]
    notes = _same_site_notes(reach)
    if notes:
        blocks.append(("list", notes))
    for aid, s in reach.items():
        blocks.append(("h3", aid))
        site_rows = []
        for b in s.get("sites", []):
            site_rows.append([b["battery"], b["interceptor"], b.get("burnout_speed_km_s"), b["engageable_cases"],
                              b.get("max_margin_s"), _le(b, "slowest_needed_burnout_speed")])
        blocks.append(("table", {"columns": ["battery", "interceptor", "burnout speed km/s", "engageable cases",
                                             "largest margin s", "slowest needed speed km/s"], "rows": site_rows}))
        sweep = s.get("reaction_sweep") or []
        if sweep:
            times = sorted({r["reaction_s"] for r in sweep})
            by = {}
            for r in sweep:
                by.setdefault((r["battery"], r["interceptor"], r.get("burnout_speed_km_s")), {})[r["reaction_s"]] = r

            def cell(r):
                if r is None:
                    return None
                need = _le(r, "slowest_needed_burnout_speed")
                need = "—" if need is None else need if isinstance(need, str) else f"{need:g}"
                return f"{r['engageable_cases_at_own_speed']} / {need}"

            blocks.append(("table", {
                "caption": "reaction-time sweep: cases engageable at the interceptor's own speed / slowest "
                           "burnout speed (km/s) that would engage any case",
                "columns": ["battery", "interceptor", "own km/s"] + [f"{t:g} s" for t in times],
                "rows": [[b, i, v] + [cell(rows.get(t)) for t in times] for (b, i, v), rows in by.items()]}))
        eng = [c for c in s["cases"] if c["engageable"] or c["needed_burnout_speed_km_s"] is not None]
        if eng:
            blocks.append(("details", {"summary": f"{len(eng)} cases engageable at some speed of the sweep", "blocks": [
                ("table", {"columns": ["field", "target", "shape", "battery", "engageable", "margin s", "needed km/s"],
                           "rows": [[c["field"], c["target"], c["shape"], c["battery"], c["engageable"],
                                     c["margin_s"], _le(c, "needed_burnout_speed")] for c in eng]})]}))
        imgs = [{"path": p, "caption": f"{aid}: {Path(p).stem}"} for p in charts.get(aid, [])]
        if imgs:
            blocks.append(("details", {"summary": "charts per battery site", "blocks": [("grid", imgs)]}))
    return {"id": "icbm-reach", "title": "Could the SM-3 threaten Russian ICBMs?", "blocks": blocks}


def _validation(claims):
    rows = [[c["claim"], c["source"], c["openbmd"], ("class", (VERDICT_CSS.get(c["verdict"], ""), c["verdict"])),
             c["why"]] for c in claims]
    return {"id": "sources", "title": "Sources compared", "blocks": [
        ("p", "What open sources state, held against what openbmd computes. Flags: S seen in a stored source, "
              "M commonly quoted and not verified here (docs/research/architectures.md). Where openbmd does not "
              "agree, the last column says why."),
        ("table", {"columns": ["claim", "source", "openbmd", "verdict", "why"], "rows": rows})]}


def _assumptions(a):
    blocks = [("list", a["notional"])]
    for arch in a["architectures"]:
        blocks.append(("h3", f"{arch['id']}: {arch['name']} ({arch['year']}, {arch['status']})"))
        blocks.append(("p", arch["description"]))
        cmd = arch["command"]
        blocks.append(("p", f"Command: reaction {cmd['reaction_s']:g} s, doctrine {cmd['doctrine']}, kill assessment "
                            f"{cmd['look_s']:g} s, early warning {cmd['early_warning'] or 'none'}. {cmd['source']}"))
        blocks.append(("table", {"caption": "sensors", "columns": ["id", "sensor", "lat", "lon", "site", "party",
                                                                   "source"],
                                 "rows": [[s["id"], s["sensor"], s["lat_deg"], s["lon_deg"], s.get("site"),
                                           s["party"], s["source"]] for s in arch["sensors"]]}))
        blocks.append(("table", {"caption": "batteries",
                                 "columns": ["id", "interceptor", "lat", "lon", "magazine", "fire control",
                                             "engage on remote", "notional station", "source"],
                                 "rows": [[b["id"], b["interceptor"], b["lat_deg"], b["lon_deg"], b["magazine"],
                                           b["fire_control"], b["engage_on_remote"], b.get("notional_station"),
                                           b["source"]]
                                          for b in arch["batteries"]]}))
        if arch["sources"]:
            blocks.append(("list", [f"{k}: {v}" for k, v in arch["sources"].items()]))
    blocks.append(("h3", "Interceptors"))
    blocks.append(("table", {"columns": ["id", "burnout speed km/s", "published spread", "intercept altitude km",
                                         "range cap km", "Pk (notional?)", "sources"],
                             "rows": [[i["id"], i["burnout_speed_km_s"], _span(i["burnout_speed_spread_km_s"]),
                                       f"{i['min_intercept_alt_km']:g}–{i['max_intercept_alt_km']:g}",
                                       _cap(i["max_range_km"]),
                                       f"{i['pk_single_shot']:g} ({'yes' if i['pk_notional'] else 'no'})",
                                       "; ".join(f"{k}: {v}" for k, v in i["sources"].items())]
                                      for i in a["interceptors"]]}))
    blocks.append(("h3", "Threat missiles"))
    blocks.append(("table", {"columns": ["class", "id", "country", "published range km", "notes"],
                             "rows": [[m["class"], m["id"], m["country"], _span(m["published_range_km"]), m["notes"]]
                                      for m in a["missiles"]]}))
    return {"id": "assumptions", "title": "Assumptions and sources", "blocks": blocks}


def _span(v) -> str:
    """A published spread [low, high] as "low–high" (one value as itself, none as a dash)."""
    vals = [x for x in (v or []) if x is not None]
    if not vals:
        return "—"
    return "–".join(f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}" for x in (vals if len(vals) > 1 else vals[:1]))


def _cap(km) -> str:
    """A kill vehicle's range cap: a number, or none (the fly-out tables alone bound it)."""
    if km is None or not math.isfinite(km):
        return "none (fly-out bound)"
    return f"{km:,.0f}"


def _metadata(meta):
    rows = [[k, text(v)] for k, v in meta.items()]
    if "git_commit" not in meta:  # an assessment.json written before the commit was recorded
        rows.append(["git_commit", "unknown"])
    return {"id": "run", "title": "Run", "blocks": [("table", {"columns": ["key", "value"], "rows": rows})]}
