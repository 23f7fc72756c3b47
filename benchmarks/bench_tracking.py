"""Benchmark: the batched tracking filter vs the same filter one track at a time.

K objects (default 10,000) coasting ~300-700 km up, each seen by one radar
(Kürecik, notional 20 m / 1 mrad noise) every 5 s for N detections (default 50);
truth states come from the filter's own ballistic propagator.  The batch runs
``track_many`` once over all K; the baseline calls ``track`` per object in a
Python loop (the same code with K = 1) on a subset and scales by K.  Both run
in this process; compare the ratio, not the absolutes.  A second baseline steps
the array functions ``predict``/``update`` of ``tracking_kernels`` (the same
arithmetic, uncompiled) detection by detection, one track at a time: the plain
per-track Python loop.

    python benchmarks/bench_tracking.py [--tracks 10000] [--updates 50] [--loop 300]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from openbmd.earth.geodesy import ecef_to_aer, geodetic_to_ecef
from openbmd.earth.model import WGS84
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.measurements import Detections
from openbmd.sensors.tracking import Q_M2_S3, _enu_rows, track, track_many

SITE = (38.349, 37.794, 2085.0)
REVISIT_S = 5.0


def scenario(k: int, n: int, seed: int = 1) -> list[Detections]:
    """K objects' detections: random coasting states over Iran, propagated and measured."""
    g = np.random.default_rng(seed)
    lat, lon = g.uniform(30.0, 38.0, k), g.uniform(44.0, 56.0, k)
    r = geodetic_to_ecef(lat, lon, g.uniform(300e3, 700e3, k))
    up = r / np.linalg.norm(r, axis=1)[:, None]
    west = np.cross(up, [0.0, 0.0, 1.0])
    west /= np.linalg.norm(west, axis=1)[:, None]
    x = np.concatenate([r, g.uniform(2000, 4000, k)[:, None] * west + g.uniform(-1500, 1500, k)[:, None] * up], 1)
    t = np.arange(n) * REVISIT_S
    pos = np.empty((k, n, 3))
    for j in range(n):
        pos[:, j] = x[:, :3]
        x = tk.propagate(x, np.full(k, REVISIT_S), WGS84)
    az, el, rng = ecef_to_aer(pos, *SITE)
    noise = g.standard_normal((3, k, n)) * np.array([20.0, 1e-3, 1e-3])[:, None, None]
    return [Detections(sensor_id="tpy2", object_id=f"o{i}", site_lat_deg=SITE[0], site_lon_deg=SITE[1],
                       site_alt_m=SITE[2], t_s=t, range_m=rng[i] + noise[0, i],
                       az_rad=np.radians(az[i]) + noise[1, i], el_rad=np.radians(el[i]) + noise[2, i],
                       snr_db=np.zeros(n), sigma_range_m=20.0, sigma_angle_rad=1e-3) for i in range(k)]


def plain_loop(d: Detections, start: tuple) -> np.ndarray:
    """One track stepped in Python with the array functions (K = 1); returns the last state."""
    site = geodetic_to_ecef(*SITE)[None]
    rot = _enu_rows(SITE[0], SITE[1])[None]
    sig = np.array([[d.sigma_range_m, d.sigma_angle_rad, d.sigma_angle_rad]])
    x, p = start
    for j in range(3, len(d)):
        x, p = tk.predict(x, p, np.array([d.t_s[j] - d.t_s[j - 1]]), Q_M2_S3, WGS84)
        x, p = tk.update(x, p, np.array([[d.range_m[j], d.az_rad[j], d.el_rad[j]]]), site, rot, sig)
    return x[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=int, default=10_000)
    ap.add_argument("--updates", type=int, default=50)
    ap.add_argument("--loop", type=int, default=300, help="tracks run one at a time (then scaled)")
    a = ap.parse_args()
    dets = scenario(a.tracks, a.updates)
    track_many(dets[:4])                                     # load numba caches, warm up
    steps = a.tracks * a.updates
    t0 = time.perf_counter()
    batch = track_many(dets)
    t_batch = time.perf_counter() - t0
    m = min(a.loop, a.tracks)
    t0 = time.perf_counter()
    singles = [track(d) for d in dets[:m]]
    t_loop = (time.perf_counter() - t0) * a.tracks / m
    diff = max(np.abs(s.state - b.state).max() for s, b in zip(singles, batch))
    t0 = time.perf_counter()
    plain = [plain_loop(d, (b.state[:1], b.covariance[:1])) for d, b in zip(dets[:m], batch)]
    t_plain = (time.perf_counter() - t0) * a.tracks / m
    diff_plain = max(np.abs(x - b.state[-1]).max() for x, b in zip(plain, batch))
    print(f"work: {a.tracks:,} tracks x {a.updates} detections = {steps:,} track-steps "
          f"(RK4 prediction, EKF update, Joseph covariance)")
    print(f"batched track_many: {t_batch:.2f} s  ({t_batch / steps * 1e6:.2f} us per track-step)")
    print(f"per-track loop    : {t_loop:.1f} s  ({t_loop / steps * 1e6:.1f} us per track-step; "
          f"{m} tracks timed, scaled to {a.tracks:,})")
    print(f"ratio             : {t_loop / t_batch:.0f}x   (largest state difference {diff:.2e} m)")
    print(f"plain Python loop : {t_plain:.1f} s  ({t_plain / steps * 1e6:.1f} us per track-step; "
          f"array predict/update per detection)")
    print(f"ratio             : {t_plain / t_batch:.0f}x   (largest final-state difference {diff_plain:.2e} m)")


if __name__ == "__main__":
    main()
