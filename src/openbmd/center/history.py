"""A replay of the fused picture from the center's stored data (``GET /v1/history``).

The stored reports, lines of sight and party tracks dated up to the window's end are fused anew,
in time order, by the live picture's fusion (:mod:`openbmd.center.fusion`, which gives the same
tracks, with the same ids, however the reports are batched), and the picture is taken every
``step_s`` seconds of report time across ``[from_s, to_s]``: a frame holds each track as it stood
then (its last update at or before the frame's time), its launch and impact points flown anew every
``REPLAY_GROUND_REFRESH_S`` of data time and at the window's end. Track ids are the live picture's public ids, so a replayed track and the live one
are the same id. Frames carry no covariance (the replay draws positions and the launch and impact
ellipses). What a caller sees of a frame is the live picture's rule
(:meth:`openbmd.center.picture.Picture.view`), applied by the route.
"""
from __future__ import annotations

import bisect
import logging
import math
import threading
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from openbmd.center import db, party_tracks, sights, store
from openbmd.center.errors import Refused
from openbmd.center.picture import (GROUND_REFRESH_S, Picture, fusion_measurements, make_fusion, sensor_key,
                                    track_json)

log = logging.getLogger(__name__)
#: a replayed track's launch and impact points are flown anew after REPLAY_GROUND_REFRESH_S of data
#: time (and at the window's end). The live picture's GROUND_REFRESH_S (5 s) would fly them at every
#: return of a 5-s-revisit radar; the flights are ~97 % of a replay's time (profiled), and 20 s
#: flew 10 instead of 34 for a 94-frame replay of one track, 2.3x faster (same process, cProfile)
REPLAY_GROUND_REFRESH_S = 4 * GROUND_REFRESH_S
MAX_FRAMES = 600  #: frames in one replay: a 10-minute exercise at 1 s, or longer ones coarser
_CACHE_SIZE = 4


@dataclass(frozen=True, kw_only=True)
class Replay:
    """The frames of one window: ``times_s`` (UNIX s) and, for each, the tracks (unfiltered)."""

    times_s: tuple[float, ...]
    frames: tuple[tuple[dict, ...], ...]


def frame_times(from_s: float, to_s: float, step_s: float) -> np.ndarray:
    """The frames' times, ``from_s`` then every ``step_s`` up to ``to_s`` (included); Refused when
    the window is empty or needs more than MAX_FRAMES frames."""
    if not to_s >= from_s:
        raise Refused(422, f"to_s ({to_s:g}) must be at or after from_s ({from_s:g})")
    steps = (to_s - from_s) / step_s  # may be huge (or inf): compared before it is made an int
    if not steps + 1e-9 < MAX_FRAMES - 1:
        raise Refused(422, f"the window {to_s - from_s:g} s at step_s {step_s:g} s needs over {MAX_FRAMES} frames; "
                           f"allowed: at most {MAX_FRAMES} (use a larger step_s, at least "
                           f"{(to_s - from_s) / (MAX_FRAMES - 2):.3g} s)")
    times = from_s + step_s * np.arange(math.floor(steps + 1e-9) + 1)
    if times[-1] < to_s:
        times = np.append(times, to_s)
    return times


class History:
    """Replays of the stored data for one picture, the last few kept until new data arrives."""

    def __init__(self, picture: Picture):
        self.picture = picture
        self._lock = threading.Lock()
        self._cache: dict[tuple, Replay] = {}

    def replay(self, *, from_s: float, to_s: float, step_s: float) -> Replay:
        times = frame_times(from_s, to_s, step_s)
        with self.picture.read_engine.connect() as conn:
            sensors = {sensor_key(r.party, r.id): r for r in store.party_sensors(conn)}
            stamp = tuple(conn.execute(sa.select(sa.func.max(t.c.seq), sa.func.count(t.c.seq))).one()
                          for t in (db.reports, db.sight_reports, db.party_tracks))
            key = (float(from_s), float(to_s), float(step_s), stamp, tuple(sorted(sensors)))
            with self._lock:
                if key in self._cache:  # before the data is read: a hit costs three small queries
                    return self._cache[key]
            reports = [r._asdict() for r in conn.execute(
                sa.select(db.reports).where(db.reports.c.t_s <= to_s).order_by(db.reports.c.t_s, db.reports.c.seq))]
            lines = [r._asdict() for r in conn.execute(
                sa.select(db.sight_reports).where(db.sight_reports.c.t_s <= to_s).order_by(db.sight_reports.c.seq))]
            shared = [r for r in party_tracks.all_rows(conn) if r["t_s"] <= to_s]
        out = self._fuse(times, sensors, reports, lines, shared)
        with self._lock:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = out
        return out

    def _fuse(self, times: np.ndarray, sensors: dict, reports: list[dict], lines: list[dict],
              shared: list[dict]) -> Replay:
        fusion = make_fusion(sensors)
        if fusion is None:
            return Replay(times_s=tuple(map(float, times)), frames=tuple(() for _ in times))
        ms = sorted(fusion_measurements(reports) + sights.sight_lines(lines, sensors, sensor_key), key=lambda m: m.t_s)
        pts = sorted((party_tracks.from_row(r) for r in shared), key=lambda p: p.t_s)
        m_t, p_t = [m.t_s for m in ms], [p.t_s for p in pts]
        i = j = 0
        now: dict[str, dict] = {}
        frames = []
        for k, t in enumerate(times):
            i2, j2 = bisect.bisect_right(m_t, t), bisect.bisect_right(p_t, t)
            touched = _fed(fusion.add_measurements, ms[i:i2]) | _fed(fusion.add_tracks, pts[j:j2])
            i, j = i2, j2
            alive = {tr.id for tr in fusion.tracks(ground=False)}
            now = {tid: v for tid, v in now.items() if tid in alive}
            last = k == len(times) - 1  # the window's end: every track's points flown from its last state
            changed = sorted(alive if last else touched & alive)
            for tr in fusion.tracks_of(changed, refresh_s=0.0 if last else REPLAY_GROUND_REFRESH_S):
                body = track_json(tr)
                body.pop("covariance", None)
                now[tr.id] = {**body, "id": self.picture.public_id(tr.id)}
            frames.append(tuple(now[tid] for tid in sorted(now)))
        return Replay(times_s=tuple(map(float, times)), frames=tuple(frames))


def _fed(add, items: list) -> set[str]:
    """The tracks ``add(items)`` touched; a batch the fusion cannot take is skipped and logged, as the
    live picture's worker does (the replay must outlive it as the live picture does)."""
    if not items:
        return set()
    try:
        return set(add(items))
    except Exception:  # noqa: BLE001 - e.g. a degenerate pair of lines of sight (a singular triangulation)
        log.exception("the replay skipped a batch of %d stored reports the fusion could not take", len(items))
        return set()
