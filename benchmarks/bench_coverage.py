"""Benchmark: the defended area of EPAA Phase 3 against the Sejjil-2 from Tabriz, in one call,
against the one-point-at-a-time path in the same process.

Work: every land cell of NATO Europe on a 0.5 deg grid (and its cities) gets a minimum-energy
arc and is engaged by the five batteries (``openbmd.analyses.coverage.coverage``).

Baseline: the single-threat path a user would otherwise script: for a sample of the
threatened cells, ``openbmd.flight.fly`` (the scalar aim) and
``openbmd.engagement.engage.engage`` per battery (noisy detections, Kalman track, battle
space), timed per point and multiplied out to the same number of points.  Prints the work,
both times and the ratio, and how often the two paths agree on "defended".

    python benchmarks/bench_coverage.py
"""
from __future__ import annotations

import time

import numpy as np

from openbmd.analyses.coverage import coverage
from openbmd.architectures.loader import get_architecture
from openbmd.architectures.resolve import resolve
from openbmd.engagement.engage import engage
from openbmd.errors import InputError
from openbmd.missiles import get_missile

ARCH, MISSILE, AREA, STEP = "epaa-phase-3", "sejjil-2", "Tabriz", 0.5
SAMPLE = 12


def baseline_point(resolved, missile, launch, target) -> bool:
    """Defended by any battery on the single-threat path (fire control as the architecture says)."""
    radars = [resolved.radars[s.id] for s in resolved.arch.sensors]
    for b in resolved.batteries:
        fc = None if b.entry.engage_on_remote else b.fire_control
        try:
            r = engage(missile, launch, target, interceptor=b.interceptor, site=(b.entry.lat_deg, b.entry.lon_deg),
                       radars=[c[1] for c in b.cues] or radars, reaction_s=resolved.arch.command.reaction_s,
                       doctrine=resolved.doctrine, early_warning=resolved.early_warning, fire_control=fc)
        except InputError:
            return False
        if r.engageable:
            return True
    return False


def main() -> None:
    coverage(ARCH, MISSILE, AREA, step_deg=2.0)  # compile and warm the fly-out tables
    t0 = time.perf_counter()
    res = coverage(ARCH, MISSILE, AREA, step_deg=STEP)
    t_fast = time.perf_counter() - t0
    c = res.cells
    n = int(c.threatened.sum())
    print(f"work: {len(res.region):,} land cells of {STEP} deg, {n:,} threatened, "
          f"{len(res.architecture.batteries)} batteries")
    print(f"coverage(): {t_fast:.2f} s ({1e3 * t_fast / max(n, 1):.2f} ms per threatened point)")
    rng = np.random.default_rng(1)
    pick = rng.choice(np.flatnonzero(c.threatened), size=min(SAMPLE, n), replace=False)
    resolved = resolve(get_architecture(ARCH))
    m = get_missile(MISSILE)
    launch = (res.launch_lat_deg, res.launch_lon_deg)
    t0 = time.perf_counter()
    agree = 0
    for i in pick:
        d = baseline_point(resolved, m, launch, (float(res.region.lat_deg[i]), float(res.region.lon_deg[i])))
        agree += d == bool(c.engageable[i])
    per = (time.perf_counter() - t0) / pick.size
    print(f"baseline (scalar aim + engage per battery): {per:.2f} s per point, {per * n:,.0f} s for {n:,} points")
    print(f"ratio: {per * n / t_fast:,.0f}x; the two paths agree on 'defended' for {agree}/{pick.size} sampled points")


if __name__ == "__main__":
    main()
