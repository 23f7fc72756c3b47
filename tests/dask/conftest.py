"""One LocalCluster (2 worker processes, one thread each) per test module that asks for it."""
from __future__ import annotations

import pytest

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    """A Dask client of a 2-process LocalCluster, as ``--dask local:2`` starts it."""
    from openbmd.scale.executor import dask_client

    with dask_client("local:2") as c:
        yield c

