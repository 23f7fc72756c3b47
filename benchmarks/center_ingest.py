"""Benchmark: the center's ingest over HTTP against the database alone, on SQLite and PostgreSQL.

A real ``openbmd center serve`` (fusion off: ingest alone) in a subprocess; clients in this process
(httpx, asyncio, several connections) send for ``--seconds`` each:
  * batches of 500 reports (reports/s sustained, p50/p99 time to the acknowledgement);
  * single-report requests (requests/s, p99) from ``--clients`` lean clients (pre-encoded HTTP/1.1
    on asyncio streams: an httpx client would spend more of the shared cores than the server).
``--compare --compare-src OTHER/src``: the server of another source tree ("before"), of this
tree, and of this tree with 2 worker processes, taken in turn ``--rounds`` times (the machine's
load falls on all alike), single reports and batches of 500 from lean clients; medians, ratios
to "before", and each side's CPU time per request (server, PostgreSQL, load generator).
Baseline, same process, same database kind and durability: 500-row INSERTs, one commit each,
through SQLAlchemy Core with no HTTP (rows/s), and on PostgreSQL also ``COPY`` (rows/s).
The ratio service/baseline says what the HTTP service, validation, auth and audit cost.

    python benchmarks/center_ingest.py [--backend sqlite|postgresql|both] [--seconds 5] [--clients 64]
    python benchmarks/center_ingest.py --backend postgresql --compare --compare-src /work/main/src

PostgreSQL: ``OPENBMD_TEST_POSTGRES_URL`` if set, else a throwaway server (tools/pg_throwaway.sh).
Prints one JSON object. Goals (issue 9, PostgreSQL): >= 20,000 reports/s in batches of 500 with
p99 < 250 ms; >= 1,500 single-report requests/s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
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


def _found(url: str, src: str | None = None) -> str:
    """Migrate and found the agreement with the code under ``src`` (default: this tree); nato's token."""
    code = ("import sys, time\nfrom openbmd.center import agreement, db\nengine = db.engine_from_url(sys.argv[1])\n"
            "db.migrate(engine)\nwith engine.begin() as conn:\n"
            "    print(agreement.found(conn, ['nato', 'russia'], now_s=time.time())['nato'])\nengine.dispose()\n")
    env = {**os.environ, "PYTHONPATH": src or str(ROOT / "src")}
    return subprocess.run([sys.executable, "-c", code, url], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def _serve(url: str, port: int, workers: int = 1, src: str | None = None) -> subprocess.Popen:
    import httpx

    env = {**os.environ, "PYTHONPATH": src or str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "openbmd", "center", "serve", "--db", url, "--port", str(port),
                             "--no-fusion", "--workers", str(workers)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
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


def _sensor(base: str, token: str) -> None:
    import httpx

    r = httpx.post(f"{base}/v1/sensors", headers={"Authorization": f"Bearer {token}"}, timeout=30,
                   json={"id": "tpy2", "sensor": "an-tpy-2-fbm", "lat_deg": 38.35, "lon_deg": 37.79, "sharing": "raw"})
    r.raise_for_status()


def run(url: str, seconds: float, clients: int) -> dict:
    """Batches of 500 (4 httpx clients) and single reports (``clients`` lean clients) against this tree."""
    token = _found(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(url, port)
    try:
        _sensor(base, token)
        batches = asyncio.run(_load(base, token, batch=500, workers=4, seconds=seconds))
        singles = _run_loop(_load_raw(base, token, batch=1, workers=clients, seconds=seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    base_line = _baseline(url, seconds)
    return {"batches_of_500": batches, "single_reports": singles, "baseline_same_process": base_line,
            "service_over_insert_baseline": round(batches["reports_per_s"] / base_line["insert_rows_per_s"], 3)}


def _cpu_s(proc: subprocess.Popen) -> float:
    """CPU seconds (user + system) used so far by the server and its worker processes (NaN without psutil)."""
    try:
        import psutil
    except ImportError:
        return math.nan
    total = 0.0
    root = psutil.Process(proc.pid)
    for p in [root, *root.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def _postgres_cpu_s() -> float:
    """CPU seconds used so far by every PostgreSQL server process on the machine (NaN without psutil)."""
    try:
        import psutil
    except ImportError:
        return math.nan
    total = 0.0
    for p in psutil.process_iter(["name", "cpu_times"]):
        if p.info["name"] in ("postgres", "postmaster") and p.info["cpu_times"] is not None:
            total += p.info["cpu_times"].user + p.info["cpu_times"].system
    return total


def compare_servers(new_url, variants: list[tuple[str, str | None, int]], *, seconds: float, rounds: int,
                    clients: int) -> dict:
    """Single-report requests/s (``clients`` lean clients) and reports/s in batches of 500 (4 lean
    clients) of several servers (label, source tree, worker processes), taken in turn ``rounds``
    times on fresh databases of one kind (``new_url()`` makes one), so that the machine's load
    falls on all alike; the median of each and its ratio to the first."""
    prepared = {}
    for label, src, _ in variants:
        url = new_url()
        prepared[label] = (url, _found(url, src))
    runs: dict[str, dict[str, list[dict]]] = {label: {"single_reports": [], "batches_of_500": []}
                                               for label, _, _ in variants}
    for _ in range(rounds):
        for label, src, workers in variants:
            url, token = prepared[label]
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            proc = _serve(url, port, workers, src)
            try:
                _sensor(base, token)
                _run_loop(_load_raw(base, token, batch=1, workers=clients, seconds=1.0))  # warm up
                for phase, batch, n_clients in (("single_reports", 1, clients), ("batches_of_500", 500, 4)):
                    runs[label][phase].append(_measured(proc, base, token, batch, n_clients, seconds))
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    first = variants[0][0]
    out = {"clients": clients, "rounds": rounds, "seconds": seconds}
    for phase, rate in (("single_reports", "requests_per_s"), ("batches_of_500", "reports_per_s")):
        med = {label: float(np.median([r[rate] for r in rs[phase]])) for label, rs in runs.items()}
        out[phase] = {
            "median_" + rate: med,
            "ratio_to_" + first: {label: round(v / med[first], 2) for label, v in med.items()},
            "median_p99_ms": {label: float(np.median([r["p99_ms"] for r in rs[phase]])) for label, rs in runs.items()},
            # CPU per request of the server, PostgreSQL and this load generator: what the machine's
            # load changes little; their sum bounds what free cores would serve
            **{f"median_{who}_cpu_ms_per_request": {
                label: float(np.median([r[f"{who}_cpu_ms_per_request"] for r in rs[phase]])) for label, rs in runs.items()}
               for who in ("server", "postgres", "client")},
            "runs": {label: [r[rate] for r in rs[phase]] for label, rs in runs.items()}}
    return out


def _run_loop(coro):
    """Run the load generator on uvloop when installed (it costs the shared cores less than asyncio's loop)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def _measured(proc, base: str, token: str, batch: int, clients: int, seconds: float) -> dict:
    cpu0, pg0, client0 = _cpu_s(proc), _postgres_cpu_s(), time.process_time()
    got = _run_loop(_load_raw(base, token, batch=batch, workers=clients, seconds=seconds))
    n = max(1, got["requests"])
    got["server_cpu_ms_per_request"] = round((_cpu_s(proc) - cpu0) * 1e3 / n, 3)
    got["postgres_cpu_ms_per_request"] = round((_postgres_cpu_s() - pg0) * 1e3 / n, 3)
    got["client_cpu_ms_per_request"] = round((time.process_time() - client0) * 1e3 / n, 3)
    return got


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
    parser.add_argument("--clients", type=int, default=64, help="concurrent single-report clients")
    parser.add_argument("--compare", action="store_true",
                        help="compare, in turns, the servers of --compare-src (if given), this tree, and this "
                             "tree with --workers 2 (lean clients only, no database baseline)")
    parser.add_argument("--compare-src", help="another source tree (e.g. /work/main/src) to measure first, as 'before'")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each server in --singles-only")
    args = parser.parse_args(argv)
    out = {"machine_cpus": os.cpu_count(), "seconds_per_phase": args.seconds}
    variants = ([("before", args.compare_src, 1)] if args.compare_src else []) + \
        [("after", None, 1), ("after_2_workers", None, 2)]
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("sqlite", "both"):
            files = iter(range(1000))
            new_url = lambda: f"sqlite:///{tmp}/bench{next(files)}.db"  # noqa: E731
            out["sqlite"] = compare_servers(new_url, variants, seconds=args.seconds, rounds=args.rounds,
                                            clients=args.clients) if args.compare else \
                run(new_url(), args.seconds, args.clients)
        if args.backend in ("postgresql", "both"):
            server, folder = _postgres_url()
            try:
                out["postgresql"] = compare_servers(lambda: _fresh_pg_database(server), variants, seconds=args.seconds,
                                                    rounds=args.rounds, clients=args.clients) \
                    if args.compare else run(_fresh_pg_database(server), args.seconds, args.clients)
            finally:
                if folder:
                    subprocess.run(["bash", str(ROOT / "tools" / "pg_throwaway.sh"), "stop", folder], check=False)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
