"""A center for one run, in this process: SQLite in a temporary folder, founded as ``openbmd center
init`` founds one (:func:`openbmd.center.db.migrate`, then :func:`openbmd.center.agreement.found`),
served by uvicorn on a free port of 127.0.0.1 in a child process.

``openbmd exercise`` without ``--center`` flies its scenario through one::

    with EmbeddedCenter(["nato", "russia"]) as c:
        c.url, c.tokens["nato"]
"""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START_TIMEOUT_S = 30.0


def found_database(db_url: str, parties: list[str], *, now_s: float | None = None) -> dict[str, str]:
    """Migrate ``db_url`` and found the agreement of ``parties``: each head's token."""
    from openbmd.center import agreement, db

    engine = db.engine_from_url(db_url)
    try:
        db.migrate(engine)
        with engine.begin() as conn:
            return agreement.found(conn, sorted(set(parties)), now_s=time.time() if now_s is None else now_s)
    finally:
        engine.dispose()


class EmbeddedCenter:
    """A throwaway center (see the module doc); ``url``, ``tokens`` (party -> head token), ``db_url``.

    The center runs in a child process (``python -m openbmd center serve``), not in a thread of
    this one: an exercise's client (the truth, the sensors' returns, the posts, the stream) and the
    center (HTTP, ingest, fusion) are each busy, and in one process they share one interpreter
    lock on a 2-core machine. Measured with ``benchmarks/exercise_lag.py`` (50 threats, 6 radars,
    10x): the picture's lag behind the truth at the 99th percentile, see that benchmark."""

    def __init__(self, parties: list[str], *, fusion: bool = True):
        self.parties = sorted(set(parties))
        self.fusion = fusion
        self.url = self.db_url = ""
        self.tokens: dict[str, str] = {}
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> "EmbeddedCenter":
        import httpx

        self._tmp = tempfile.TemporaryDirectory(prefix="openbmd-exercise-")
        self.db_url = f"sqlite:///{Path(self._tmp.name) / 'center.db'}"
        self.tokens = found_database(self.db_url, self.parties)
        port = _free_port()
        argv = [sys.executable, "-m", "openbmd", "center", "serve", "--db", self.db_url, "--host", "127.0.0.1",
                "--port", str(port)] + ([] if self.fusion else ["--no-fusion"])
        self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{url}/openapi.json", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the embedded center did not start")
            time.sleep(0.1)
        self.url = url
        return self

    def __exit__(self, *exc) -> None:
        if self._proc is not None:
            self._proc.terminate()          # uvicorn shuts down in order: the fusion worker is joined
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
        self._proc = self._tmp = None


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to end it when its parent dies (no orphaned center)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
