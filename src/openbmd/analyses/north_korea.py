"""North Korea in ``openbmd assess`` (issue 12): GMD and any Pacific batteries against North Korean
missiles toward the United States, Japan and Guam, with the reach, coverage and raid figures.

For every architecture of the run with a battery in the Pacific (:data:`PACIFIC_LON_DEG`), and
the regional defences of Japan and Guam (:data:`REGIONAL`: ``japan-guam-2024``, Aegis ships,
PAC-3 and THAAD, which no default architecture of assess holds):

1. reach: icbm-reach's machinery (:func:`openbmd.analyses.icbm_reach.icbm_reach_set`) on two
   threat sets against the ``north-korea-targets`` (US cities, Japanese cities and the US bases
   in Japan and on Guam): the shipped ``north-korea`` set (Taepodong-2 and Nodong, every missile
   of every area) and ``north-korea-icbm`` (the catalog's Hwasong-15, -17 and -18, open-literature
   ranges with derived stage figures).  Per launch area x missile x target x shape x battery: engageable or not,
   the margin (s), the launch and intercept altitude, as in icbm-reach;
2. coverage (:func:`openbmd.analyses.coverage.coverage_set`) of Japan against the Nodong from
   Sino-ri and the Taepodong-2 from Sohae, and of the United States against the Hwasong-15
   from Sunan (Guam is smaller than a grid cell: its targets stand in the reach table);
3. raid: :func:`openbmd.analyses.balance.balance` of the forces of :data:`FORCES` (ten
   single-warhead ICBMs at the US targets; ten Nodong at Japan and two Taepodong-2 at Guam)
   against each architecture's magazines, on the reach of step 1 (nothing flown again), with
   0, 1 and 3 decoys per warhead as a notional sensitivity.

Measured on the shared 2-core machine, GMD and japan-guam-2024: ~10 s with warm caches (numba
and fly-out tables), ~90 s on a cold fly-out cache (the SM-3, THAAD and PAC-3 speed variants).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

THREAT_SETS = ("north-korea", "north-korea-icbm")
TARGET_SET = "north-korea-targets"
#: the raids: ICBMs at the US targets, Nodong and Taepodong-2 at Japan and Guam (forces/*.toml)
FORCES = ("north-korea-2024", "north-korea-regional-2024")
#: the regional defences analysed in every run besides the run's own Pacific architectures
#: (no default architecture of assess holds the Aegis ships, PAC-3 and THAAD of Japan and Guam)
REGIONAL = ("japan-guam-2024",)
#: (region, missile, launch area, grid step in degrees) of the coverage figures
COVERAGE_CASES = (("japan", "nodong", "Sino-ri", 0.5), ("japan", "taepodong-2", "Sohae", 0.5),
                  ("us", "hwasong-15", "Sunan", 1.0))
#: a battery east of 100 E or west of 100 W stands in the Pacific theatre (N: openbmd's choice;
#: it takes GMD's Alaska and California fields and leaves Europe's batteries out)
PACIFIC_LON_DEG = 100.0
RAID_DECOYS_PER_WARHEAD = (0.0, 1.0, 3.0)


def in_pacific(arch) -> bool:
    return any(abs(b.lon_deg) >= PACIFIC_LON_DEG for b in arch.batteries)


@dataclass(frozen=True, eq=False)
class NorthKoreaResult:
    architectures: tuple  #: ids analysed
    skipped: tuple  #: ids of the run without a Pacific battery
    reach: dict  #: threat set -> {architecture id: IcbmReachResult}
    coverage: dict  #: (architecture id, region, missile, area) -> CoverageResult
    raid: dict  #: architecture id -> {force id: {decoys per warhead: balance summary}}
    seconds: float
    meta: dict = field(default_factory=dict)

    def table(self) -> list[dict]:
        """The reach-style rows: launch area, missile, target, shape, battery, engageable, margin."""
        rows = []
        for ts, by_arch in self.reach.items():
            for aid, r in by_arch.items():
                for c in r.summary()["cases"]:
                    rows.append({"architecture": aid, "threat_set": ts, "area": c["field"], "missile": c["missile"],
                                 "target": c["target"], "shape": c["shape"], "battery": c["battery"],
                                 "engageable": c["engageable"], "margin_s": c["margin_s"], "reason": c["reason"],
                                 "intercept_altitude_km": c["intercept_altitude_km"],
                                 "flight_time_s": c["flight_time_s"]})
        return rows

    def summary(self) -> dict:
        rows = self.table()
        by_target = {}
        for r in rows:
            k = (r["architecture"], r["target"])
            got = by_target.setdefault(k, {"architecture": k[0], "target": k[1], "cases": 0, "engageable": 0})
            got["cases"] += 1
            got["engageable"] += bool(r["engageable"])
        unreachable = [{"threat_set": ts, **u} for ts, by_arch in self.reach.items()
                       for u in next(iter(by_arch.values())).summary()["unreachable"]] if self.architectures else []
        return {"architectures": list(self.architectures), "skipped_no_pacific_battery": list(self.skipped),
                "threat_sets": list(THREAT_SETS), "target_set": TARGET_SET, "cases": rows,
                "by_target": list(by_target.values()), "unreachable": unreachable,
                "coverage": [r.summary() for r in self.coverage.values()],
                "raid": self.raid, "seconds": round(self.seconds, 2), "assumptions": ASSUMPTIONS, **self.meta}


ASSUMPTIONS = [
    "Threats: the shipped north-korea threat set (Taepodong-2, Nodong; every missile of every area) and "
    "north-korea-icbm: the Hwasong-15 (13,000 km with 1,000 kg), Hwasong-17 (15,000 km) and Hwasong-18 (at least "
    "15,000 km), calibrated to open range estimates (Wright/UCS, South Korean MND, Japan's MOD); their stage "
    "masses, burn times and Isp are derived (D), not published; payload 1,000 kg (D).",
    "Targets: north-korea-targets (US cities from data/cities.csv; Japanese cities and the US bases in Japan "
    "and on Guam at their published coordinates, M); a target out of a missile's reach is listed as unreachable.",
    "Engagement: icbm-reach's timeline and verdicts (each architecture's sensors, reaction time, doctrine); "
    "the run's architectures with a battery in the Pacific and japan-guam-2024 (two Japanese Aegis ships on "
    "notional stations, PAC-3 in Tokyo, THAAD on Guam, the TPY-2s in Japan) are analysed.",
    "Coverage: Japan against the Nodong from Sino-ri and the Taepodong-2 from Sohae (0.5 deg grid); the United "
    "States against the Hwasong-15 from Sunan (1 deg grid); population: the GeoNames cities of data/cities.csv "
    "(Japan: Tokyo and the 275 other cities of 100,000 or more, 93.8 M, city proper; Tokyo's wards are "
    "summed in Tokyo).",
    "Raids: north-korea-2024 (10 single-warhead ICBMs at the US targets) and north-korea-regional-2024 (10 "
    "Nodong at Japan, 2 Taepodong-2 at Guam), shares of SIPRI's ~50 warheads (N), against each architecture's "
    "magazines and doctrine (openbmd balance), with 0, 1 and 3 decoys per warhead (N) at discrimination 0.5 (N).",
]


def north_korea(architectures, *, regional=REGIONAL, say=None, trials: int = 2000, seed: int = 0,
                client=None) -> NorthKoreaResult:
    """The North Korean figures for the Pacific architectures among ``architectures`` (Architecture
    objects or ids) and the ``regional`` ones (see the module doc).  ``say(stage, done, total)``
    reports progress; ``client`` (a Dask client or a process pool, as :func:`icbm_reach_set` takes)
    runs the batteries' bisections, which build the speed variants' fly-out tables, side by side."""
    from openbmd.analyses.balance import balance
    from openbmd.analyses.coverage import coverage_set
    from openbmd.analyses.icbm_reach import icbm_reach_set
    from openbmd.architectures.loader import get_architecture

    t0 = time.perf_counter()
    say = say or (lambda stage, done, total: None)
    archs = [get_architecture(a) if isinstance(a, str) else a for a in architectures]
    pac = [a for a in archs if in_pacific(a)]
    pac += [a for a in map(get_architecture, regional) if a.id not in {p.id for p in pac}]
    skipped = tuple(a.id for a in archs if not in_pacific(a))
    reach, cov, raid = {}, {}, {}
    if pac:
        for k, ts in enumerate(THREAT_SETS):
            stage = f"north korea {k + 1}/{len(THREAT_SETS)}: {ts} -> {TARGET_SET}"
            say(stage, 0, 1)
            got = icbm_reach_set(pac, threat_set=ts, target_set=TARGET_SET, missiles="all", reaction_sweep_s=None,
                                 progress=lambda d, t, stage=stage: say(stage, d, t), client=client)
            reach[ts] = {a.id: r for a, r in zip(pac, got)}
        for region, missile, area, step in COVERAGE_CASES:
            say(f"north korea: coverage of {region} against {missile} from {area}", 0, 1)
            for r in coverage_set(pac, missile, area, region=region, step_deg=step):
                cov[(r.architecture.id, region, missile, area)] = r
        from openbmd.analyses.balance_force import get_force

        for a in pac:
            raid[a.id] = {}
            for f in map(get_force, FORCES):
                raid[a.id][f.id] = {f"{d:g}": balance(a, f, reach=reach[f.threat_set][a.id], decoys_per_warhead=d,
                                                      trials=trials, seed=seed).summary()
                                    for d in RAID_DECOYS_PER_WARHEAD}
    return NorthKoreaResult(architectures=tuple(a.id for a in pac), skipped=skipped, reach=reach, coverage=cov,
                            raid=raid, seconds=time.perf_counter() - t0)
