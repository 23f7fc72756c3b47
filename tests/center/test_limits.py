"""A body over the limit is 413 before it is read; a party over its rate is 429, others unaffected."""
from __future__ import annotations

from center_helpers import report


def test_413_declared_and_chunked(make_center):
    c = make_center(max_body_bytes=10_000)
    c.sensor("nato", "tpy2", "raw")
    batch = {"reports": [report(f"r{i}", "tpy2") for i in range(200)]}  # ~38 kB of JSON
    r = c.call("POST", "/v1/reports", "nato", json=batch)
    assert r.status_code == 413 and "10000 bytes" in r.json()["detail"]

    def chunks():  # no Content-Length: the body arrives in pieces
        for _ in range(50):
            yield b"x" * 1000

    r = c.call("POST", "/v1/reports", "nato", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    small = {"reports": [report("ok", "tpy2")]}
    assert c.call("POST", "/v1/reports", "nato", json=small).json() == {"accepted": 1, "duplicates": 0}


def test_429_per_party(make_center):
    c = make_center(rate_per_s=0.001, burst=5)
    codes = [c.call("GET", "/v1/agreement", "nato").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    r = c.call("GET", "/v1/agreement", "nato")
    assert r.status_code == 429 and "rate limit" in r.json()["detail"] and int(r.headers["retry-after"]) >= 1
    assert c.call("GET", "/v1/agreement", "russia").status_code == 200  # another party's bucket is its own
    assert c.call("GET", "/v1/agreement").status_code == 401  # no token: refused before any bucket


def test_token_bucket_refills_at_its_rate():
    from openbmd.center.limits import TokenBuckets

    now = [0.0]
    buckets = TokenBuckets(rate_per_s=10.0, burst=2.0, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(2)] == [0.0, 0.0]
    assert abs(buckets.take("a") - 0.1) < 1e-9  # empty: one token comes in 1/10 s
    now[0] = 0.1
    assert buckets.take("a") == 0.0
    now[0] = 100.0
    assert [buckets.take("a") == 0.0 for _ in range(3)] == [True, True, False]  # never above the burst


def test_guessed_tokens_are_rate_limited_by_address(make_center):
    c = make_center(rate_per_s=0.001, burst=5)
    assert c.call("GET", "/v1/agreement", "nato").status_code == 200  # nato's token is now known live
    c.extra["guess"] = "obmd_12345678_" + "x" * 43
    codes = [c.call("GET", "/v1/agreement", "guess").status_code for _ in range(6)]
    assert codes == [401] * 4 + [429] * 2  # the address's bucket: 5 lookups (nato's first included)
    assert c.call("GET", "/v1/agreement", "nato").status_code == 200  # a live token is not held up


def test_shared_buckets_hold_across_processes(db_url):
    """Two processes' buckets (two SharedBuckets on one database, as two `serve --workers` processes
    hold) share one budget: burst + rate x time in all, whichever process asks."""
    from openbmd.center import db
    from openbmd.center.limits import LEASE_TTL_S, SharedBuckets

    engine = db.engine_from_url(db_url)
    db.migrate(engine)
    now = [1000.0]
    a, b = (SharedBuckets(engine, rate_per_s=100.0, burst=10.0, clock=lambda: now[0]) for _ in range(2))
    assert a.chunk == b.chunk == 2  # 20 ms of 100/s
    taken = [(a if i % 2 else b).take("nato") == 0.0 for i in range(20)]
    assert sum(taken) == 10  # the burst, split between the two, not 10 each
    assert sum(a.take("russia") == 0.0 for _ in range(10)) == 10  # another key has its own bucket
    now[0] += 0.1  # refills 10 tokens
    taken = [(a if i % 3 else b).take("nato") == 0.0 for i in range(30)]
    assert sum(taken) == 10
    now[0] += LEASE_TTL_S + 100.0  # a lease left unspent is dropped, and the bucket never holds over the burst
    assert sum(b.take("nato") == 0.0 for _ in range(30)) == 10
    engine.dispose()


def test_429_across_two_server_processes(make_center):
    """Two apps on one database (each its own process state) refuse a party over its rate together."""
    from fastapi.testclient import TestClient

    from openbmd.center.service import create_app

    c = make_center(rate_per_s=0.001, burst=6)
    other = TestClient(create_app(c.url, clock=c.clock, rate_per_s=0.001, burst=6, fusion=False))
    with other:
        codes = [(c.client if i % 2 else other).get("/v1/agreement", headers=c.h("nato")).status_code
                 for i in range(10)]
    assert codes == [200] * 6 + [429] * 4
