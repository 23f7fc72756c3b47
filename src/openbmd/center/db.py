"""The center's storage: SQLAlchemy Core tables and an engine from a URL.

SQLite (``sqlite:///path``) is the embedded default: WAL journal with ``synchronous=FULL``, so
that a commit has reached the disk (the WAL file is fsynced at every commit) before the service
acknowledges it. ``NORMAL`` would survive a killed process but may lose the last commits on a
power cut or an OS crash, which is not what "acknowledged only once durable" promises.
Every SQLite transaction starts with ``BEGIN IMMEDIATE``: writers queue on the database lock at
the start of a transaction instead of failing half-way when a read lock must be upgraded.

PostgreSQL by URL (``postgresql+psycopg://user@host:port/db``); its commits are durable with
the server's default ``synchronous_commit=on``. Writers that append to the audit chain take a
transaction-scoped advisory lock (:func:`serialize`).

The schema is created and upgraded by the Alembic migrations shipped in
``center/migrations`` (:func:`migrate`); ``tests/center/test_db.py`` checks that they build
exactly these tables.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from openbmd.errors import InputError

metadata = sa.MetaData()
_ID = 128  #: the longest id (report, sensor, notification, proposal) in characters
#: an auto-incrementing 64-bit key (SQLite only auto-increments an INTEGER PRIMARY KEY)
_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

agreement = sa.Table(
    "agreement", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("body", sa.Text, nullable=False),  # canonical JSON of the whole agreement
    sa.Column("proposal_id", sa.String(_ID)),  # the approved proposal that made it (None: founding)
    sa.Column("created_s", sa.Float, nullable=False),
)
parties = sa.Table(
    "parties", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("founding", sa.Boolean, nullable=False),
    sa.Column("joined_s", sa.Float, nullable=False),
    sa.Column("withdrawn_s", sa.Float),
    sa.Column("purge_after_s", sa.Float),  # when its shared data goes (withdrawal rule "purge")
    sa.Column("purged_s", sa.Float),
)
tokens = sa.Table(
    "tokens", metadata,
    sa.Column("id", sa.String(16), primary_key=True),  # public part of the token, names it in the audit
    sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),  # sha256 hex of the whole token
    sa.Column("created_s", sa.Float, nullable=False),
    sa.Column("revoked_s", sa.Float),
)
sensors = sa.Table(
    "sensors", metadata,
    sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), primary_key=True),
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("sensor", sa.String(_ID), nullable=False),  # catalog sensor id
    sa.Column("lat_deg", sa.Float, nullable=False),
    sa.Column("lon_deg", sa.Float, nullable=False),
    sa.Column("alt_m", sa.Float, nullable=False),
    sa.Column("sharing", sa.String(16), nullable=False),
    sa.Column("created_s", sa.Float, nullable=False),
    # a space infrared tracker: which satellite of the catalog constellation, and the UNIX time at
    # which its first satellite passes over (lat_deg, lon_deg) ascending (None for a ground sensor)
    sa.Column("satellite", sa.Integer),
    sa.Column("epoch_s", sa.Float),
)
reports = sa.Table(
    "reports", metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("party", sa.String(32), nullable=False),
    sa.Column("id", sa.String(_ID), nullable=False),
    sa.Column("sensor", sa.String(_ID), nullable=False),
    sa.Column("t_s", sa.Float, nullable=False),
    sa.Column("range_m", sa.Float, nullable=False),
    sa.Column("azimuth_deg", sa.Float, nullable=False),
    sa.Column("elevation_deg", sa.Float, nullable=False),
    sa.Column("sigma_range_m", sa.Float, nullable=False),
    sa.Column("sigma_angle_deg", sa.Float, nullable=False),
    sa.Column("received_s", sa.Float, nullable=False),
    sa.UniqueConstraint("party", "id", name="uq_reports_party_id"),
)
sight_reports = sa.Table(
    "sight_reports", metadata,  # lines of sight of space infrared trackers (angles in Earth-fixed axes)
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("party", sa.String(32), nullable=False),
    sa.Column("id", sa.String(_ID), nullable=False),
    sa.Column("sensor", sa.String(_ID), nullable=False),
    sa.Column("t_s", sa.Float, nullable=False),
    sa.Column("los_lon_deg", sa.Float, nullable=False),
    sa.Column("los_lat_deg", sa.Float, nullable=False),
    sa.Column("sigma_deg", sa.Float, nullable=False),
    sa.Column("received_s", sa.Float, nullable=False),
    sa.UniqueConstraint("party", "id", name="uq_sight_reports_party_id"),
)
party_tracks = sa.Table(
    "party_tracks", metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("party", sa.String(32), nullable=False),
    sa.Column("id", sa.String(_ID), nullable=False),
    sa.Column("t_s", sa.Float, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # canonical JSON: position_m, velocity_m_s, covariance
    sa.Column("received_s", sa.Float, nullable=False),
    sa.UniqueConstraint("party", "id", name="uq_party_tracks_party_id"),
)
notifications = sa.Table(
    "notifications", metadata,
    sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), primary_key=True),
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),  # canonical JSON of the notification as filed
    sa.Column("window_end_s", sa.Float, nullable=False),
    sa.Column("created_s", sa.Float, nullable=False),
)
alerts = sa.Table(
    "alerts", metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("track_id", sa.String(_ID), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_s", sa.Float, nullable=False),
)
proposals = sa.Table(
    "proposals", metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("party", sa.String(32), nullable=False),
    sa.Column("base_version", sa.Integer, nullable=False),
    sa.Column("change", sa.Text, nullable=False),  # canonical JSON
    sa.Column("change_sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open | applied | stale
    sa.Column("created_s", sa.Float, nullable=False),
    sa.Column("decided_s", sa.Float),
)
approvals = sa.Table(
    "approvals", metadata,
    sa.Column("proposal_id", sa.String(_ID), sa.ForeignKey("proposals.id"), primary_key=True),
    sa.Column("party", sa.String(32), primary_key=True),
    sa.Column("token_id", sa.String(16), nullable=False),
    sa.Column("at_s", sa.Float, nullable=False),
)
audit = sa.Table(
    "audit", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("event", sa.Text, nullable=False),  # canonical JSON; the hash covers exactly this text
)

exercises = sa.Table(
    "exercises", metadata,  # joint exercises flown through the center (openbmd exercise) and their scores
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), nullable=False),  # who posted it first
    sa.Column("scenario", sa.Text, nullable=False),
    sa.Column("speed", sa.Float, nullable=False),
    sa.Column("started_s", sa.Float, nullable=False),
    sa.Column("finished_s", sa.Float),
    sa.Column("score", sa.Text, nullable=False),  # canonical JSON object
    sa.Column("updated_s", sa.Float, nullable=False),
)

rate_buckets = sa.Table(
    "rate_buckets", metadata,  # per-party token buckets shared by every process (center.limits.SharedBuckets)
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("level", sa.Float, nullable=False),  # tokens in the bucket at last_s
    sa.Column("last_s", sa.Float, nullable=False),  # UNIX seconds
)

keys = sa.Table(
    "keys", metadata,  # the center's own secrets (never served): e.g. the key that makes track ids opaque
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)

_AUDIT_LOCK = 0x0B3D  #: the PostgreSQL advisory-lock key of the audit chain


def engine_from_url(url: str, *, read_only: bool = False) -> sa.Engine:
    """An engine for ``sqlite:///path`` or ``postgresql+psycopg://...``; anything else is an InputError.

    ``read_only``: for SQLite, transactions start with a plain (deferred) BEGIN, so they read the
    WAL snapshot without queueing behind writers; only for connections that never write."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise InputError(f"database URL {url!r} is not a URL; allowed: sqlite:///PATH or "
                         "postgresql+psycopg://USER@HOST:PORT/DB") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, begin="BEGIN" if read_only else "BEGIN IMMEDIATE")
    if parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "postgresql", ""):
            raise InputError(f"PostgreSQL driver {parsed.get_driver_name()!r} is not supported; use "
                             "postgresql+psycopg://")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise InputError("PostgreSQL needs the psycopg driver: pip install 'openbmd[postgres]'") from None
        return sa.create_engine(parsed.set(drivername="postgresql+psycopg"), pool_size=8, max_overflow=8,
                                pool_pre_ping=True)
    raise InputError(f"database {parsed.get_backend_name()!r} is not supported; allowed: sqlite:///PATH or "
                     "postgresql+psycopg://USER@HOST:PORT/DB")


def _sqlite_engine(url: sa.URL, begin: str) -> sa.Engine:
    if not url.database or url.database == ":memory:":
        raise InputError("the center's SQLite database must be a file (sqlite:///PATH): an in-memory "
                         "database is gone when the server stops")
    folder = Path(url.database).expanduser().resolve().parent
    if not folder.is_dir():
        raise InputError(f"folder {folder} of the SQLite database does not exist")
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30.0},
                              pool_size=8, max_overflow=8, poolclass=sa.pool.QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # the driver issues no BEGIN of its own: ours below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(begin)

    return engine


def serialize(conn: sa.Connection) -> None:
    """Make the current transaction the only writer of the audit chain until it ends.

    SQLite: every transaction already holds the write lock (BEGIN IMMEDIATE). PostgreSQL: a
    transaction-scoped advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK})


def migrate(engine: sa.Engine) -> None:
    """Create or upgrade the schema to the newest shipped migration (Alembic, run in-process)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
