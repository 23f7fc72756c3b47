"""The agreement: founding, multi-party approval of changes, walk-away, expiry and purges.

The agreement's body (founding parties, start and end, retention, the withdrawal rule, the
sharing levels allowed, admitted observers) is stored as numbered versions. It changes only through
a proposal that the heads of every founding party still in the agreement approve, each for
the same proposal (whose change is fixed when proposed; an approval may name the change's sha256
to approve only what its head read). A proposal made against an older version is stale.

A party walks away at once (``withdraw``): its tokens are revoked in the same transaction; its
shared data is kept, or purged ``after_days`` later, as the withdrawal rule in force says.
Purges and the retention limit are carried out by :func:`housekeeping`.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import sqlalchemy as sa

from openbmd.center import audit, auth, db
from openbmd.center.errors import Refused
from openbmd.center.models import SHARING, AgreementChange

DAY_S = 86400.0
DEFAULT_TERM_DAYS = 365  #: a provisional, time-limited agreement: one year unless renewed


def found(conn: sa.Connection, parties: list[str], *, now_s: float, term_days: float = DEFAULT_TERM_DAYS,
          withdrawal: dict[str, Any] | None = None) -> dict[str, str]:
    """Create the agreement with its founding parties; each head's token (shown this once)."""
    if conn.execute(sa.select(db.agreement.c.version).limit(1)).first() is not None:
        raise Refused(409, "this database already holds an agreement; use a new database")
    body = {"founding": sorted(parties), "start_s": now_s, "end_s": now_s + term_days * DAY_S,
            "retention_days": None, "withdrawal": withdrawal or {"rule": "kept", "after_days": 0},
            "sharing_levels": list(SHARING), "observers": []}
    conn.execute(db.agreement.insert().values(version=1, body=audit.canonical(body), proposal_id=None,
                                              created_s=now_s))
    tokens = {}
    for party in sorted(parties):
        conn.execute(db.parties.insert().values(id=party, founding=True, joined_s=now_s))
        token_id, tokens[party] = auth.issue(conn, party=party, role="head", now_s=now_s)
        audit.append(conn, at_s=now_s, party=party, token_id=token_id, action="party.found",
                     detail={"role": "head"})
    audit.append(conn, at_s=now_s, party=None, token_id=None, action="agreement.found",
                 detail={"version": 1, "body": body})
    return tokens


def current(conn: sa.Connection) -> tuple[int, dict[str, Any]]:
    row = conn.execute(sa.select(db.agreement).order_by(db.agreement.c.version.desc()).limit(1)).first()
    if row is None:
        raise Refused(503, "the center holds no agreement yet: run `openbmd center init`")
    return int(row.version), json.loads(row.body)


def members(conn: sa.Connection) -> list[str]:
    """The parties still in the agreement (not withdrawn)."""
    return sorted(conn.execute(sa.select(db.parties.c.id).where(db.parties.c.withdrawn_s.is_(None))).scalars())


def view(conn: sa.Connection) -> dict[str, Any]:
    version, body = current(conn)
    return {"version": version, **body, "members": members(conn)}


def require_in_force(conn: sa.Connection, now_s: float) -> None:
    """Refuse (403) once the agreement has reached its end date without a renewal."""
    _, body = current(conn)
    if now_s >= body["end_s"]:
        raise Refused(403, f"the agreement expired at {body['end_s']:.0f} (UNIX s) and was not renewed; "
                           "only proposals, approvals and withdrawals are open")


def _change_text(change: AgreementChange) -> str:
    return audit.canonical(change.model_dump(exclude_none=True, mode="json"))


def propose(conn: sa.Connection, caller: auth.Caller, change: AgreementChange, *, now_s: float) -> dict[str, Any]:
    if caller.role != "head" or not caller.founding:
        raise Refused(403, "only the head of a founding party may propose a change to the agreement")
    text = _change_text(change)
    if text == "{}":
        raise Refused(422, "the change is empty: give at least one of end_s, retention_days, withdrawal, "
                           "sharing_levels, admit_observer")
    version, _ = current(conn)
    pid = secrets.token_hex(8)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    conn.execute(db.proposals.insert().values(id=pid, party=caller.party, base_version=version, change=text,
                                              change_sha256=sha, status="open", created_s=now_s))
    audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action="proposal.create",
                 detail={"proposal": pid, "change": json.loads(text), "change_sha256": sha, "base_version": version})
    return proposal_view(conn, pid)


def proposal_view(conn: sa.Connection, pid: str) -> dict[str, Any]:
    row = conn.execute(sa.select(db.proposals).where(db.proposals.c.id == pid)).first()
    if row is None:
        raise Refused(404, f"no proposal {pid!r}")
    approved = sorted(conn.execute(sa.select(db.approvals.c.party)
                                   .where(db.approvals.c.proposal_id == pid)).scalars())
    needed = [p for p in _founding_members(conn) if p not in approved]
    return {"id": pid, "proposed_by": row.party, "base_version": row.base_version, "status": row.status,
            "change": json.loads(row.change), "change_sha256": row.change_sha256, "approved_by": approved,
            "awaiting": needed if row.status == "open" else []}


def _founding_members(conn: sa.Connection) -> list[str]:
    return sorted(conn.execute(sa.select(db.parties.c.id).where(db.parties.c.founding.is_(True),
                                                                 db.parties.c.withdrawn_s.is_(None))).scalars())


def approve(conn: sa.Connection, caller: auth.Caller, pid: str, *, now_s: float,
            change_sha256: str | None = None) -> dict[str, Any]:
    """Record the caller's head's approval; apply the change when every founding member has approved."""
    if caller.role != "head" or not caller.founding:
        raise Refused(403, "only the head of a founding party may approve a change to the agreement")
    view_ = proposal_view(conn, pid)
    if view_["status"] != "open":
        raise Refused(409, f"proposal {pid!r} is {view_['status']}, not open")
    if change_sha256 is not None and change_sha256 != view_["change_sha256"]:
        raise Refused(409, f"proposal {pid!r} changes something else than the change you read "
                           f"(its change_sha256 is {view_['change_sha256']})")
    version, body = current(conn)
    if view_["base_version"] != version:
        conn.execute(db.proposals.update().where(db.proposals.c.id == pid).values(status="stale", decided_s=now_s))
        audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action="proposal.stale",
                     detail={"proposal": pid, "base_version": view_["base_version"], "version": version})
        return proposal_view(conn, pid)
    if caller.party not in view_["approved_by"]:
        conn.execute(db.approvals.insert().values(proposal_id=pid, party=caller.party, token_id=caller.token_id,
                                                  at_s=now_s))
        audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action="proposal.approve",
                     detail={"proposal": pid, "change_sha256": view_["change_sha256"]})
    view_ = proposal_view(conn, pid)
    if not view_["awaiting"]:
        _apply(conn, pid, version, body, view_["change"], now_s=now_s)
        view_ = proposal_view(conn, pid)
    return view_


def _apply(conn, pid: str, version: int, body: dict, change: dict, *, now_s: float) -> None:
    new = dict(body)
    for key in ("end_s", "retention_days", "withdrawal", "sharing_levels"):
        if key in change:
            new[key] = change[key]
    observer = change.get("admit_observer")
    if observer and observer not in new["observers"]:
        new["observers"] = sorted(new["observers"] + [observer])
        if conn.execute(sa.select(db.parties.c.id).where(db.parties.c.id == observer)).first() is None:
            conn.execute(db.parties.insert().values(id=observer, founding=False, joined_s=now_s))
    conn.execute(db.agreement.insert().values(version=version + 1, body=audit.canonical(new), proposal_id=pid,
                                              created_s=now_s))
    conn.execute(db.proposals.update().where(db.proposals.c.id == pid).values(status="applied", decided_s=now_s))
    audit.append(conn, at_s=now_s, party=None, token_id=None, action="agreement.change",
                 detail={"proposal": pid, "version": version + 1, "body": new})


def withdraw(conn: sa.Connection, caller: auth.Caller, *, now_s: float) -> dict[str, Any]:
    """The caller's party walks away: access ends now; its data per the withdrawal rule in force."""
    if caller.role != "head":
        raise Refused(403, "only a party's head may withdraw it from the agreement")
    _, body = current(conn)
    rule = body["withdrawal"]
    purge_after = now_s + rule["after_days"] * DAY_S if rule["rule"] == "purge" else None
    conn.execute(db.parties.update().where(db.parties.c.id == caller.party)
                 .values(withdrawn_s=now_s, purge_after_s=purge_after))
    revoked = auth.revoke_party(conn, party=caller.party, now_s=now_s)
    detail = {"rule": rule["rule"], "purge_after_s": purge_after, "tokens_revoked": revoked}
    audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action="party.withdraw",
                 detail=detail)
    housekeeping(conn, now_s=now_s)
    return {"withdrawn": caller.party, "at_s": now_s, **detail}


def housekeeping(conn: sa.Connection, *, now_s: float) -> dict[str, int]:
    """Purge the data of withdrawn parties whose purge date has come, and reports past retention."""
    done = {"purged_reports": 0, "expired_reports": 0}
    due = conn.execute(sa.select(db.parties.c.id).where(db.parties.c.purge_after_s <= now_s,
                                                         db.parties.c.purged_s.is_(None))).scalars().all()
    for party in due:
        n = conn.execute(db.reports.delete().where(db.reports.c.party == party)).rowcount
        n += conn.execute(db.party_tracks.delete().where(db.party_tracks.c.party == party)).rowcount
        n += conn.execute(db.sight_reports.delete().where(db.sight_reports.c.party == party)).rowcount
        conn.execute(db.notifications.delete().where(db.notifications.c.party == party))
        conn.execute(db.parties.update().where(db.parties.c.id == party).values(purged_s=now_s))
        audit.append(conn, at_s=now_s, party=party, token_id=None, action="party.purge", detail={"reports": n})
        done["purged_reports"] += n
    _, body = current(conn)
    if body.get("retention_days"):
        cutoff = now_s - body["retention_days"] * DAY_S
        n = conn.execute(db.reports.delete().where(db.reports.c.t_s < cutoff)).rowcount
        n += conn.execute(db.party_tracks.delete().where(db.party_tracks.c.t_s < cutoff)).rowcount
        n += conn.execute(db.sight_reports.delete().where(db.sight_reports.c.t_s < cutoff)).rowcount
        if n:
            audit.append(conn, at_s=now_s, party=None, token_id=None, action="reports.retention",
                         detail={"before_s": cutoff, "reports": n})
        done["expired_reports"] = n
    return done
