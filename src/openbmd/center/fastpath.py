"""``POST /v1/reports`` answered straight from the ASGI gate chain: the hot path of ingest.

It sits inside the body limit (413) and the auth gate (401, 429) and in front of FastAPI, whose
own stack (routing, dependency resolution, exception and telemetry middlewares) cost about a third
of the server's time per single-report request (py-spy, 64 concurrent clients). It answers
exactly as the FastAPI route of :mod:`openbmd.center.service` documents and would: the body parsed and
checked by pydantic-core straight from its bytes (422 ``{"detail", "errors"}`` naming the report
and field), the request waiting for its group commit on the event loop
(:meth:`openbmd.center.batcher.IngestBatcher.submit_async`), and 200 only after the commit.
"""
from __future__ import annotations

import orjson
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from openbmd.center import models
from openbmd.center.errors import Refused
from openbmd.center.gate import bearer

PATH = "/v1/reports"


def parse(model: type[BaseModel], body: bytes):
    """``model`` from a JSON body; else Invalid with FastAPI's error list (locations under ``body``)."""
    try:
        return model.model_validate_json(body or b"null")
    except ValidationError as exc:
        raise Invalid([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


class Invalid(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("invalid request")
        self.errors = errors


def invalid_body(errors) -> dict:
    """The 422 body: ``detail`` one line naming the field (or the report), ``errors`` all of them."""
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in errors]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(p for p in first["loc"] if p != "body")
    msg = first["msg"].removeprefix("Value error, ")
    line = msg if msg.startswith("report '") else f"{where}: {msg}" if where else msg
    return {"detail": line, "errors": errors}


def refusal_headers(exc: Refused) -> dict[str, str]:
    headers = {"www-authenticate": "Bearer"} if exc.status == 401 else {}
    if exc.status == 429:
        headers["retry-after"] = "1"
    return headers


async def ingest(center, token: str | None, body: bytes) -> dict:
    """Store the reports of a request body once durable; their counts. Raises Invalid or Refused."""
    parsed = parse(models.ReportsIn, body)
    now = center.clock()
    if center.housekeeping_due(now):
        await run_in_threadpool(center.housekeeping, now)
    kept, dups = await center.batcher.submit_async(token, parsed.reports)  # group commit
    # the transaction has committed (durable) before this line: only now is it acknowledged
    center.picture.submit(kept)
    return {"accepted": len(kept), "duplicates": dups}


class ReportsFastPath:
    """ASGI middleware: ``POST /v1/reports`` here, everything else to the application."""

    def __init__(self, app, center):
        self.app, self.center = app, center

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        chunks = []
        while True:  # the body limit in front has bounded it
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        token = bearer(dict(scope["headers"]).get(b"authorization", b"").decode("latin-1"))
        headers: dict[str, str] = {}
        try:
            status, out = 200, await ingest(self.center, token, b"".join(chunks))
        except Invalid as exc:
            status, out = 422, invalid_body(exc.errors)
        except Refused as exc:
            status, out, headers = exc.status, {"detail": exc.message}, refusal_headers(exc)
        body = orjson.dumps(out)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *((k.encode(), v.encode()) for k, v in headers.items())]})
        await send({"type": "http.response.body", "body": body})
