"""Benchmark: the battle space of 10,000 (threat, battery) pairs in one call vs pair by pair,
and the compiled kernel vs the numpy reference on a fly-out table.

Threats: 100 Sejjil-2 flights from Semnan over a fan of azimuths and kicks, sampled
every 2 s; batteries: 100 sites over Turkey and the Balkans; fly-out: a constant
3 km/s straight-line interceptor (a plain callable: the numpy path).  The
baseline calls the same solver once per pair, in the same process.

Then the same pairs against the SM-3 IIA fly-out table (the compiled kernel,
:mod:`openbmd.kernels.battlespace`) and the same table wrapped in a plain callable
(the numpy reference): work, best-of-3 time of each, ratio; the answers must agree.

    python benchmarks/bench_battlespace.py
"""
from __future__ import annotations

import functools
import resource
import time

import numpy as np

from openbmd.earth import WGS84
from openbmd.engagement.battlespace import KillVehicleLimits, battle_space, threat_geometry
from openbmd.engagement.shooter import kill_vehicle_limits
from openbmd.flight.shaping import Launcher
from openbmd.interceptors import get_interceptor
from openbmd.interceptors.flyout import flyout_table
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
    kernel_vs_reference(t, X, V, sites[si, 0], sites[si, 1], t_launch, ti)
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def best_of(n, f):
    out, best = None, np.inf
    for _ in range(n):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return out, best


def kernel_vs_reference(t, X, V, lat, lon, t_launch, ti):
    icp = get_interceptor("sm-3-iia")
    table = flyout_table(icp, 41.0)
    ref = functools.partial(table.__call__)
    ref.takes_azimuth = True  # the same table as a plain callable: the numpy reference path
    lim = kill_vehicle_limits(icp)
    geom = threat_geometry(X, V)
    run = lambda fl: lambda: battle_space(t, X, V, lat, lon, fl, t_launch, lim, pair_threat=ti,  # noqa: E731
                                          geometry=geom)
    run(table)()  # compile or load the kernel
    k, t_k = best_of(3, run(table))
    r, t_r = best_of(3, run(ref))
    assert (k.engageable == r.engageable).all() and k.reason == r.reason
    dev = max(float(np.nanmax(np.abs(getattr(k, f) - getattr(r, f)) / np.maximum(np.abs(getattr(r, f)), 1e-12)))
              if k.engageable.any() else 0.0 for f in ("earliest_t_s", "latest_t_s", "earliest_launch_s",
                                                       "earliest_closing_km_s", "earliest_crossing_deg"))
    print(f"SM-3 IIA table, {t_launch.size:,} pairs x {t.size} samples = {t_launch.size * t.size / 1e6:.1f} M "
          f"pair-samples, {k.engageable.mean():.0%} engageable: kernel {t_k:.3f} s, numpy reference {t_r:.3f} s; "
          f"ratio {t_r / t_k:.1f}x; same answers (largest relative difference {dev:.1e})")


if __name__ == "__main__":
    main()
