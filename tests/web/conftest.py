"""Fixtures of the browser tests: a real center (uvicorn on a free loopback port, in a thread, on
SQLite, fusion on) and Debian's Chromium driven by Playwright.

Playwright's own browser download cannot work offline: the tests launch ``/usr/bin/chromium``
(``.ci/run`` installs Debian's package when it is missing) headless, with the network features
that would call out turned off; Playwright gives each launch a fresh, empty profile. Without
Chromium the tests are skipped, saying why (a new machine may not have it), except where
``OPENBMD_REQUIRE_BROWSER=1`` (set by ``.ci/run``, as ``OPENBMD_REQUIRE_POSTGRES`` is for the center's
PostgreSQL tests): there they fail. ``OPENBMD_SKIP_BROWSER=1`` skips them everywhere.
"""
from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "center"))  # center_helpers, fusion_scenario

from web_scenario import new_context  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOGGERS = ("uvicorn.access", "uvicorn.error", "openbmd")  #: the server's loggers, read for leaked tokens


class LogSink(logging.Handler):
    """Every record the server's loggers emit, formatted (to check that no token is logged)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class LiveCenter:
    """A center served over HTTP: ``base`` URL, heads' ``tokens``, the app's Center, its log lines."""

    base: str
    tokens: dict[str, str]
    center: object
    server: object
    thread: threading.Thread
    logs: LogSink
    published_s: dict[str, float] = field(default_factory=dict)  #: track id -> wall time of its first event

    def call(self, method: str, path: str, token: str, **kwargs):
        import httpx

        return httpx.request(method, self.base + path, headers={"Authorization": f"Bearer {token}"},
                             timeout=30.0, **kwargs)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _record_publications(live: LiveCenter) -> None:
    """Note the wall time at which the picture first publishes each track (the fusion's timestamp)."""
    picture = live.center.picture
    publish = picture._publish

    def timed(kind: str, payload: dict) -> None:
        if kind == "track":
            live.published_s.setdefault(payload["id"], time.time())
        publish(kind, payload)

    picture._publish = timed


def start_center(db_path: Path, parties=("nato", "russia")) -> LiveCenter:
    import uvicorn
    from center_helpers import found
    from fusion_scenario import EPOCH_S

    from openbmd.center.service import create_app

    url = f"sqlite:///{db_path}"
    tokens = found(url, parties, now=EPOCH_S + 3000.0)
    offset = EPOCH_S + 3600.0 - time.time()  # the center's clock: an hour after the scenario's launch, running

    def clock() -> float:
        return time.time() + offset

    app = create_app(url, clock=clock, fusion=True)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", access_log=True, lifespan="on",
                            timeout_graceful_shutdown=2)
    sink = LogSink()  # after Config, which configures uvicorn's loggers afresh
    for name in LOGGERS:
        logging.getLogger(name).addHandler(sink)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"center-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20.0
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the center did not start")
        time.sleep(0.02)
    live = LiveCenter(base=f"http://127.0.0.1:{port}", tokens=tokens, center=app.state.center, server=server,
                      thread=thread, logs=sink)
    _record_publications(live)
    return live


@pytest.fixture
def live_center(tmp_path):
    """``live_center()`` starts a center (stopped after the test)."""
    made: list[LiveCenter] = []

    def make(parties=("nato", "russia")) -> LiveCenter:
        made.append(start_center(tmp_path / f"center{len(made)}.db", parties))
        return made[-1]

    yield make
    for live in made:
        live.stop()
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(live.logs)


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("OPENBMD_SKIP_BROWSER") == "1":
        pytest.skip("OPENBMD_SKIP_BROWSER=1: the browser tests are skipped")
    if not Path(CHROMIUM).exists():
        why = f"{CHROMIUM} is missing: `apt-get install chromium` (.ci/run does it) to run the browser tests"
        if os.environ.get("OPENBMD_REQUIRE_BROWSER") == "1":
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_center):  # live_center: the page closes first, ending its stream
    """A fresh browser context (its own session storage) and page; the requests it made are in
    ``page.requests_seen`` and the responses of /v1/ calls in ``page.api_bodies`` (url, status, text)."""
    context = new_context(browser)
    pg = context.new_page()
    pg.requests_seen = []
    pg.api_bodies = []
    pg.on("request", lambda r: pg.requests_seen.append(r.url))

    def on_response(r):
        if "/v1/" in r.url and "/v1/stream" not in r.url:
            try:
                pg.api_bodies.append((r.url, r.status, r.text()))
            except Exception:  # noqa: BLE001 - a response whose body the page discarded
                pass
    pg.on("response", on_response)
    yield pg
    context.close()
