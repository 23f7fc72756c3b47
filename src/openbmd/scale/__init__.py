"""Scale-out: run the analyses' independent chunks of work in order here, or as Dask tasks.

:func:`~openbmd.scale.executor.map_chunks` is the one place work leaves the process;
:func:`~openbmd.scale.executor.dask_client` turns a ``--dask`` spec ("local", "local:N" or a
scheduler address) into a client.  Dask is an optional extra (``pip install 'openbmd[dask]'``).
"""
from openbmd.scale.executor import DASK_MISSING, dask_client, map_chunks, parse_spec  # noqa: F401

__all__ = ["DASK_MISSING", "dask_client", "map_chunks", "parse_spec"]
