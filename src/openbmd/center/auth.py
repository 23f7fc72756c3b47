"""Parties' API tokens: random, shown once, stored as their sha256, rotatable and revocable.

A token reads ``obmd_<id>_<secret>``: ``id`` (8 hex digits) names the token in the audit and in
revocations and is not secret; ``secret`` is 32 random bytes (URL-safe base64). The store keeps
only sha256 of the whole token: a 256-bit random secret needs no slow hash, and a copied database
gives no usable token. A presented token is looked up by its hash and the stored hash is compared
again in constant time (:func:`hmac.compare_digest`).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from openbmd.center import db

PREFIX = "obmd_"


@dataclass(frozen=True, kw_only=True)
class Caller:
    """Who is calling: the token's party and role, and whether the party is a founding one."""

    token_id: str
    party: str
    role: str
    founding: bool


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """(token id, whole token)."""
    token_id = secrets.token_hex(4)
    return token_id, f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"


def issue(conn: sa.Connection, *, party: str, role: str, now_s: float) -> tuple[str, str]:
    """Store a new token for ``party`` with ``role``; (token id, whole token: shown this once)."""
    while True:
        token_id, token = new_token()
        if conn.execute(sa.select(db.tokens.c.id).where(db.tokens.c.id == token_id)).first() is None:
            break
    conn.execute(db.tokens.insert().values(id=token_id, party=party, role=role, hash=token_hash(token),
                                           created_s=now_s, revoked_s=None))
    return token_id, token


def authenticate(conn: sa.Connection, token: str | None) -> Caller | None:
    """The caller a live token belongs to (its party still a member), or None."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = token_hash(token)
    row = conn.execute(
        sa.select(db.tokens.c.id, db.tokens.c.hash, db.tokens.c.party, db.tokens.c.role, db.parties.c.founding)
        .join(db.parties, db.parties.c.id == db.tokens.c.party)
        .where(db.tokens.c.hash == digest, db.tokens.c.revoked_s.is_(None), db.parties.c.withdrawn_s.is_(None))
    ).first()
    if row is None or not hmac.compare_digest(row.hash, digest):
        return None
    return Caller(token_id=row.id, party=row.party, role=row.role, founding=bool(row.founding))


def revoke(conn: sa.Connection, *, token_id: str, party: str, now_s: float) -> bool:
    """Revoke one live token of ``party``; False when the party has no such live token."""
    done = conn.execute(db.tokens.update()
                        .where(db.tokens.c.id == token_id, db.tokens.c.party == party,
                               db.tokens.c.revoked_s.is_(None))
                        .values(revoked_s=now_s))
    return done.rowcount == 1


def revoke_party(conn: sa.Connection, *, party: str, now_s: float) -> int:
    """Revoke every live token of ``party`` (a walk-away); how many."""
    done = conn.execute(db.tokens.update()
                        .where(db.tokens.c.party == party, db.tokens.c.revoked_s.is_(None))
                        .values(revoked_s=now_s))
    return done.rowcount


def rotate(conn: sa.Connection, caller: Caller, *, now_s: float) -> tuple[str, str]:
    """Replace the caller's token by a new one with the same role; the old one is dead at once."""
    revoke(conn, token_id=caller.token_id, party=caller.party, now_s=now_s)
    return issue(conn, party=caller.party, role=caller.role, now_s=now_s)
