"""The fusion center's memory of reports: every report by id in processing order, checkpoints of
the picture to roll back to when a report comes late, and the window beyond which it forgets.

Processing order is the key (time, returns before shared tracks, sensor or party, id). A report
whose key precedes what was processed rolls the picture back to the last checkpoint before it
(one every ``checkpoint_s`` of data time) and replays from there, so the picture depends on the
set of reports, not on how they were batched. Reports older than the newest by more than
``window_s`` are forgotten (with the checkpoints before them, all but the last): a report that
comes later still than that is not fused (``stale`` counts them), as no state before it is kept.
"""
from __future__ import annotations

import bisect

from openbmd.center.fusion_types import PartyTrack
from openbmd.errors import InputError


def key(report) -> tuple:
    """Processing order: time, returns (and sight lines) before shared tracks, sensor (or party), id."""
    if isinstance(report, PartyTrack):
        return (report.t_s, 1, report.party, report.id)
    return (report.t_s, 0, report.sensor, report.id)


class ReportLog:
    """Reports in processing order, with checkpoints (opaque states) and a retention window."""

    def __init__(self, *, checkpoint_s: float, window_s: float, sparse_checkpoint_s: float | None = None,
                 dense_s: float = 60.0):
        self.checkpoint_s, self.window_s = float(checkpoint_s), float(window_s)
        #: checkpoints older than ``dense_s`` (data time) behind the newest are thinned to one per
        #: ``sparse_checkpoint_s``: a live picture keeps close checkpoints for the reports of another
        #: party that arrive a moment after the first's (a rollback then replays seconds, not
        #: tens of seconds, of data) without keeping one every few seconds over the whole window
        self.sparse_checkpoint_s = self.checkpoint_s if sparse_checkpoint_s is None else float(sparse_checkpoint_s)
        self.dense_s = float(dense_s)
        self.events: dict[str, object] = {}
        self.keys: list[tuple] = []              # sorted keys of every report kept
        self.checkpoints: list[tuple] = []       # (key of the last report in, state)
        self.floor: tuple | None = None          # key before which nothing is kept
        self.stale = 0

    def add(self, reports) -> list[tuple]:
        """Take new reports (duplicates of kept ids ignored; an id with other content refused; too
        late ones counted as stale); returns their sorted keys."""
        new = []
        for r in reports:
            old = self.events.get(r.id)
            if old is None:
                k = key(r)
                if self.floor is not None and k[:3] <= self.floor[:3]:
                    self.stale += 1
                    continue
                self.events[r.id] = r
                new.append(k)
            elif old != r:
                raise InputError(f"report {r.id!r} was already received with different content; ids must be unique")
        new.sort()
        if new:
            late = self.keys and new[0] < self.keys[-1]
            self.keys = sorted(self.keys + new) if late else self.keys + new
        return new

    def after(self, done: tuple | None) -> list[tuple]:
        """The keys to process after ``done`` (None: all)."""
        return self.keys if done is None else self.keys[bisect.bisect_right(self.keys, done):]

    def checkpoint(self, done: tuple, snapshot) -> None:
        """Keep ``snapshot()`` at ``done`` if the last checkpoint is ``checkpoint_s`` of data time old."""
        if not self.checkpoints or done[0] - self.checkpoints[-1][0][0] >= self.checkpoint_s:
            self.checkpoints.append((done, snapshot()))
            if self.sparse_checkpoint_s > self.checkpoint_s:
                self._thin(done[0])

    def _thin(self, now_s: float) -> None:
        kept, last = [], None
        for c in self.checkpoints:
            t = c[0][0]
            if now_s - t <= self.dense_s or last is None or t - last >= self.sparse_checkpoint_s:
                kept.append(c)
                last = t
        self.checkpoints = kept

    def restore(self, before: tuple):
        """(key, state) of the last checkpoint strictly before ``before``, dropping those after it;
        None when there is none (start from nothing)."""
        i = bisect.bisect_left([c[0] for c in self.checkpoints], before)
        del self.checkpoints[i:]
        return self.checkpoints[-1] if self.checkpoints else None

    def prune(self) -> None:
        """Forget what lies more than ``window_s`` before the newest report."""
        if not self.keys:
            return
        cutoff = self.keys[-1][0] - self.window_s
        i = bisect.bisect_right([c[0][0] for c in self.checkpoints], cutoff) - 1
        if i < 0 or self.checkpoints[i][0] == self.floor:
            return
        self.floor = self.checkpoints[i][0]
        del self.checkpoints[:i]
        j = bisect.bisect_right(self.keys, self.floor)
        for k in self.keys[:j]:
            del self.events[k[3]]
        self.keys = self.keys[j:]

    def just_after_floor(self) -> tuple | None:
        """A key just after the floor (restore() from it gives the floor's checkpoint)."""
        return None if self.floor is None else self.floor[:3] + (self.floor[3] + "\0",)
