"""Stream an exercise's measurements into a center, paced, and watch the fused picture come back.

The clock: the center stamps nothing, it checks that a report is not dated ahead of its own clock
(:data:`openbmd.center.store.MAX_CLOCK_SKEW_S`). Scenario time ``t`` is sent when the run's
scenario clock, ``speed`` times the wall-clock time since the start, reaches it, dated
``epoch + t`` (UNIX seconds) with ``epoch = start - T (1 - 1/speed)`` for a run of ``T`` scenario
seconds. In real time (speed 1) the epoch is the start and every report is dated as it is sent;
accelerated, the scenario is laid out so that its end falls on the wall-clock end of the run: a
report sent at wall time ``w`` is dated ``start - T (1 - 1/s) + s (w - start)``, which is never
after ``w`` because ``s (w - start) <= T``. So the center needs no change to take accelerated
exercises: their reports are dated in the recent past, and the fusion, which works in the
reports' own times, neither knows nor cares. Notification windows are dated the same way.

While it streams, a listener holds ``GET /v1/stream`` open and records when each track update
arrives: the picture's lag behind the truth (:func:`lags`).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from openbmd.center.models import MAX_BATCH
from openbmd.errors import InputError

log = logging.getLogger(__name__)
TICK_S = 0.02  #: wall-clock seconds between sends at most
MAX_POST = MAX_BATCH  #: reports in one POST /v1/reports
PROGRESS_EVERY_S = 2.0  #: wall-clock seconds between progress posts to /v1/exercises
SETTLE_S = 1.0  #: after the last send, wait until the stream has been quiet this long
SETTLE_MAX_S = 60.0


@dataclass
class Run:
    """What happened on the wire: the epoch, when each report went, what came back."""

    epoch_s: float  #: UNIX time of scenario time 0 (as dated in the reports)
    start_wall_s: float  #: UNIX wall-clock time the streaming started
    speed: float
    sent_wall_s: np.ndarray  #: (M,) wall-clock time each measurement was posted (acknowledged)
    events: list = field(default_factory=list)  #: (wall-clock receive time, track dict) from the stream
    tracks: list = field(default_factory=list)  #: GET /v1/tracks at the end
    alerts: list = field(default_factory=list)  #: GET /v1/alerts at the end
    reports_stored: int = 0

    def scenario_s(self, wall_s) -> np.ndarray:
        """The run's scenario clock at wall-clock time(s) ``wall_s``."""
        return self.speed * (np.asarray(wall_s, float) - self.start_wall_s)


class Client:
    """The parties' HTTP sessions with one center (httpx; a refusal is one InputError line)."""

    def __init__(self, url: str, tokens: dict[str, str]):
        import httpx

        self.url, self.tokens = url.rstrip("/"), dict(tokens)
        self.http = httpx.Client(base_url=self.url, timeout=60.0)

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, party: str, body=None, ok=(200, 201)) -> dict:
        import httpx

        try:
            r = self.http.request(method, path, json=body, headers=self.headers(party))
        except httpx.HTTPError as exc:
            raise InputError(f"center {self.url}: {method} {path} failed: {exc}") from None
        if r.status_code not in ok:
            try:
                detail = r.json().get("detail", r.text)
            except ValueError:
                detail = r.text
            raise InputError(f"center {self.url}: {method} {path} as {party!r} refused {r.status_code}: {detail}")
        return r.json()

    def headers(self, party: str) -> dict[str, str]:
        if party not in self.tokens:
            raise InputError(f"no token for party {party!r} (a head's or an operator's)")
        return {"Authorization": f"Bearer {self.tokens[party]}"}


class StreamListener(threading.Thread):
    """Holds ``GET /v1/stream`` open as ``party``; records (receive wall time, track JSON text) of each
    update. The text is parsed after the run (:meth:`parsed`), not while the run is being paced."""

    def __init__(self, client: Client, party: str):
        super().__init__(name="openbmd-exercise-stream", daemon=True)
        self.client, self.party = client, party
        self.events: list[tuple[float, str]] = []
        self.last_event_wall = time.time()
        self.opened = threading.Event()
        self._stop = threading.Event()

    def run(self) -> None:
        import httpx

        with httpx.Client(base_url=self.client.url, timeout=httpx.Timeout(10.0, read=2.0)) as http:
            while not self._stop.is_set():
                try:
                    self._listen(http)
                except httpx.HTTPError:
                    time.sleep(0.1)  # read timeout on a quiet stream, or a reconnect: listen again

    def _listen(self, http) -> None:
        kind = None
        with http.stream("GET", "/v1/stream", headers=self.client.headers(self.party)) as r:
            self.opened.set()
            for line in r.iter_lines():
                if self._stop.is_set():
                    return
                if line.startswith("event: "):
                    kind = line[7:].strip()
                elif line.startswith("data: ") and kind == "track":
                    now = time.time()
                    self.events.append((now, line[6:]))
                    self.last_event_wall = now

    def stop(self) -> None:
        self._stop.set()

    def parsed(self) -> list[tuple[float, dict]]:
        return [(w, json.loads(text)) for w, text in self.events]


def stream(client: Client, scenario, truth, ms, sights=None, *, exercise_id: str, speed: float, progress=None,
           record=None) -> Run:
    """Register the sensors, file the notifications, send the radar returns ``ms`` and the lines of
    sight ``sights`` paced at ``speed``, wait for the picture to settle; what happened (:class:`Run`).
    ``record(run, done)`` posts progress."""
    from openbmd.analyses.exercise_truth import notifications, satellites

    for s in scenario.sensors:
        client.call("POST", "/v1/sensors", s.party, {"id": s.id, "sensor": s.radar.id, "lat_deg": s.radar.site_lat_deg,
                                                     "lon_deg": s.radar.site_lon_deg, "alt_m": s.radar.site_alt_m,
                                                     "sharing": s.sharing})
    sats = satellites(scenario)
    sights_t = sights.t_s if sights is not None and len(sights) else np.zeros(0)
    end_s = max(float(ms.t_s[-1]) if len(ms) else 0.0, float(sights_t[-1]) if sights_t.size else 0.0)
    start = time.time()
    epoch = start - end_s * (1.0 - 1.0 / speed)
    for ir, k, sid in sats:
        client.call("POST", "/v1/sensors", ir.party, {"id": sid, "sensor": ir.tracker.id, "lat_deg": ir.over_lat_deg,
                                                      "lon_deg": ir.over_lon_deg, "sharing": ir.sharing,
                                                      "satellite": k, "epoch_s": epoch + ir.over_s})
    for n in notifications(scenario, truth):
        body = {k: v for k, v in n.items() if k != "party"} | {
            "id": f"{exercise_id}-{n['id']}", "window_start_s": epoch + n["window_start_s"],
            "window_end_s": epoch + n["window_end_s"]}
        client.call("POST", "/v1/notifications", n["party"], body)
    listener = StreamListener(client, min(client.tokens))
    listener.start()
    listener.opened.wait(10.0)
    run = Run(epoch_s=epoch, start_wall_s=start, speed=speed, sent_wall_s=np.full(len(ms), np.nan))
    party = np.array([scenario.sensors[k].party for k in ms.sensor]) if len(ms) else np.array([], str)
    ids = [s.id for s in scenario.sensors]
    i, j_sight, last_progress = 0, 0, 0.0
    try:
        while i < len(ms) or j_sight < sights_t.size:
            now = time.time()
            t_now = run.scenario_s(now)
            j = int(np.searchsorted(ms.t_s, t_now, side="right"))
            if j > i:
                _send(client, ms, party, ids, i, j, exercise_id, run.epoch_s)
                run.sent_wall_s[i:j] = time.time()
                i = j
                if progress:
                    progress(i, len(ms))
            k = int(np.searchsorted(sights_t, t_now, side="right"))
            if k > j_sight:
                _send_sights(client, sights, sats, j_sight, k, exercise_id, run.epoch_s)
                j_sight = k
            if record and now - last_progress >= PROGRESS_EVERY_S:
                record(run, i)
                last_progress = now
            nxt = min(ms.t_s[i] if i < len(ms) else np.inf, sights_t[j_sight] if j_sight < sights_t.size else np.inf)
            if np.isfinite(nxt):
                time.sleep(min(TICK_S, max(0.0, nxt / speed + run.start_wall_s - time.time())))
        _settle(listener)
    finally:
        listener.stop()
    run.events = listener.parsed()
    run.tracks = client.call("GET", "/v1/tracks", min(client.tokens))["tracks"]
    run.alerts = client.call("GET", "/v1/alerts", min(client.tokens))["alerts"]
    return run


def _send(client: Client, ms, party, ids, i: int, j: int, exercise_id: str, epoch: float) -> None:
    for p in sorted(set(party[i:j])):
        rows = [k for k in range(i, j) if party[k] == p]
        for a in range(0, len(rows), MAX_POST):
            reports = [{"id": f"{exercise_id}-{k}", "sensor": ids[ms.sensor[k]], "t_s": epoch + float(ms.t_s[k]),
                        "range_m": float(ms.range_m[k]), "azimuth_deg": float(ms.azimuth_deg[k]),
                        "elevation_deg": float(ms.elevation_deg[k]),
                        "sigma_range_m": float(ms.sigma_range_m[k]), "sigma_angle_deg": float(ms.sigma_angle_deg[k])}
                       for k in rows[a:a + MAX_POST]]
            client.call("POST", "/v1/reports", p, {"reports": reports})


def _send_sights(client: Client, sights, sats, i: int, j: int, exercise_id: str, epoch: float) -> None:
    party = [sats[sights.satellite[k]][0].party for k in range(i, j)]
    for p in sorted(set(party)):
        rows = [k for k, q in zip(range(i, j), party) if q == p]
        for a in range(0, len(rows), MAX_POST):
            reports = [{"id": f"{exercise_id}-los-{k}", "sensor": sats[sights.satellite[k]][2],
                        "t_s": epoch + float(sights.t_s[k]), "los_lon_deg": float(sights.los_lon_deg[k]),
                        "los_lat_deg": float(sights.los_lat_deg[k]), "sigma_deg": float(sights.sigma_deg[k])}
                       for k in rows[a:a + MAX_POST]]
            client.call("POST", "/v1/sight-reports", p, {"reports": reports})


def _settle(listener: StreamListener) -> None:
    """Wait until the stream has been quiet SETTLE_S (the fusion has caught up), at most SETTLE_MAX_S."""
    deadline = time.time() + SETTLE_MAX_S
    while time.time() < deadline and time.time() - listener.last_event_wall < SETTLE_S:
        time.sleep(0.05)


def lags(run: Run, ms, truth, owner: np.ndarray, *, since: str = "picture") -> np.ndarray:
    """(K,) scenario seconds from each measurement's truth time until a stream update of a track
    of the same threat that includes it arrived (its last update at or after the measurement).
    ``owner``: per event, the threat index its track is associated with (-1: none).

    Which measurements count: ``since="picture"`` (the lag of the picture) those made once the
    threat is in the picture, i.e. after the first update of a track of it arrived on the stream;
    ``since="first_return"`` also those made from the first return of that track on, while the
    track was being started (returns held for initiation wait for the sensor's next looks: with a
    10 s revisit ~20-40 s, the time scored as ``first_shared_track_s``, not a lag of the center)."""
    if since not in ("picture", "first_return"):
        raise ValueError(f"since {since!r} must be 'picture' or 'first_return'")
    t_recv = np.array([w for w, _ in run.events])
    last = np.array([(e.get("last_update_t_s") or np.nan) - run.epoch_s for _, e in run.events])
    first = np.array([(e.get("first_t_s") or np.nan) - run.epoch_s for _, e in run.events])
    out = []
    for i in range(len(truth)):
        ev = np.flatnonzero(owner == i)
        if ev.size == 0:
            continue
        t0 = np.nanmin(first[ev]) if since == "first_return" else float(run.scenario_s(t_recv[ev].min()))
        sel = np.flatnonzero((ms.threat == i) & (ms.t_s >= t0))
        for k in sel:
            got = ev[(last[ev] >= ms.t_s[k] - 1e-6) & (t_recv[ev] >= run.sent_wall_s[k] - 1e-6)]
            if got.size:
                out.append(run.scenario_s(t_recv[got].min()) - ms.t_s[k])
    return np.array(out)
