"""A center for one run, in this process: SQLite in a temporary folder, founded as ``openbmd center
init`` founds one (:func:`openbmd.center.db.migrate`, then :func:`openbmd.center.agreement.found`),
served by uvicorn on a free port of 127.0.0.1 in a background thread.

``openbmd exercise`` without ``--center`` flies its scenario through one::

    with EmbeddedCenter(["nato", "russia"]) as c:
        c.url, c.tokens["nato"]
"""
from __future__ import annotations

import socket
import tempfile
import threading
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
    """A throwaway center (see the module doc); ``url``, ``tokens`` (party -> head token), ``db_url``."""

    def __init__(self, parties: list[str], *, fusion: bool = True):
        self.parties = sorted(set(parties))
        self.fusion = fusion
        self.url = self.db_url = ""
        self.tokens: dict[str, str] = {}
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._server = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "EmbeddedCenter":
        import uvicorn

        from openbmd.center.service import create_app

        self._tmp = tempfile.TemporaryDirectory(prefix="openbmd-exercise-")
        self.db_url = f"sqlite:///{Path(self._tmp.name) / 'center.db'}"
        self.tokens = found_database(self.db_url, self.parties)
        port = _free_port()
        config = uvicorn.Config(create_app(self.db_url, fusion=self.fusion), host="127.0.0.1", port=port,
                                log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="openbmd-embedded-center", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the embedded center did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._tmp is not None:
            self._tmp.cleanup()
        self._server = self._thread = self._tmp = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
