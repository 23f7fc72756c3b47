"""Group commit of ingest: the report batches of concurrent requests share one transaction.

A request hands its (already schema-checked) reports to the writer thread and waits. The writer
takes everything queued, and in one transaction authenticates each request's token again, checks
the agreement is in force and the reports are plausible, stores the new ones and appends each
request's audit row; then it commits, and only then wakes the waiting requests with their counts.
A request whose checks fail is refused alone (nothing of it was written); if the commit itself
fails, every request of the group is refused and none was acknowledged.

One commit (one fsync) then serves many requests: single-report requests no longer queue one
fsync each behind the database's single writer.

A request waits on a future (:meth:`IngestBatcher.submit_async` from the event loop: no worker
thread is held per waiting request). Each writer thread keeps its own database connection for
its whole life (no pool checkout nor liveness ping per group); a group whose transaction fails
drops that connection and the next group opens a fresh one.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

import sqlalchemy as sa

from openbmd.center import agreement, auth, store
from openbmd.center.errors import Refused
from openbmd.center.models import WRITERS

log = logging.getLogger(__name__)
MAX_GROUP_REPORTS = 20_000  #: reports in one transaction at most


@dataclass(eq=False)
class _Job:
    token: str | None
    reports: list
    done: Future = field(default_factory=Future)  #: (rows stored, duplicates), or the Refused


class IngestBatcher:
    """The single writer thread of ``POST /v1/reports``."""

    def __init__(self, engine: sa.Engine, clock):
        self.engine, self.clock = engine, clock
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        #: SQLite has one writer at a time anyway; PostgreSQL overlaps one group's round trips with
        #: another's (they queue only on the audit chain's lock)
        self.writers = 1 if engine.dialect.name == "sqlite" else 2

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._run, name=f"openbmd-center-ingest-{i}", daemon=True)
                         for i in range(self.writers)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=30)
        self._threads = []

    def submit(self, token: str | None, reports: list) -> tuple[list[dict], int]:
        """Store ``reports`` for ``token``'s party once durable: (rows stored, duplicates); else Refused."""
        return self._enqueue(token, reports).result()

    async def submit_async(self, token: str | None, reports: list) -> tuple[list[dict], int]:
        """:meth:`submit` awaited from the event loop."""
        return await asyncio.wrap_future(self._enqueue(token, reports))

    def _enqueue(self, token: str | None, reports: list) -> Future:
        if not self._threads:
            raise Refused(503, "the center is starting or stopping; retry")
        job = _Job(token=token, reports=reports)
        self._queue.put(job)
        return job.done

    def _run(self) -> None:
        conn: sa.Connection | None = None
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    return
                group, size, stop = [first], len(first.reports), False
                while size < MAX_GROUP_REPORTS:
                    try:
                        job = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if job is None:  # a stop: finish this group, then leave
                        stop = True
                        break
                    group.append(job)
                    size += len(job.reports)
                conn = self._commit(conn, group)
                if stop:
                    return
        finally:
            if conn is not None:
                conn.close()

    def _commit(self, conn: sa.Connection | None, group: list[_Job]) -> sa.Connection | None:
        """Store the group in one transaction on ``conn`` (opened if None); the connection to keep."""
        now = self.clock()
        results: list[tuple[_Job, object]] = []
        try:
            conn = self.engine.connect() if conn is None else conn
            with conn.begin():
                accepted = self._check(conn, group, now, results)
                stored = store.ingest_many(conn, [(caller, job.reports) for job, caller in accepted], now_s=now)
                results += [(job, result) for (job, _), result in zip(accepted, stored)]
        except Exception:  # noqa: BLE001 - the commit failed: no job of the group was stored
            log.exception("ingest transaction failed")
            if conn is not None:
                conn.invalidate()  # it may be broken: the next group opens a fresh one
                conn.close()
            refused = Refused(503, "the database did not take the reports; nothing was stored: retry the request")
            for job in group:
                job.done.set_exception(refused)
            return None
        for job, result in results:  # the transaction has committed: only now is anything acknowledged
            if isinstance(result, Refused):
                job.done.set_exception(result)
            else:
                job.done.set_result(result)
        return conn

    @staticmethod
    def _check(conn: sa.Connection, group: list[_Job], now: float,
               refused: list[tuple[_Job, object]]) -> list[tuple[_Job, auth.Caller]]:
        """The jobs that pass (with their callers); the others go to ``refused`` with their refusal."""
        callers: dict[str | None, auth.Caller | None] = {}
        sensors: dict[str, dict] = {}
        try:
            agreement.require_in_force(conn, now)
            expired = None
        except Refused as exc:
            expired = exc
        accepted = []
        for job in group:
            if job.token not in callers:
                callers[job.token] = auth.authenticate(conn, job.token)
            caller = callers[job.token]
            try:
                if caller is None:
                    raise Refused(401, "the bearer token is not valid (unknown, revoked, or its party has withdrawn)")
                if caller.role not in WRITERS:
                    raise Refused(403, f"role {caller.role!r} may not do this; allowed: {', '.join(WRITERS)}")
                if expired is not None:
                    raise expired
                store.check_reports(conn, caller, job.reports, now_s=now, sensors=sensors)
            except Refused as exc:
                refused.append((job, exc))
                continue
            accepted.append((job, caller))
        return accepted
