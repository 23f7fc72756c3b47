"""Alerts after a crash: reports committed by a server that was `kill -9`ed before it fused them
are fused at the next start, and the unannounced launch among them is flagged then, exactly once;
another `kill -9` and restart adds no second alert for it."""
from __future__ import annotations

import os
import signal
import time

import httpx
import pytest
from center_helpers import found
from fusion_scenario import EPOCH_S, LAUNCH
from picture_helpers import SENSORS, SITES, http_reports
from test_durability import _port, _serve

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")]


def _alerts(base: str, token: str) -> list[dict]:
    r = httpx.get(f"{base}/v1/alerts", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["alerts"]


def test_alerts_of_stored_reports_are_rederived_once_after_kill_9(db_url):
    tokens = found(db_url, now=EPOCH_S - 86400.0)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(db_url, port)  # --no-fusion: stores and acknowledges, never fuses (the crash window)
    try:
        for sensor, seed in (("r1", 0), ("r2", 1)):
            party, model = SITES[sensor]
            s, auth = SENSORS[sensor], {"Authorization": f"Bearer {tokens[party]}"}
            r = httpx.post(f"{base}/v1/sensors", headers=auth, json={
                "id": sensor, "sensor": model, "lat_deg": s.lat_deg, "lon_deg": s.lon_deg, "alt_m": s.alt_m,
                "sharing": "raw"})
            assert r.status_code == 201, r.text
            r = httpx.post(f"{base}/v1/reports", headers=auth, json={"reports": http_reports(sensor, seed, 0.7 * seed)},
                           timeout=30)
            assert r.status_code == 200 and r.json()["accepted"] > 10, r.text
        assert _alerts(base, tokens["nato"]) == []
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    seen = []
    for _ in range(2):  # restart with fusion; then kill -9 and restart again
        proc = _serve(db_url, port, fusion=True)
        try:
            deadline = time.monotonic() + 30  # the rebuild ran before the server answered; allow a margin
            while not (alerts := _alerts(base, tokens["russia"])) and time.monotonic() < deadline:
                time.sleep(0.2)
            seen.append(alerts)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    first, second = seen
    assert [a["kind"] for a in first] == ["unannounced"]
    lp = first[0]["launch_point"]
    assert abs(lp["lat_deg"] - LAUNCH[0]) < 1.0 and abs(lp["lon_deg"] - LAUNCH[1]) < 1.0
    assert second == first  # the same alert, not a second one
