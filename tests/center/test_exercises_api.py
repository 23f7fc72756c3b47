"""POST / GET /v1/exercises: the record of an exercise flown through the center (both backends).

Who may write (head, operator), who may read (everyone with a token), that a re-post of the same
id updates it, that another party cannot overwrite it, that bad bodies are refused with a line
naming the field, and that the record survives a restart (it is in the database)."""
from __future__ import annotations

import pytest
from center_helpers import T0


def _body(eid="ex-1", **over):
    base = {"id": eid, "scenario": "iran-salvo", "speed": 10.0, "started_s": T0 - 100.0, "finished_s": None,
            "score": {"threats": 3, "first_shared_track_s": [12.5, None, 30.0]}}
    return base | over


def test_post_then_update_then_read_by_everyone(center):
    c = center
    c.extra["nato-op"] = c.token("nato", "operator")
    c.extra["russia-obs"] = c.token("russia", "observer")
    r = c.call("POST", "/v1/exercises", "nato-op", json=_body())
    assert r.status_code == 201, r.text
    assert r.json()["party"] == "nato" and r.json()["finished_s"] is None
    done = _body(finished_s=T0 - 10.0, score={"threats": 3, "impact_error_km": [1.5, 2.0, 0.7]})
    r = c.call("POST", "/v1/exercises", "nato", json=done)
    assert r.status_code == 200, r.text
    for who in ("nato", "russia", "russia-obs"):
        listed = c.call("GET", "/v1/exercises", who)
        assert listed.status_code == 200
        assert [e["id"] for e in listed.json()["exercises"]] == ["ex-1"]
        one = c.call("GET", "/v1/exercises/ex-1", who).json()
        assert one["finished_s"] == T0 - 10.0 and one["score"] == done["score"]


def test_observer_may_not_post_and_another_party_may_not_overwrite(center):
    c = center
    c.extra["obs"] = c.token("nato", "observer")
    r = c.call("POST", "/v1/exercises", "obs", json=_body())
    assert r.status_code == 403 and "observer" in r.json()["detail"]
    assert c.call("POST", "/v1/exercises", "russia", json=_body()).status_code == 201
    r = c.call("POST", "/v1/exercises", "nato", json=_body(scenario="other"))
    assert r.status_code == 409 and "russia" in r.json()["detail"]
    assert c.call("GET", "/v1/exercises/ex-1", "nato").json()["scenario"] == "iran-salvo"
    r = c.call("GET", "/v1/exercises/nope", "nato")
    assert r.status_code == 404 and "nope" in r.json()["detail"]


@pytest.mark.parametrize("over, field", [
    ({"speed": 0.0}, "speed"),
    ({"speed": -1.0}, "speed"),
    ({"finished_s": T0 - 200.0}, "finished_s"),
    ({"id": "bad id!"}, "id"),
    ({"score": [1, 2]}, "score"),
    ({"scenario": ""}, "scenario"),
])
def test_bad_bodies_name_the_field(center, over, field):
    r = center.call("POST", "/v1/exercises", "nato", json=_body(**over))
    assert r.status_code == 422, r.text
    assert field in r.json()["detail"]


def test_the_audit_records_creation_and_finish_not_progress(center):
    c = center
    head = lambda: c.call("GET", "/v1/audit/head", "nato").json()["seq"]  # noqa: E731
    before = head()
    c.call("POST", "/v1/exercises", "nato", json=_body())
    c.call("POST", "/v1/exercises", "nato", json=_body(score={"threats": 4}))
    assert head() == before + 1
    c.call("POST", "/v1/exercises", "nato", json=_body(finished_s=T0))
    assert head() == before + 2


def test_records_survive_a_restart(make_center, db_url):
    from fastapi.testclient import TestClient

    from openbmd.center.service import create_app

    c = make_center()
    c.call("POST", "/v1/exercises", "nato", json=_body())
    with TestClient(create_app(db_url, clock=c.clock, fusion=False)) as again:
        r = again.get("/v1/exercises", headers=c.h("russia"))
    assert [e["id"] for e in r.json()["exercises"]] == ["ex-1"]
