"""Benchmark: a coverage sweep on a local Dask cluster of 2 worker processes against 1, and the
Dask path at 1 worker against the plain run in this process.

Work: the cases of a coverage study (``openbmd.analyses.sweep``): EPAA Phase 2 and Phase 3
against a Shahab-3 from Tabriz over eastern Turkey (36-42 N, 30-44 E, 0.5 deg cells), at
reaction times 15, 30, 60 and 120 s and burnout speeds 3 and 4.5 km/s: 16 cases, each a
coverage run of ~300 aim points.  The baseline is the same cases with
``map_chunks(client=None)`` here, one after the other.  Every process runs numba with one thread
(NUMBA_NUM_THREADS=1, as the local workers do: one worker, one core), and each process (this one
and every worker) first runs one warm-up case (numba's cached kernels, fly-out tables from the
disk cache, the region grid), so the times compare the work, not the start-up; the cluster's
start is printed apart.  The answers must be equal.  Target: >= 1.8x at 2 workers against 1;
the Dask path at 1 worker within 10 % of the plain run.  On a shared machine the times are noisy:
the script prints the load average next to them.

    python benchmarks/bench_dask.py
"""
from __future__ import annotations

import os

os.environ["NUMBA_NUM_THREADS"] = "1"  # before numba is imported: the workers' setting

import time  # noqa: E402

from openbmd.analyses.sweep import Study, run_case  # noqa: E402
from openbmd.scale.executor import dask_client, map_chunks  # noqa: E402

STUDY = Study(name="bench", metric="coverage", architectures=("epaa-phase-2", "epaa-phase-3"),
              threats=("shahab-3",), reaction_s=(15.0, 30.0, 60.0, 120.0), burnout_speed_km_s=(3.0, 4.5),
              launch_area="Tabriz", region="36,42,30,44", step_deg=0.5)
WARM = {"case": "warm", "metric": "coverage", "architecture": "epaa-phase-3", "threat": "shahab-3",
        "reaction_s": 45.0, "burnout_speed_km_s": 3.0}


def _warm():
    from openbmd.analyses.sweep import run_case as rc
    from openbmd.analyses.sweep import Study as S

    rc(WARM, study=S(**{**STUDY.__dict__}))
    rc({**WARM, "burnout_speed_km_s": 4.5}, study=S(**{**STUDY.__dict__}))


def _timed(client):
    t = time.perf_counter()
    rows = map_chunks(run_case, STUDY.cases(), client=client, shared={"study": STUDY})
    return time.perf_counter() - t, [r["value"] for r in rows]


def main() -> None:
    cases = STUDY.cases()
    print(f"work: {len(cases)} coverage cases (2 architectures x 4 reaction times x 2 burnout speeds), "
          f"Shahab-3 from Tabriz over 36-42 N 30-44 E at 0.5 deg; load average before {os.getloadavg()[0]:.2f}")
    _warm()
    plain, want = _timed(None)
    print(f"plain, here (1 core):        {plain:6.2f} s")
    times = {}
    for n in (1, 2):
        t0 = time.perf_counter()
        with dask_client(f"local:{n}") as client:
            start = time.perf_counter() - t0
            client.run(_warm)  # every worker: kernels, tables and grid loaded before the clock
            times[n], got = _timed(client)
        assert got == want, "the Dask path changed an answer"
        print(f"dask local:{n} ({n} worker{'s' if n > 1 else ''}):{' ' if n > 1 else '  '} {times[n]:6.2f} s  (cluster start {start:.2f} s)")
    print(f"speed-up 2 workers / 1 worker: {times[1] / times[2]:.2f}x (target >= 1.8x)")
    print(f"Dask overhead at 1 worker: {100 * (times[1] / plain - 1):+.1f} % of the plain run (target <= 10 %)")
    print(f"load average after {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
          "(a shared machine: other jobs take cores, so the ratios are noisy)")


if __name__ == "__main__":
    main()
