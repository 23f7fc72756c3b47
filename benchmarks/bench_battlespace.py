"""Benchmark: the battle space of 10,000 (threat, battery) pairs in one call vs pair by pair.

Threats: 100 Sejjil-2 flights from Semnan over a fan of azimuths and kicks, sampled
every 2 s; batteries: 100 sites over Turkey and the Balkans; fly-out: a constant
3 km/s straight-line interceptor (the fly-out table plugs in the same way).  The
baseline calls the same solver once per pair, in the same process.

    python benchmarks/bench_battlespace.py
"""
from __future__ import annotations

import resource
import time

import numpy as np

from openbmd.earth import WGS84
from openbmd.engagement.battlespace import KillVehicleLimits, battle_space
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile


def threats(n=100, dt=2.0):
    L = Launcher(get_missile("sejjil-2"), 35.23, 53.92, WGS84)
    rng = np.random.default_rng(5)
    b = L.fly(rng.uniform(270, 330, n), rng.uniform(20, 45, n), history=True)
    t_end = max(tr.t_s[-1] for tr in b.trajectories)
    t = np.arange(0.0, t_end, dt)
    X = np.full((n, t.size, 3), np.nan)
    V = np.full((n, t.size, 3), np.nan)
    for i, tr in enumerate(b.trajectories):
        m = t <= tr.t_s[-1]
        for k in range(3):
            X[i, m, k] = np.interp(t[m], tr.t_s, tr.ecef_m[:, k])
            V[i, m, k] = np.interp(t[m], tr.t_s, tr.velocity_m_s[:, k])
    return t, X, V


def flyout(rng_km, alt_km, v=3000.0, R=6371.0):
    d = np.sqrt(R ** 2 + (R + alt_km) ** 2 - 2 * R * (R + alt_km) * np.cos(rng_km / R)) * 1e3
    return d / v, np.full(np.shape(d), v)


def main():
    t, X, V = threats()
    rng = np.random.default_rng(9)
    sites = np.column_stack([rng.uniform(36, 46, 100), rng.uniform(20, 44, 100)])
    P = 10_000
    ti, si = np.repeat(np.arange(100), 100), np.tile(np.arange(100), 100)
    t_launch = rng.uniform(60, 240, P)
    lim = KillVehicleLimits(min_alt_km=70.0, max_alt_km=500.0, max_range_km=1200.0)
    battle_space(t, X[:2], V[:2], sites[:2, 0], sites[:2, 1], flyout, t_launch[:2], lim)  # warm up
    t0 = time.perf_counter()
    bs = battle_space(t, X, V, sites[si, 0], sites[si, 1], flyout, t_launch, lim, pair_threat=ti)
    t_batch = time.perf_counter() - t0
    n_base = 200
    t0 = time.perf_counter()
    for p in range(n_base):
        one = battle_space(t, X[ti[p]:ti[p] + 1], V[ti[p]:ti[p] + 1], sites[si[p], 0], sites[si[p], 1],
                           flyout, t_launch[p], lim)
        assert one.engageable[0] == bs.engageable[p]
    per_pair = (time.perf_counter() - t0) / n_base
    print(f"{P:,} (threat, battery) pairs x {t.size} samples, one call: {t_batch:.2f} s; "
          f"{bs.engageable.mean():.0%} engageable")
    print(f"baseline, the same solver pair by pair ({n_base} timed): {per_pair * 1e3:.2f} ms per pair "
          f"= {per_pair * P:.1f} s for all; ratio {per_pair * P / t_batch:.1f}x")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
