"""Independent chunks of work, run in order in this process or as tasks on a Dask cluster.

The analyses already work in chunks that are pure functions of their inputs (coverage's
trajectory chunks, icbm-reach's fields and batteries, the raid's Monte Carlo blocks).
:func:`map_chunks` runs ``fn(chunk, **shared)`` for every chunk and returns the results in
input order: with ``client=None`` one after the other here, with a Dask client as one task per
chunk.  The chunking is the caller's and the same either way, so the answer does not depend
on where it ran.  ``shared`` holds what every task needs (resolved architectures with their
fly-out tables, the missile): on Dask it is scattered to the workers once per call, not
pickled into every task.

Without Dask, :func:`process_pool` gives the same tasks to worker processes of this machine
(a ``concurrent.futures`` pool, ``shared`` pickled with every task): ``openbmd assess`` runs
icbm-reach's batteries there, where most of a cold run's fly-out tables are built.

A ``--dask`` spec (:func:`parse_spec`): ``local`` (a LocalCluster with one worker process per
core), ``local:N`` (N worker processes), or a scheduler address ``tcp://HOST:PORT`` (also
``tls://``, ``ucx://``, ``inproc://``).  Local workers run one thread each, and numba's
parallel loops inside them one thread each too (``NUMBA_NUM_THREADS=1``): one worker, one core.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

from openbmd.errors import InputError

DASK_MISSING = "--dask needs dask.distributed: pip install 'openbmd[dask]'"
_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://[^\s/]+$")
_SPEC_HELP = "allowed: local, local:N (N worker processes) or a scheduler address such as tcp://host:8786"
#: environment of local worker processes: one core each (numba's parallel loops included)
WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1"}


def parse_spec(spec: str) -> tuple[str, Any]:
    """``("local", n_workers)`` or ``("address", address)``; one InputError line for anything else."""
    text = str(spec).strip()
    if text == "local":
        return "local", max(1, os.cpu_count() or 1)
    if text.startswith("local:"):
        n = text[len("local:"):]
        if n.isdigit() and 1 <= int(n) <= 512:
            return "local", int(n)
        raise InputError(f"dask cluster {spec!r}: N of local:N must be a whole number from 1 to 512")
    if _ADDRESS.match(text):
        return "address", text
    raise InputError(f"dask cluster {spec!r} unknown; {_SPEC_HELP}")


def _distributed():
    try:
        import distributed
    except ImportError:
        raise InputError(DASK_MISSING) from None
    return distributed


@contextmanager
def dask_client(spec: str | None) -> Iterator[Any]:
    """The Dask client of ``spec`` (None: yields None, nothing is started); a LocalCluster it
    started is closed on exit."""
    if spec is None:
        yield None
        return
    kind, arg = parse_spec(spec)
    distributed = _distributed()
    if kind == "address":
        try:
            client = distributed.Client(arg, timeout=10)
        except OSError as exc:
            raise InputError(f"dask cluster {spec}: no scheduler answers there ({exc})") from None
        with client:
            yield client
        return
    cluster = distributed.LocalCluster(n_workers=arg, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR, env=dict(WORKER_ENV))
    with cluster, distributed.Client(cluster) as client:
        yield client


def one_core() -> None:
    """Initializer of a worker process: numba's parallel loops on one thread (one worker, one
    core).  Not through ``NUMBA_NUM_THREADS``: numba is imported by then (unpickling the task
    imports openbmd), and a changed variable makes its next compilation raise 'Cannot set
    NUMBA_NUM_THREADS to a different value once the threads have been launched'."""
    import numba

    numba.set_num_threads(1)


@contextmanager
def process_pool(processes: int | None = None) -> Iterator[Executor | None]:
    """A pool of ``processes`` worker processes (default one per core; spawned, one numba thread
    each) for :func:`map_chunks`; None (run here) with fewer than two."""
    n = processes or os.cpu_count() or 1
    if n < 2:
        yield None
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"), initializer=one_core) as pool:
        yield pool


def map_chunks(fn: Callable, chunks: Sequence, *, client=None, shared: dict | None = None,
               progress: Callable[[int, int], None] | None = None) -> list:
    """``[fn(c, **shared) for c in chunks]``, here in order (``client=None``), as one Dask task
    per chunk, or one task per chunk of a :func:`process_pool`; results in input order every way.
    ``progress(done, total)`` is called as chunks finish (in the order they finish)."""
    chunks = list(chunks)
    shared = dict(shared or {})
    n = len(chunks)
    if client is None or n == 0:
        out = []
        for i, c in enumerate(chunks):
            out.append(fn(c, **shared))
            if progress:
                progress(i + 1, n)
        return out
    if isinstance(client, Executor):
        return _map_pool(client, fn, chunks, shared, progress)
    from distributed import as_completed

    # a list of one: scatter would split a list value into one future per item
    remote = {k: client.scatter([v], broadcast=True, hash=False)[0] for k, v in shared.items()}
    futures = [client.submit(fn, c, pure=False, **remote) for c in chunks]
    where = {f.key: i for i, f in enumerate(futures)}
    out: list = [None] * n
    try:
        for done, f in enumerate(as_completed(futures), start=1):
            out[where[f.key]] = f.result()
            if progress:
                progress(done, n)
    finally:
        client.cancel(futures + list(remote.values()))
    return out


def _map_pool(pool: Executor, fn, chunks, shared, progress) -> list:
    from concurrent.futures import as_completed

    futures = [pool.submit(fn, c, **shared) for c in chunks]
    where = {f: i for i, f in enumerate(futures)}
    out: list = [None] * len(chunks)
    try:
        for done, f in enumerate(as_completed(futures), start=1):
            out[where[f]] = f.result()
            if progress:
                progress(done, len(chunks))
    finally:
        for f in futures:
            f.cancel()
    return out


def n_workers(client) -> int:
    """Workers of the cluster behind ``client`` (1 without one): how finely to split work."""
    if client is None:
        return 1
    if isinstance(client, Executor):
        return max(1, getattr(client, "_max_workers", 1))
    return max(1, len(client.scheduler_info().get("workers", {})))
