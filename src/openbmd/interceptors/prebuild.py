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
from functools import partial

log = logging.getLogger(__name__)


def _key(icp, lat_deg, options):
    from openbmd.interceptors import cache as disk_cache
    from openbmd.interceptors.flyout import DEFAULT_AZIMUTHS_DEG, band_latitude
    from openbmd.earth.model import earth_model

    kw = {"azimuth_deg": DEFAULT_AZIMUTHS_DEG, "n_kicks": 48, "n_range": 121, "n_alt": 101, **(options or {})}
    return disk_cache.table_key(icp, lat_deg=band_latitude(lat_deg),
                                azimuth_deg=tuple(float(a) % 360.0 for a in kw["azimuth_deg"]),
                                earth=earth_model("wgs84", rotation=True), drag=True, n_kicks=kw["n_kicks"],
                                n_range=kw["n_range"], n_alt=kw["n_alt"])


def missing_tables(specs, options: dict | None = None) -> list[tuple]:
    """The (interceptor, latitude) pairs of ``specs`` whose table (the one
    :func:`~openbmd.interceptors.flyout.flyout_table` builds with ``options``: ``azimuth_deg``,
    ``n_kicks``, ``n_range``, ``n_alt``; default its defaults) is not in the disk cache, one per table."""
    from openbmd.interceptors import cache as disk_cache

    out, seen = [], set()
    for icp, lat in specs:
        key = _key(icp, lat, options)
        if key in seen:
            continue
        seen.add(key)
        if not disk_cache._path(key, icp.id).exists():  # noqa: SLF001
            out.append((icp, float(lat)))
    return out


def _build(spec, options=None) -> str:
    from openbmd.interceptors.flyout import flyout_table

    icp, lat = spec
    flyout_table(icp, lat, **(options or {}))
    return icp.id


def prebuild_tables(specs, *, processes: int | None = None, progress=None, options: dict | None = None) -> int:
    """Build the missing tables of ``specs`` ((interceptor, latitude) pairs; ``options`` as
    :func:`missing_tables`) in ``processes`` worker processes (default: one per core; with one
    core or one table, nothing is done here).  Returns how many were built."""
    todo = missing_tables(specs, options)
    n = min(len(todo), processes or os.cpu_count() or 1)
    if n < 2:
        return 0
    from openbmd.scale.executor import process_pool

    done = 0
    try:  # numba one thread per worker (through NUMBA_NUM_THREADS, it stopped every prebuild, silently)
        with process_pool(n) as pool:
            for _ in pool.map(partial(_build, options=options), todo):
                done += 1
                if progress:
                    progress(done, len(todo))
    except Exception as exc:  # noqa: BLE001 -- the run builds what is still missing, as before
        log.warning("fly-out prebuild stopped (%s: %s)", type(exc).__name__, exc)
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
