"""What open sources state, held against what openbmd computes.

Each claim quotes its source (flags as in docs/research/architectures.md: S seen in a
stored source, M commonly quoted and not verified here) and is evaluated on the
results of an assessment run: verdict ``agrees``, ``partly`` or ``disagrees``
(or ``not evaluated`` when the run lacks what the claim needs), with openbmd's
numbers and, where it does not agree, why.  The unit tests in
tests/validation/test_debate_claims.py hold the same claims as assertions.
"""
from __future__ import annotations

import numpy as np

SOUTH_EAST = {"Turkey", "Greece", "Bulgaria", "Romania"}


def _threatened_countries(r, min_share: float = 0.02) -> list[str]:
    reg, c = r.region, r.cells
    a = reg.area_km2
    tot = a[c.threatened].sum()
    if tot <= 0:
        return []
    names, shares = np.unique(reg.country[c.threatened], return_inverse=True)
    per = np.bincount(shares, weights=a[c.threatened])
    return [str(n) for n, s in zip(names, per) if s / tot >= min_share]


def _capitals(r, defended: bool | None = None) -> list[str]:
    cr = r.city_results
    out = []
    for i, c in enumerate(r.cities):
        if not c.capital or not cr.threatened[i]:
            continue
        if defended is None or bool(cr.engageable[i]) == defended:
            out.append(c.name)
    return out


def _distance_note(r) -> str:
    """Median distance from the launch area of undefended and defended threatened cells."""
    from openbmd.earth.geodesy import geodesic_inverse

    c = r.cells
    thr = c.threatened
    if not thr.any():
        return ""
    lat, lon = r.region.lat_deg[thr], r.region.lon_deg[thr]
    d = np.asarray(geodesic_inverse(np.full(lat.size, r.launch_lat_deg), np.full(lat.size, r.launch_lon_deg),
                                    lat, lon)[0]) / 1e3
    und = ~c.engageable[thr]
    if not und.any():
        return ""
    du = float(np.median(d[und]))
    parts = [f"undefended cells lie at a median {du:,.0f} km from {r.launch_name}"]
    near = True
    if (~und).any():
        dd = float(np.median(d[~und]))
        parts.append(f"defended ones at {dd:,.0f} km")
        near = du < dd
    why = ("short flights close to the launch area leave no time between firm track, reaction and the kill "
           "vehicle's minimum intercept altitude" if near else
           "the far cells' trajectories pass beyond the interceptors' reach or outside the radars' view")
    return "; ".join(parts) + f" ({why})"


def _frac(r, countries=None) -> float | None:
    reg, c = r.region, r.cells
    m = c.threatened if countries is None else c.threatened & np.isin(reg.country, list(countries))
    tot = reg.area_km2[m].sum()
    return float(reg.area_km2[m & c.engageable].sum() / tot) if tot > 0 else None


def _verdict(x, good, fair) -> str:
    if x is None:
        return "not evaluated"
    return "agrees" if x >= good else "partly" if x >= fair else "disagrees"


def evaluate_claims(cov: dict, pace: dict | None, reach: dict, *, area: str = "Tabriz") -> list[dict]:
    """``cov``: {(architecture id, class): CoverageResult}; ``pace``: the pacing table; ``reach``:
    {architecture id: icbm-reach summary}.  Returns one dict per claim."""
    out = []

    def claim(cid, source, statement, result, verdict, why=""):
        out.append({"id": cid, "source": source, "claim": statement, "openbmd": result, "verdict": verdict,
                    "why": why})

    # 1. who the 2,000 km Iranian missiles can reach
    r = cov.get(("epaa-phase-1", "MRBM"))
    src = ("S: Arms Control Association, 18 May 2016 [A6]; seed brief A (2012): Iranian missiles 'can now reach "
           "Turkey and parts of Greece, Bulgaria and Romania'")
    stmt = "Iran's longest-range missiles (~2,000 km) reach NATO's Turkey, Greece, Bulgaria and Romania."
    if r is not None:
        got = _threatened_countries(r)
        extra = sorted(set(got) - SOUTH_EAST)
        claim("reach-of-iranian-mrbm", src, stmt,
              f"{r.missile_id} from {r.launch_name} threatens: {', '.join(got) or 'nothing'}",
              "agrees" if set(got) >= {"Turkey"} and not extra else "partly",
              "" if not extra else f"openbmd's {r.missile_id} also reaches {', '.join(extra)} (its modelled range "
                                   "is at the top of the published spread)")
    else:
        claim("reach-of-iranian-mrbm", src, stmt, "epaa-phase-1 not in this run", "not evaluated")

    # 2. Phase 1: one ship covers the south-east only
    if r is not None:
        f = _frac(r)
        claim("phase-1-south-east", "S: MDA map, Aug 2009 (Reuters [A4]); NATO interim capability, Chicago 2012 [A60]",
              "Phase 1 (one Aegis ship with SM-3 IA in the eastern Mediterranean, TPY-2 in Turkey) defends part of "
              "south-eastern NATO Europe, not all of it.",
              f"Phase 1 defends {f:.0%} of the area {r.missile_id} threatens; capitals defended: "
              f"{', '.join(_capitals(r, True)) or 'none'}; not defended: {', '.join(_capitals(r, False)) or 'none'}",
              "agrees" if f is not None and 0.0 < f < 0.9 else "partly" if f else "disagrees",
              _distance_note(r))

    # 3. Phase 2 covers southern NATO Europe
    r2 = cov.get(("epaa-phase-2", "MRBM"))
    if r2 is not None:
        f = _frac(r2, SOUTH_EAST)
        claim("phase-2-southern-europe", "S: NATO Warsaw summit communique, 8-9 July 2016 [A61]",
              "Phase 2 (ships, TPY-2 at Kurecik, Aegis Ashore Deveselu with SM-3 IB) defends 'southern NATO Europe'.",
              f"Phase 2 defends {f:.0%} of the threatened area of Turkey, Greece, Bulgaria and Romania; "
              f"{_frac(r2):.0%} of all the area {r2.missile_id} threatens",
              _verdict(f, 0.9, 0.6), _distance_note(r2) if (f or 0) < 0.9 else "")

    # 4. Phase 3 covers the whole continent
    for cls in ("MRBM", "IRBM", "ICBM"):
        r3 = cov.get(("epaa-phase-3", cls))
        if r3 is None:
            continue
        f = _frac(r3)
        und = _capitals(r3, False)
        claim(f"phase-3-all-europe-{cls.lower()}",
              "S: Washington Post graphic, 31 July 2010 [A7]; NATO Lisbon summit aim, Nov 2010 [A2]",
              "Phase 3 is 'designed to cover the entire European continent by 2018' ('full coverage and protection "
              "for all NATO European populations, territory, and forces').",
              f"against the {cls} ({r3.missile_id}) from {r3.launch_name}: {f:.0%} of the threatened area defended; "
              f"capitals not defended: {', '.join(und) or 'none'}",
              "agrees" if (f or 0) >= 0.95 and not und else "partly" if (f or 0) >= 0.7 else "disagrees",
              _distance_note(r3))

    # 5. Phase 4 and the defence of the United States
    if pace:
        icbm = next((c for c in pace["classes"] if c["class"] == "ICBM"), None)
        rows = (icbm or {}).get("regions", {}).get("us", [])
        p4 = next((x for x in rows if x["phase"] == "epaa-phase-4"), None)
        if p4 is not None and p4["defended_area_fraction"] is not None:
            f = p4["defended_area_fraction"]
            claim("phase-4-us-defence",
                  "S: GAO-13-382R via SpaceNews, Feb 2013 [A12] (IIBs in Poland 'would have to be launched ... while "
                  "the attacking missiles are still in their boost phase'); NRC 2012 via SpaceNews [A12b] ('would do "
                  "little to protect the eastern United States')",
                  "EPAA Phase 4 (SM-3 IIB in Poland) adds little to the defence of the United States against Iranian ICBMs.",
                  f"Phase 4 defends {f:.0%} of the US area the Iranian ICBM threatens (launches from "
                  f"{', '.join(pace['launch_areas'])})",
                  "agrees" if f < 0.2 else "partly" if f < 0.5 else "disagrees",
                  "" if f < 0.2 else "openbmd's SM-3 IIB (notional figures) reaches the tracks in time from Poland")

    # 6. EPAA phases 1-3 against Russian ICBMs
    ph = [a for a in ("epaa-phase-1", "epaa-phase-2", "epaa-phase-3") if a in reach]
    if ph:
        hits, total = [], 0
        for a in ph:
            for c in reach[a]["cases"]:
                total += 1
                if c["engageable"]:
                    hits.append((a, c))
        by = sorted({f"{a}/{c['battery']}" for a, c in hits})
        claim("phases-1-3-vs-russian-icbms",
              "S: seed brief A (2012); M: Wilkening, Survival 54:1 (2012); M: NRC 2012",
              "EPAA Phases 1-3 have no capability against Russian ICBMs bound for the United States.",
              f"{len(hits)} of {total} (field, target, shape, battery) cases engageable"
              + (f", all by {', '.join(by)}" if by else ""),
              "agrees" if not hits else "partly",
              "" if not hits else "the engageable cases are " + ", ".join(sorted({c['shape'] for _, c in hits}))
              + " trajectories engaged from the batteries listed; the land sites at Deveselu and Redzikowo engage none. "
              "Ship stations are notional (N) choices: a ship in the North Sea sits under the tracks from the "
              "western fields")
    if "epaa-phase-4" in reach:
        cases = reach["epaa-phase-4"]["cases"]
        n = sum(c["engageable"] for c in cases)
        frac = n / len(cases) if cases else 0.0
        by = sorted({c["battery"] for c in cases if c["engageable"]})
        claim("phase-4-vs-russian-icbms",
              "S: seed brief A (2012): 'It is difficult to see the SM-3, even in Phase 4, posing much if any threat "
              "to Russian ICBMs'; S: Gen. Tretyak (seed brief B): Phases 3-4 'a real threat to our strategic "
              "nuclear forces'",
              "Even in Phase 4 the SM-3 poses little if any threat to Russian ICBMs.",
              f"{n} of {len(cases)} cases engageable ({frac:.1%})" + (f", by {', '.join(by)}" if by else ""),
              "agrees" if frac < 0.05 else "partly" if frac < 0.25 else "disagrees",
              "" if frac < 0.05 else "see the icbm-reach tables: which fields, targets and shapes")
    if "third-site-2007" in reach:
        cases = reach["third-site-2007"]["cases"]
        n = sum(c["engageable"] for c in cases)
        claim("third-site-tail-chase",
              "S: MDA via Heritage 2008 [A52]: Poland GBIs 'not fast enough to catch a Russian land-based ICBM in "
              "a tail-chase scenario'; S: Postol: two-stage GBI 'closer to nine kilometers per second' [int]",
              "The ten two-stage GBIs planned for Poland (2007) could not catch Russian ICBMs.",
              f"{n} of {len(cases)} cases engageable",
              "agrees" if n == 0 else "partly",
              "" if n == 0 else "head-on geometries from the western fields, not tail chases")
    return out
