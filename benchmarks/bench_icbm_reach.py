"""Benchmark: icbm-reach's flights and engagements, new paths vs the old ones, in one process.

1. Aiming (one field, every US target, three shapes): the scalar
   :func:`openbmd.flight.aim.aim` one flight at a time (the old reference path)
   and the previous many-target iteration (re-solving the range from a fresh
   range-maximising kick every round: ``aim_full_burn_iterative``, min-energy by
   ``aim_many``'s table) vs :func:`openbmd.flight.aim_many.aim_many_shapes`.
   Work: flights flown (lanes) and seconds; the misses must all be < 2 km.
2. Margins: bisection on the launch delay from 0 vs from the battle space's
   latest intercept's launch (a lower bound; how far short of the margin it is).
3. The five architectures of ``openbmd assess`` (EPAA phases 1-4 and GMD): one
   at a time, each flying its own flights (the old path), vs ``icbm_reach_set``
   (flown once); fly-out tables warm (built by a first run).

    python benchmarks/bench_icbm_reach.py [--quick]
"""
from __future__ import annotations

import sys
import time

import numpy as np

from openbmd.analyses import icbm_reach as ir
from openbmd.architectures.loader import get_architecture, get_target_set, get_threat_set
from openbmd.earth.model import earth_model
from openbmd.errors import InputError
from openbmd.flight import aim_many as AM
from openbmd.flight.aim import aim
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile

ARCHS = ["epaa-phase-1", "epaa-phase-2", "epaa-phase-3", "epaa-phase-4", "gmd"]
LANES = [0]
_fly = Launcher.fly


def _counting_fly(self, azimuth_deg, *a, **k):
    LANES[0] += np.atleast_1d(azimuth_deg).size
    return _fly(self, azimuth_deg, *a, **k)


def timed(fn):
    LANES[0] = 0
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0, LANES[0]


def bench_aim(field_index=0):
    ts, tg = get_threat_set(ir.THREAT_SET), get_target_set(ir.TARGET_SET)
    f = ts.areas[field_index]
    L = Launcher(get_missile(f.missiles[0]), f.lat_deg, f.lon_deg, earth_model("wgs84"), True)
    lat = np.array([t.lat_deg for t in tg.targets])
    lon = np.array([t.lon_deg for t in tg.targets])
    Launcher.fly = _counting_fly
    try:
        def scalar():
            out = []
            for s in ir.SHAPES:
                for la, lo in zip(lat, lon):
                    try:
                        out.append(aim(L, la, lo, s).miss_m)
                    except InputError:
                        out.append(np.inf)
            return np.array(out)

        def iterative():
            m = [AM.aim_many(L, lat, lon).miss_m]
            m += [AM.aim_full_burn_iterative(L, lat, lon, s)[2] for s in ("lofted", "depressed")]
            return np.concatenate(m)

        def new():
            return np.concatenate([a.miss_m for a in AM.aim_many_shapes(L, lat, lon).values()])

        rows = [("scalar aim, one flight at a time", *timed(scalar)),
                ("previous many-target iteration", *timed(iterative)),
                ("aim_many_shapes", *timed(new))]
    finally:
        Launcher.fly = _fly
    print(f"1. aiming {f.name} ({f.missiles[0]}) at {lat.size} US targets x {len(ir.SHAPES)} shapes")
    base = rows[0][2]
    for name, miss, sec, lanes in rows:
        ok = np.isfinite(miss) & (miss < AM.MISS_TOL_M)
        print(f"   {name:34s} {lanes:7d} flights {sec:7.2f} s  x{base / sec:5.1f}  hit {ok.sum()}/{miss.size}")


def _old_margins(lane, idx, tol_s=ir.MARGIN_TOL_S):
    """The previous margin: bisection on the launch delay from 0."""
    lo = np.zeros(idx.size)
    hi = np.maximum(lane.samples.impact_s[idx] - lane.launch_s[idx], 0.0) + 1.0
    while np.any(hi - lo > tol_s):
        act = np.flatnonzero(hi - lo > tol_s)
        mid = 0.5 * (lo[act] + hi[act])
        ok = lane.engageable(idx[act], mid)
        lo[act] = np.where(ok, mid, lo[act])
        hi[act] = np.where(ok, hi[act], mid)
    return lo


def bench_margins(arch="gmd"):
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.battlespace import threat_geometry
    from openbmd.engagement.engine import engage_many

    ts, tg = get_threat_set(ir.THREAT_SET), get_target_set(ir.TARGET_SET)
    cases, s, _ = ir.fly_cases(list(ts.areas), list(tg.targets))
    g = threat_geometry(s.ecef_m, s.vel_m_s)
    res = resolve(get_architecture(arch))
    m = engage_many(res, s, 0.1, geometry=g)
    t_old = t_new = 0.0
    n, worst, short = 0, 0.0, []
    for rb, o in zip(res.batteries, m.batteries):
        idx = np.flatnonzero(o.engageable)
        if not idx.size:
            continue
        t0 = time.perf_counter()
        old = _old_margins(o.lane, idx)
        t1 = time.perf_counter()
        new = ir.margins_s(o.lane, idx)
        t2 = time.perf_counter()
        t_old, t_new, n = t_old + t1 - t0, t_new + t2 - t1, n + idx.size
        worst = max(worst, float(np.max(np.abs(new - old))))
        latest = o.lane.solve(idx).latest_launch_s - o.lane.launch_s[idx]
        short.append(new - latest)
    short = np.concatenate(short)
    print(f"2. margins of {n} engageable {arch} cases: bisection from 0 {t_old:.2f} s, from the latest "
          f"intercept's launch {t_new:.2f} s (x{t_old / max(t_new, 1e-9):.1f}); largest difference {worst:.2f} s")
    print(f"   latest intercept's launch short of the margin by {np.median(short):.1f} s (median), "
          f"{short.max():.1f} s (max); equal within 1 s in {np.mean(short <= 1.0):.0%} of cases")


def bench_five():
    ir.icbm_reach_set(ARCHS)  # warm: fly-out tables, compiled kernels
    t_one = 0.0
    for a in ARCHS:
        ir.clear_flight_memo()
        t0 = time.perf_counter()
        ir.icbm_reach(a)
        t_one += time.perf_counter() - t0
    ir.clear_flight_memo()
    t0 = time.perf_counter()
    rs = ir.icbm_reach_set(ARCHS)
    t_set = time.perf_counter() - t0
    n = len(rs[0].cases)
    print(f"3. {len(ARCHS)} architectures x {n} cases (warm tables): one at a time {t_one:.1f} s, "
          f"icbm_reach_set {t_set:.1f} s (x{t_one / t_set:.1f}); flights {rs[0].meta['flights_s']:.1f} s, "
          f"engagement {sum(r.meta['engagement_s'] for r in rs):.1f} s")


if __name__ == "__main__":
    bench_aim()
    bench_margins()
    if "--quick" not in sys.argv:
        bench_five()
