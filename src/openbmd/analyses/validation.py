"""What open sources state, held against what openbmd computes.

The claims, their sources and the thresholds of their verdicts are data
(``data/debate_claims.toml``; flags as in docs/research/architectures.md: S seen in a
stored source, M commonly quoted and not verified here); here is one evaluator per
claim id, run on the results of an assessment: verdict ``agrees``, ``partly`` or
``disagrees`` (or ``not evaluated`` when the run lacks what the claim needs), with
openbmd's numbers and, where it does not agree, why.  The file and the evaluators are
checked against each other when the file is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from openbmd.errors import InputError

CLAIMS_FILE = "debate_claims.toml"  #: in openbmd/data


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One claim of ``data/debate_claims.toml``: what a source states, and how openbmd grades it."""

    id: str
    source: str
    claim: str
    params: dict = field(default_factory=dict)  #: the evaluator's other keys (architecture, thresholds ...)

    def __getitem__(self, key):
        return self.params[key]


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


def _reach_of_iranian_mrbm(c: Claim, ctx, claim):
    r = ctx.cov.get((c["architecture"], c["threat_class"]))
    if r is None:
        claim(c, f"{c['architecture']} not in this run", "not evaluated")
        return
    south_east = set(south_east_countries())
    got = _threatened_countries(r, c["min_country_share"])
    extra = sorted(set(got) - south_east)
    claim(c, f"{r.missile_id} from {r.launch_name} threatens: {', '.join(got) or 'nothing'}",
          "agrees" if set(got) >= {"Turkey"} and not extra else "partly",
          "" if not extra else f"openbmd's {r.missile_id} also reaches {', '.join(extra)} (its modelled range "
                               "is at the top of the published spread)")


def _phase_1_south_east(c: Claim, ctx, claim):
    r = ctx.cov.get((c["architecture"], c["threat_class"]))
    if r is None:
        return
    f = _frac(r)
    claim(c, f"Phase 1 defends {f:.0%} of the area {r.missile_id} threatens; capitals defended: "
             f"{', '.join(_capitals(r, True)) or 'none'}; not defended: {', '.join(_capitals(r, False)) or 'none'}",
          "agrees" if f is not None and 0.0 < f < c["agrees_below"] else "partly" if f else "disagrees",
          _distance_note(r))


def _phase_2_southern_europe(c: Claim, ctx, claim):
    r2 = ctx.cov.get((c["architecture"], c["threat_class"]))
    if r2 is None:
        return
    f = _frac(r2, south_east_countries())
    claim(c, f"Phase 2 defends {f:.0%} of the threatened area of Turkey, Greece, Bulgaria and Romania; "
             f"{_frac(r2):.0%} of all the area {r2.missile_id} threatens",
          _verdict(f, c["agrees_at_least"], c["partly_at_least"]),
          _distance_note(r2) if (f or 0) < c["agrees_at_least"] else "")


def _phase_3_all_europe(c: Claim, ctx, claim):
    for cls in c["threat_classes"]:
        r3 = ctx.cov.get((c["architecture"], cls))
        if r3 is None:
            continue
        f = _frac(r3)
        und = _capitals(r3, False)
        claim(c, f"against the {cls} ({r3.missile_id}) from {r3.launch_name}: {f:.0%} of the threatened area "
                 f"defended; capitals not defended: {', '.join(und) or 'none'}",
              "agrees" if (f or 0) >= c["agrees_at_least"] and not und
              else "partly" if (f or 0) >= c["partly_at_least"] else "disagrees",
              _distance_note(r3), cid=f"{c.id}-{cls.lower()}")


def _phase_4_us_defence(c: Claim, ctx, claim):
    pace = ctx.pace
    if not pace:
        return
    icbm = next((x for x in pace["classes"] if x["class"] == c["threat_class"]), None)
    rows = (icbm or {}).get("regions", {}).get("us", [])
    p4 = next((x for x in rows if x["phase"] == c["architecture"]), None)
    if p4 is None or p4["defended_area_fraction"] is None:
        return
    f = p4["defended_area_fraction"]
    where = _where_us(icbm.get("threatened_in", {}).get("us"))
    claim(c, f"Phase 4 defends {f:.0%} of the US area the Iranian ICBM threatens (launches from "
             f"{', '.join(pace['launch_areas'])}){where}",
          "agrees" if f < c["agrees_below"] else "partly" if f < c["partly_below"] else "disagrees",
          "" if f < c["agrees_below"] else "openbmd's SM-3 IIB (notional figures) reaches the tracks in time from "
                                           "Poland")


def _where_us(shares) -> str:
    """Where the threatened US area lies, and whether the eastern states the GAO/NRC statements
    are about are in it (the contiguous states are not threatened at all: then they are not)."""
    from openbmd.geo.parts import describe_parts

    if not shares:
        return ""
    text = f"; that area lies in {describe_parts(shares)}"
    if "contiguous United States" not in shares:
        text += ", none of it in the eastern United States the GAO and NRC statements are about"
    return text


def _phases_1_3_vs_russian_icbms(c: Claim, ctx, claim):
    ph = [a for a in c["architectures"] if a in ctx.reach]
    if not ph:
        return
    hits, total = [], 0
    for a in ph:
        for case in ctx.reach[a]["cases"]:
            total += 1
            if case["engageable"]:
                hits.append((a, case))
    by = sorted({f"{a}/{case['battery']}" for a, case in hits})
    claim(c, f"{len(hits)} of {total} (field, target, shape, battery) cases engageable"
             + (f", all by {', '.join(by)}" if by else ""),
          "agrees" if not hits else "partly",
          "" if not hits else "the engageable cases are " + ", ".join(sorted({case['shape'] for _, case in hits}))
          + " trajectories engaged from the batteries listed; the land sites at Deveselu and Redzikowo engage none. "
          "Ship stations are notional (N) choices: a ship in the North Sea sits under the tracks from the "
          "western fields")


def _phase_4_vs_russian_icbms(c: Claim, ctx, claim):
    if c["architecture"] not in ctx.reach:
        return
    cases = ctx.reach[c["architecture"]]["cases"]
    n = sum(case["engageable"] for case in cases)
    frac = n / len(cases) if cases else 0.0
    by = sorted({case["battery"] for case in cases if case["engageable"]})
    claim(c, f"{n} of {len(cases)} cases engageable ({frac:.1%})" + (f", by {', '.join(by)}" if by else ""),
          "agrees" if frac < c["agrees_below"] else "partly" if frac < c["partly_below"] else "disagrees",
          "" if frac < c["agrees_below"] else "see the icbm-reach tables: which fields, targets and shapes")


def _third_site_tail_chase(c: Claim, ctx, claim):
    if c["architecture"] not in ctx.reach:
        return
    cases = ctx.reach[c["architecture"]]["cases"]
    n = sum(case["engageable"] for case in cases)
    claim(c, f"{n} of {len(cases)} cases engageable", "agrees" if n == 0 else "partly",
          "" if n == 0 else "head-on geometries from the western fields, not tail chases")


def _gmd_limited_defence(c: Claim, ctx, claim):
    """Issue 12: the offense-defense balance (openbmd.analyses.balance_assess) on icbm-reach's cases."""
    if c["architecture"] not in ctx.reach:
        return
    from openbmd.analyses.balance_assess import stopped_share

    b = stopped_share(ctx.reach[c["architecture"]], c["force"])
    x = b["stopped_share"]
    claim(c, f"{b['interceptors']} interceptors stop {b['expected_stopped']:.0f} of {b['warheads']:,} warheads of "
             f"{c['force']} ({x:.1%}; {b['engageable_share']:.0%} engageable)",
          "agrees" if x < c["agrees_below"] else "partly" if x < c["partly_below"] else "disagrees",
          "expected value of the balance (perfect discrimination, catalog Pk): see the balance section")


#: claim id -> (evaluator, the keys it reads besides id/source/claim)
EVALUATORS = {
    "reach-of-iranian-mrbm": (_reach_of_iranian_mrbm, ("architecture", "threat_class", "min_country_share")),
    "phase-1-south-east": (_phase_1_south_east, ("architecture", "threat_class", "agrees_below")),
    "phase-2-southern-europe": (_phase_2_southern_europe,
                                ("architecture", "threat_class", "agrees_at_least", "partly_at_least")),
    "phase-3-all-europe": (_phase_3_all_europe,
                           ("architecture", "threat_classes", "agrees_at_least", "partly_at_least")),
    "phase-4-us-defence": (_phase_4_us_defence, ("architecture", "threat_class", "agrees_below", "partly_below")),
    "phases-1-3-vs-russian-icbms": (_phases_1_3_vs_russian_icbms, ("architectures",)),
    "phase-4-vs-russian-icbms": (_phase_4_vs_russian_icbms, ("architecture", "agrees_below", "partly_below")),
    "third-site-tail-chase": (_third_site_tail_chase, ("architecture",)),
    "gmd-limited-defence": (_gmd_limited_defence, ("architecture", "force", "agrees_below", "partly_below")),
}
_SHARES = ("min_country_share", "agrees_below", "partly_below", "agrees_at_least", "partly_at_least")


def _claims_file() -> dict:
    from openbmd.data import data_toml

    return data_toml(CLAIMS_FILE)


def check_claim(entry: dict, where: str) -> Claim:
    """A Claim from one ``[[claim]]`` table, or an InputError naming what is wrong."""
    for key in ("id", "source", "claim"):
        if not (isinstance(entry.get(key), str) and entry[key].strip()):
            raise InputError(f"{where}: {key} must be a non-empty string")
    cid = entry["id"]
    if cid not in EVALUATORS:
        raise InputError(f"{where}: no evaluator for claim {cid!r}; known: {', '.join(EVALUATORS)}")
    needed = EVALUATORS[cid][1]
    params = {k: v for k, v in entry.items() if k not in ("id", "source", "claim")}
    missing = [k for k in needed if k not in params]
    extra = sorted(set(params) - set(needed))
    if missing or extra:
        raise InputError(f"{where} ({cid}): " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(extra)}"] if extra else [])))
    for k in _SHARES:
        if k in params and not (isinstance(params[k], (int, float)) and 0.0 <= params[k] <= 1.0):
            raise InputError(f"{where} ({cid}): {k} must be a share in [0, 1], got {params[k]!r}")
    for k in ("architectures", "threat_classes"):
        if k in params and not (isinstance(params[k], list) and params[k] and all(isinstance(x, str) for x in params[k])):
            raise InputError(f"{where} ({cid}): {k} must be a list of ids")
    return Claim(id=cid, source=entry["source"], claim=entry["claim"], params=params)


@lru_cache(maxsize=1)
def claims() -> tuple[Claim, ...]:
    """The claims of ``data/debate_claims.toml`` in file order (read and checked once)."""
    doc = _claims_file()
    entries = doc.get("claim") or []
    out = tuple(check_claim(e, f"data/{CLAIMS_FILE} claim {k + 1}") for k, e in enumerate(entries))
    ids = [c.id for c in out]
    if sorted(ids) != sorted(EVALUATORS) or len(set(ids)) != len(ids):
        raise InputError(f"data/{CLAIMS_FILE}: each evaluator needs exactly one claim; has {', '.join(ids)}, "
                         f"needs {', '.join(EVALUATORS)}")
    return out


def south_east_countries() -> tuple[str, ...]:
    """Turkey, Greece, Bulgaria and Romania: the countries of the reach claim (``south_east_countries``)."""
    names = _claims_file().get("south_east_countries")
    if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
        raise InputError(f"data/{CLAIMS_FILE}: south_east_countries must be a list of country names")
    return tuple(names)


def __getattr__(name: str):
    if name == "SOUTH_EAST":  # the set the tests and older callers read
        return set(south_east_countries())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class _Results:
    cov: dict
    pace: dict | None
    reach: dict


def evaluate_claims(cov: dict, pace: dict | None, reach: dict, *, area: str = "Tabriz") -> list[dict]:
    """``cov``: {(architecture id, class): CoverageResult}; ``pace``: the pacing table; ``reach``:
    {architecture id: icbm-reach summary}.  Returns one dict per claim evaluated, in the file's order."""
    out = []

    def claim(c: Claim, result, verdict, why="", cid=None):
        out.append({"id": cid or c.id, "source": c.source, "claim": c.claim, "openbmd": result, "verdict": verdict,
                    "why": why})

    ctx = _Results(cov, pace, reach)
    for c in claims():
        EVALUATORS[c.id][0](c, ctx, claim)
    return out
