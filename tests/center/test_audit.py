"""The audit: hash-chained, append-only, and `openbmd center audit verify` finds the first broken row."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import subprocess

import sqlalchemy as sa
from center_helpers import report


def _run(*args: str) -> subprocess.CompletedProcess:
    """``openbmd center ARGS`` in this process (the real command line: tests/center/test_cli.py runs it
    as a subprocess)."""
    from openbmd.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["center", *args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def _activity(c) -> None:
    c.sensor("nato", "tpy2", "raw")
    c.call("POST", "/v1/reports", "nato", json={"reports": [report("r1", "tpy2")]})
    c.call("GET", "/v1/reports?party=nato", "russia")


def test_chain_is_sha256_of_previous_hash_and_event(center):
    c = center
    _activity(c)
    from openbmd.center import audit, db

    engine = db.engine_from_url(c.url)
    with engine.connect() as conn:
        rows = conn.execute(db.audit.select().order_by(db.audit.c.seq)).all()
        assert audit.verify(conn).ok
    engine.dispose()
    prev = "0" * 64
    for i, row in enumerate(rows, start=1):  # recomputed here from the definition, not with the module
        assert row.seq == i and row.prev_hash == prev
        assert row.hash == hashlib.sha256((prev + row.event).encode()).hexdigest()
        assert json.loads(row.event)["seq"] == i
        prev = row.hash
    actions = [json.loads(r.event)["action"] for r in rows]
    assert actions[-3:] == ["sensor.register", "reports.ingest", "reports.read"]
    assert c.call("GET", "/v1/audit/head", "nato").json() == {"seq": len(rows), "hash": prev}


def test_the_table_refuses_update_and_delete(center):
    c = center
    from openbmd.center import db

    engine = db.engine_from_url(c.url)
    for stmt in (db.audit.update().values(event="{}"), db.audit.delete()):
        try:
            with engine.begin() as conn:
                conn.execute(stmt)
        except sa.exc.DBAPIError as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError(f"{stmt} was allowed")
    engine.dispose()


def _tamper(url: str, seq: int, **values) -> None:
    """Change an audit row as someone with the database's own rights would: triggers off first."""
    from openbmd.center import db

    engine = db.engine_from_url(url)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit DISABLE TRIGGER audit_append_only")
        conn.execute(db.audit.update().where(db.audit.c.seq == seq).values(**values))
    engine.dispose()


def test_verify_names_the_first_tampered_row(center):
    c = center
    _activity(c)
    ok = _run("audit", "verify", "--db", c.url, "--json")
    assert ok.returncode == 0, ok.stderr
    good = json.loads(ok.stdout)
    assert good["ok"] and good["rows"] >= 6
    from openbmd.center import db

    engine = db.engine_from_url(c.url)
    with engine.connect() as conn:
        row = conn.execute(db.audit.select().where(db.audit.c.seq == 4)).first()
    engine.dispose()
    forged = row.event.replace('"at_s":', '"at_s":1', 1)  # the event dated 317 years later
    assert forged != row.event
    _tamper(c.url, 4, event=forged)
    bad = _run("audit", "verify", "--db", c.url)
    assert bad.returncode == 1
    assert "row 4" in bad.stderr and "changed" in bad.stderr
    # a forger who also rewrites the row's hash breaks the link to the next row instead
    from openbmd.center.audit import chain_hash

    _tamper(c.url, 4, hash=chain_hash(row.prev_hash, forged))
    bad = _run("audit", "verify", "--db", c.url, "--json")
    assert bad.returncode == 1 and json.loads(bad.stdout)["broken_seq"] == 5


def test_verify_bad_input_is_exit_2(tmp_path):
    r = _run("audit", "verify", "--db", "mysql://x@y/z")
    assert r.returncode == 2 and r.stderr.startswith("openbmd: error:") and "Traceback" not in r.stderr
    empty = tmp_path / "not-a-center.db"
    sa.create_engine(f"sqlite:///{empty}").connect().close()
    r = _run("audit", "verify", "--db", f"sqlite:///{empty}")
    assert r.returncode == 2 and "Traceback" not in r.stderr
