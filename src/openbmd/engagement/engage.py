"""One threat against one battery: the engagement timeline and its outcome.

launch -> (space-based warning) -> noisy radar detections -> Kalman firm track;
from the firm track on it is the engine of :mod:`openbmd.engagement.engine` with one
threat: commit, interceptor launch (reaction time), battle space, shot
opportunities and the probability of kill under a doctrine.

The radars may stand anywhere: a radar far from the shooter cueing it is
launch-on-remote (e.g. the AN/TPY-2 at Kürecik cueing a ship or Aegis Ashore).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from openbmd.engagement.battlespace import BattleSpace
from openbmd.engagement.doctrine import Doctrine
from openbmd.engagement.engine import Lane, run_battery
from openbmd.sensors.horizon import threat_rcs_m2  # noqa: F401  (re-exported: engage's RCS rule)
from openbmd.sensors.observe import observe_cued
from openbmd.sensors.radar import UNCUED_VOLUME_RATIO  # noqa: F401
from openbmd.engagement.shooter import Shooter
from openbmd.errors import InputError
from openbmd.flight import FlightResult, fly
from openbmd.flight.samples import ThreatSamples

#: time step of one engagement's threat samples (s; the many-threat analyses use flight.samples')
SAMPLE_S = 1.0
#: shot opportunities counted for one engagement (the maps stop at engine.MAX_OPPORTUNITIES)
MAX_SHOTS = 12
#: default reaction time from firm track to interceptor launch (s); notional, no public figure
DEFAULT_REACTION_S = 30.0


@dataclass(frozen=True, eq=False)
class Timeline:
    """Event times in seconds after the threat's launch (None: never happens)."""

    threat_launch_s: float
    early_warning_s: float | None
    first_detection_s: float | None
    firm_track_s: float | None
    commit_s: float | None  #: commit decision (taken at firm track)
    first_launch_s: float | None
    earliest_intercept_s: float | None
    latest_intercept_s: float | None
    impact_s: float
    detections_by_sensor: dict = field(default_factory=dict)  #: sensor id -> first detection time

    def rows(self) -> list[tuple[str, float | None]]:
        return [("threat launch", self.threat_launch_s), ("early warning", self.early_warning_s),
                ("first radar detection", self.first_detection_s), ("firm track", self.firm_track_s),
                ("commit decision", self.commit_s), ("first interceptor launch", self.first_launch_s),
                ("earliest intercept", self.earliest_intercept_s),
                ("latest intercept", self.latest_intercept_s), ("threat impact", self.impact_s)]


@dataclass(frozen=True, eq=False)
class EngagementResult:
    threat: FlightResult
    battlespace: BattleSpace
    timeline: Timeline
    doctrine: Doctrine
    pk_single_shot: float
    shots_possible: int
    p_kill: float
    reason: str | None
    fire_control_mask: np.ndarray | None = None  #: threat samples the own radar sees (launch-on-remote)
    lane: Lane | None = None  #: the engine's lane (samples, shooter, earliest launch), to re-solve

    @property
    def engageable(self) -> bool:
        return bool(self.battlespace.engageable[0])

    def summary(self) -> dict:
        """The JSON contract of ``openbmd engage``."""
        keys = ("t_s", "altitude_km", "lat_deg", "lon_deg", "closing_speed_km_s")
        e, lt = self.battlespace.intercept(0, "earliest"), self.battlespace.intercept(0, "latest")
        out = {
            "engageable": self.engageable,
            "first_launch_s": self.timeline.first_launch_s,
            "earliest_intercept": None if e is None else {k: e[k] for k in keys},
            "latest_intercept": None if lt is None else {k: lt[k] for k in keys},
            "window_s": float(self.battlespace.window_s[0]) if self.engageable else None,
            "shots_possible": self.shots_possible,
            "p_kill": self.p_kill,
        }
        if not self.engageable:
            out["reason"] = self.reason
        return out


def samples_of(traj, burnout_s: float, dt_s: float = SAMPLE_S) -> ThreatSamples:
    """One trajectory on a grid of step ``dt_s`` from launch (linear interpolation), as ThreatSamples."""
    t = np.arange(0.0, traj.t_s[-1], dt_s)
    X = np.stack([np.interp(t, traj.t_s, traj.ecef_m[:, k]) for k in range(3)], axis=-1)
    V = np.stack([np.interp(t, traj.t_s, traj.velocity_m_s[:, k]) for k in range(3)], axis=-1)
    return ThreatSamples(t, X[None], V[None], np.array([float(burnout_s)]), np.array([float(traj.t_s[-1])]))


def noisy_track(res: FlightResult, radars: Sequence, rcs_m2: float, rng, early_warning=None, *,
                object_id: str = "threat"):
    """(early warning s, {sensor id: first detection s}, firm track s) of one flown threat
    (None: never), from noisy detections cued by ``early_warning`` and the Kalman tracker.

    The fire-control track is ballistic: it starts on detections after burnout (boost-phase
    detections cue and are reported, but a ballistic filter fed a thrusting target declares a
    firm track that is kilometres off)."""
    from openbmd.sensors.tracking import track

    traj = res.trajectory
    burnout_s = float(res.batch.burnout_time_s[0])
    ew = None
    if early_warning is not None:
        report = early_warning.observe(traj, burnout_s, rng, object_id=object_id)
        ew = report.first_report_s if report.detected else None
    dets = [observe_cued(r, traj, rcs_m2, rng, ew, object_id) for r in radars]
    firsts = {d.sensor_id: float(d.t_s[0]) for d in dets if len(d)}
    usable = [d for d in (d.after(burnout_s) for d in dets) if len(d) >= 3]
    return ew, firsts, (track(usable).firm_time_s if usable else None)


def engage(threat_missile, launch: tuple[float, float], target: tuple[float, float], *, interceptor,
           site: tuple[float, float], radars: Sequence, shape: str | None = None,
           reaction_s: float = DEFAULT_REACTION_S, doctrine: Doctrine = Doctrine(first_salvo=2),
           rcs_m2: float | None = None, early_warning=None, fire_control=None, seed: int = 0,
           earth="wgs84") -> EngagementResult:
    """Fly the threat at the target, see it with ``radars``, and engage it from ``site``.

    ``radars`` are :class:`openbmd.sensors.Radar` objects already at their sites;
    ``early_warning`` an optional space-based infrared sensor: its first report
    cues the radars (before it, or without it, they search uncued with a shorter
    range, see :func:`observe_cued`).  Deterministic for a given ``seed`` (the measurement noise).
    Without ``fire_control`` the battery may engage on remote data (the
    ``radars``' track guides the interceptor to the intercept: engage-on-remote);
    with a ``fire_control`` radar (the battery's own) it may launch on the remote
    track but can intercept only where that radar sees the threat
    (launch-on-remote).  The commit decision is taken at firm track; launch
    follows after ``reaction_s``.
    """
    if not (np.isfinite(reaction_s) and reaction_s >= 0):
        raise InputError(f"reaction time {reaction_s} s must be >= 0")
    rcs_m2 = threat_rcs_m2(threat_missile, rcs_m2)
    res = fly(threat_missile, launch[0], launch[1], target=target, shape=shape, earth=earth)
    ew, firsts, firm = noisy_track(res, radars, rcs_m2, np.random.default_rng(seed), early_warning,
                                  object_id=threat_missile.id)
    s = samples_of(res.trajectory, float(res.batch.burnout_time_s[0]))
    allowed = None
    if fire_control is not None:
        allowed = fire_control.visible(s.ecef_m[0], rcs_m2=rcs_m2)[None]
    shooter = Shooter.at(interceptor, site[0], site[1], earth=earth)
    out = run_battery(s, shooter, np.inf if firm is None else firm, reaction_s, doctrine, allowed=allowed,
                      cap=MAX_SHOTS)
    bs, ok = out.battlespace, bool(out.engageable[0])
    timeline = Timeline(
        threat_launch_s=0.0, early_warning_s=ew, first_detection_s=min(firsts.values()) if firsts else None,
        firm_track_s=firm, commit_s=firm if ok else None, first_launch_s=_at(bs.earliest_launch_s, ok),
        earliest_intercept_s=_at(bs.earliest_t_s, ok), latest_intercept_s=_at(bs.latest_t_s, ok),
        impact_s=float(s.impact_s[0]), detections_by_sensor=firsts)
    return EngagementResult(threat=res, battlespace=bs, timeline=timeline, doctrine=doctrine,
                            pk_single_shot=shooter.pk_single_shot, shots_possible=int(out.opportunities[0]),
                            p_kill=float(out.p_kill[0]), reason=bs.reason[0], fire_control_mask=allowed,
                            lane=out.lane)


def _at(x, ok: bool) -> float | None:
    return float(x[0]) if ok else None
