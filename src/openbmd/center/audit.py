"""The append-only, hash-chained audit of the center.

Every state change and every read of another party's data appends one event. Row ``n`` stores
the event as canonical JSON text (sorted keys, no spaces, UTF-8) and
``hash_n = sha256(prev_hash_n || event_n)`` with ``prev_hash_n = hash_{n-1}`` (64 zeros for the
first row), both as lower-case hex, the concatenation taken on their UTF-8 bytes. The event carries
its own ``seq``, so a deleted or re-ordered row breaks the chain as surely as an edited one.
:func:`verify` recomputes the chain and names the first broken row.

What the chain cannot show alone: a rewrite of the whole chain from some row to the end, or a
cut tail. Each party can keep the head it was last given (``GET /v1/audit/head``) and
check that the chain still passes through it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from openbmd.center import db

GENESIS = "0" * 64


def canonical(obj: Any) -> str:
    """Canonical JSON text: sorted keys, no whitespace, UTF-8 kept, NaN refused."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chain_hash(prev_hash: str, event_text: str) -> str:
    """sha256(prev_hash || event_text) as hex."""
    return hashlib.sha256((prev_hash + event_text).encode("utf-8")).hexdigest()


def head(conn: sa.Connection) -> tuple[int, str]:
    """(seq, hash) of the last row; (0, GENESIS) for an empty audit."""
    row = conn.execute(sa.select(db.audit.c.seq, db.audit.c.hash)
                       .order_by(db.audit.c.seq.desc()).limit(1)).first()
    return (0, GENESIS) if row is None else (int(row.seq), row.hash)


def append(conn: sa.Connection, *, at_s: float, party: str | None, token_id: str | None, action: str,
           detail: dict[str, Any] | None = None) -> str:
    """Append one event inside the caller's transaction (which then holds the chain's lock); its hash."""
    db.serialize(conn)
    seq, prev = head(conn)
    event = {"seq": seq + 1, "at_s": round(float(at_s), 6), "party": party, "token": token_id,
             "action": action, "detail": detail or {}}
    text = canonical(event)
    digest = chain_hash(prev, text)
    conn.execute(db.audit.insert().values(seq=seq + 1, prev_hash=prev, hash=digest, event=text))
    return digest


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The result of :func:`verify`: ``ok``, the rows checked, the head, and the first broken row."""

    ok: bool
    rows: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""

    def summary(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "head_hash": self.head_hash,
                "broken_seq": self.broken_seq, "problem": self.problem}


def verify(conn: sa.Connection, *, chunk: int = 5000) -> Verdict:
    """Recompute the chain from the first row; stop at the first row that does not follow."""
    prev, expected_seq, rows = GENESIS, 1, 0
    last = 0
    while True:
        batch = conn.execute(sa.select(db.audit).where(db.audit.c.seq > last)
                             .order_by(db.audit.c.seq).limit(chunk)).all()
        if not batch:
            return Verdict(ok=True, rows=rows, head_hash=prev)
        for row in batch:
            problem = _row_problem(row, prev, expected_seq)
            if problem:
                return Verdict(ok=False, rows=rows, head_hash=prev, broken_seq=int(row.seq), problem=problem)
            prev, expected_seq, rows, last = row.hash, expected_seq + 1, rows + 1, int(row.seq)


def _row_problem(row, prev: str, expected_seq: int) -> str:
    if int(row.seq) != expected_seq:
        return f"row {expected_seq} is missing (the next row is {row.seq})"
    if row.prev_hash != prev:
        return "its prev_hash is not the previous row's hash"
    try:
        event = json.loads(row.event)
    except ValueError:
        return "its event is not JSON"
    if not isinstance(event, dict) or event.get("seq") != expected_seq:
        return "its event's seq does not match its place in the chain"
    if chain_hash(prev, row.event) != row.hash:
        return "its hash does not match its event (the row was changed)"
    return ""
