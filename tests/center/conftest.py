"""Fixtures of the center's tests: a fresh database on SQLite and on PostgreSQL, a founded
agreement, a settable clock, and a TestClient (helpers in center_helpers.py).

PostgreSQL: ``OPENBMD_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts a throwaway one with
tools/pg_throwaway.sh); each test gets a database of its own, dropped afterwards. Without the
variable the PostgreSQL cases are skipped, saying why.
"""
from __future__ import annotations

import pytest
from center_helpers import Center, Clock, found, pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'center.db'}"
    else:
        yield from pg_database()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'center.db'}"


@pytest.fixture
def make_center(db_url):
    """Build a center on ``db_url`` (both backends): ``make_center(**create_app_kwargs)``."""
    from fastapi.testclient import TestClient

    from openbmd.center.service import create_app

    made = []

    def make(parties=("nato", "russia"), *, found_kwargs=None, **kwargs) -> Center:
        clock = Clock()
        tokens = found(db_url, parties, now=clock(), **(found_kwargs or {}))
        kwargs.setdefault("fusion", False)
        client = TestClient(create_app(db_url, clock=clock, **kwargs))
        client.__enter__()
        made.append(client)
        return Center(client=client, clock=clock, url=db_url, tokens=tokens)

    yield make
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture
def center(make_center) -> Center:
    return make_center()

