"""Build missing fly-out tables in parallel processes before a long run needs them one by one.

A cold cache (a fresh clone, a new machine, a physics edit) makes the first ``openbmd assess``
build every table it touches, one after the other, when the engagement first asks for it.  The
tables a run will need are mostly known at its start (each battery's interceptor at its latitude
band; for icbm-reach's speed sweep the fastest variant, which every bisection probes first):
:func:`prebuild_tables` builds those that are missing from the disk cache in a pool of worker
processes (one per core, numba one thread each), each written atomically into the shared cache
(:func:`openbmd.interceptors.cache.store`); the run then loads them.  A table that fails to build
here is left to the run, which builds it as before: nothing here can change an answer (the cached
table is bit for bit the table the run would build, tests/unit/test_flyout_cache.py).
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)


def _key(icp, lat_deg):
    from openbmd.interceptors import cache as disk_cache
    from openbmd.interceptors.flyout import DEFAULT_AZIMUTHS_DEG, band_latitude
    from openbmd.earth.model import earth_model

    return disk_cache.table_key(icp, lat_deg=band_latitude(lat_deg), azimuth_deg=DEFAULT_AZIMUTHS_DEG,
                                earth=earth_model("wgs84", rotation=True), drag=True, n_kicks=48, n_range=121,
                                n_alt=101)


def missing_tables(specs) -> list[tuple]:
    """The (interceptor, latitude) pairs of ``specs`` whose default table (the one
    :func:`~openbmd.interceptors.flyout.flyout_table` builds) is not in the disk cache, one per
    table."""
    from openbmd.interceptors import cache as disk_cache

    out, seen = [], set()
    for icp, lat in specs:
        key = _key(icp, lat)
        if key in seen:
            continue
        seen.add(key)
        if not disk_cache._path(key, icp.id).exists():  # noqa: SLF001
            out.append((icp, float(lat)))
    return out


def _build(spec) -> str:
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    from openbmd.interceptors.flyout import flyout_table

    icp, lat = spec
    flyout_table(icp, lat)
    return icp.id


def _init_worker():
    os.environ["NUMBA_NUM_THREADS"] = "1"


def prebuild_tables(specs, *, processes: int | None = None, progress=None) -> int:
    """Build the missing tables of ``specs`` ((interceptor, latitude) pairs) in ``processes``
    worker processes (default: one per core; with one core or one table, nothing is done here).
    Returns how many were built."""
    todo = missing_tables(specs)
    n = min(len(todo), processes or os.cpu_count() or 1)
    if n < 2:
        return 0
    import multiprocessing as mp

    done = 0
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"),
                                 initializer=_init_worker) as pool:
            for _ in pool.map(_build, todo):
                done += 1
                if progress:
                    progress(done, len(todo))
    except Exception as exc:  # noqa: BLE001 -- the run builds what is still missing, as before
        log.debug("fly-out prebuild stopped (%s: %s)", type(exc).__name__, exc)
    return done


def assessment_tables(resolved, speeds_top: bool = True) -> list[tuple]:
    """The tables an assessment of the ``resolved`` architectures starts with: each battery's
    interceptor at its latitude and (``speeds_top``) the fastest variant of icbm-reach's sweep."""
    from openbmd.analyses.icbm_reach import DEFAULT_SPEEDS_KM_S
    from openbmd.analyses.icbm_sweeps import sweep_speeds

    specs = []
    for r in resolved:
        for b in r.batteries:
            specs.append((b.interceptor, b.entry.lat_deg))
            if speeds_top:
                grid, variants = sweep_speeds(b.interceptor, DEFAULT_SPEEDS_KM_S)
                if grid:
                    specs.append((variants[grid[-1]], b.entry.lat_deg))
    return specs
