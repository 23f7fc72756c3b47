"""The running center: its engine, clock, rate limits and picture, and the per-request session
(authenticate, rate-limit, check the agreement is in force, one transaction)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from openbmd.center import agreement, auth, db
from openbmd.center.batcher import IngestBatcher
from openbmd.center.errors import Refused
from openbmd.center.limits import SharedBuckets, TokenBuckets
from openbmd.center.picture import Picture

DEFAULT_RATE_PER_S = 2000.0  #: requests per second per party (token bucket refill)
DEFAULT_BURST = 4000.0  #: requests per party in a burst
HOUSEKEEPING_EVERY_S = 60.0  #: how often purges and retention run (center clock)


@dataclass(frozen=True, kw_only=True)
class Session:
    conn: sa.Connection
    caller: auth.Caller
    now_s: float


class Center:
    """Everything one service process holds; the database holds the truth."""

    def __init__(self, db_url: str, *, clock: Callable[[], float] = time.time, rate_per_s: float = DEFAULT_RATE_PER_S,
                 burst: float = DEFAULT_BURST, fusion: bool = True, migrate: bool = True):
        self.engine = db.engine_from_url(db_url)
        self.read_engine = db.engine_from_url(db_url, read_only=True)
        if migrate:
            db.migrate(self.engine)
        self.clock = clock
        self.buckets = SharedBuckets(self.engine, rate_per_s, burst)  # per party, across processes
        self.address_buckets = TokenBuckets(rate_per_s, burst)  # senders of unknown tokens, per process
        self.batcher = IngestBatcher(self.engine, clock)
        self.picture = Picture(self.engine, clock=clock, enabled=fusion, read_engine=self.read_engine)
        self._last_housekeeping = float("-inf")
        self._start_lock = threading.Lock()
        self._users = 0

    def start(self) -> None:
        """Start the workers (counted: an app may be entered by more than one lifespan at once)."""
        with self._start_lock:
            self._users += 1
            if self._users > 1:
                return
            from openbmd.sensors.catalog import load_sensor_catalog

            load_sensor_catalog()  # read the catalog now, not on the first report (its checks need it)
            self.picture.start()
            self.batcher.start()

    def stop(self) -> None:
        """Stop the workers when the last user leaves."""
        with self._start_lock:
            self._users -= 1
            if self._users > 0:
                return
            self.batcher.stop()
            self.picture.stop()
            self.engine.dispose()
            self.read_engine.dispose()

    @contextmanager
    def session(self, token: str | None, *, in_force: bool = True, roles: tuple[str, ...] = ()) -> Iterator[Session]:
        """One transaction for one authenticated caller (401 and 403 refused before the body runs; the
        rate limit was taken by the gate, :mod:`openbmd.center.gate`)."""
        if not token:
            raise Refused(401, "missing bearer token: send `Authorization: Bearer TOKEN`")
        now = self.clock()
        self._housekeeping(now)
        with self.engine.begin() as conn:
            caller = auth.authenticate(conn, token)
            if caller is None:
                raise Refused(401, "the bearer token is not valid (unknown, revoked, or its party has withdrawn)")
            if roles and caller.role not in roles:
                raise Refused(403, f"role {caller.role!r} may not do this; allowed: {', '.join(roles)}")
            if in_force:
                agreement.require_in_force(conn, now)
            yield Session(conn=conn, caller=caller, now_s=now)

    def housekeeping(self, now: float) -> None:
        """Purges and retention, at most every HOUSEKEEPING_EVERY_S of the center's clock."""
        self._housekeeping(now)

    def housekeeping_due(self, now: float) -> bool:
        return now - self._last_housekeeping >= HOUSEKEEPING_EVERY_S

    def _housekeeping(self, now: float) -> None:
        if not self.housekeeping_due(now):
            return
        self._last_housekeeping = now
        with self.engine.begin() as conn:
            done = agreement.housekeeping(conn, now_s=now)
        if any(done.values()):
            self.picture.data_removed()
