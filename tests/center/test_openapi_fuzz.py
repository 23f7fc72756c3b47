"""Schemathesis against the center's own /openapi.json: generated requests to every operation (but the
endless stream), with
a live token and without, never get a 5xx (bad input is a 4xx naming the problem)."""
from __future__ import annotations

import time

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

LETHAL = ("/v1/withdraw", "/v1/tokens/rotate", "/v1/tokens/{token_id}")  # would end the head token's life


@pytest.fixture(scope="module")
def fuzz_center(tmp_path_factory):
    from center_helpers import found

    from openbmd.center import auth, db
    from openbmd.center.service import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'center.db'}"
    tokens = found(url, now=time.time())
    app = create_app(url, fusion=False)
    engine = db.engine_from_url(url)

    def operator() -> str:
        with engine.begin() as conn:
            return auth.issue(conn, party="nato", role="operator", now_s=time.time())[1]

    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        r = client.post("/v1/sensors", headers={"Authorization": f"Bearer {tokens['nato']}"},
                        json={"id": "tpy2", "sensor": "an-tpy-2-fbm", "lat_deg": 38.35, "lon_deg": 37.79,
                              "sharing": "raw"})
        assert r.status_code == 201
        yield app, tokens["nato"], operator
    engine.dispose()


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_center):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_center[0])


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_5xx(case, fuzz_center):
    _, head, operator = fuzz_center
    if case.operation.path == "/v1/stream":
        # it runs until its client leaves (an hour, if asked): tests/center/test_picture.py reads it
        case.query = {**(case.query or {}), "timeout_s": 0.01}
    for token in (operator() if case.operation.path in LETHAL else head, None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.operation.method, case.operation.path, response.text[:300])
        if token is None:
            assert response.status_code in (401, 404, 405), (case.operation.path, response.status_code)
