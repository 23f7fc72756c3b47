"""The whole EPAA debate in one run: the results that ``openbmd assess`` writes as an HTML report and JSON.

For the given architectures (default: EPAA phases 1-4 and GMD):

1. coverage of NATO Europe against each Iranian threat class (the longest-ranged
   missile of the class in the ``iran`` threat set) launched from one area
   (default Tabriz, the Iranian area closest to Europe), for every architecture
   with batteries in or around Europe (``[europe_batteries]`` of ``data/regions.toml``);
2. pacing over the EPAA phases among them (NATO Europe and the United States,
   launches from Tabriz and Semnan, defended against both);
3. icbm-reach for every architecture (Russian ICBM fields -> US targets);
4. the comparison with what open sources state (:mod:`openbmd.analyses.validation`);
5. what the answers rest on (:mod:`openbmd.analyses.sensitivity`, unless ``sensitivity=False``):
   every notional or disputed figure at its low and high value on icbm-reach's full case set (its
   flights, memoised) and a coarse coverage case, and the verdicts that flip (~10-20 s, warm caches);
6. every assumption and source: the architectures' sensors and batteries with
   their citations, the interceptors and missiles used, the notional parameters.

Nothing here draws or writes files: :func:`openbmd.report.assessment.write_assessment` does.
"""
from __future__ import annotations

import datetime as dt
import platform
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

DEFAULT_ARCHITECTURES = ("epaa-phase-1", "epaa-phase-2", "epaa-phase-3", "epaa-phase-4", "gmd")


@dataclass(frozen=True, kw_only=True, eq=False)
class Assessment:
    """The results of one assessment run; :mod:`openbmd.report.assessment` writes them as HTML and JSON."""

    architectures: tuple  #: the Architecture objects assessed, in order, without repeats
    resolved: dict  #: architecture id -> ResolvedArchitecture
    class_missiles: dict  #: threat class -> missile id (the longest-ranged of the class)
    coverage: dict  #: (architecture id, class) -> CoverageResult, for architectures defending Europe
    pacing: dict | None  #: the pacing table over the EPAA phases among them (None without phases)
    icbm_reach: dict  #: architecture id -> IcbmReachResult
    doc: dict  #: the JSON document: meta, coverage, pacing, icbm_reach, validation, sensitivity, assumptions
    sensitivity: object = None  #: SensitivityResult (None: not asked)

    def summary(self) -> dict:
        """The JSON document (plain dicts and lists; numpy values until passed through ``jsonable``)."""
        return self.doc


def _in_europe(arch) -> bool:
    from openbmd.analyses.regions import europe_batteries_box

    lat0, lat1, lon0, lon1 = europe_batteries_box()
    return any(lat0 <= b.lat_deg <= lat1 and lon0 <= b.lon_deg <= lon1 for b in arch.batteries)


def assess(architectures=None, *, area: str = "Tabriz", map_step_deg: float = 0.5, pacing_step_deg: float = 1.0,
           pacing_areas=("Tabriz", "Semnan"), sensitivity: bool = True, progress=None,
           client=None) -> Assessment:
    """Run the assessment (see the module docstring) and return its results.

    ``architectures``: ids, TOML paths or Architecture objects (default :data:`DEFAULT_ARCHITECTURES`).
    ``sensitivity``: add what the answers rest on (see the module docstring).
    ``progress(stage: str, done: int, total: int)`` is called as work advances.
    ``client``: a Dask client for the coverage chunks, icbm-reach's flights and batteries and the
    sensitivity's figures (None: those of icbm-reach and the sensitivity on worker processes here).
    """
    from openbmd.analyses.pacing import class_missiles, pacing
    from openbmd.analyses.validation import evaluate_claims
    from openbmd.architectures.loader import find_area, get_architecture
    from openbmd.architectures.resolve import resolve

    t0 = time.perf_counter()
    started = dt.datetime.now(dt.timezone.utc)
    say = progress or (lambda stage, done, total: None)
    ids = list(architectures or DEFAULT_ARCHITECTURES)
    archs = [get_architecture(a) for a in ids]
    seen = set()
    archs = [a for a in archs if not (a.id in seen or seen.add(a.id))]
    resolved = {a.id: resolve(a) for a in archs}
    _prebuild(resolved.values(), say)
    find_area(area)
    for a in pacing_areas:
        find_area(a)

    classes = class_missiles("iran")
    cov = _coverage_all([a for a in archs if _in_europe(a)], classes, area, map_step_deg, say, client)
    phases = [a.id for a in archs if a.id.startswith("epaa-phase-")]
    pace = None
    if phases:
        pace = pacing(phases, areas=tuple(pacing_areas), step_deg=pacing_step_deg,
                      run=staged_pacing_run(say, classes, len(pacing_areas), client))
    reach = _icbm_reach_all(archs, say, client)
    from openbmd.analyses.balance_assess import balance_all  # issue 12: the offense-defense relationship

    bal = balance_all(reach, say)
    from openbmd.analyses.north_korea import north_korea  # issue 12: North Korea (Pacific architectures)
    from openbmd.scale.executor import process_pool

    with process_pool() if client is None else nullcontext(client) as pool:  # as icbm-reach's below
        nk = north_korea(archs, say=say, client=pool)
    sens = _sensitivity(archs, say, client) if sensitivity else None

    cov_summaries = {f"{aid}/{cls}": r.summary() for (aid, cls), r in cov.items()}
    reach_summaries = {aid: r.summary() for aid, r in reach.items()}
    claims = evaluate_claims(cov, pace, reach_summaries, area=area)
    meta = _meta(started, time.perf_counter() - t0, archs, area, map_step_deg, pacing_step_deg, pacing_areas,
                 classes)
    doc = {"meta": meta, "coverage": cov_summaries, "pacing": pace, "icbm_reach": reach_summaries,
           "balance": bal, "north_korea": nk.summary(), "validation": claims, "sensitivity": sens.summary() if sens is not None else None,
           "assumptions": assumptions(archs, classes, flown=_flown(reach_summaries))}
    return Assessment(architectures=tuple(archs), resolved=resolved, class_missiles=classes, coverage=cov,
                      pacing=pace, icbm_reach=reach, doc=doc, sensitivity=sens)


def _prebuild(resolved, say):
    """The fly-out tables the run starts with, built in parallel processes where some are missing
    (a cold cache; :mod:`openbmd.interceptors.prebuild`): the answers are the same either way."""
    from openbmd.analyses.north_korea import REGIONAL
    from openbmd.architectures.loader import get_architecture
    from openbmd.architectures.resolve import resolve
    from openbmd.interceptors.prebuild import assessment_tables, missing_tables, prebuild_tables

    # the North Korean stage's regional architectures (Japan's Aegis ships, Guam's THAAD) too
    specs = assessment_tables(list(resolved) + [resolve(get_architecture(a)) for a in REGIONAL])
    missing = missing_tables(specs)
    if missing:
        stage = f"fly-out tables: {len(missing)} missing, built in parallel"
        say(stage, 0, 1)
        prebuild_tables(specs, progress=lambda d, t: say(stage, d, t))


def _sensitivity(archs, say, client=None):
    """Every figure at its low and high value against the run's EPAA Phase 3-4 and GMD (the
    run's architectures when it has none of them), on every ICBM case: the flights are
    icbm-reach's, memoised, so the nominal row is the report's own icbm-reach answer.  The
    figures' ends run on ``client``, else on worker processes here (their variant interceptors'
    fly-out tables are built there, side by side)."""
    from openbmd.analyses.sensitivity import DEFAULT_ARCHITECTURES, sensitivity
    from openbmd.scale.executor import process_pool

    chosen = [a for a in archs if a.id in DEFAULT_ARCHITECTURES] or list(archs)
    stage = f"sensitivity: {', '.join(a.id for a in chosen)}"
    say(stage, 0, 1)
    with process_pool() if client is None else nullcontext(client) as pool:
        return sensitivity(chosen, full=True, progress=lambda d, t: say(stage, d, t), client=pool)


def _coverage_all(europe, classes, area, step_deg, say, client=None) -> dict:
    """{(architecture id, class): CoverageResult} over NATO Europe; the flights are shared per class."""
    from openbmd.analyses.coverage import coverage_set

    cov = {}
    if not europe:
        return cov
    for k, (cls, mid) in enumerate(classes.items()):
        stage = f"coverage {k + 1}/{len(classes)}: {cls} ({mid}) from {area}"
        say(stage, 0, 1)
        for r in coverage_set(europe, mid, area, region="nato-europe", step_deg=step_deg, client=client,
                              progress=lambda d, t, stage=stage: say(stage, d, t)):
            cov[(r.architecture.id, cls)] = r
    return cov


def staged_pacing_run(say, classes: dict, n_areas: int, client=None):
    """The ``run`` of :func:`openbmd.analyses.pacing.pacing` (its default, ``coverage_set``) that
    names each stage with a count: 'pacing 3/12: IRBM (iran-irbm-notional) from Tabriz over nato-europe'.

    ``classes``: class -> missile id (:func:`~openbmd.analyses.pacing.class_missiles`); pacing runs
    one stage per class, region (its default two) and launch area.
    """
    from openbmd.analyses.coverage import coverage_set
    from openbmd.analyses.pacing import DEFAULT_REGIONS

    total = len(classes) * len(DEFAULT_REGIONS) * n_areas
    by_missile = {mid: cls for cls, mid in classes.items()}
    count = [0]

    def run(phases, missile, area, region, step_deg):
        count[0] += 1
        stage = f"pacing {count[0]}/{total}: {by_missile.get(missile, missile)} ({missile}) from {area} over {region}"
        say(stage, 0, 1)
        return coverage_set(phases, missile, area, region=region, step_deg=step_deg, client=client,
                            progress=lambda d, t: say(stage, d, t))

    return run


def _meta(started, seconds, archs, area, map_step_deg, pacing_step_deg, pacing_areas, classes) -> dict:
    from openbmd import __version__
    from openbmd._provenance import source_commit

    meta = {"openbmd_version": __version__, "started_utc": started.isoformat(timespec="seconds"),
            "seconds": round(seconds, 1), "python": sys.version.split()[0], "platform": platform.platform(),
            "numpy": np.__version__, "architectures": [a.id for a in archs], "coverage_launch_area": area,
            "map_grid_step_deg": map_step_deg, "pacing_grid_step_deg": pacing_step_deg,
            "pacing_launch_areas": list(pacing_areas), "command": " ".join(sys.argv) if sys.argv else "",
            "class_missiles": classes, "git_commit": source_commit()}
    try:
        import numba

        meta["numba"] = numba.__version__
    except ImportError:  # pragma: no cover
        pass
    return meta


def _icbm_reach_all(archs, say, client=None) -> dict:
    """icbm-reach for every architecture at once: the flights are shared.  Without a Dask client
    the batteries' bisections run in worker processes of this machine (one per core): on a cold
    cache they build most of the run's fly-out tables (the speed variants'), one after the
    other in a single process; the answers are the same (tests/dask/test_same_answers.py)."""
    from openbmd.analyses.icbm_reach import icbm_reach_set
    from openbmd.scale.executor import process_pool

    stage = f"icbm-reach: {len(archs)} architecture{'s' if len(archs) != 1 else ''}"
    say(stage, 0, 1)
    with process_pool() if client is None else nullcontext(client) as pool:
        results = icbm_reach_set(archs, progress=lambda d, t: say(stage, d, t), client=pool)
    return {a.id: r for a, r in zip(archs, results)}


def _flown(reach_summaries) -> list[str]:
    """The Russian missiles icbm-reach flew (they belong in the threat table too)."""
    return sorted({c["missile"] for s in reach_summaries.values() for c in s["cases"]})


def _sensor_site(s) -> dict:
    """A sensor entry's site: its own, else its catalog site (None for a sensor without one)."""
    from openbmd.sensors import get_sensor

    if s.lat_deg is not None:
        return {"lat_deg": s.lat_deg, "lon_deg": s.lon_deg, "site": "placed by the architecture"}
    cat = get_sensor(s.sensor)
    return {"lat_deg": getattr(cat, "site_lat_deg", None), "lon_deg": getattr(cat, "site_lon_deg", None),
            "site": getattr(cat, "site_name", "") or "catalog site"}


def assumptions(archs, classes, flown=()) -> dict:
    """Every figure the run rests on, with its source: architectures, interceptors, missiles, notional choices."""
    from openbmd.sensors.radar import UNCUED_VOLUME_RATIO
    from openbmd.engagement.engine import MAX_OPPORTUNITIES
    from openbmd.interceptors.catalog import get_interceptor
    from openbmd.missiles import get_missile
    from openbmd.sensors.tracking import FIRM_AFTER

    icps = sorted({b.interceptor for a in archs for b in a.batteries})
    out = {"architectures": [], "interceptors": [], "missiles": [], "notional": []}
    for a in archs:
        out["architectures"].append({
            "id": a.id, "name": a.name, "year": a.year, "status": a.status, "description": a.description,
            "command": {"reaction_s": a.command.reaction_s, "doctrine": a.command.doctrine,
                        "look_s": a.command.look_s, "early_warning": a.command.early_warning,
                        "source": a.command.source},
            "data_center": None if a.data_center is None else {"parties": list(a.data_center.parties),
                                                                 "latency_s": a.data_center.latency_s,
                                                                 "source": a.data_center.source},
            "sensors": [{"id": s.id, "sensor": s.sensor, **_sensor_site(s),
                         "party": s.party, "source": s.source} for s in a.sensors],
            "batteries": [{"id": b.id, "interceptor": b.interceptor, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg,
                           "magazine": b.magazine, "fire_control": b.fire_control,
                           "engage_on_remote": b.engage_on_remote, "notional_station": b.notional_station,
                           "source": b.source} for b in a.batteries],
            "sources": a.sources_dict()})
    for i in icps:
        icp = get_interceptor(i)
        kv = icp.kill_vehicle
        out["interceptors"].append({
            "id": icp.id, "name": icp.name, "burnout_speed_km_s": icp.burnout_speed_km_s,
            "burnout_speed_spread_km_s": icp.burnout_speed_spread_km_s,
            "min_intercept_alt_km": kv.min_intercept_alt_km, "max_intercept_alt_km": kv.max_intercept_alt_km,
            "max_range_km": kv.max_range_km, "pk_single_shot": kv.pk_single_shot, "pk_notional": kv.pk_notional,
            "sources": icp.sources_dict()})
    for cls, mid in [*classes.items(), *(("ICBM (Russia, icbm-reach)", m) for m in flown)]:
        m = get_missile(mid)
        out["missiles"].append({"class": cls, "id": m.id, "name": m.name, "country": m.country,
                                "published_range_km": list(getattr(m, "published_range_km", None) or []),
                                "notes": getattr(m, "notes", ""), "sources": dict(getattr(m, "sources", ()) or ())})
    out["notional"] = [
        f"Firm track: first radar detection after burnout plus {FIRM_AFTER - 1} revisits (the Kalman tracker's "
        f"rule needs {FIRM_AFTER} detections); no public fire-control threshold exists (N).",
        "Reaction time from firm track to interceptor launch and the shot doctrine: each architecture's "
        "[command] (N where no public figure).",
        f"Radars are cued by the space-based warning when the architecture has one; uncued search sees to "
        f"{UNCUED_VOLUME_RATIO:g}^(-1/4) of the cued range (N).",
        f"Shot opportunities are counted up to {MAX_OPPORTUNITIES} per battery; batteries are independent layers.",
        "Single-shot kill probabilities are notional (no public figure for any kill vehicle).",
        "Threat trajectories are minimum-energy arcs (thrust cut-off with the range-maximising kick); points closer "
        "than the shortest such arc (cut-off at 30 % of the first stage) count as not threatened by that missile.",
        "Population: GeoNames city-proper populations of the cities in data/cities.csv (cities >= 100,000 and "
        "capitals), a city within 15 km of a larger one of the same country taken for a district and left out.",
        "Territory: land cells of a regular latitude/longitude grid inside the Natural Earth 1:50m outlines of "
        "the NATO members (2024), area-weighted.",
    ]
    return out
