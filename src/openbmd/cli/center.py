"""``openbmd center``: found the joint data-sharing center, serve it, verify its audit.

    openbmd center init --db sqlite:///center.db --party nato --party russia [--json]
    openbmd center serve --db sqlite:///center.db [--host 127.0.0.1] [--port 8642]
    openbmd center audit verify --db sqlite:///center.db [--json]
    openbmd center token --db sqlite:///center.db --party un --role observer
"""
from __future__ import annotations

import re
import sys
import time
from typing import Annotated

import typer

from openbmd.cli.options import Json
from openbmd.cli.output import emit_json, out
from openbmd.errors import InputError

app = typer.Typer(help="The joint data-sharing center: `init` founds it, `serve` runs it, "
                       "`audit verify` checks its hash-chained audit.", no_args_is_help=True)
audit_app = typer.Typer(help="The center's append-only audit.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

Db = Annotated[str, typer.Option("--db", help="database URL: sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB")]
_PARTY = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _open(db: str, *, migrate: bool):
    import sqlalchemy as sa

    from openbmd.center import db as cdb

    engine = cdb.engine_from_url(db)
    try:
        if migrate:
            cdb.migrate(engine)
        else:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        raise InputError(f"cannot open the database {db}: {str(exc.orig).strip().splitlines()[0]}") from None
    return engine


@app.command("init")
def init(db: Db, party: Annotated[list[str], typer.Option("--party", help="a founding party (give two or more)")],
         json_: Json = False,
         term_days: Annotated[float, typer.Option(help="days from now to the agreement's end date")] = 365.0,
         withdrawal: Annotated[str, typer.Option(help="a leaving party's data: kept or purge")] = "kept",
         purge_after_days: Annotated[int, typer.Option(help="with --withdrawal purge: days until the purge")] = 0
         ) -> None:
    """Found the center: the agreement with its founding parties; prints each head's token (once)."""
    from openbmd.center import agreement
    from openbmd.center.errors import Refused

    parties = list(dict.fromkeys(party))
    bad = [p for p in parties if not _PARTY.match(p)]
    if bad:
        raise InputError(f"party {bad[0]!r}: a party id is 1 to 32 lower-case letters, digits, _ or -, "
                         "starting with a letter")
    if len(parties) < 2:
        raise InputError(f"the center needs two or more founding parties (got {len(parties)}); give --party twice")
    if withdrawal not in ("kept", "purge") or not 0 <= purge_after_days <= 3650 or not 0 < term_days <= 36500:
        raise InputError("withdrawal must be kept or purge, purge-after-days 0 to 3650, term-days 0 to 36500")
    engine = _open(db, migrate=True)
    try:
        with engine.begin() as conn:
            tokens = agreement.found(conn, parties, now_s=time.time(), term_days=term_days,
                                     withdrawal={"rule": withdrawal, "after_days": purge_after_days})
    except Refused as exc:
        raise InputError(exc.message) from None
    finally:
        engine.dispose()
    if json_:
        emit_json({"tokens": tokens})
        return
    for name, token in tokens.items():
        out().print(f"{name} head token: {token}", soft_wrap=True)
    out().print("each token is shown this once; the database keeps only its hash", soft_wrap=True)


@app.command("serve")
def serve(db: Db, host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port", min=1, max=65535)] = 8642,
          fusion: Annotated[bool, typer.Option(help="fuse reports into tracks (off: store and share only)")] = True,
          workers: Annotated[int, typer.Option(help="server processes (more than 1 needs --no-fusion)",
                                               min=1, max=64)] = 1) -> None:
    """Serve the center over HTTP (OpenAPI at /openapi.json)."""
    import os

    import uvicorn

    from openbmd.center.service import DB_ENV, create_app

    if workers > 1 and fusion:
        raise InputError("several worker processes would each hold a part of the fused picture: "
                         "give --no-fusion with --workers above 1")
    _open(db, migrate=True).dispose()
    if workers == 1:
        uvicorn.run(create_app(db, fusion=fusion), host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False)
        return
    os.environ[DB_ENV] = db  # each worker process builds its app from it
    uvicorn.run("openbmd.center.service:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="warning", access_log=False, proxy_headers=False)


@app.command("token")
def token(db: Db, party: Annotated[str, typer.Option(help="the party (an admitted observer, or a member)")],
          role: Annotated[str, typer.Option(help="head, operator or observer")] = "observer",
          json_: Json = False) -> None:
    """Issue a token from the database itself (the operators of the machine): for an observer party
    the founding heads admitted (POST /v1/proposals with admit_observer)."""
    import sqlalchemy as sa

    from openbmd.center import audit, auth
    from openbmd.center import db as cdb

    if role not in ("head", "operator", "observer"):
        raise InputError(f"role {role!r} is not one of head, operator, observer")
    engine = _open(db, migrate=True)
    with engine.begin() as conn:
        row = conn.execute(sa.select(cdb.parties).where(cdb.parties.c.id == party)).first()
        if row is None or row.withdrawn_s is not None:
            raise InputError(f"party {party!r} is not a member of the agreement in {db}")
        if not row.founding and role != "observer":
            raise InputError(f"party {party!r} is an admitted observer: its tokens have role observer")
        now = time.time()
        token_id, secret = auth.issue(conn, party=party, role=role, now_s=now)
        audit.append(conn, at_s=now, party=party, token_id=None, action="token.issue.local",
                     detail={"token": token_id, "role": role})
    engine.dispose()
    if json_:
        emit_json({"party": party, "role": role, "id": token_id, "token": secret})
    else:
        out().print(f"{party} {role} token: {secret}", soft_wrap=True)


@audit_app.command("verify")
def verify(db: Db, json_: Json = False) -> int:
    """Recompute the audit's hash chain; exit 0 when whole, 1 naming the first broken row."""
    from openbmd.center import audit

    engine = _open(db, migrate=False)
    try:
        with engine.connect() as conn:
            verdict = audit.verify(conn)
    except Exception as exc:  # noqa: BLE001 - not a center database: bad input, one line
        raise InputError(f"cannot read an audit from {db}: {str(exc).strip().splitlines()[0]}") from None
    finally:
        engine.dispose()
    if json_:
        emit_json(verdict.summary())
    elif verdict.ok:
        out().print(f"audit ok: {verdict.rows} rows, head {verdict.head_hash}", soft_wrap=True)
    else:
        sys.stderr.write(f"audit broken at row {verdict.broken_seq}: {verdict.problem} "
                         f"({verdict.rows} rows before it verified)\n")
    return 0 if verdict.ok else 1
