"""Tracks shared by a party in place of its measurements: checks, storage, and their fusion form.

A party track is refused (422 naming the track id and the field) when its time is ahead of the
center's clock, its position is not between the Earth's surface and 50,000 km from the centre,
its speed is over 12 km/s (faster than any ballistic missile), or its covariance is not a
symmetric positive-definite 6x6 matrix of finite numbers. Idempotent by (party, track id).
"""
from __future__ import annotations

import json
import math

import sqlalchemy as sa

from openbmd.center import audit, db, store
from openbmd.center.auth import Caller
from openbmd.center.errors import Refused
from openbmd.center.models import PartyTrackIn
from openbmd.center.store import MAX_CLOCK_SKEW_S
from openbmd.errors import InputError

R_MIN_M = 6.30e6  #: below the Earth's polar radius (6,356.8 km) less margin
R_MAX_M = 5.0e7  #: 50,000 km from the centre: beyond any ballistic apogee
MAX_SPEED_M_S = 12_000.0


def fusion_track(party: str, t: PartyTrackIn):
    """The fusion's PartyTrack (its checks: symmetric positive-definite covariance, finite numbers)."""
    from openbmd.center.fusion import PartyTrack

    return PartyTrack(id=f"{party}/{t.id}", party=party, t_s=t.t_s, position_m=tuple(t.position_m),
                      velocity_m_s=tuple(t.velocity_m_s), covariance=tuple(map(tuple, t.covariance)))


def check(caller: Caller, tracks: list[PartyTrackIn], *, now_s: float) -> None:
    for t in tracks:
        problem = _problem(t, now_s)
        if problem:
            raise Refused(422, f"track '{t.id}': {problem}")
        try:
            fusion_track(caller.party, t)
        except InputError as exc:
            raise Refused(422, f"track '{t.id}': covariance: {str(exc).split(': ', 1)[-1]}") from None


def _problem(t: PartyTrackIn, now_s: float) -> str:
    numbers = [t.t_s, *t.position_m, *t.velocity_m_s, *(v for row in t.covariance for v in row)]
    if not all(math.isfinite(v) for v in numbers):
        return "t_s, position_m, velocity_m_s and covariance must be finite numbers"
    if any(len(row) != 6 for row in t.covariance):
        return "covariance must be 6x6 (position m, velocity m/s)"
    if t.t_s > now_s + MAX_CLOCK_SKEW_S:
        return f"t_s is {t.t_s - now_s:.1f} s in the future; allowed: at most {MAX_CLOCK_SKEW_S:g} s ahead"
    r = math.sqrt(sum(v * v for v in t.position_m))
    if not R_MIN_M <= r <= R_MAX_M:
        return f"position_m is {r / 1e3:,.0f} km from the Earth's centre; allowed: {R_MIN_M / 1e3:,.0f} to " \
               f"{R_MAX_M / 1e3:,.0f} km"
    speed = math.sqrt(sum(v * v for v in t.velocity_m_s))
    if speed > MAX_SPEED_M_S:
        return f"velocity_m_s is {speed:,.0f} m/s; allowed: at most {MAX_SPEED_M_S:,.0f} m/s"
    return ""


def ingest(conn: sa.Connection, caller: Caller, tracks: list[PartyTrackIn], *, now_s: float) -> tuple[list[dict], int]:
    """Store the new tracks of a checked batch; (rows stored, duplicates)."""
    rows, seen = [], set()
    for t in tracks:
        if t.id not in seen:
            seen.add(t.id)
            body = {"position_m": t.position_m, "velocity_m_s": t.velocity_m_s, "covariance": t.covariance}
            rows.append({"party": caller.party, "id": t.id, "t_s": t.t_s, "body": audit.canonical(body),
                         "received_s": now_s})
    return store.insert_new_by_id(conn, db.party_tracks, caller, rows, len(tracks), action="party_tracks.ingest",
                                  now_s=now_s)


def from_row(row: dict):
    """The fusion's PartyTrack of a stored row."""
    body = json.loads(row["body"])
    return fusion_track(row["party"], PartyTrackIn(id=row["id"], t_s=row["t_s"], **body))


def all_rows(conn: sa.Connection) -> list[dict]:
    return [r._asdict() for r in conn.execute(sa.select(db.party_tracks).order_by(db.party_tracks.c.seq))]
