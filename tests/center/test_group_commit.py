"""Group commit: concurrent ingest requests share transactions, yet each gets its own answer; a
report id sent by several concurrent requests is stored once and counted accepted exactly once."""
from __future__ import annotations

import threading

from center_helpers import report


def test_concurrent_requests_each_get_their_own_answer(center):
    c = center
    c.sensor("nato", "tpy2", "raw")
    c.sensor("russia", "don", "raw", sensor="don-2n", lat_deg=56.17, lon_deg=37.77)
    batcher = c.client.app.state.center.batcher
    from openbmd.center.errors import Refused
    from openbmd.center.models import ReportIn

    answers: dict[int, object] = {}

    def send(n: int) -> None:
        party, sensor = ("nato", "tpy2") if n % 2 == 0 else ("russia", "don")
        token = c.tokens[party] if n % 5 else "obmd_00000000_bad"
        ids = [f"shared-{i}" for i in range(10)] + [f"own-{n}-{i}" for i in range(3)]
        reports = [ReportIn(**report(i, sensor)) for i in ids]
        if n == 7:
            reports.append(ReportIn(**report("too-far", sensor, range_m=9.9e6)))
        try:
            answers[n] = batcher.submit(token, reports)
        except Refused as exc:
            answers[n] = exc

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for n, answer in answers.items():
        if n % 5 == 0:
            assert isinstance(answer, Refused) and answer.status == 401
        elif n == 7:
            assert isinstance(answer, Refused) and answer.status == 422 and "too-far" in answer.message
        else:
            kept, dups = answer
            assert len(kept) + dups == 13
    for party, sent in (("nato", [n for n in range(0, 20, 2) if n % 5]), ("russia", [n for n in range(1, 20, 2)
                                                                                   if n % 5 and n != 7])):
        accepted = sum(len(answers[n][0]) for n in sent)
        stored = c.call("GET", f"/v1/reports?party={party}&limit=10000", party).json()["reports"]
        assert accepted == len(stored) == 10 + 3 * len(sent)
        assert len({r["id"] for r in stored}) == len(stored)
