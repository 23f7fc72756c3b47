"""Durability: `kill -9` of a real `openbmd center serve` under load, then a restart: every report
whose acknowledgement reached a client is stored, and none twice; re-sending the batches that were
in flight is answered as duplicates for what was stored, so a client that retries loses nothing."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from center_helpers import found, report

#: ~14 s per backend, most of it two server starts on a loaded 2-core machine
pytestmark = pytest.mark.slow
WRITERS = 4
BATCH = 50


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int, *, fusion: bool = False) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "openbmd", "center", "serve", "--db", url, "--port", str(port),
                             "--fusion" if fusion else "--no-fusion"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the server did not start in 60 s")


def _writer(base: str, token: str, n: int, acked: list, inflight: list, stop: threading.Event) -> None:
    import httpx

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        k = 0
        while not stop.is_set():
            batch = [report(f"w{n}-{k * BATCH + i}", "tpy2", t_s=1.7e9 + i) for i in range(BATCH)]
            k += 1
            try:
                r = client.post("/v1/reports", json={"reports": batch})
            except httpx.HTTPError:
                inflight.append(batch)
                return
            if r.status_code != 200:
                inflight.append(batch)
                return
            assert r.json() == {"accepted": BATCH, "duplicates": 0}
            acked.extend(x["id"] for x in batch)


def _stored(client) -> list[str]:
    ids, since = [], 0
    while True:
        page = client.get("/v1/reports", params={"party": "nato", "since_seq": since, "limit": 10000}).json()
        ids += [r["id"] for r in page["reports"]]
        if not page["reports"]:
            return ids
        since = page["next_seq"]


@pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")
def test_kill_9_under_load_loses_no_acknowledged_report(db_url):
    import httpx

    token = found(db_url, now=time.time())["nato"]
    port = _port()
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {token}"}
    proc = _serve(db_url, port)
    try:
        r = httpx.post(f"{base}/v1/sensors", headers=auth, json={"id": "tpy2", "sensor": "an-tpy-2-fbm",
                                                                 "lat_deg": 38.35, "lon_deg": 37.79, "sharing": "raw"})
        assert r.status_code == 201, r.text
        acked, inflight, stop = [], [], threading.Event()
        threads = [threading.Thread(target=_writer, args=(base, token, n, acked, inflight, stop))
                   for n in range(WRITERS)]
        for t in threads:
            t.start()
        while len(acked) < 10 * BATCH and all(t.is_alive() for t in threads):
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # under load: the writers have requests in flight
        proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(acked) >= 10 * BATCH
    proc = _serve(db_url, port)
    try:
        with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
            stored = _stored(client)
            assert len(stored) == len(set(stored)), "a report is stored twice"
            missing = set(acked) - set(stored)
            assert not missing, f"{len(missing)} acknowledged reports lost, e.g. {sorted(missing)[:3]}"
            for batch in inflight:  # the client's retry of what it never saw acknowledged
                r = client.post("/v1/reports", json={"reports": batch})
                on_disk = sum(x["id"] in set(stored) for x in batch)
                assert r.json() == {"accepted": BATCH - on_disk, "duplicates": on_disk}
            final = _stored(client)
            assert len(final) == len(set(final)) == len(set(acked) | {x["id"] for b in inflight for x in b})
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    from openbmd.center import audit, db

    engine = db.engine_from_url(db_url)
    with engine.connect() as conn:
        assert audit.verify(conn).ok  # the chain is whole after the crash
    engine.dispose()
