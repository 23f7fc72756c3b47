"""Benchmark: building one fly-out table (the kick fans flown on the engine and reduced to
the (azimuth, range, altitude) grid), uncached, for three interceptors from a site at 52.5 N
with the default 8 azimuths and grid.  The booster calibration (the kinematic form's Isp
solve) is done first and not timed; each build is timed once (seconds of work).

    python benchmarks/bench_flyout_build.py
"""
from __future__ import annotations

import time

from openbmd.earth.model import earth_model
from openbmd.interceptors import get_interceptor
from openbmd.interceptors.flyout import DEFAULT_AZIMUTHS_DEG, _build_table, band_latitude

IDS = ("sm-3-iia", "sm-3-iib", "gbi-3stage")


def main() -> None:
    model = earth_model("wgs84")
    lat = band_latitude(52.5)
    for iid in IDS:
        icp = get_interceptor(iid)
        icp.booster  # noqa: B018 -- calibrate the kinematic booster outside the timing
        t0 = time.perf_counter()
        table = _build_table(icp, lat, DEFAULT_AZIMUTHS_DEG, model, True, 64, 121, 101)
        dt = time.perf_counter() - t0
        print(f"{iid:12s} build {dt:6.2f} s  reach {table.reach_range_km:7.0f} km x {table.reach_alt_km:6.0f} km")


if __name__ == "__main__":
    main()
