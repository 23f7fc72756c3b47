"""Benchmark: the center's ingest over HTTP against the database alone, on SQLite and PostgreSQL.

A real ``openbmd center serve`` (fusion off: ingest alone) in a subprocess; clients in this process
(httpx, asyncio, several connections) send for ``--seconds`` each:
  * batches of 500 reports (reports/s sustained, p50/p99 time to the acknowledgement);
  * single-report requests (requests/s, p99).
Baseline, same process, same database kind and durability: 500-row INSERTs, one commit each,
through SQLAlchemy Core with no HTTP (rows/s), and on PostgreSQL also ``COPY`` (rows/s).
The ratio service/baseline says what the HTTP service, validation, auth and audit cost.

    python benchmarks/center_ingest.py [--backend sqlite|postgresql|both] [--seconds 5]

PostgreSQL: ``OPENBMD_TEST_POSTGRES_URL`` if set, else a throwaway server (tools/pg_throwaway.sh).
Prints one JSON object. Goals (issue 9, PostgreSQL): >= 20,000 reports/s in batches of 500 with
p99 < 250 ms; >= 1,500 single-report requests/s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOW = time.time()


def _report(rid: str) -> dict:
    return {"id": rid, "sensor": "tpy2", "t_s": NOW - 60.0, "range_m": 1.0e6, "azimuth_deg": 90.0,
            "elevation_deg": 10.0, "sigma_range_m": 50.0, "sigma_angle_deg": 0.05}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _found(url: str) -> str:
    from openbmd.center import agreement, db

    engine = db.engine_from_url(url)
    db.migrate(engine)
    with engine.begin() as conn:
        token = agreement.found(conn, ["nato", "russia"], now_s=time.time())["nato"]
    engine.dispose()
    return token


def _serve(url: str, port: int, workers: int = 1) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "openbmd", "center", "serve", "--db", url, "--port", str(port),
                             "--no-fusion", "--workers", str(workers)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


async def _load_raw(base: str, token: str, *, batch: int, workers: int, seconds: float) -> dict:
    """As :func:`_load`, with a lean client: pre-encoded HTTP/1.1 requests on keep-alive asyncio
    streams, responses read by Content-Length (an httpx client costs the shared cores several
    times what the server spends per single-report request)."""
    host, port = base.removeprefix("http://").split(":")
    tag = uuid.uuid4().hex[:8]
    n_per = max(1, int(seconds * 60_000 / batch / workers))

    def request(body: bytes) -> bytes:
        return (f"POST /v1/reports HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body

    reqs = [[request(json.dumps({"reports": [_report(f"{tag}-{n}-{k}-{i}") for i in range(batch)]}).encode())
             for k in range(n_per)] for n in range(workers)]
    latencies: list[float] = []
    counts = {"ok": 0, "refused": 0}
    end = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        k = 0
        while time.perf_counter() < end and k < n_per:
            t0 = time.perf_counter()
            writer.write(reqs[n][k])
            k += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            counts["ok" if head.startswith(b"HTTP/1.1 200") else "refused"] += 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(workers)))
    elapsed = time.perf_counter() - t0
    lat = np.array(latencies) * 1e3
    return {"requests_per_s": round(counts["ok"] / elapsed, 1), "reports_per_s": round(counts["ok"] * batch / elapsed),
            "p50_ms": round(float(np.percentile(lat, 50)), 1), "p99_ms": round(float(np.percentile(lat, 99)), 1),
            "requests": counts["ok"], "refused": counts["refused"], "workers": workers}


async def _load(base: str, token: str, *, batch: int, workers: int, seconds: float) -> dict:
    import httpx

    latencies: list[float] = []
    counts = {"ok": 0, "refused": 0}

    tag = uuid.uuid4().hex[:8]
    # the bodies are encoded before the clock starts: the client shares the machine's 2 cores
    bodies = [[json.dumps({"reports": [_report(f"{tag}-{n}-{k}-{i}") for i in range(batch)]}).encode()
               for k in range(max(1, int(seconds * 60_000 / batch / workers)))] for n in range(workers)]
    end = time.perf_counter() + seconds

    async def worker(n: int, client) -> None:
        k = 0
        while time.perf_counter() < end and k < len(bodies[n]):
            t0 = time.perf_counter()
            r = await client.post("/v1/reports", content=bodies[n][k], headers={"content-type": "application/json"})
            k += 1
            latencies.append(time.perf_counter() - t0)
            counts["ok" if r.status_code == 200 else "refused"] += 1

    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60,
                                 limits=limits) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(n, client) for n in range(workers)))
        elapsed = time.perf_counter() - t0
    lat = np.array(latencies) * 1e3
    return {"requests_per_s": round(counts["ok"] / elapsed, 1), "reports_per_s": round(counts["ok"] * batch / elapsed),
            "p50_ms": round(float(np.percentile(lat, 50)), 1), "p99_ms": round(float(np.percentile(lat, 99)), 1),
            "requests": counts["ok"], "refused": counts["refused"], "workers": workers}


def _baseline(url: str, seconds: float) -> dict:
    """500-row INSERT + commit through SQLAlchemy Core (same engine settings); COPY on PostgreSQL."""
    import sqlalchemy as sa

    from openbmd.center import db

    engine = db.engine_from_url(url)
    rows = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        batch = [{"party": "nato", "received_s": NOW, **_report(uuid.uuid4().hex)} for _ in range(500)]
        with engine.begin() as conn:
            conn.execute(sa.insert(db.reports), batch)
        rows += 500
    out = {"insert_rows_per_s": round(rows / (time.perf_counter() - t0))}
    if engine.dialect.name == "postgresql":
        rows, t0 = 0, time.perf_counter()
        cols = ("party", "id", "sensor", "t_s", "range_m", "azimuth_deg", "elevation_deg", "sigma_range_m",
                "sigma_angle_deg", "received_s")
        while time.perf_counter() - t0 < seconds:
            raw = engine.raw_connection()
            try:
                with raw.cursor() as cur, cur.copy(f"COPY reports ({', '.join(cols)}) FROM STDIN") as copy:
                    for _ in range(5000):
                        r = {"party": "nato", "received_s": NOW, **_report(uuid.uuid4().hex)}
                        copy.write_row([r[c] for c in cols])
                raw.commit()
            finally:
                raw.close()
            rows += 5000
        out["copy_rows_per_s"] = round(rows / (time.perf_counter() - t0))
    engine.dispose()
    return out


def run(url: str, seconds: float) -> dict:
    import httpx

    token = _found(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(url, port)
    try:
        httpx.post(f"{base}/v1/sensors", headers={"Authorization": f"Bearer {token}"},
                   json={"id": "tpy2", "sensor": "an-tpy-2-fbm", "lat_deg": 38.35, "lon_deg": 37.79, "sharing": "raw"})
        batches = asyncio.run(_load(base, token, batch=500, workers=4, seconds=seconds))
        singles = asyncio.run(_load(base, token, batch=1, workers=16, seconds=seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    base_line = _baseline(url, seconds)
    return {"batches_of_500": batches, "single_reports": singles, "baseline_same_process": base_line,
            "service_over_insert_baseline": round(batches["reports_per_s"] / base_line["insert_rows_per_s"], 3)}


def _postgres_url() -> tuple[str, str | None]:
    url = os.environ.get("OPENBMD_TEST_POSTGRES_URL")
    if url:
        return url, None
    env = subprocess.run(["bash", str(ROOT / "tools" / "pg_throwaway.sh"), "start"], check=True,
                         capture_output=True, text=True).stdout
    values = dict(line.removeprefix("export ").split("=", 1) for line in env.splitlines() if "=" in line)
    return values["OPENBMD_TEST_POSTGRES_URL"], values["PG_THROWAWAY_DIR"]


def _fresh_pg_database(url: str) -> str:
    import sqlalchemy as sa

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"obmd_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each load phase")
    args = parser.parse_args(argv)
    out = {"machine_cpus": os.cpu_count(), "seconds_per_phase": args.seconds}
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            out["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.seconds)
    if args.backend in ("postgresql", "both"):
        server, folder = _postgres_url()
        try:
            out["postgresql"] = run(_fresh_pg_database(server), args.seconds)
        finally:
            if folder:
                subprocess.run(["bash", str(ROOT / "tools" / "pg_throwaway.sh"), "stop", folder], check=False)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
