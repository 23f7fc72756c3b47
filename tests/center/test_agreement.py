"""The agreement: changes need the heads of every founding party; walk-away ends access at once and
applies the withdrawal rule; the agreement expires at its end date unless renewed by all."""
from __future__ import annotations

from center_helpers import report

DAY_S = 86400.0


def _agreement(c, who="nato") -> dict:
    r = c.call("GET", "/v1/agreement", who)
    assert r.status_code == 200, r.text
    return r.json()


def test_one_heads_approval_changes_nothing(center):
    c = center
    before = _agreement(c)
    p = c.call("POST", "/v1/proposals", "nato", json={"change": {"retention_days": 30}}).json()
    assert p["status"] == "open" and p["awaiting"] == ["nato", "russia"]
    one = c.call("POST", f"/v1/proposals/{p['id']}/approve", "nato").json()
    assert one["status"] == "open" and one["awaiting"] == ["russia"]
    again = c.call("POST", f"/v1/proposals/{p['id']}/approve", "nato").json()  # twice is still one party
    assert again["status"] == "open" and _agreement(c) == before
    c.extra["op"] = c.token("russia", "operator")
    assert c.call("POST", f"/v1/proposals/{p['id']}/approve", "op").status_code == 403
    assert _agreement(c) == before
    wrong = c.call("POST", f"/v1/proposals/{p['id']}/approve", "russia", json={"change_sha256": "0" * 64})
    assert wrong.status_code == 409 and _agreement(c) == before
    done = c.call("POST", f"/v1/proposals/{p['id']}/approve", "russia", json={"change_sha256": p["change_sha256"]})
    assert done.json()["status"] == "applied"
    after = _agreement(c)
    assert after["retention_days"] == 30 and after["version"] == before["version"] + 1


def test_a_proposal_made_before_another_change_is_stale(center):
    c = center
    a = c.call("POST", "/v1/proposals", "nato", json={"change": {"retention_days": 30}}).json()
    b = c.call("POST", "/v1/proposals", "russia", json={"change": {"retention_days": 60}}).json()
    for head in ("nato", "russia"):
        c.call("POST", f"/v1/proposals/{a['id']}/approve", head)
    assert c.call("POST", f"/v1/proposals/{b['id']}/approve", "nato").json()["status"] == "stale"
    assert _agreement(c)["retention_days"] == 30
    assert c.call("POST", f"/v1/proposals/{b['id']}/approve", "russia").status_code == 409


def test_walk_away_ends_access_at_once_and_keeps_data(center):
    c = center
    c.extra["op"] = c.token("russia", "operator")
    c.sensor("russia", "don", "raw", sensor="don-2n", lat_deg=56.17, lon_deg=37.77)
    c.call("POST", "/v1/reports", "op", json={"reports": [report("r1", "don")]})
    assert c.call("POST", "/v1/withdraw", "op").status_code == 403  # only the head may walk away
    out = c.call("POST", "/v1/withdraw", "russia").json()
    assert out["withdrawn"] == "russia" and out["rule"] == "kept" and out["tokens_revoked"] == 2
    for who in ("russia", "op"):  # every token of the party is dead at once
        assert c.call("GET", "/v1/agreement", who).status_code == 401
        assert c.call("POST", "/v1/reports", who, json={"reports": [report("r2", "don")]}).status_code == 401
    assert _agreement(c)["members"] == ["nato"]
    c.clock.advance(400 * DAY_S / 365 * 30)  # a month later the data is still there (rule: kept)
    assert [r["id"] for r in c.call("GET", "/v1/reports?party=russia", "nato").json()["reports"]] == ["r1"]
    # with russia gone, nato's head alone is every founding member: its approval suffices
    p = c.call("POST", "/v1/proposals", "nato", json={"change": {"retention_days": 90}}).json()
    assert p["awaiting"] == ["nato"]
    assert c.call("POST", f"/v1/proposals/{p['id']}/approve", "nato").json()["status"] == "applied"


def test_walk_away_purges_after_n_days(make_center):
    c = make_center(found_kwargs={"withdrawal": {"rule": "purge", "after_days": 2}})
    c.sensor("russia", "don", "raw", sensor="don-2n", lat_deg=56.17, lon_deg=37.77)
    c.call("POST", "/v1/reports", "russia", json={"reports": [report("r1", "don"), report("r2", "don")]})
    out = c.call("POST", "/v1/withdraw", "russia").json()
    assert out["rule"] == "purge" and out["purge_after_s"] == c.clock() + 2 * DAY_S
    c.clock.advance(1.9 * DAY_S)
    assert len(c.call("GET", "/v1/reports?party=russia", "nato").json()["reports"]) == 2
    c.clock.advance(0.2 * DAY_S)
    assert c.call("GET", "/v1/reports?party=russia", "nato").json()["reports"] == []
    from openbmd.center import audit, db

    engine = db.engine_from_url(c.url)
    with engine.connect() as conn:
        events = [r.event for r in conn.execute(db.audit.select().order_by(db.audit.c.seq))]
        assert audit.verify(conn).ok
    engine.dispose()
    assert any('"action":"party.purge"' in e and '"reports":2' in e for e in events)


def test_expiry_at_end_date_unless_renewed_by_all(make_center):
    c = make_center(found_kwargs={"term_days": 10})
    c.sensor("nato", "tpy2", "raw")
    c.clock.advance(10 * DAY_S + 1)
    r = c.call("POST", "/v1/reports", "nato", json={"reports": [report("late", "tpy2", t_s=c.clock() - 5)]})
    assert r.status_code == 403 and "expired" in r.json()["detail"]
    assert c.call("GET", "/v1/tracks", "russia").status_code == 403
    end = c.clock() + 30 * DAY_S
    p = c.call("POST", "/v1/proposals", "nato", json={"change": {"end_s": end}}).json()
    c.call("POST", f"/v1/proposals/{p['id']}/approve", "nato")
    assert c.call("GET", "/v1/tracks", "russia").status_code == 403  # one head cannot renew alone
    c.call("POST", f"/v1/proposals/{p['id']}/approve", "russia")
    assert _agreement(c)["end_s"] == end
    r = c.call("POST", "/v1/reports", "nato", json={"reports": [report("late", "tpy2", t_s=c.clock() - 5)]})
    assert r.status_code == 200


def test_admitted_observer_sees_the_picture_only(center, tmp_path):
    c = center
    p = c.call("POST", "/v1/proposals", "nato", json={"change": {"admit_observer": "un"}}).json()
    for head in ("nato", "russia"):
        c.call("POST", f"/v1/proposals/{p['id']}/approve", head)
    assert "un" in _agreement(c)["members"]
    from openbmd.center import auth, db

    engine = db.engine_from_url(c.url)
    with engine.begin() as conn:
        _, c.extra["un"] = auth.issue(conn, party="un", role="observer", now_s=c.clock())
    engine.dispose()
    assert c.call("GET", "/v1/tracks", "un").status_code == 200
    assert c.call("GET", "/v1/alerts", "un").status_code == 200
    assert c.call("GET", "/v1/reports?party=nato", "un").status_code == 403
    assert c.call("POST", "/v1/proposals", "un", json={"change": {"retention_days": 5}}).status_code == 403


def test_tokens_rotate_and_revoke(center):
    c = center
    old = c.tokens["nato"]
    new = c.call("POST", "/v1/tokens/rotate", "nato").json()
    assert new["role"] == "head" and new["token"] != old
    assert c.call("GET", "/v1/agreement", "nato").status_code == 401  # the old token is dead
    c.tokens["nato"] = new["token"]
    assert c.call("GET", "/v1/agreement", "nato").status_code == 200
    c.extra["op"] = c.token("nato", "operator")
    assert c.call("DELETE", f"/v1/tokens/{c.extra['op'].split('_')[1]}", "nato").status_code == 200
    assert c.call("GET", "/v1/agreement", "op").status_code == 401
    from openbmd.center import db

    engine = db.engine_from_url(c.url)
    with engine.connect() as conn:
        stored = conn.execute(db.tokens.select()).all()
    engine.dispose()
    secrets = {c.tokens["nato"], c.tokens["russia"], c.extra["op"], old}
    assert not any(s in str(tuple(row)) for row in stored for s in secrets)  # only hashes at rest
