"""Storage: the shipped migrations build exactly the tables the code uses; SQLite runs in WAL with
synchronous=FULL; unsupported URLs are refused with a line saying what is allowed."""
from __future__ import annotations

import re

import pytest


def test_migrations_build_the_models_tables(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from openbmd.center import db

    engine = db.engine_from_url(db_url)
    db.migrate(engine)
    db.migrate(engine)  # a second run is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert diff == [], diff
    # migrate goes to the newest script: the highest numbered file of migrations/versions
    from pathlib import Path
    newest = max(p.name[:4] for p in (Path(db.__file__).parent / "migrations" / "versions").glob("0*.py"))
    assert version == newest == "0004"


def test_sqlite_is_wal_and_synchronous_full(sqlite_url):
    from openbmd.center import db

    engine = db.engine_from_url(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


@pytest.mark.parametrize("url, says", [
    ("mysql://u@h/db", "not supported"),
    ("sqlite://", "must be a file"),
    ("sqlite:////no/such/folder/x.db", "does not exist"),
    ("postgresql+asyncpg://u@h/db", "use postgresql+psycopg"),
    ("::not a url::", "not a URL"),
])
def test_bad_urls(url, says):
    from openbmd.center import db
    from openbmd.errors import InputError

    with pytest.raises(InputError, match=re.escape(says)):
        db.engine_from_url(url)
