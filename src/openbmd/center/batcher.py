"""Group commit of ingest: the report batches of concurrent requests share one transaction.

A request hands its (already schema-checked) reports to the writer thread and waits. The writer
takes everything queued, and in one transaction authenticates each request's token again, checks
the agreement is in force and the reports are plausible, stores the new ones and appends each
request's audit row; then it commits, and only then wakes the waiting requests with their counts.
A request whose checks fail is refused alone (nothing of it was written); if the commit itself
fails, every request of the group is refused and none was acknowledged.

One commit (one fsync) then serves many requests: single-report requests no longer queue one
fsync each behind the database's single writer.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa

from openbmd.center import agreement, auth, store
from openbmd.center.errors import Refused

log = logging.getLogger(__name__)
MAX_GROUP_REPORTS = 20_000  #: reports in one transaction at most
WRITERS = ("head", "operator")


@dataclass(eq=False)
class _Job:
    token: str | None
    reports: list
    done: threading.Event = field(default_factory=threading.Event)
    result: tuple[list[dict], int] | None = None
    error: Refused | None = None


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
        if not self._threads:
            raise Refused(503, "the center is starting or stopping; retry")
        job = _Job(token=token, reports=reports)
        self._queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group, size = [first], len(first.reports)
            while size < MAX_GROUP_REPORTS:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:  # a stop: finish this group, then leave
                    self._commit(group)
                    return
                group.append(job)
                size += len(job.reports)
            self._commit(group)

    def _commit(self, group: list[_Job]) -> None:
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                accepted = self._check(conn, group, now)
                results = store.ingest_many(conn, [(caller, job.reports) for job, caller in accepted], now_s=now)
                for (job, _), result in zip(accepted, results):
                    job.result = result
        except Exception:  # noqa: BLE001 - the commit failed: no job of the group was stored
            log.exception("ingest transaction failed")
            for job in group:
                job.result, job.error = None, Refused(503, "the database did not take the reports; "
                                                           "nothing was stored: retry the request")
        for job in group:
            job.done.set()

    @staticmethod
    def _check(conn: sa.Connection, group: list[_Job], now: float) -> list[tuple[_Job, auth.Caller]]:
        """The jobs that pass (with their callers); the others get their refusal."""
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
                job.error = exc
                continue
            accepted.append((job, caller))
        return accepted
