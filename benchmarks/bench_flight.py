"""Benchmark: many launch-to-impact flights in one call vs scipy solve_ivp one at a time.

(a) N trajectories (default 10,000) of a missile with drag and Earth rotation,
    spread over azimuths and kicks, in one call of the compiled kernel;
(b) a 360-azimuth maximum-range ring of a two-stage missile (sejjil-2).

The baseline integrates the *same equations* (the kernel's own right-hand
side, compiled, called through scipy's RK45 one trajectory at a time, same
phases and tolerances, a terminal ground event), so the ratio measures the
integration machinery and the batching, not a slower physics model.  Timings
are taken in this process; compare ratios, not absolutes.

    python benchmarks/bench_flight.py [--n 10000] [--baseline 12]
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

from openbmd.earth import WGS84
from openbmd.flight.lanes import KICK_DURATION_S, Tolerances, earth_array, powered_lanes, vertical_rise_s
from openbmd.flight.propagate import run_lanes
from openbmd.kernels import flight as K
from openbmd.kernels.geo import ecef_to_geodetic
from openbmd.missiles import get_missile

# the plain numpy transcription of the equations lives with the validation tests
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[1] / "tests" / "validation"))
from plain_flight import PlainFlight  # noqa: E402


def _lanes(missile, n, seed=1):
    az, kick = _lanes_params(n, seed)
    return powered_lanes([missile], np.zeros(n, np.int64), 35.2, 53.9, 0.0, az, kick, np.inf, WGS84)


def batch_run(lanes):
    return run_lanes(lanes, WGS84, drag=True, launch_lat_deg=35.2, launch_lon_deg=53.9)


def baseline_one(lanes, i, tol: Tolerances):
    """One lane through scipy RK45 with the kernel's compiled right-hand side."""
    E = earth_array(WGS84, True)
    lane_i = np.ascontiguousarray(lanes.lane[i:i + 1])
    stage_i = np.ascontiguousarray(lanes.stage[i:i + 1])
    M, C, nk = lanes.mach[i:i + 1], lanes.cd[i:i + 1], lanes.nk[i:i + 1]
    y = lanes.y0[i].copy()
    t = 0.0
    out = np.empty(6)
    t_end = lane_i[0, K.L_TMAX]
    while True:
        ks, burning, post, steer = K._phase(t, 0, lane_i, stage_i)
        tb = K._next_break(t, 0, lane_i, stage_i)

        def rhs(tt, yy, ks=ks, burning=burning, post=post, steer=steer):
            K._deriv(tt, yy, out, 0, lane_i, stage_i, M, C, nk, E, ks, burning, post, steer)
            return out.copy()

        def ground(tt, yy):
            xe, ye, ze = K._to_ecef(tt, yy[0], yy[1], yy[2], E[K.E_OMEGA])
            return ecef_to_geodetic(xe, ye, ze, E[K.E_A], E[K.E_E2])[2] + (1.0 if tt < 1.0 else 0.0)

        ground.terminal, ground.direction = True, -1
        sol = solve_ivp(rhs, (t, min(tb, t_end)), y, method="RK45", rtol=tol.rtol,
                        atol=[tol.atol_pos_m] * 3 + [tol.atol_vel_m_s] * 3, max_step=tol.max_step_s,
                        events=ground)
        if sol.t_events[0].size:
            return sol.t_events[0][0]
        t, y = sol.t[-1], sol.y[:, -1]
        if t >= t_end:
            return np.nan


def _lanes_params(n, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 360, n), rng.uniform(8.0, 25.0, n)


def plain_one(missile, lanes, az, kick, i, tol: Tolerances):
    """One lane with the plain numpy right-hand side through scipy RK45."""
    pf = PlainFlight(missile, az[i], kick[i], vertical_rise_s(missile), KICK_DURATION_S, WGS84)
    return pf.impact(lanes.y0[i], tol.rtol, tol.atol_pos_m, tol.atol_vel_m_s, tol.max_step_s)[0]


def bench_batch(n: int, n_base: int) -> None:
    missile = get_missile("shahab-3")
    lanes = _lanes(missile, n)
    az, kick = _lanes_params(n)
    batch_run(_lanes(missile, 4))  # load compiled code
    tol = Tolerances()
    baseline_one(lanes, 0, tol)  # compile the dispatcher's signatures
    t0 = time.perf_counter()
    res = batch_run(lanes)
    t_batch = time.perf_counter() - t0
    per = t_batch / n
    t0 = time.perf_counter()
    tofs = [baseline_one(lanes, i, tol) for i in range(n_base)]
    t_comp = (time.perf_counter() - t0) / n_base
    t0 = time.perf_counter()
    tofs_plain = [plain_one(missile, lanes, az, kick, i, tol) for i in range(n_base)]
    t_plain = (time.perf_counter() - t0) / n_base
    err = np.nanmax(np.abs(np.array(tofs) - res.impact_time_s[:n_base]))
    err_plain = np.nanmax(np.abs(np.array(tofs_plain) - res.impact_time_s[:n_base]))
    print(f"(a) {n:,} shahab-3 flights, drag + rotation, one call: {t_batch:.2f} s "
          f"({per * 1e6:.0f} us/trajectory, {res.steps.mean():.0f} steps each)")
    print(f"    plain baseline, numpy right-hand side + scipy RK45, {n_base} flown: {t_plain * 1e3:.0f} ms "
          f"per trajectory; ratio {t_plain / per:.0f}x; max |dTOF| vs batch {err_plain:.3f} s")
    print(f"    strict baseline, the kernel's compiled right-hand side + scipy RK45: {t_comp * 1e3:.1f} ms "
          f"per trajectory; ratio {t_comp / per:.0f}x; max |dTOF| vs batch {err:.3f} s")


def bench_ring() -> None:
    code = ("import time;t=time.perf_counter();from openbmd.missiles import get_missile;"
            "from openbmd.flight import range_ring;"
            "r=range_ring(get_missile('sejjil-2'),35.2,53.9,count=360);"
            "print(f'{time.perf_counter()-t:.3f} {r.max_range_km.min():.1f} {r.max_range_km.max():.1f}')")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm the cache
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    inner, rmin, rmax = out.stdout.split()
    print(f"(b) 360-azimuth max-range ring of sejjil-2: whole process {wall:.2f} s "
          f"(import + ring {float(inner):.2f} s); ring spans {rmin}-{rmax} km")
    # baseline: the same search, flight for flight, with scipy; count the flights the ring makes
    from openbmd.flight import range_ring
    from openbmd.flight.shaping import Launcher

    missile = get_missile("sejjil-2")
    flown = []
    original = Launcher.fly

    def counting(self, azimuth_deg, *args, **kw):
        flown.append(np.size(azimuth_deg))
        return original(self, azimuth_deg, *args, **kw)

    Launcher.fly = counting
    try:
        range_ring(missile, 35.2, 53.9, count=360)
    finally:
        Launcher.fly = original
    per_az = sum(flown) / 360
    lanes = powered_lanes([missile], np.zeros(4, np.int64), 35.2, 53.9, 0.0, [0, 90, 180, 270], 30.0,
                          np.inf, WGS84)
    t0 = time.perf_counter()
    for i in range(4):
        plain_one(missile, lanes, [0, 90, 180, 270], [30.0] * 4, i, Tolerances())
    per_flight = (time.perf_counter() - t0) / 4
    base_ring = per_flight * sum(flown)
    print(f"    plain baseline: {per_flight * 1e3:.0f} ms per scipy flight x {sum(flown):,} flights "
          f"({per_az:.1f} per azimuth) = {base_ring:.0f} s; ratio {base_ring / wall:.0f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--baseline", type=int, default=12, help="scipy trajectories to time")
    a = ap.parse_args()
    bench_batch(a.n, a.baseline)
    bench_ring()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
