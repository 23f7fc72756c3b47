"""Which notional or disputed figure flips which verdict: every figure at its low and high value.

For each figure of :mod:`openbmd.analyses.sensitivity_figures` (warhead and booster RCS, radar
reference range, firm-track rule, reaction time, launch mode, interceptor burnout speeds and burn
times, kill-vehicle minimum altitude, single-shot Pk, the North Sea ship station) at its low and
its high value, the verdicts are recomputed with everything else nominal:

- ``reach``: per architecture, the Russian ICBM cases (field x target x shape, as
  ``openbmd icbm-reach``) that at least one battery can engage, and per battery;
- ``coverage``: the defended share of the area a threat can reach (as ``openbmd coverage``),
  and the mean P(defense) over it.

The threat flights are flown once (the ICBM cases as :func:`openbmd.analyses.icbm_flights.fly_cases`,
the coverage cells in :func:`openbmd.analyses.coverage.engage_points`'s chunks) and engaged by
:func:`openbmd.engagement.engine.engage_many` under each setting, so the nominal row IS the
plain ``icbm-reach``/``coverage`` answer on the same cases and grid (the tests check it).
The default case set is reduced (:data:`REDUCED_FIELDS` x :data:`REDUCED_TARGETS` x every
shape); ``full=True`` takes every field and target.  The summary also says which answers rest
on batteries at notional ship stations and shows each answer at each value of every figure
(:mod:`openbmd.analyses.sensitivity_notes`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from openbmd.analyses.sensitivity_figures import FIGURES, Setting, get_figures  # noqa: F401
from openbmd.analyses.sensitivity_notes import answers_at_values, notional_stations
from openbmd.errors import InputError

DEFAULT_ARCHITECTURES = ("epaa-phase-3", "epaa-phase-4", "gmd")
#: west to east: the EPAA's only engagements (Kozelsk, depressed), the Volga, the Urals, Siberia
REDUCED_FIELDS = ("Kozelsk", "Tatishchevo", "Dombarovsky", "Barnaul")
#: the east coast, the interior, the west coast
REDUCED_TARGETS = ("Washington", "Boston", "Chicago", "Los Angeles", "Seattle")
#: the coverage case: the notional Iranian IRBM from Tabriz on a coarse grid over NATO Europe
COVERAGE_CASE = {"architecture": "epaa-phase-3", "missile": "iran-irbm-notional", "area": "Tabriz",
                 "region": "nato-europe", "step_deg": 1.0}


@dataclass(frozen=True)
class Verdict:
    """A headline conclusion, true or false for a run's metrics (None: not in this run)."""

    name: str
    text: str
    needs: tuple  #: architecture ids (or "coverage") the verdict reads
    test: object = field(repr=False, compare=False)  #: metrics -> bool

    def of(self, metrics: dict):
        have = set(metrics["reach"]) | ({"coverage"} if metrics.get("coverage") else set())
        return bool(self.test(metrics)) if set(self.needs) <= have else None


def _engaged(m, arch, *batteries):
    r = m["reach"][arch]
    return sum(r["by_battery"].get(b, 0) for b in batteries) if batteries else r["engageable_cases"]


VERDICTS = (
    Verdict("phase-3-none", "EPAA Phase 3 engages no Russian ICBM case", ("epaa-phase-3",),
            lambda m: _engaged(m, "epaa-phase-3") == 0),
    Verdict("phase-4-none", "EPAA Phase 4 engages no Russian ICBM case", ("epaa-phase-4",),
            lambda m: _engaged(m, "epaa-phase-4") == 0),
    Verdict("land-sites-none", "The EPAA land sites (Deveselu, Redzikowo) engage no Russian ICBM case",
            ("epaa-phase-3", "epaa-phase-4"),
            lambda m: sum(_engaged(m, a, "deveselu", "redzikowo") for a in ("epaa-phase-3", "epaa-phase-4")) == 0),
    Verdict("gmd-half", "GMD engages at least half of the Russian ICBM cases", ("gmd",),
            lambda m: _engaged(m, "gmd") >= 0.5 * m["cases"]),
    Verdict("phase-3-irbm-90", "EPAA Phase 3 defends at least 90 % of the area the Iranian IRBM from Tabriz "
            "threatens", ("coverage",), lambda m: m["coverage"]["defended_area_fraction"] >= 0.9),
)


@dataclass(frozen=True, eq=False)
class _Threats:
    """Flights engaged under every setting, each with its own geometry and firm-track cache."""

    samples: object
    geometry: dict
    rows: np.ndarray  #: where their answers go
    firm_cache: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    architectures: tuple  #: ids
    cases: tuple  #: icbm_flights.Case
    full: bool
    coverage_case: dict | None
    nominal: dict  #: metrics
    rows: tuple  #: per figure: {"figure": Figure, "low": metrics, "high": metrics}
    seconds: float
    #: {architecture: {battery: why its station is notional}} (BatteryEntry.notional_station)
    notional: dict = field(default_factory=dict)

    def verdicts(self, metrics) -> dict:
        return {v.name: v.of(metrics) for v in VERDICTS}

    def flips(self) -> list[dict]:
        """Every (figure, end, verdict) whose answer differs from the nominal one."""
        nom = self.verdicts(self.nominal)
        out = []
        for row in self.rows:
            f = row["figure"]
            for end in ("low", "high"):
                got = self.verdicts(row[end])
                for v in VERDICTS:
                    if nom[v.name] is not None and got[v.name] != nom[v.name]:
                        out.append({"figure": f.name, "at": end, "value": getattr(f, end), "verdict": v.name,
                                    "text": v.text, "nominal": nom[v.name], "now": got[v.name]})
        return out

    def summary(self) -> dict:
        """The JSON contract of ``openbmd sensitivity``."""
        return {
            "architectures": list(self.architectures),
            "case_set": {"full": self.full, "cases": len(self.cases),
                         "fields": sorted({c.field for c in self.cases}),
                         "targets": sorted({c.target for c in self.cases}),
                         "shapes": sorted({c.shape for c in self.cases})},
            "coverage_case": self.coverage_case,
            "nominal": self.nominal,
            "figures": [{"name": r["figure"].name, "label": r["figure"].label, "why": r["figure"].why,
                         "nominal_value": r["figure"].nominal, "low_value": r["figure"].low,
                         "high_value": r["figure"].high, "low": r["low"], "high": r["high"],
                         "verdicts": {"low": self.verdicts(r["low"]), "high": self.verdicts(r["high"])},
                         # each answer at each value of the figure (e.g. GMD at 6.3 / 7 / 8.5 km/s)
                         "engageable_cases_at": answers_at_values(r, self.nominal, r["figure"])}
                        for r in self.rows],
            "verdicts": [{"name": v.name, "text": v.text, "nominal": self.verdicts(self.nominal)[v.name]}
                         for v in VERDICTS],
            "flips": self.flips(),
            "notional_stations": notional_stations(self.notional, self.nominal, self.rows),
            "seconds": round(self.seconds, 2),
        }


def sensitivity(architectures=DEFAULT_ARCHITECTURES, *, figures=None, full: bool = False, fields=None,
                targets=None, coverage_case: dict | None = COVERAGE_CASE, progress=None,
                client=None) -> SensitivityResult:
    """Every figure of ``figures`` (names; default all) at its low and high value against
    ``architectures`` (ids or Architectures): the metrics and the verdicts they give.
    ``full``: every field and target of icbm-reach (default the reduced set; ``fields`` and
    ``targets`` name others); ``coverage_case``: the coverage metric's case (None: none).
    ``client``: a Dask client or a process pool (:mod:`openbmd.scale.executor`) to run the
    figures' ends on, one task each, after the nominal run here (None: all here, in order)."""
    from openbmd.scale.executor import map_chunks

    t0 = time.perf_counter()
    figs = get_figures(figures)
    bench = Bench.make(architectures, full=full, fields=fields, targets=targets, coverage_case=coverage_case)
    total = 1 + 2 * len(figs)
    nominal = bench.metrics(Setting())  # first here: its firm-track caches go along with the bench
    if progress:
        progress(1, total)
    ends = [(f.name, end) for f in figs for end in ("low", "high")]
    got = map_chunks(figure_end_metrics, ends, client=client, shared={"bench": bench},
                     progress=(lambda d, n: progress(1 + d, total)) if progress else None)
    rows = []
    for k, f in enumerate(figs):
        only = set(f.applies_to) if f.applies_to else None
        rows.append({"figure": f, **{end: _fill(got[2 * k + j], nominal, only, coverage_case)
                                     for j, end in enumerate(("low", "high"))}})
    notional = {aid: {b.id: b.entry.notional_station for b in res.batteries if b.entry.notional_station}
                for aid, (_, res) in bench.base.items()}
    return SensitivityResult(tuple(bench.base), tuple(bench.cases), full,
                             dict(coverage_case) if coverage_case else None, nominal, tuple(rows),
                             time.perf_counter() - t0, notional)


@dataclass(frozen=True, eq=False)
class Bench:
    """The flown threats and resolved architectures every setting is evaluated on."""

    base: dict  #: architecture id -> (Architecture, ResolvedArchitecture)
    cases: list  #: icbm_flights.Case of the reach metric
    reach: _Threats
    coverage: dict | None  #: the coverage case's flights, grid and architecture

    @classmethod
    def make(cls, architectures, *, full=False, fields=None, targets=None, coverage_case=COVERAGE_CASE):
        from openbmd.architectures.loader import get_architecture
        from openbmd.architectures.resolve import resolve

        archs = [get_architecture(a) if isinstance(a, str) else a for a in architectures]
        if not archs:
            raise InputError("give at least one architecture")
        cases, reach = _reach_threats(full, fields, targets)
        cov = None
        if coverage_case:
            ca = get_architecture(coverage_case["architecture"])
            cov = {**_coverage_threats(coverage_case), "architecture": ca, "resolved": resolve(ca)}
        return cls({a.id: (a, resolve(a)) for a in archs}, cases, reach, cov)

    def metrics(self, setting: Setting, only=None) -> dict:
        """The metrics under ``setting`` (of the architectures in ``only``; None: all)."""
        return _metrics(setting, self.base, self.cases, self.reach, self.coverage, only)


def figure_end_metrics(figure_end, *, bench: Bench) -> dict:
    """The metrics with the figure named ``figure_end[0]`` at its ``figure_end[1]`` ("low" or
    "high") value, of the architectures it applies to: the unit of a task (a figure travels by
    name; its setting holds functions)."""
    name, end = figure_end
    f = get_figures([name])[0]
    return bench.metrics(f.setting(getattr(f, end)), set(f.applies_to) if f.applies_to else None)


def _fill(m, nominal, only, coverage_case):
    """Metrics of the architectures a figure does not touch are the nominal ones."""
    if only is None:
        return m
    reach = {a: (m["reach"][a] if a in only else nominal["reach"][a]) for a in nominal["reach"]}
    cov = m["coverage"] if coverage_case and coverage_case["architecture"] in only else nominal["coverage"]
    return {**m, "reach": reach, "coverage": cov}


def _reach_threats(full: bool, fields=None, targets=None):
    from openbmd.analyses.icbm_flights import SHAPES, fly_cases
    from openbmd.analyses.icbm_reach import TARGET_SET, THREAT_SET
    from openbmd.architectures.loader import get_target_set, get_threat_set
    from openbmd.engagement.battlespace import threat_geometry

    ts, tg = get_threat_set(THREAT_SET), get_target_set(TARGET_SET)
    fs = list(ts.areas) if full and not fields else [ts.area(n) for n in fields or REDUCED_FIELDS]
    tt = list(tg.targets) if full and not targets else [tg.target(n) for n in targets or REDUCED_TARGETS]
    cases, s, _ = fly_cases(fs, tt, SHAPES)
    if not cases:
        raise InputError("no ICBM case: every target is out of the fields' missiles' reach")
    return cases, _Threats(s, threat_geometry(s.ecef_m, s.vel_m_s), np.arange(len(cases)))


def _coverage_threats(case: dict) -> dict:
    """The coverage case's cells and cities aimed and flown in engage_points' chunks."""
    from openbmd.analyses.coverage import AIM_MISS_M, CHUNK, fly_chunk, region_cities
    from openbmd.analyses.regions import region_grid
    from openbmd.architectures.loader import find_area
    from openbmd.earth.model import earth_model
    from openbmd.engagement.battlespace import threat_geometry
    from openbmd.flight.aim_many import aim_many
    from openbmd.flight.shaping import Launcher
    from openbmd.missiles import get_missile

    m = get_missile(case["missile"])
    _, area = find_area(case["area"])
    reg = region_grid(case["region"], case["step_deg"])
    cities = region_cities(reg)
    lat = np.concatenate([reg.lat_deg, [c.lat_deg for c in cities]])
    lon = np.concatenate([reg.lon_deg, [c.lon_deg for c in cities]])
    launcher = Launcher(m, area.lat_deg, area.lon_deg, earth_model("wgs84"), True)
    aim = aim_many(launcher, lat, lon, miss_tol_m=AIM_MISS_M)
    idx = np.flatnonzero(aim.reachable)
    chunks = []
    for n0 in range(0, idx.size, CHUNK):
        j = idx[n0:n0 + CHUNK]
        s = fly_chunk(m, area.lat_deg, area.lon_deg, aim.azimuth_deg[j], aim.kick_deg[j], aim.cutoff_s[j])
        chunks.append(_Threats(s, threat_geometry(s.ecef_m, s.vel_m_s), j))
    K = len(reg)
    return {"missile": m, "chunks": chunks, "points": lat.size, "area_km2": reg.area_km2,
            "threatened": aim.reachable[:K].copy()}


def _metrics(setting: Setting, base: dict, cases, reach: _Threats, cov, only=None) -> dict:
    """The metrics under ``setting`` of the architectures in ``only`` (None: all) and of the
    coverage case when its architecture is among them."""
    from openbmd.missiles import get_missile
    from openbmd.sensors.horizon import threat_signature
    from openbmd.sensors.signature import Signature

    out = {"cases": len(cases), "reach": {}, "coverage": None}
    # as icbm_reach_set: the largest warhead and booster figures of the missiles flown
    sigs = [threat_signature(get_missile(m), setting.rcs_m2, setting.booster_rcs_m2)
            for m in sorted({c.missile for c in cases})]
    rcs = Signature(rv_rcs_m2=max(g.rv_rcs_m2 for g in sigs), booster_rcs_m2=max(g.booster_rcs_m2 for g in sigs))
    for aid, (arch, res) in base.items():
        if only is None or aid in only:
            resolved = realise(arch, res, setting)
            got = _engage(resolved, reach, rcs, setting)
            notional = {b.id for b in resolved.batteries if b.entry.notional_station}
            sourced = [e for bid, e in got.items() if bid not in notional]
            out["reach"][aid] = {"engageable_cases": int(np.any(list(got.values()), axis=0).sum()),
                                 "by_battery": {b: int(e.sum()) for b, e in got.items()},
                                 # the cases some battery at a sourced site engages (not a notional station)
                                 "engageable_cases_sourced_sites": int(np.any(sourced, axis=0).sum()) if sourced else 0}
    if cov is not None and (only is None or cov["architecture"].id in only):
        out["coverage"] = _coverage(setting, cov)
    return out


def _coverage(setting: Setting, cov: dict) -> dict:
    from openbmd.sensors.horizon import threat_signature

    # as coverage: the booster, then the warhead
    rcs = threat_signature(cov["missile"], setting.rcs_m2, setting.booster_rcs_m2)
    resolved = realise(cov["architecture"], cov["resolved"], setting)
    eng, p = np.zeros(cov["points"], bool), np.zeros(cov["points"])
    for th in cov["chunks"]:
        eng[th.rows], p[th.rows] = _engage(resolved, th, rcs, setting, p=True)
    a, thr = cov["area_km2"], cov["threatened"]
    K = thr.size
    tot = a[thr].sum()
    return {"defended_area_fraction": float(a[eng[:K] & thr].sum() / tot) if tot > 0 else 0.0,
            "mean_p_defense_threatened": float((a * p[:K])[thr].sum() / tot) if tot > 0 else 0.0}


def realise(arch, resolved, setting: Setting):
    """``resolved`` (the ResolvedArchitecture of ``arch``) under ``setting``: the architecture
    changed and resolved again, then its radars and interceptors changed; a battery whose
    interceptor keeps its booster keeps the catalog's fly-out table (``flyouts``)."""
    from openbmd.architectures.resolve import resolve

    a = arch
    for fn in setting.architecture:
        a = fn(a)
    res = resolved if a is arch else resolve(a)
    if not setting.radar and not setting.interceptor:
        return res
    memo: dict = {}

    def radar(r):
        if r is None:
            return None
        if id(r) not in memo:
            new = r
            for fn in setting.radar:
                new = fn(new)
            memo[id(r)] = new
        return memo[id(r)]

    batteries = []
    for b in res.batteries:
        icp = b.interceptor
        for fn in setting.interceptor:
            icp = fn(icp)
        batteries.append(replace(b, interceptor=icp, fire_control=radar(b.fire_control),
                                 cues=tuple((e, radar(r), lat) for e, r, lat in b.cues)))
    return replace(res, radars={k: radar(r) for k, r in res.radars.items()}, batteries=tuple(batteries))


def _engage(resolved, th: _Threats, rcs, setting, *, p=False):
    from openbmd.engagement.engine import engage_many
    from openbmd.interceptors.flyout import flyout_table

    flyouts = {}
    for b in resolved.batteries:  # the kinematics unchanged (Pk, kill-vehicle limits): the catalog's table
        icp = b.interceptor
        cat = _catalog(icp.id)
        if icp is not cat and icp.booster is cat.booster:
            flyouts[b.id] = flyout_table(cat, b.entry.lat_deg)
    res = engage_many(resolved, th.samples, rcs, reaction_s=setting.reaction_s, flyouts=flyouts,
                      firm_cache=th.firm_cache, geometry=th.geometry, launch_on=setting.launch_on)
    if p:
        return res.engageable, res.p_defense
    return {b.battery_id: b.engageable for b in res.batteries}


def _catalog(interceptor_id: str):
    from openbmd.interceptors.catalog import get_interceptor

    return get_interceptor(interceptor_id)
