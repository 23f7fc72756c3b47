"""Measurement: the real fly-out tables (sm-3-iia, sm-3-iib, gbi-3stage; 52.5 N band, the default
8 azimuths, rotating WGS-84 Earth with drag, 48 kicks per family, 121 x 101 grid, disk cache
off) built with the steering families before and with a candidate set, in the same process
("before" also tabulates with the numpy transcription the compiled arrival kernel replaced,
tests/validation/arrival_numpy.py, unless ``--same-code``): the build-time ratio (best of ``--repeat`` builds each, interleaved) and how the cells move
(every cell of the old grid, the new families tabulated on that same grid: the largest rise,
the median and largest fall, the cells lost and gained).

    python benchmarks/compare_flyout_families.py ["quarter and half held"] [--repeat 2]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import scan_steering_families as scan
from openbmd.earth.model import earth_model
from openbmd.interceptors import flyout, get_interceptor, steering
from openbmd.interceptors.flyout import DEFAULT_AZIMUTHS_DEG, _build_table, band_latitude, fly_families, tabulate

IDS = ("sm-3-iia", "sm-3-iib", "gbi-3stage")
BEFORE = "4 gravity-turn families (before)"
scan.CANDIDATES.setdefault("current", steering.FAMILIES)


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "validation"))
from arrival_numpy import interp_between_kicks  # noqa: E402


def build(icp, families, numpy_arrival=False):
    kernel = flyout._interp_between_kicks
    if numpy_arrival:
        flyout._interp_between_kicks = interp_between_kicks
    try:
        return _timed(icp, families)
    finally:
        flyout._interp_between_kicks = kernel


def _timed(icp, families):
    t0 = time.perf_counter()
    table = _build_table(icp, band_latitude(52.5), DEFAULT_AZIMUTHS_DEG, earth_model("wgs84"), True, 48, 121, 101,
                         families=families)
    return table, time.perf_counter() - t0


def moved(icp, old, families):
    """The new families' times on the old table's grid (flown again, untimed), and new - old (s)."""
    fans = fly_families(icp.booster, old.site_lat_deg, tuple(old.azimuth_deg), earth_model("wgs84"), True, 48,
                        families)
    got = tabulate(fans, old.range_km, old.alt_km)[0]
    return got - old.time_s, got


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("candidate", nargs="?", default=None, help="a set named in scan_steering_families.CANDIDATES")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--ids", default=",".join(IDS), help="interceptors, comma-separated")
    ap.add_argument("--same-code", action="store_true", help="build 'before' with the compiled arrival kernel too")
    args = ap.parse_args()
    new_fams = scan.CANDIDATES[args.candidate] if args.candidate else steering.FAMILIES
    for iid in args.ids.split(","):
        icp = get_interceptor(iid)
        icp.booster  # noqa: B018 -- calibrate outside the timing
        build(icp, new_fams)  # warm the compiled kernels
        t_old, t_new = [], []
        for _ in range(args.repeat):
            old, dt = build(icp, scan.CANDIDATES[BEFORE], numpy_arrival=not args.same_code)
            t_old.append(dt)
            new, dt = build(icp, new_fams)
            t_new.append(dt)
        d, got = moved(icp, old, new_fams)
        lost = int((np.isfinite(old.time_s) & ~np.isfinite(got)).sum())
        gained = int((~np.isfinite(old.time_s) & np.isfinite(got)).sum())
        print(f"{iid:11s} build x{min(t_new) / min(t_old):.3f} ({min(t_old):.1f} s -> {min(t_new):.1f} s); "
              f"reach {old.reach_range_km:.0f} -> {new.reach_range_km:.0f} km; cells later by up to "
              f"{np.nanmax(d):.1f} s ({int((d > 1.0).sum())} by > 1 s), earlier by median {-np.nanmedian(d):.1f} s, "
              f"up to {-np.nanmin(d):.0f} s; {lost} cells lost, {gained} gained")


if __name__ == "__main__":
    main()
