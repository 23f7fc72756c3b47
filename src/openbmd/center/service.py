"""The center's HTTP service: ``create_app(db_url)`` builds the FastAPI application.

Every call carries ``Authorization: Bearer TOKEN``: a missing or bad token is 401; a call the
role or the sharing level does not allow is 403, or 404 where the thing's existence must not
leak. Bodies over the size limit are 413 before they are read; a party over its rate limit
gets 429 before its body is parsed (:mod:`openbmd.center.gate`).
Refusals are JSON ``{"detail": "one line naming the problem and what is allowed"}``.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Annotated

import orjson
from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from openbmd.center import agreement, audit, auth, exercises, fastpath, models, party_tracks, sights, store
from openbmd.center.core import DEFAULT_BURST, DEFAULT_RATE_PER_S, Center
from openbmd.center.errors import Refused
from openbmd.center.gate import AuthGate, Token, bearer
from openbmd.center.limits import MAX_BODY_BYTES, BodyLimit
from openbmd.center.models import WRITERS
from openbmd.center.picture_api import add_picture_routes
from openbmd.center.webpage import add_webpage

MAX_SEQ = 2**62  #: sequence numbers are 64-bit in the database
#: how often an open stream looks for new updates (s): a short poll, as an exercise at 10x runs 10
#: scenario seconds per second and the picture should trail the truth by under 2 of them
STREAM_POLL_S = 0.02


def create_app(db_url: str, *, clock: Callable[[], float] = time.time, rate_per_s: float = DEFAULT_RATE_PER_S,
               burst: float = DEFAULT_BURST, max_body_bytes: int = MAX_BODY_BYTES, fusion: bool = True,
               migrate: bool = True) -> FastAPI:
    """The center's application on the database at ``db_url`` (migrated to the newest schema)."""
    center = Center(db_url, clock=clock, rate_per_s=rate_per_s, burst=burst, fusion=fusion, migrate=migrate)

    @asynccontextmanager
    async def lifespan(_app):
        await run_in_threadpool(center.start)
        yield
        await run_in_threadpool(center.stop)

    app = FastAPI(title="openbmd joint data-sharing center", version="1", lifespan=lifespan,
                  description=__doc__)
    app.state.center = center
    _bearer_in_openapi(app)
    _errors(app)
    _routes(app, center)
    exercises.add_routes(app, center)
    add_picture_routes(app, center)
    add_webpage(app)
    fastapi_own_stack = app.build_middleware_stack

    def build_middleware_stack():
        """Ours in front of FastAPI's whole stack (its error, telemetry and body-size wrappers too):
        413 before the body is read, then 401 and 429 before it is parsed, then the lean
        POST /v1/reports; every other request goes on to FastAPI."""
        inner = fastapi_own_stack()
        return BodyLimit(AuthGate(fastpath.ReportsFastPath(inner, center=center), center=center),
                         max_bytes=max_body_bytes)

    app.build_middleware_stack = build_middleware_stack  # Starlette builds the stack on the first call
    return app


DB_ENV = "OPENBMD_CENTER_DB"  #: the database URL of :func:`app_from_env` (uvicorn's worker processes)


def app_from_env() -> FastAPI:
    """``create_app`` on the URL in ``$OPENBMD_CENTER_DB``, fusion off: the factory that each of
    several uvicorn worker processes calls (``openbmd center serve --workers N --no-fusion``)."""
    import os

    return create_app(os.environ[DB_ENV], fusion=False)


def _bearer_in_openapi(app: FastAPI) -> None:
    """Say in /openapi.json that every /v1/ operation wants ``Authorization: Bearer TOKEN``
    (the header is read by the gate, so FastAPI would not list it)."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                getattr(app.state, "extra_schemas", {}))
            schema["components"]["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "a party's API token"}}
            for path, ops in schema.get("paths", {}).items():
                if path.startswith("/v1/"):
                    for op in ops.values():
                        op["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def _errors(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def _refused(_request, exc: Refused):
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=fastpath.refusal_headers(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request, exc: RequestValidationError):
        return JSONResponse(fastpath.invalid_body(exc.errors()), status_code=422)


def _routes(app: FastAPI, center: Center) -> None:  # noqa: C901 - one small function per endpoint
    @app.get("/v1/agreement", tags=["agreement"])
    def get_agreement(authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            return agreement.view(s.conn)

    @app.post("/v1/sensors", tags=["data"])
    def post_sensor(body: models.SensorIn, authorization: Token = None) -> JSONResponse:
        with center.session(bearer(authorization), roles=WRITERS) as s:
            levels = agreement.current(s.conn)[1]["sharing_levels"]
            out = store.register_sensor(s.conn, s.caller, body, levels=levels, now_s=s.now_s)
        center.picture.sensors_changed()
        return JSONResponse(out, status_code=201 if out["created"] else 200)

    @app.post("/v1/reports", tags=["data"], response_model=models.IngestOut,
              openapi_extra=_json_body(app, models.ReportsIn))
    async def post_reports(request: Request, authorization: Token = None) -> Response:
        # served by fastpath.ReportsFastPath in front of FastAPI (the same function): this route
        # documents it in the OpenAPI and serves an app built without that middleware
        try:
            out = await fastpath.ingest(center, bearer(authorization), await request.body())
        except fastpath.Invalid as exc:
            raise RequestValidationError(exc.errors) from None
        return Response(orjson.dumps(out), media_type="application/json")

    @app.post("/v1/sight-reports", tags=["data"])
    def post_sight_reports(body: models.SightReportsIn, authorization: Token = None) -> models.IngestOut:
        with center.session(bearer(authorization), roles=WRITERS) as s:
            sights.check(s.conn, s.caller, body.reports, now_s=s.now_s)
            kept, dups = sights.ingest(s.conn, s.caller, body.reports, now_s=s.now_s)
        center.picture.submit_sights(kept)  # after the commit, as for reports
        return models.IngestOut(accepted=len(kept), duplicates=dups)

    @app.get("/v1/sight-reports", tags=["data"])
    def get_sight_reports(party: Annotated[str, Query(max_length=32)], authorization: Token = None,
                          since_seq: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
                          limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict:
        with center.session(bearer(authorization)) as s:
            rows = sights.read(s.conn, s.caller, party, since_seq=since_seq, limit=limit, now_s=s.now_s)
        return {"party": party, "reports": rows, "next_seq": rows[-1]["seq"] if rows else since_seq}

    @app.post("/v1/party-tracks", tags=["data"])
    def post_party_tracks(body: models.PartyTracksIn, authorization: Token = None) -> models.IngestOut:
        with center.session(bearer(authorization), roles=WRITERS) as s:
            party_tracks.check(s.caller, body.tracks, now_s=s.now_s)
            kept, dups = party_tracks.ingest(s.conn, s.caller, body.tracks, now_s=s.now_s)
        center.picture.submit_tracks(kept)  # after the commit, as for reports
        return models.IngestOut(accepted=len(kept), duplicates=dups)

    @app.get("/v1/reports", tags=["data"])
    def get_reports(party: Annotated[str, Query(max_length=32)], authorization: Token = None,
                    since_seq: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
                    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict:
        with center.session(bearer(authorization)) as s:
            rows = store.read_reports(s.conn, s.caller, party, since_seq=since_seq, limit=limit, now_s=s.now_s)
        return {"party": party, "reports": rows, "next_seq": rows[-1]["seq"] if rows else since_seq}

    @app.get("/v1/tracks", tags=["picture"])
    def get_tracks(authorization: Token = None) -> dict:
        with center.session(bearer(authorization)) as s:
            sharing = _sharing(s)
            shown = [v for t in center.picture.tracks()
                     if (v := center.picture.view(t, party=s.caller.party, role=s.caller.role, sharing=sharing))]
            audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                         action="tracks.read", detail={"tracks": len(shown)})
        return {"tracks": shown}

    @app.get("/v1/stream", tags=["picture"])
    async def get_stream(request: Request, authorization: Token = None,
                         max_events: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
                         timeout_s: Annotated[float | None, Query(gt=0, le=86400)] = None,
                         last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None
                         ) -> StreamingResponse:
        token = bearer(authorization)
        start = await run_in_threadpool(_open_stream, center, token)
        after = int(last_event_id) if last_event_id and last_event_id.isdigit() else start
        gen = _stream(center, request, token, after=after, max_events=max_events, timeout_s=timeout_s)
        return StreamingResponse(gen, media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    @app.post("/v1/notifications", tags=["notifications"])
    def post_notification(body: models.NotificationIn, authorization: Token = None) -> JSONResponse:
        with center.session(bearer(authorization), roles=WRITERS) as s:
            out = store.file_notification(s.conn, s.caller, body, now_s=s.now_s)
        return JSONResponse(out, status_code=201 if out["created"] else 200)

    @app.get("/v1/notifications", tags=["notifications"])
    def get_notifications(authorization: Token = None) -> dict:
        with center.session(bearer(authorization)) as s:
            notes = store.notifications(s.conn)
            audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                         action="notifications.read", detail={"notifications": len(notes)})
        return {"notifications": notes}

    @app.get("/v1/alerts", tags=["notifications"])
    def get_alerts(authorization: Token = None, since_seq: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0) -> dict:
        with center.session(bearer(authorization)) as s:
            return {"alerts": store.alerts(s.conn, since_seq=since_seq)}

    @app.post("/v1/withdraw", tags=["agreement"])
    def post_withdraw(authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            out = agreement.withdraw(s.conn, s.caller, now_s=s.now_s)
        if out["purge_after_s"] is not None and out["purge_after_s"] <= s.now_s:
            center.picture.data_removed()  # purged at once (after_days 0)
        return out

    @app.post("/v1/proposals", tags=["agreement"], status_code=201)
    def post_proposal(body: models.ProposalIn, authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            return agreement.propose(s.conn, s.caller, body.change, now_s=s.now_s)

    @app.get("/v1/proposals/{pid}", tags=["agreement"])
    def get_proposal(pid: Annotated[str, models.Id], authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            return agreement.proposal_view(s.conn, pid)

    @app.post("/v1/proposals/{pid}/approve", tags=["agreement"])
    def post_approve(pid: Annotated[str, models.Id], authorization: Token = None,
                     body: models.ApprovalIn | None = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            return agreement.approve(s.conn, s.caller, pid, now_s=s.now_s,
                                     change_sha256=body.change_sha256 if body else None)

    @app.post("/v1/tokens", tags=["tokens"], status_code=201)
    def post_token(body: models.TokenIn, authorization: Token = None) -> dict:
        with center.session(bearer(authorization), roles=("head",), in_force=False) as s:
            token_id, token = auth.issue(s.conn, party=s.caller.party, role=body.role, now_s=s.now_s)
            audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                         action="token.issue", detail={"token": token_id, "role": body.role})
        return {"id": token_id, "party": s.caller.party, "role": body.role, "token": token}

    @app.post("/v1/tokens/rotate", tags=["tokens"], status_code=201)
    def post_rotate(authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            token_id, token = auth.rotate(s.conn, s.caller, now_s=s.now_s)
            audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                         action="token.rotate", detail={"old": s.caller.token_id, "new": token_id})
        return {"id": token_id, "party": s.caller.party, "role": s.caller.role, "token": token}

    @app.delete("/v1/tokens/{token_id}", tags=["tokens"])
    def delete_token(token_id: Annotated[str, models.Id], authorization: Token = None) -> dict:
        with center.session(bearer(authorization), roles=("head",), in_force=False) as s:
            if not auth.revoke(s.conn, token_id=token_id, party=s.caller.party, now_s=s.now_s):
                raise Refused(404, f"party {s.caller.party!r} has no live token {token_id!r}")
            audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                         action="token.revoke", detail={"token": token_id})
        return {"revoked": token_id}

    @app.get("/v1/audit/head", tags=["audit"])
    def get_audit_head(authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            seq, digest = audit.head(s.conn)
        return {"seq": seq, "hash": digest}


def _json_body(app: FastAPI, model: type[BaseModel]) -> dict:
    """OpenAPI of a JSON request body that the route reads itself (its schema goes to the components)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    app.state.extra_schemas = {**getattr(app.state, "extra_schemas", {}), **schema.pop("$defs", {}),
                               model.__name__: schema}
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


def _sharing(s) -> dict[str, str]:
    from openbmd.center.picture import sensor_key

    return {sensor_key(r.party, r.id): r.sharing for r in store.party_sensors(s.conn)}


def _open_stream(center: Center, token: str | None) -> int:
    with center.session(token) as s:
        audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                     action="stream.open", detail={})
    return center.picture.last_seq


async def _stream(center: Center, request: Request, token: str | None, *, after: int, max_events: int | None,
                  timeout_s: float | None):
    """Server-sent events: ``track`` and ``alert`` updates the caller may see; ends when the token dies."""
    sent, started, last_check, caller_view = 0, time.monotonic(), float("-inf"), None
    yield ": openbmd center stream\n\n"
    while True:
        if time.monotonic() - last_check > 1.0:  # access ends at once: the token is checked every second
            caller_view, last_check = await run_in_threadpool(_caller_view, center, token), time.monotonic()
            if caller_view is None:
                yield "event: end\ndata: {\"reason\": \"token revoked or party withdrawn\"}\n\n"
                return
        for seq, kind, event in center.picture.events_after(after):
            after = seq
            yield f"id: {seq}\nevent: {kind}\ndata: {event.json_for(**caller_view)}\n\n"
            sent += 1
            if max_events is not None and sent >= max_events:
                return
        left = float("inf") if timeout_s is None else timeout_s - (time.monotonic() - started)
        if left <= 0 or await request.is_disconnected():
            return
        await asyncio.sleep(min(STREAM_POLL_S, left))


def _caller_view(center: Center, token: str | None) -> dict | None:
    with center.engine.begin() as conn:
        caller = auth.authenticate(conn, token)
        if caller is None:
            return None
        rows = store.party_sensors(conn)
    from openbmd.center.picture import sensor_key

    return {"party": caller.party, "role": caller.role,
            "sharing": {sensor_key(r.party, r.id): r.sharing for r in rows}}
