"""The gate in front of the center's routes: 401 and 429 before a request body is parsed.

Every ``/v1/`` request must carry a live bearer token: a missing or bad one is refused 401 here,
before FastAPI reads the body (a bad token with a bad body is 401, not 422). The party's token
bucket is taken here too (429); a token not known live takes a bucket of the sender's address
first, so that guessed tokens cannot make the database look each one up at full speed. A token found live is remembered for ``CACHE_S`` seconds to spare
the database; that memory only decides who is turned away early: every handler authenticates the
token again inside its own transaction, so a revoked token or a withdrawn party is refused at once.
"""
from __future__ import annotations

import asyncio
import threading
import time
from typing import Annotated

from fastapi import Header

from starlette.concurrency import run_in_threadpool

from openbmd.center import auth
from openbmd.center.limits import reply

CACHE_S = 5.0
#: the ``Authorization`` header of a route (read by the gate; left out of the OpenAPI parameters)
Token = Annotated[str | None, Header(alias="Authorization", include_in_schema=False)]
_CACHE_MAX = 10_000


class AuthGate:
    """ASGI middleware: authenticate and rate-limit every ``/v1/`` request."""

    def __init__(self, app, center):
        self.app, self.center = app, center
        self._known: dict[str, tuple[float, str]] = {}  # token hash -> (until, party)
        self._lock = threading.Lock()
        self._lease_locks: dict[tuple[int, str], asyncio.Lock] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope.get("path", "").startswith("/v1/"):
            return await self.app(scope, receive, send)
        token = bearer(dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1"))
        if not token:
            return await reply(send, 401, "missing bearer token: send `Authorization: Bearer TOKEN`",
                               {"www-authenticate": "Bearer"})
        if not self._known_live(token):  # a token not seen live lately costs a lookup: rate-limit its sender
            client = (scope.get("client") or ("?", 0))[0]
            if self.center.address_buckets.take(f"address:{client}") > 0:
                return await reply(send, 429, f"too many requests from {client} with tokens not known live; "
                                              "retry later", {"retry-after": "1"})
        party = await self._party(token)
        if party is None:
            return await reply(send, 401, "the bearer token is not valid (unknown, revoked, or its party has "
                                          "withdrawn)", {"www-authenticate": "Bearer"})
        wait = await self._take(party)
        if wait > 0:
            return await reply(send, 429, f"party {party!r} is over its rate limit of "
                                          f"{self.center.buckets.rate_per_s:g} requests/s; retry in {wait:.2f} s",
                               {"retry-after": str(max(1, round(wait)))})
        return await self.app(scope, receive, send)

    async def _take(self, party: str) -> float:
        """The party's rate limit (:class:`openbmd.center.limits.SharedBuckets`): a token of this
        process's lease, else a new lease, taken off the event loop by one request at a time while
        the others wait here for it (not in worker threads)."""
        buckets = self.center.buckets
        if buckets.take_leased(party):
            return 0.0
        key = (id(asyncio.get_running_loop()), party)
        lock = self._lease_locks.get(key) or self._lease_locks.setdefault(key, asyncio.Lock())
        async with lock:
            return 0.0 if buckets.take_leased(party) else await run_in_threadpool(buckets.take, party)

    def _known_live(self, token: str) -> bool:
        with self._lock:
            hit = self._known.get(auth.token_hash(token))
        return hit is not None and hit[0] > time.monotonic()

    async def _party(self, token: str) -> str | None:
        digest = auth.token_hash(token)
        now = time.monotonic()
        with self._lock:
            hit = self._known.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        caller = await run_in_threadpool(self._lookup, token)
        if caller is None:
            return None
        with self._lock:
            if len(self._known) >= _CACHE_MAX:
                self._known.clear()
            self._known[digest] = (now + CACHE_S, caller.party)
        return caller.party

    def _lookup(self, token: str):
        with self.center.read_engine.connect() as conn:
            return auth.authenticate(conn, token)


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header, or None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None
