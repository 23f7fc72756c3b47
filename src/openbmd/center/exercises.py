"""Joint exercises on record: ``POST /v1/exercises`` and ``GET /v1/exercises[/{id}]``.

``openbmd exercise`` flies a scenario through the center and posts its progress and, at the end,
its score here, so that every party and observer (and the browser page) can read how the run went
and replay it. A head or an operator posts; re-posting the same id updates the record (only the
party that first posted it may), so a running exercise posts its progress under one id. The
score is any JSON object (the contract of ``openbmd exercise --json``); non-finite numbers are
refused (JSON has none). The audit records an exercise's creation and its finish, not each
progress update.
"""
from __future__ import annotations

import json
import math
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

from openbmd.center import audit, db
from openbmd.center.errors import Refused
from openbmd.center.gate import Token, bearer
from openbmd.center.models import WRITERS, Id, _In

MAX_SCENARIO_CHARS = 200_000  #: the scenario's text (TOML) or name
MAX_SPEED = 10_000.0  #: scenario seconds per wall-clock second


class ExerciseIn(_In):
    """An exercise flown through the center: the scenario, its pace, when it ran and its score."""

    id: Id
    scenario: Annotated[str, Field(min_length=1, max_length=MAX_SCENARIO_CHARS)]
    speed: Annotated[float, Field(gt=0.0, le=MAX_SPEED, allow_inf_nan=False,
                                  description="scenario seconds per wall-clock second")]
    started_s: Annotated[float, Field(gt=0.0, allow_inf_nan=False, description="UNIX seconds")]
    finished_s: Annotated[float | None, Field(gt=0.0, allow_inf_nan=False, description="UNIX seconds; null: running")]
    score: dict[str, Any]

    @model_validator(mode="after")
    def _consistent(self) -> ExerciseIn:
        if self.finished_s is not None and self.finished_s < self.started_s:
            raise ValueError(f"finished_s ({self.finished_s}) must be at or after started_s ({self.started_s})")
        if not _finite(self.score):
            raise ValueError("score: numbers must be finite (JSON has no NaN or infinity; use null)")
        return self


def _finite(obj: Any) -> bool:
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(_finite(v) for v in obj.values())
    if isinstance(obj, list):
        return all(_finite(v) for v in obj)
    return True


def add_routes(api: FastAPI, center) -> None:
    """Add the exercise routes of ``center`` (:class:`openbmd.center.core.Center`) to the app."""

    @api.post("/v1/exercises", tags=["exercises"], status_code=201)
    def post_exercise(body: ExerciseIn, authorization: Token = None) -> JSONResponse:
        with center.session(bearer(authorization), roles=WRITERS) as s:
            out, created = put(s.conn, s.caller, body, now_s=s.now_s)
        return JSONResponse(out, status_code=201 if created else 200)

    @api.get("/v1/exercises", tags=["exercises"])
    def list_exercises(authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            rows = s.conn.execute(sa.select(db.exercises).order_by(db.exercises.c.started_s,
                                                                   db.exercises.c.id)).all()
        return {"exercises": [_row(r) for r in rows]}

    @api.get("/v1/exercises/{exercise_id}", tags=["exercises"])
    def get_exercise(exercise_id: Annotated[str, Id], authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            row = s.conn.execute(sa.select(db.exercises).where(db.exercises.c.id == exercise_id)).first()
        if row is None:
            raise Refused(404, f"no exercise {exercise_id!r}; GET /v1/exercises lists them")
        return _row(row)


def put(conn: sa.Connection, caller, body: ExerciseIn, *, now_s: float) -> tuple[dict, bool]:
    """Create or update the exercise ``body.id`` for ``caller``'s party: (its record, created)."""
    key = db.exercises.c.id == body.id
    old = conn.execute(sa.select(db.exercises.c.party, db.exercises.c.finished_s).where(key)).first()
    if old is not None and old.party != caller.party:
        raise Refused(409, f"id: exercise {body.id!r} was posted by party {old.party!r}; only it may update "
                           "it: use a new id")
    values = {"scenario": body.scenario, "speed": body.speed, "started_s": body.started_s,
              "finished_s": body.finished_s, "score": audit.canonical(body.score), "updated_s": now_s}
    if old is None:
        conn.execute(db.exercises.insert().values(id=body.id, party=caller.party, **values))
    else:
        conn.execute(db.exercises.update().where(key).values(**values))
    if old is None or (body.finished_s is not None and old.finished_s is None):
        audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id,
                     action="exercise.create" if old is None else "exercise.finish",
                     detail={"id": body.id, "speed": body.speed, "finished_s": body.finished_s})
    row = conn.execute(sa.select(db.exercises).where(key)).first()
    return _row(row), old is None


def _row(r) -> dict:
    return {"id": r.id, "party": r.party, "scenario": r.scenario, "speed": r.speed, "started_s": r.started_s,
            "finished_s": r.finished_s, "score": json.loads(r.score), "updated_s": r.updated_s}
