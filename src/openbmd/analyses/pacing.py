"""Threat-evolution pacing: which EPAA phase first defends what share, against each Iranian class.

The adaptive approach paired each phase with a threat class: Phase 1-2 with
short- and medium-range missiles, Phase 3 with intermediate-range ones, Phase 4
with ICBMs aimed at the United States (White House fact sheet, 17 Sep 2009).
For each class the representative missile is the longest-ranged catalog missile
of that class in the threat set; for each phase and each region (NATO Europe,
the United States) the coverage analysis gives the defended share of the
threatened territory and of the population of its threatened cities.  A cell
counts as defended when it is defended against launches from *every* chosen
launch area (the defence cannot choose where the attack comes from).

Each class also says where its threatened area lies (``threatened_in``: share per country,
or per part of the United States: Alaska, Hawaii, the contiguous states), and ``notes`` put
the narrow cases in words, e.g. when a class reaches only Alaska of the United States (a US
share is then Alaska's, not that of the eastern states the GAO and NRC statements are about).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from openbmd.errors import InputError

DEFAULT_PHASES = ("epaa-phase-1", "epaa-phase-2", "epaa-phase-3", "epaa-phase-4")
DEFAULT_AREAS = ("Tabriz", "Semnan")
DEFAULT_REGIONS = ("nato-europe", "us")
CLASSES = ("MRBM", "IRBM", "ICBM")
#: a phase "defends" a class in a region when it defends at least this share of the threatened area
DEFENDS_SHARE = 0.5


def class_missiles(threat_set="iran") -> dict[str, str]:
    """Range class -> the longest-ranged missile of that class in the threat set."""
    from openbmd.architectures.loader import get_threat_set
    from openbmd.missiles import get_missile

    ts = get_threat_set(threat_set) if isinstance(threat_set, str) else threat_set
    best: dict[str, tuple[float, str]] = {}
    for mid in ts.missiles:
        cls = ts.missile_class(mid)
        if cls is None:
            continue
        m = get_missile(mid)
        rng = max(getattr(m, "published_range_km", None) or [0.0])
        if cls not in best or rng > best[cls][0]:
            best[cls] = (rng, mid)
    return {c: best[c][1] for c in CLASSES if c in best}


@dataclass(frozen=True)
class PacingCell:
    phase: str
    region: str
    threatened_area_km2: float
    defended_area_fraction: float | None  #: None where the class does not reach the region
    population_threatened: int
    population_defended_fraction: float | None


def combine(results) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cells and cities threatened from any area, and defended against every area that threatens them."""
    thr = np.any([r.cells.threatened for r in results], axis=0)
    dfd = np.all([r.cells.engageable | ~r.cells.threatened for r in results], axis=0) & thr
    cthr = np.any([r.city_results.threatened for r in results], axis=0)
    cdfd = np.all([r.city_results.engageable | ~r.city_results.threatened for r in results], axis=0) & cthr
    return thr, dfd, cthr, cdfd


def pacing(phases=DEFAULT_PHASES, *, threat_set="iran", areas=DEFAULT_AREAS, regions=DEFAULT_REGIONS,
           step_deg: float = 1.0, run=None, progress=None, client=None) -> dict:
    """The pacing table (JSON-ready).  ``run(phases, missile, area, region, step_deg)`` returns one
    CoverageResult per phase (default: :func:`openbmd.analyses.coverage.coverage_set`, its
    trajectory chunks on ``client`` when given; assess passes a memo so that its maps and the
    pacing share flights)."""
    from openbmd.analyses.coverage import coverage_set

    if not phases:
        raise InputError("give at least one architecture")
    run = run or (lambda ps, m, ar, rg, st: coverage_set(ps, m, ar, region=rg, step_deg=st, client=client))
    t0 = time.perf_counter()
    missiles = class_missiles(threat_set)
    jobs = [(c, p, r) for c in missiles for r in regions for p in phases]
    out_classes, region_names = [], {}
    done = 0
    for cls, mid in missiles.items():
        entry = {"class": cls, "missile": mid, "regions": {}, "first_phase": {}, "threatened_in": {}}
        for region in regions:
            rows = []
            per_area = [run(tuple(phases), mid, area, region, step_deg) for area in areas]
            for k, phase in enumerate(phases):
                results = [pa[k] for pa in per_area]
                thr, dfd, cthr, cdfd = combine(results)
                a = results[0].region.area_km2
                pops = np.array([c.population for c in results[0].cities], float)
                ta = float(a[thr].sum())
                tp = float(pops[cthr].sum())
                rows.append({"phase": phase, "year": results[0].architecture.year,
                             "threatened_area_km2": ta,
                             "defended_area_fraction": float(a[dfd].sum() / ta) if ta > 0 else None,
                             "population_threatened": int(tp),
                             "population_defended_fraction": float(pops[cdfd].sum() / tp) if tp > 0 else None})
                done += 1
                if progress:
                    progress(done, len(jobs))
            entry["regions"][region] = rows
            entry["threatened_in"][region] = where_threatened(results[0].region, thr)
            region_names[region] = results[0].region.name
            first = next((r["phase"] for r in rows if (r["defended_area_fraction"] or 0.0) >= DEFENDS_SHARE), None)
            entry["first_phase"][region] = first
        out_classes.append(entry)
    return {"threat_set": threat_set if isinstance(threat_set, str) else threat_set.id,
            "launch_areas": list(areas), "grid_step_deg": step_deg, "defends_share": DEFENDS_SHARE,
            "classes": out_classes, "notes": where_notes(out_classes, areas, region_names),
            "seconds": round(time.perf_counter() - t0, 2)}


def where_threatened(region, threatened) -> dict[str, float]:
    """Share of the threatened area in each country, or part of one (Alaska, Hawaii, the
    contiguous states: :mod:`openbmd.geo.parts`), largest first, rounded to 0.1 %."""
    from openbmd.geo.parts import threatened_parts

    shares = threatened_parts(region.country, region.lat_deg, region.lon_deg, region.area_km2, threatened)
    return {k: round(v, 3) for k, v in shares.items()}


def where_notes(classes, areas, region_names=None) -> list[str]:
    """One sentence per (class, region) whose threatened area lies in few parts (at most three),
    e.g. that the Iranian ICBM threatens only Alaska of the United States."""
    from openbmd.geo.parts import describe_parts

    notes = []
    for c in classes:
        for region, shares in c.get("threatened_in", {}).items():
            if 0 < len(shares) <= 3:
                name = (region_names or {}).get(region, region)
                notes.append(f"{c['class']} ({c['missile']}) from {', '.join(areas)}: the threatened area of "
                             f"{name} lies in {describe_parts(shares)}.")
    return notes

