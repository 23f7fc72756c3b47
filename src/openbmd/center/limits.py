"""Per-party rate limits (token buckets) and the request-body size limit.

The body limit is an ASGI middleware around the whole application: a declared ``Content-Length``
over the limit is answered 413 before any byte of the body is read; a body sent without one
(chunked) is read up to the limit and refused 413 as soon as it passes it. Nothing is parsed in
either case.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

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
