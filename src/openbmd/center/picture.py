"""The fused picture: the engine-based fusion (:mod:`openbmd.center.fusion`) fed from the store,
what each caller may see of it, and the feed of updates behind ``GET /v1/stream``.

The database is the truth: at start the picture is rebuilt from every stored report; after that
each committed batch is handed to a worker thread (the acknowledgement never waits for fusion).
The worker records one alert per firm launch: ``announced`` when a party's pre-launch notification
matches it, otherwise ``unannounced``, flagged at once to every party. A rebuild records the
alerts a crash left out (reports committed, the process killed before their fusion): each fused
track has at most one alert (its public id is unique in the alerts table), so a restart adds the
missing ones and repeats none.

Who sees a fused track (``view``): its state (position, velocity, covariance, contributing
sensors) only when every sensor that fed it is the caller's own party's or shares raw data or
tracks; otherwise only the warning (launch and impact points with their uncertainty, whether it is
firm; no state, no sensor ids). This holds for a contributing party too: once another party's
warning-level sensor has updated a track, the track's state depends on that data, so the
contributor gets the warning only (it still has its own reports, GET /v1/reports). A party's
shared tracks (POST /v1/party-tracks) count as tracks-level data. A sensor's current sharing level
decides, so lowering a level hides what it fed at once. The sharing level of a sensor whose
registration the view does not know counts as warning.

Why a warning and not one fusion per audience (each party's picture fused without the data it may
see only as a warning): that would leak nothing either and keep a contributor's own state, but it
runs the fusion once per distinct audience (up to one per party plus the observers', each over
nearly all reports) on a machine where the fusion worker is already the busiest thread, and a
party whose data was fused without the warning-level returns would see a track that differs
from the shared warning about the same object. The warning-level answer is one fusion, and no
party ever receives a state estimate resting on data it may see only as a warning.
"""
from __future__ import annotations

import hashlib
import heapq
import hmac
import logging
import secrets
import math
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from openbmd.center import db, party_tracks, sights, store

log = logging.getLogger(__name__)
MAX_EVENTS = 10_000  #: updates kept for the stream's late joiners (Last-Event-ID)
#: a live track's launch and impact points are flown again once its data time has moved this far
#: (and when it turns firm), not at every return: even compiled (openbmd.kernels.ground, ~2 ms per
#: batch of a few tracks' 14 flights each) it is the worker's largest cost after the fusion itself
GROUND_REFRESH_S = 5.0
#: data time between the fusion's checkpoints over the last minute: each party posts its own
#: reports, so the second party's returns of a moment arrive just after the first's and roll the
#: picture back to a checkpoint before them; at 1 s the replay is about a second of data (at the
#: fusion's default 30 s it was up to 30 s of every sensor's returns, at every post)
LIVE_CHECKPOINT_S = 1.0
_WARNING_KEYS = ("id", "t_s", "firm", "launch_point", "impact_point")


def sensor_key(party: str, sensor_id: str) -> str:
    return f"{party}/{sensor_id}"


class Picture:
    """The fusion state and its update feed; thread-safe."""

    def __init__(self, engine: sa.Engine, *, clock: Callable[[], float], enabled: bool = True,
                 read_engine: sa.Engine | None = None):
        self.engine, self.clock, self.enabled = engine, clock, enabled
        self.read_engine = read_engine or engine  # reads only: on SQLite they never take the write lock
        self._lock = threading.RLock()
        self._fusion = None
        self._sites: dict[str, Any] = {}
        self._tracks: dict[str, dict] = {}
        self._events: deque[tuple[int, str, dict]] = deque(maxlen=MAX_EVENTS)
        self._seq = 0
        self._alerted: set[str] = set()  #: public ids of the tracks whose alert is stored
        self._key = b""
        self._queue: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        #: the update feed has a lock of its own: the stream reads it from the server's event loop,
        #: which must never wait out a fusion batch holding _lock (0.1-0.4 s at 50 threats: every
        #: request of the center stalled behind it)
        self._events_lock = threading.Lock()
        self.changed = threading.Condition(self._events_lock)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Rebuild from the store and start the worker."""
        if not self.enabled:
            return
        self._key = _track_key(self.engine)
        try:
            self._rebuild()
        except Exception:  # noqa: BLE001 - the service runs on: the store, not the picture, is the truth
            log.exception("the fused picture could not be rebuilt from the store; it starts empty")
            self._tracks = {}
        self._worker = threading.Thread(target=self._run, name="openbmd-center-fusion", daemon=True)
        self._worker.start()

    def _rebuild(self) -> None:
        """The picture anew from every stored report (at start, and after a purge), then the alerts
        of its firm launches that a crash between a commit and the fusion left unrecorded."""
        with self.read_engine.connect() as conn:
            alerted = store.alerted_tracks(conn)
        with self._lock:
            self._alerted = alerted
        self._fuse_stored()
        with self._lock:
            fused = [] if self._fusion is None else self._fusion.tracks_of(list(self._tracks), refresh_s=GROUND_REFRESH_S)
            pairs = [(tr, self._tracks[tr.id]) for tr in fused]
        self._announce(pairs)  # once per track: add_alert skips a track that has its alert

    def _fuse_stored(self) -> None:
        with self._lock, self.read_engine.connect() as conn:
            self._reset(store.party_sensors(conn))
            self._tracks = {}
            batch: list = []
            # radar returns and lines of sight in the order they arrived, as they were fused live
            merged = heapq.merge(((r.received_s, r.seq, 0, r) for r in store.all_reports(conn)),
                                 ((r.received_s, r.seq, 1, r) for r in sights.all_rows(conn)))
            for *_, sight, row in merged:
                if batch and (len(batch) >= 5000 or sight != batch[-1][0]):
                    self._feed([r for _, r in batch], announce=False, sight=bool(batch[-1][0]))
                    batch = []
                batch.append((sight, row._asdict()))
            if batch:
                self._feed([r for _, r in batch], announce=False, sight=bool(batch[-1][0]))
            self._feed_tracks(party_tracks.all_rows(conn), announce=False)

    def data_removed(self) -> None:
        """Reports were purged: rebuild without them (purged data leaves the picture too)."""
        if self.enabled:
            self._queue.put("rebuild")

    def stop(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout=10)
            self._worker = None

    def submit(self, rows: list[dict]) -> None:
        """Hand committed reports to the worker."""
        if self.enabled and rows:
            self._queue.put(rows)

    def submit_sights(self, rows: list[dict]) -> None:
        """Hand committed lines of sight to the worker."""
        if self.enabled and rows:
            self._queue.put(("sights", rows))

    def submit_tracks(self, rows: list[dict]) -> None:
        """Hand committed party tracks to the worker."""
        if self.enabled and rows:
            self._queue.put(("tracks", rows))

    def sensors_changed(self) -> None:
        if self.enabled:
            self._queue.put("sensors")

    def drain(self) -> None:
        """Wait until every submitted batch is fused (tests, orderly shutdown)."""
        if self._worker is not None:
            self._queue.join()

    def _run(self) -> None:
        while True:
            # report batches queued behind one another are fused as one: a worker that fell behind
            # catches up in one step (the fusion's result does not depend on how reports are batched)
            items = [self._queue.get()]
            while isinstance(items[-1], list):
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            reports = [r for it in items if isinstance(it, list) for r in it]
            try:
                for item in ([reports] if reports else []) + [it for it in items if not isinstance(it, list)]:
                    if item is None:
                        return
                    self._handle(item)
            finally:
                for _ in items:
                    self._queue.task_done()

    def _handle(self, item) -> None:
        try:
            if item == "rebuild":
                self._rebuild()
            elif isinstance(item, tuple) and item[0] == "sights":
                self._feed(item[1], announce=True, sight=True)
            elif isinstance(item, tuple):
                self._feed_tracks(item[1], announce=True)
            elif item == "sensors":
                with self.read_engine.connect() as conn:
                    self._reset(store.party_sensors(conn), keep=True)
            else:
                self._feed(item, announce=True)
        except Exception:  # noqa: BLE001 - the worker must outlive a bad batch; the store keeps it
            log.exception("fusion failed on a batch; the reports are stored and will be fused at restart")

    # -- fusion seam -----------------------------------------------------------------------------
    def _reset(self, sensor_rows, keep: bool = False) -> None:
        with self._lock:
            self._sites = {sensor_key(r.party, r.id): r for r in sensor_rows}
            if self._fusion is not None and keep and hasattr(self._fusion, "add_sensors"):
                self._fusion.add_sensors(_sites(self._sites))
            elif self._fusion is None or not keep:
                self._fusion = _make_fusion(self._sites)

    def _feed(self, rows: list[dict], *, announce: bool, sight: bool = False) -> None:
        if self._fusion is None:
            return
        with self._lock:
            missing = [r for r in rows if sensor_key(r["party"], r["sensor"]) not in self._sites]
            if missing:  # a sensor registered after the worker last looked
                with self.read_engine.connect() as conn:
                    self._reset(store.party_sensors(conn), keep=True)
            ms = sights.sight_lines(rows, self._sites, sensor_key) if sight else _measurements(rows)
            touched = set(self._fusion.add_measurements(ms))
        self._update(touched, announce=announce)

    def _feed_tracks(self, rows: list[dict], *, announce: bool) -> None:
        if self._fusion is None or not rows:
            return
        with self._lock:
            touched = set(self._fusion.add_tracks([party_tracks.from_row(r) for r in rows]))
        self._update(touched, announce=announce)

    def _update(self, touched: set[str], *, announce: bool) -> None:
        with self._lock:
            alive = set(self._fusion.track_ids())
            self._tracks = {tid: t for tid, t in self._tracks.items() if tid in alive}
            changed = sorted(touched & alive) if announce else sorted(alive - set(self._tracks) | touched & alive)
            # live: the new states go out at once with the points last flown; the tracks due a new
            # flight of their launch and impact points follow as soon as it is done (the flights,
            # many tracks at once when a salvo turns firm, never hold back a state update)
            due = self._fusion.ground_due(changed, refresh_s=GROUND_REFRESH_S) if announce else []
            fused = self._fusion.tracks_of(changed, refresh_s=GROUND_REFRESH_S, fly=not announce)
            for tid, tr in zip(changed, fused):
                self._tracks[tid] = {**_track_dict(tr), "id": self._public_id(tid)}
                if announce:
                    self._publish("track", self._tracks[tid])
            if due:
                flown = dict(zip(due, self._fusion.tracks_of(due, refresh_s=GROUND_REFRESH_S)))
                for tid in due:
                    self._tracks[tid] = {**_track_dict(flown[tid]), "id": self._public_id(tid)}
                    self._publish("track", self._tracks[tid])
                fused = [flown.get(tid, tr) for tid, tr in zip(changed, fused)]
        if announce:
            self._announce([(tr, self._tracks[tr.id]) for tr in fused])

    def _public_id(self, fusion_id: str) -> str:
        """An opaque, stable id: the fusion's own ids are made of report ids, which must not leak."""
        return "trk-" + hmac.new(self._key, fusion_id.encode("utf-8"), hashlib.sha256).hexdigest()[:20]

    public_id = _public_id  #: for the replay of stored data (openbmd.center.history)

    def _announce(self, tracks: list[tuple]) -> None:
        """Alerts for the firm ones of ``tracks``: (fused track, its public dict) pairs."""
        with self._lock:  # a track's alert is stored once: no transaction for the ones that have it
            firm = [(f, t) for f, t in tracks if t.get("firm") and t.get("launch_point") and t["id"] not in self._alerted]
        if not firm:
            return
        with self.read_engine.connect() as conn:  # matched before the write lock is taken: ingest waits on it
            notes = store.notifications(conn)
        bodies = []
        for fused, t in firm:
            match = _match(fused, notes)
            bodies.append(("unannounced" if match is None else "announced",
                           {"track_id": t["id"], "t_s": t.get("t_s"), "launch_point": t.get("launch_point"),
                            "impact_point": t.get("impact_point"), "notification": match}))
        made = []
        with self.engine.begin() as conn:
            for kind, body in bodies:
                if store.add_alert(conn, track_id=body["track_id"], kind=kind, body=body, now_s=self.clock()):
                    made.append({"kind": kind, **body})
        with self._lock:
            self._alerted.update(t["id"] for _, t in firm)
            for alert in made:
                self._publish("alert", alert)

    def _publish(self, kind: str, payload: dict) -> None:
        event = Event.of(kind, payload)  # serialized outside the lock
        with self._events_lock:
            self._seq += 1
            self._events.append((self._seq, kind, event))
            self.changed.notify_all()

    # -- reading ---------------------------------------------------------------------------------
    def tracks(self) -> list[dict]:
        with self._lock:
            return list(self._tracks.values())

    def events_after(self, seq: int) -> list[tuple[int, str, "Event"]]:
        with self._events_lock:
            if not self._events or self._events[-1][0] <= seq:  # the common case of a stream's poll
                return []
            return [e for e in self._events if e[0] > seq]

    @property
    def last_seq(self) -> int:
        with self._events_lock:
            return self._seq

    def view(self, track: dict, *, party: str, role: str, sharing: dict[str, str]) -> dict | None:
        """What ``party`` with ``role`` sees of ``track`` (None: nothing); ``sharing`` maps sensor keys.

        The state only when every contributing sensor is the caller's party's own or shares raw
        data or tracks (see the module docstring); otherwise the warning."""
        if _sees_all(track.get("sensors", []), party, sharing):
            return {**track, "level": "track"}
        return {**{k: track.get(k) for k in _WARNING_KEYS}, "level": "warning"}


@dataclass(frozen=True, slots=True)
class Event:
    """An update on the stream, kept as its JSON text: the full track and its warning level (or
    an alert), serialized once at publication and not per listener (the 10,000 kept updates as
    text, not nested dicts and lists, are also a few objects each for the garbage collector)."""

    sensors: tuple[str, ...] | None  #: a track's contributing sensor keys; None: an alert, shown to all
    full_json: str
    warning_json: str = ""

    @classmethod
    def of(cls, kind: str, payload: dict) -> "Event":
        if kind != "track":
            return cls(None, _dumps(payload))
        warning = {**{k: payload.get(k) for k in _WARNING_KEYS}, "level": "warning"}
        return cls(tuple(payload.get("sensors", ())), _dumps({**payload, "level": "track"}), _dumps(warning))

    def json_for(self, *, party: str, role: str, sharing: dict[str, str]) -> str:
        """The text ``party`` with ``role`` may see (the rule of :meth:`Picture.view`)."""
        if self.sensors is None or _sees_all(self.sensors, party, sharing):
            return self.full_json
        return self.warning_json


def _dumps(obj) -> str:
    return orjson.dumps(obj).decode()


def _sees_all(keys, party: str, sharing: dict[str, str]) -> bool:
    return all(k.split("/", 1)[0] == party or sharing.get(k) in ("raw", "tracks") for k in keys)


def _track_key(engine: sa.Engine) -> bytes:
    """The center's key for public track ids (made once, kept in the database: ids survive restarts)."""
    with engine.begin() as conn:
        value = conn.execute(sa.select(db.keys.c.value).where(db.keys.c.name == "track_ids")).scalar()
        if value is None:
            value = secrets.token_hex(32)
            conn.execute(db.keys.insert().values(name="track_ids", value=value))
    return bytes.fromhex(value)


def _make_fusion(sites: dict[str, Any]):
    try:
        from openbmd.center.fusion import Fusion
    except ImportError:  # the fusion module is not in this build: the picture stays empty
        log.warning("openbmd.center.fusion is missing: no fused tracks")
        return None
    return Fusion(_sites(sites), checkpoint_s=LIVE_CHECKPOINT_S, sparse_checkpoint_s=30.0)


def _sites(rows: dict[str, Any]) -> dict[str, Any]:
    from openbmd.center.fusion import SensorSite

    return {key: SensorSite(id=key, party=r.party, lat_deg=r.lat_deg, lon_deg=r.lon_deg, alt_m=r.alt_m,
                            sensor=store.catalog_sensor(r.sensor).placed(r.lat_deg, r.lon_deg))
            for key, r in rows.items()}


def _measurements(rows: list[dict]) -> list:
    from openbmd.center.fusion import Measurement

    return [Measurement(id=f"{r['party']}/{r['id']}", sensor=sensor_key(r["party"], r["sensor"]), party=r["party"],
                        t_s=r["t_s"],
                        range_m=r["range_m"], azimuth_deg=r["azimuth_deg"], elevation_deg=r["elevation_deg"],
                        sigma_range_m=r["sigma_range_m"], sigma_angle_deg=r["sigma_angle_deg"])
            for r in sorted(rows, key=lambda r: r["t_s"])]


def _track_dict(track) -> dict:
    """The track's JSON (non-finite numbers as null: JSON has no NaN)."""
    return _finite(track.summary())


def _finite(obj):
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def _match(track, notes: list[dict]) -> str | None:
    if track is None or not notes:
        return None
    from openbmd.center.fusion import Notification, match_notification

    found = match_notification(track, [Notification.from_dict(n) for n in notes])
    return None if found is None else str(found)


#: the live picture's own steps, for the replay of stored data (openbmd.center.history)
make_fusion, fusion_sites, fusion_measurements, track_json = _make_fusion, _sites, _measurements, _track_dict
