"""The authorization matrix: every endpoint x role (head, operator, observer) x own / other party x
the other party's sharing level (raw, tracks, warning), with zero leaks.

The other party's ids carry a marker (SECRET); no response may contain it unless the sharing level
allows that response to show the other party's raw data (GET /v1/reports or /v1/sight-reports at
level raw) or its sensors (GET /v1/sensors at level raw or tracks), or the caller sent it itself.
Every endpoint refuses a missing or bad token with 401. Existence must not leak: a report naming the
other party's sensor is refused exactly as one naming no sensor at all, and revoking the other
party's token is answered exactly as revoking a token that does not exist. No caller ever gets a
fused state that rests on data it may see only as a warning, even when it contributed to the track.
"""
from __future__ import annotations

import json

import pytest
from center_helpers import report

ROLES = ("head", "operator", "observer")
MARK = "SECRET"
WRITE_ROLES = ("head", "operator")


def _setup(c, level: str) -> dict:
    """nato (the caller's party) and russia (the other), each with a sensor and reports; tokens per role."""
    c.sensor("nato", "n-radar", "raw")
    c.sensor("russia", f"r-{MARK}-radar", level, sensor="voronezh-dm-armavir", lat_deg=44.93, lon_deg=40.98)
    ok = c.call("POST", "/v1/reports", "nato", json={"reports": [report("n-1", "n-radar")]})
    assert ok.status_code == 200, ok.text
    ok = c.call("POST", "/v1/reports", "russia", json={"reports": [report(f"r-{MARK}-1", f"r-{MARK}-radar")]})
    assert ok.status_code == 200, ok.text
    for party, sid, sharing in (("nato", "n-sat", "raw"), ("russia", f"r-{MARK}-sat", level)):
        ok = c.call("POST", "/v1/sensors", party, json={"id": sid, "sensor": "stss-demo", "lat_deg": 30.0,
                                                        "lon_deg": 40.0, "sharing": sharing, "epoch_s": 1.9e9})
        assert ok.status_code == 201, ok.text
        ok = c.call("POST", "/v1/sight-reports", party, json={"reports": [_sight(f"{sid}-1", sid)]})
        assert ok.status_code == 200, ok.text
    for party in ("nato", "russia"):
        for role in ("operator", "observer"):
            c.extra[f"{party}-{role}"] = c.token(party, role)
    russia_token_id = c.extra["russia-operator"].split("_")[1]
    pid = c.call("POST", "/v1/proposals", "russia", json={"change": {"retention_days": 400}}).json()["id"]
    return {"russia_token_id": russia_token_id, "proposal": pid}


def _sight(rid: str, sensor: str) -> dict:
    return {"id": rid, "sensor": sensor, "t_s": 1.9e9 - 10, "los_lon_deg": 10.0, "los_lat_deg": -20.0,
            "sigma_deg": 0.001}


def _expect(role: str, target: str, level: str) -> dict[tuple[str, str], int]:
    """(method, path) -> the status a nato caller with ``role`` must get, for ``target`` party."""
    writer = role in WRITE_ROLES
    head = role == "head"
    if role == "observer":
        reports = 403
    elif target == "nato":
        reports = 200
    else:
        reports = 200 if level == "raw" else 403
    return {
        ("GET", f"/v1/reports?party={target}"): reports,
        ("GET", f"/v1/sight-reports?party={target}"): reports,
        ("POST", "/v1/sight-reports"): (200 if target == "nato" else 422) if writer else 403,
        ("POST", "/v1/sensors"): 201 if writer else 403,
        ("POST", "/v1/reports"): (200 if target == "nato" else 422) if writer else 403,
        ("POST", "/v1/party-tracks"): 200 if writer else 403,
        ("GET", "/v1/tracks"): 200,
        ("GET", "/v1/stream?timeout_s=0.01"): 200,
        ("POST", "/v1/notifications"): 201 if writer else 403,
        ("GET", "/v1/notifications"): 200,
        ("GET", "/v1/alerts"): 200,
        ("GET", "/v1/agreement"): 200,
        ("GET", "/v1/audit/head"): 200,
        ("POST", "/v1/proposals"): 201 if head else 403,
        ("POST", "/v1/proposals/{pid}/approve"): 200 if head else 403,
        ("POST", "/v1/tokens"): 201 if head else 403,
        ("DELETE", "/v1/tokens/{tid}"): (200 if target == "nato" else 404) if head else 403,
        ("GET", "/v1/me"): 200,
        ("GET", "/v1/sensors"): 200,
        ("GET", "/v1/history?from_s=1899999000&to_s=1900000000&step_s=10"): 200,
    }


def _body(c, method: str, path: str, target: str, n: int, role: str):
    if path == "/v1/sensors":
        return {"id": f"n-{role}-{n}", "sensor": "an-tpy-2-fbm", "lat_deg": 38.35, "lon_deg": 37.79, "sharing": "raw"}
    if path == "/v1/reports":
        sensor = "n-radar" if target == "nato" else f"r-{MARK}-radar"
        return {"reports": [report(f"n-{role}-{n}", sensor)]}
    if path == "/v1/sight-reports":
        return {"reports": [_sight(f"n-{role}-{n}", "n-sat" if target == "nato" else f"r-{MARK}-sat")]}
    if path == "/v1/party-tracks":
        cov = [[1e4 if i == j else 0.0 for j in range(6)] for i in range(6)]
        return {"tracks": [{"id": f"t-{role}-{n}", "t_s": 1.9e9 - 30, "position_m": [7.4e6, 0, 0],
                            "velocity_m_s": [0, 5000, 0], "covariance": cov}]}
    if path == "/v1/notifications":
        area = {"lat_deg": 50.0, "lon_deg": 10.0, "radius_km": 100.0}
        return {"id": f"note-{role}-{n}", "window_start_s": 1.9e9, "window_end_s": 1.9e9 + 3600,
                "launch_area": area, "impact_area": area}
    if path == "/v1/proposals":
        return {"change": {"retention_days": 300 + n}}
    if path == "/v1/tokens":
        return {"role": "observer"}
    return None


@pytest.mark.parametrize("level", ["raw", "tracks", "warning"])
def test_every_endpoint_role_and_party(make_center, level):
    c = make_center(rate_per_s=1e6, burst=1e6)
    ids = _setup(c, level)
    wrong = []
    n = 0
    for role in ROLES:
        who = "nato" if role == "head" else f"nato-{role}"
        for target in ("nato", "russia"):
            for (method, path), want in _expect(role, target, level).items():
                n += 1
                tid = ids["russia_token_id"]
                if "{tid}" in path and target == "nato":
                    tid = c.token("nato", "observer").split("_")[1]
                url = path.format(pid=ids["proposal"], tid=tid)
                body = _body(c, method, path, target, n, role)
                r = c.call(method, url, who, json=body)
                if r.status_code != want:
                    wrong.append(f"{role} {target} {method} {url}: {r.status_code} != {want}: {r.text[:200]}")
                leak_ok = path.startswith(("/v1/reports?", "/v1/sight-reports?")) and target == "russia" and want == 200
                listed = path == "/v1/sensors" and level != "warning"  # a shared sensor is listed, by id
                echoed = MARK in str(body)  # a refusal may name what the caller itself sent
                if MARK in r.text and not (leak_ok or listed) and not echoed:
                    wrong.append(f"LEAK {role} {target} {method} {url}: {r.text[:200]}")
                if leak_ok and r.status_code == 200:
                    kind = "sat-1" if "sight" in path else "1"
                    assert [x["id"] for x in r.json()["reports"]] == [f"r-{MARK}-{kind}"]
    assert not wrong, "\n".join(wrong)


def test_no_token_or_a_bad_one_is_401_everywhere(center):
    c = center
    c.extra["bad"] = "obmd_00000000_" + "A" * 43
    c.extra["junk"] = "not a token at all"
    from openbmd.center.service import create_app  # noqa: F401  (the routes below are the app's own)
    routes = [(m, r.path.replace("{pid}", "x").replace("{token_id}", "x").replace("{exercise_id}", "x")) for r in c.client.app.routes
              if r.path.startswith("/v1/") for m in sorted(getattr(r, "methods", ()))]
    assert len(routes) >= 16
    for method, path in routes:
        for who in (None, "bad", "junk"):
            path_q = path + ("?party=nato" if path.endswith("reports") and method == "GET" else "")
            r = c.call(method, path_q, who, json={})
            assert r.status_code == 401, (method, path, who, r.status_code, r.text)
            assert r.headers.get("www-authenticate") == "Bearer"


def test_existence_does_not_leak(center):
    c = center
    c.sensor("russia", "r-radar", "raw", sensor="voronezh-dm-armavir", lat_deg=44.93, lon_deg=40.98)
    other = c.call("POST", "/v1/reports", "nato", json={"reports": [report("x", "r-radar")]})
    nothing = c.call("POST", "/v1/reports", "nato", json={"reports": [report("x", "r-radar2")]})
    assert other.status_code == nothing.status_code == 422
    assert other.json()["detail"].replace("r-radar", "S") == nothing.json()["detail"].replace("r-radar2", "S")
    russia_tid = c.tokens["russia"].split("_")[1]
    a = c.call("DELETE", f"/v1/tokens/{russia_tid}", "nato")
    b = c.call("DELETE", "/v1/tokens/0badc0de", "nato")
    assert a.status_code == b.status_code == 404
    assert c.call("GET", "/v1/agreement", "russia").status_code == 200  # russia's head still works


def test_reads_of_another_partys_data_are_audited(center):
    c = center
    c.sensor("russia", "r-radar", "raw", sensor="voronezh-dm-armavir", lat_deg=44.93, lon_deg=40.98)
    c.call("POST", "/v1/reports", "russia", json={"reports": [report("r1", "r-radar")]})
    before = c.call("GET", "/v1/audit/head", "nato").json()["seq"]
    assert c.call("GET", "/v1/reports?party=russia", "nato").status_code == 200
    assert c.call("GET", "/v1/reports?party=nato", "nato").status_code == 200  # own data: no audit row
    after = c.call("GET", "/v1/audit/head", "nato").json()["seq"]
    assert after == before + 1
    from openbmd.center import db

    engine = db.engine_from_url(c.url)
    with engine.connect() as conn:
        event = conn.execute(db.audit.select().where(db.audit.c.seq == after)).first().event
    engine.dispose()
    assert '"action":"reports.read"' in event and '"of":"russia"' in event and '"party":"nato"' in event


STATE_KEYS = ("position_m", "velocity_m_s", "covariance", "sensors", "parties")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("level", ["raw", "tracks", "warning"])
def test_no_caller_gets_a_state_resting_on_warning_level_data(make_center, level):
    """The fused picture: nato's raw radar and russia's radar at ``level`` both track the Sejjil-2;
    nato contributed to the fused track, yet at level warning no nato token (head, operator,
    observer) gets its state, from GET /v1/tracks or the stream; russia gets it whole (its own
    data and nato's raw data)."""
    from picture_helpers import fusing_center, post, register, tracks

    c = fusing_center(make_center, rate_per_s=1e6, burst=1e6)
    register(c, "r1", "raw")
    register(c, "r2", level)
    post(c, "r1", seed=0)
    post(c, "r2", seed=1, offset=0.7)
    (theirs,) = tracks(c, "russia")
    assert theirs["level"] == "track" and theirs["parties"] == ["nato", "russia"]  # both fed the one track
    c.extra["nato-operator"], c.extra["nato-observer"] = c.token("nato", "operator"), c.token("nato", "observer")
    for who in ("nato", "nato-operator", "nato-observer"):
        (mine,) = tracks(c, who)
        for key in STATE_KEYS:
            assert (key in mine) == (level != "warning"), (who, key, mine)
        assert ("r2" in str(mine)) == (level != "warning")
        # the stream's updates: a state only while it rested on nato's data and shared data alone
        stream = c.call("GET", "/v1/stream?timeout_s=0.3", who, headers={"Last-Event-ID": "0"}).text
        updates = [json.loads(line[6:]) for line in stream.splitlines() if line.startswith("data: {")]
        states = [u for u in updates if "position_m" in u]
        assert all(set(u["sensors"]) <= ({"nato/r1"} if level == "warning" else {"nato/r1", "russia/r2"})
                   for u in states)
        assert any(u.get("level") == "warning" for u in updates) == (level == "warning")
        assert len(states) > 0  # nato saw its own track before russia's returns joined it
