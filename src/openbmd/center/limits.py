"""Per-party rate limits (token buckets) and the request-body size limit.

A party's bucket lives in the database (:class:`SharedBuckets`), so its rate holds across every
process serving the center (``openbmd center serve --workers N``), not per process. A process
leases a few tokens at a time (at most ``LEASE_S`` seconds of the rate) with one short
transaction, and spends them locally: one database write per lease instead of per request. The
bound is then the party's rate and burst plus at most one lease per process; a lease not spent
within ``LEASE_TTL_S`` is dropped (spent tokens are never given back). If the database cannot
be reached the request goes on, and its handler answers 503 as it fails to reach the database
too. The buckets of unknown tokens' senders (:class:`TokenBuckets`, keyed by address) stay in
each process: they only slow guessing down.

The body limit is an ASGI middleware around the whole application: a declared ``Content-Length``
over the limit is answered 413 before any byte of the body is read; a body sent without one
(chunked) is read up to the limit and refused 413 as soon as it passes it. Nothing is parsed in
either case.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 4 * 1024 * 1024  #: 5,000 reports of ~250 bytes each fit with room to spare


class TokenBuckets:
    """One bucket per key: ``burst`` tokens, refilled at ``rate_per_s``; each request takes one."""

    def __init__(self, rate_per_s: float, burst: float, clock: Callable[[], float] = time.monotonic):
        self.rate_per_s, self.burst, self._clock = float(rate_per_s), float(burst), clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0.0 when a request may go; otherwise the seconds until one may."""
        with self._lock:
            now = self._clock()
            level, last = self._buckets.get(key, (self.burst, now))
            level = min(self.burst, level + (now - last) * self.rate_per_s)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                return 0.0
            self._buckets[key] = (level, now)
            return (1.0 - level) / self.rate_per_s if self.rate_per_s > 0 else 3600.0


LEASE_S = 0.02  #: a lease holds at most this long of the party's rate (40 tokens at 2,000 requests/s)
LEASE_TTL_S = 1.0  #: a lease not spent within this is dropped


class SharedBuckets:
    """Token buckets in the database table ``rate_buckets``: ``burst`` tokens per key, refilled at
    ``rate_per_s``; each request takes one (see the module docstring)."""

    def __init__(self, engine, rate_per_s: float, burst: float, clock: Callable[[], float] = time.time):
        self.engine, self.rate_per_s, self.burst, self._clock = engine, float(rate_per_s), float(burst), clock
        self.chunk = max(1, min(int(self.burst), int(self.rate_per_s * LEASE_S)))
        self._leases: dict[str, tuple[int, float]] = {}  # key -> (tokens left, leased at)
        self._lease_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def take_leased(self, key: str) -> bool:
        """Take a token of this process's lease (no database); False when there is none left."""
        with self._lock:
            left, at = self._leases.get(key, (0, 0.0))
            if left >= 1 and self._clock() - at <= LEASE_TTL_S:
                self._leases[key] = (left - 1, at)
                return True
        return False

    def take(self, key: str) -> float:
        """0.0 when a request may go (a token taken); otherwise the seconds until one may. May
        write to the database: call it off the event loop."""
        if self.take_leased(key):
            return 0.0
        import sqlalchemy as sa

        with self._lock:
            lock = self._lease_locks.setdefault(key, threading.Lock())
        with lock:  # one lease at a time per key: the requests that queued here share it
            if self.take_leased(key):
                return 0.0
            try:
                granted, wait = self._lease(key)
            except sa.exc.SQLAlchemyError:
                log.exception("rate limit: the database is not reachable; the request goes on")
                return 0.0
            if granted:
                with self._lock:
                    self._leases[key] = (granted - 1, self._clock())
        return wait

    def _lease(self, key: str) -> tuple[int, float]:
        import sqlalchemy as sa
        from sqlalchemy.dialects import postgresql, sqlite

        from openbmd.center import db

        table = db.rate_buckets
        with self.engine.begin() as conn:
            now = self._clock()
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            conn.execute(dialect.insert(table).values(key=key, level=self.burst, last_s=now)
                         .on_conflict_do_nothing(index_elements=["key"]))
            row = conn.execute(sa.select(table.c.level, table.c.last_s).where(table.c.key == key)
                               .with_for_update()).one()
            level = min(self.burst, row.level + max(0.0, now - row.last_s) * self.rate_per_s)
            granted = min(self.chunk, int(level))
            conn.execute(table.update().where(table.c.key == key).values(level=level - granted, last_s=now))
        if granted:
            return granted, 0.0
        return 0, (1.0 - level) / self.rate_per_s if self.rate_per_s > 0 else 3600.0


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``max_bytes``."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES):
        self.app, self.max_bytes = app, int(max_bytes)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                return await reply(send, 400, "the Content-Length header is not a number")
            if size > self.max_bytes:
                return await reply(send, 413, self._message(size))
        chunks, seen = [], 0
        while True:  # read the whole body first (at most max_bytes of it), then replay it to the app
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.max_bytes:
                return await reply(send, 413, self._message(seen))
            if not message.get("more_body", False):
                break
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    def _message(self, size: int) -> str:
        return f"the request body ({size} bytes or more) is over the limit of {self.max_bytes} bytes"


async def reply(send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    """Answer ``status`` with ``{"detail": message}`` straight from a middleware."""
    body = json.dumps({"detail": message}).encode()
    extra = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body})
