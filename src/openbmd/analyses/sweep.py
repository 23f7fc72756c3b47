"""A study: a grid of architectures x threats x reaction times x interceptor burnout speeds.

A study file (TOML, ``examples/studies/``)::

    [study]
    name = "epaa-reaction"
    metric = "coverage"              # or "icbm-reach"
    architectures = ["epaa-phase-2", "epaa-phase-3"]
    threats = ["shahab-3"]           # coverage: missile ids; icbm-reach: russia-icbm fields
    reaction_s = [30, 90]            # empty or absent: each architecture's own
    burnout_speed_km_s = [3.0, 4.5]  # empty or absent: each battery's catalog interceptor

    [coverage]                       # metric "coverage": the defended share of the threatened area
    from = "Tabriz"
    region = "36,42,30,44"
    step_deg = 1.0

    [icbm_reach]                     # metric "icbm-reach": field/target/shape cases any battery engages
    targets = ["washington", "minot"]
    shapes = ["min-energy"]

Every case is one row of the table (:data:`COLUMNS`), keyed by ``case``.  A coverage case at a
burnout speed replaces every battery's interceptor by its variant at that speed
(:func:`openbmd.interceptors.variants.interceptor_at_speed`); at the catalog speed and the
architecture's own reaction time it IS ``openbmd coverage``'s ``defended_area_fraction``.  An
icbm-reach case at speed ``v`` counts the cases some battery engages at ``v`` (a battery's needed
burnout speed <= v, icbm-reach's own sweep); at the catalog speed, the cases engageable as
built.  The cases run as tasks (:func:`openbmd.scale.executor.map_chunks`: here in order, or on
a Dask cluster); a case already in the table is read back, not computed again.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from openbmd.errors import InputError

METRICS = ("coverage", "icbm-reach")
COLUMNS = ("case", "metric", "architecture", "threat", "reaction_s", "burnout_speed_km_s", "value",
           "threatened_area_km2", "cases")
_STUDY_KEYS = {"name", "metric", "architectures", "threats", "reaction_s", "burnout_speed_km_s"}
_SECTION_KEYS = {"coverage": {"from", "region", "step_deg"}, "icbm_reach": {"targets", "shapes"}}


@dataclass(frozen=True, kw_only=True)
class Study:
    name: str
    metric: str
    architectures: tuple[str, ...]
    threats: tuple[str, ...]
    reaction_s: tuple  #: floats; (None,): each architecture's own
    burnout_speed_km_s: tuple  #: floats; (None,): the catalog interceptors
    launch_area: str = "Tabriz"
    region: str = "nato-europe"
    step_deg: float = 1.0
    targets: tuple[str, ...] | None = None
    shapes: tuple[str, ...] = ("min-energy",)

    def cases(self) -> list[dict]:
        """The grid, in order: architecture, threat, reaction time, speed (the last varies fastest)."""
        return [{"case": case_key(a, t, r, v), "metric": self.metric, "architecture": a, "threat": t,
                 "reaction_s": r, "burnout_speed_km_s": v}
                for a in self.architectures for t in self.threats for r in self.reaction_s
                for v in self.burnout_speed_km_s]


def case_key(arch, threat, reaction_s, speed_km_s) -> str:
    """``epaa-phase-2|shahab-3|r=30|v=4.5`` (``own`` / ``catalog`` where not set)."""
    r = "own" if reaction_s is None else f"{reaction_s:g}"
    v = "catalog" if speed_km_s is None else f"{speed_km_s:g}"
    return f"{arch}|{threat}|r={r}|v={v}"


# ---------------------------------------------------------------- the study file
def load_study(path) -> Study:
    """Read and check a study file; a problem is one InputError line naming the file, the key
    and what is allowed."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{p}: cannot read the study file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p}: not TOML ({exc})") from None
    return parse_study(doc, str(p))


def parse_study(doc: dict, where: str = "study") -> Study:
    def bad(key, allowed):
        return InputError(f"{where}: {key}: {allowed}")

    extra = set(doc) - {"study", *_SECTION_KEYS}
    if extra:
        raise bad(sorted(extra)[0], "unknown table; allowed: [study], [coverage], [icbm_reach]")
    s = doc.get("study")
    if not isinstance(s, dict):
        raise bad("[study]", "missing; it needs name, metric, architectures and threats")
    for k in sorted(set(s) - _STUDY_KEYS):
        raise bad(f"study.{k}", f"unknown key; allowed: {', '.join(sorted(_STUDY_KEYS))}")
    for sec, keys in _SECTION_KEYS.items():
        for k in sorted(set(doc.get(sec, {})) - keys):
            raise bad(f"{sec}.{k}", f"unknown key; allowed: {', '.join(sorted(keys))}")
    name = s.get("name")
    if not (isinstance(name, str) and name.strip()):
        raise bad("study.name", "a non-empty string is needed")
    metric = s.get("metric")
    if metric not in METRICS:
        raise bad("study.metric", f"{metric!r} unknown; allowed: {', '.join(METRICS)}")
    archs = _names(s.get("architectures"), "study.architectures", bad)
    threats = _names(s.get("threats"), "study.threats", bad)
    reactions = _numbers(s.get("reaction_s", []), "study.reaction_s", 0.0, 3600.0, bad)
    speeds = _numbers(s.get("burnout_speed_km_s", []), "study.burnout_speed_km_s", 0.5, 12.0, bad)
    cov, icbm = doc.get("coverage", {}), doc.get("icbm_reach", {})
    step = cov.get("step_deg", 1.0)
    if isinstance(step, bool) or not isinstance(step, (int, float)) or not 0.05 <= step <= 5.0:
        raise bad("coverage.step_deg", f"{step!r}; allowed: a number of degrees from 0.05 to 5")
    for key in ("from", "region"):
        if key in cov and not isinstance(cov[key], str):
            raise bad(f"coverage.{key}", "a string is needed")
    targets = _names(icbm["targets"], "icbm_reach.targets", bad) if "targets" in icbm else None
    shapes = _names(icbm.get("shapes", ["min-energy"]), "icbm_reach.shapes", bad)
    from openbmd.analyses.icbm_flights import SHAPES

    for sh in shapes:
        if sh not in SHAPES:
            raise bad("icbm_reach.shapes", f"{sh!r} unknown; allowed: {', '.join(SHAPES)}")
    return Study(name=name.strip(), metric=metric, architectures=archs, threats=threats,
                 reaction_s=reactions or (None,), burnout_speed_km_s=speeds or (None,),
                 launch_area=cov.get("from", "Tabriz"), region=cov.get("region", "nato-europe"),
                 step_deg=float(step), targets=targets, shapes=shapes)


def _names(value, key, bad) -> tuple[str, ...]:
    if not (isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)):
        raise bad(key, "a non-empty list of names is needed, e.g. [\"epaa-phase-2\"]")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _numbers(value, key, lo, hi, bad) -> tuple[float, ...]:
    ok = isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                         and math.isfinite(v) and lo <= v <= hi for v in value)
    if not ok:
        raise bad(key, f"a list of numbers from {lo:g} to {hi:g} is needed (empty: the catalog's own)")
    return tuple(sorted(set(float(v) for v in value)))


# ---------------------------------------------------------------- one case
def run_case(case: dict, *, study: Study) -> dict:
    """One row of the table (a pure function of the case and the study: the unit of a task)."""
    if study.metric == "coverage":
        value, area, n = _coverage_case(case, study)
    else:
        value, area, n = _icbm_case(case, study)
    return {**case, "value": value, "threatened_area_km2": area, "cases": n}


def _architecture(arch_id, reaction_s):
    from openbmd.architectures.loader import get_architecture

    arch = get_architecture(arch_id)
    return arch if reaction_s is None else arch.replace(command=arch.command.replace(reaction_s=float(reaction_s)))


def _coverage_case(case, study):
    from openbmd.analyses.coverage import engage_points, region_cities
    from openbmd.analyses.regions import region_grid
    from openbmd.architectures.loader import find_area
    from openbmd.architectures.resolve import resolve
    from openbmd.interceptors.variants import interceptor_at_speed
    from openbmd.missiles import get_missile

    res = resolve(_architecture(case["architecture"], case["reaction_s"]))
    v = case["burnout_speed_km_s"]
    if v is not None:
        res = replace(res, batteries=tuple(replace(b, interceptor=interceptor_at_speed(b.interceptor, v))
                                           for b in res.batteries))
    _, area = find_area(study.launch_area)
    reg = region_grid(study.region, study.step_deg)
    cities = region_cities(reg)  # aimed at too, as openbmd coverage does: the same chunks, the same answer
    lat = np.concatenate([reg.lat_deg, [c.lat_deg for c in cities]])
    lon = np.concatenate([reg.lon_deg, [c.lon_deg for c in cities]])
    pr = engage_points([res], get_missile(case["threat"]), area.lat_deg, area.lon_deg, lat, lon)[0]
    K = len(reg)
    a, thr, eng = reg.area_km2, pr.threatened[:K], pr.engageable[:K]
    total = float(a[thr].sum())
    return (float(a[eng & thr].sum() / total) if total > 0 else 0.0), total, int(thr.sum())


def _icbm_case(case, study):
    from openbmd.analyses.icbm_reach import DEFAULT_SPEEDS_KM_S, icbm_reach

    v = case["burnout_speed_km_s"]
    speeds = tuple(sorted(set(DEFAULT_SPEEDS_KM_S) | ({v} if v is not None else set())))
    r = icbm_reach(_architecture(case["architecture"], case["reaction_s"]), fields=[case["threat"]],
                   targets=list(study.targets) if study.targets else None, shapes=study.shapes,
                   speeds_km_s=speeds, reaction_sweep_s=())
    n = len(r.cases)
    if not n:
        return 0.0, None, 0
    if v is None:
        hit = np.any([b.engageable for b in r.batteries], axis=0)
    else:
        hit = np.any([b.needed_burnout_speed_km_s <= v + 1e-9 for b in r.batteries], axis=0)
    return float(hit.sum()), None, n


# ---------------------------------------------------------------- the table
def sweep(study: Study, table_path, *, client=None, progress=None, batch: int | None = None) -> dict:
    """Run every case of ``study`` not yet in the table at ``table_path`` (CSV, or Parquet when
    its name ends in .parquet), writing the table after each batch of cases (an interrupted
    sweep resumes where it stopped).  Returns {"rows": [...], "computed": [case keys]}."""
    from openbmd.scale.executor import map_chunks, n_workers

    from openbmd.analyses.sweep_table import read_table, write_table

    path = Path(table_path)
    grid = study.cases()
    have = {r["case"]: r for r in read_table(path) if r.get("metric") == study.metric}
    todo = [c for c in grid if c["case"] not in have]
    size = batch or max(4, 2 * n_workers(client))
    done = 0
    for k in range(0, len(todo), size):
        part = todo[k:k + size]
        rows = map_chunks(run_case, part, client=client, shared={"study": study},
                          progress=(lambda d, n: progress(done + d, len(todo))) if progress else None)
        done += len(part)
        have.update({r["case"]: r for r in rows})
        write_table(path, [have[c["case"]] for c in grid if c["case"] in have], COLUMNS)
    if not todo:
        write_table(path, [have[c["case"]] for c in grid], COLUMNS)
    return {"rows": [have[c["case"]] for c in grid], "computed": [c["case"] for c in todo]}
