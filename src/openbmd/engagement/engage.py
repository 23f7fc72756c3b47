"""One threat against one battery: the engagement timeline and its outcome.

launch -> (space-based warning) -> noisy radar detections -> Kalman firm track;
from the firm track on it is the engine of :mod:`openbmd.engagement.engine` with one
threat: commit, interceptor launch (reaction time), battle space, shot
opportunities and the probability of kill under a doctrine.

The radars see the threat as the batched engine does (its
:class:`~openbmd.sensors.signature.Signature`): the burning booster's RCS before burnout, the
warhead's after. A track whose first look is in boost runs the boost-then-ballistic filter
(:func:`openbmd.sensors.boost_track.filter_through_boost`: constant acceleration, then
ballistic from burnout), one that starts after burnout the ballistic tracker, as
:func:`openbmd.sensors.firm.kalman_firm_s` decides for the engine's expected firm time. Before
this (until issue 13's leftovers) engage started its ballistic track on the detections after
burnout only: the README's Shahab-3 example had its firm track at 114 s, after burnout.

The tracker after burnout has no drag (the engine's too). It does not move the timeline: the
firm time is the covariance's (geometry and radar sigmas, not the unmodelled force), and a boost
track carries thrust and drag in its acceleration state. Nor does it bias the track at these
altitudes: the README's Shahab-3 leaves boost at 109 s and 82 km, where drag is 0.01-0.06
m/s^2 (USSA-1976 1.3e-5 kg/m^3, 3 km/s, beta 5,000-1,000 kg/m^2), 0.0005-0.0025 at 100 km and
below 1e-4 above 120 km, against the filter's white acceleration noise
(:data:`openbmd.sensors.tracking.Q_M2_S3`, 0.1 m/s per 10 s); over 20 seeds the position NEES
is 3.0 in boost, 3.3 from burnout to 120 km and 2.7 above (3 expected), the AN/TPY-2 losing
it at ~360 s, long before re-entry.

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
from openbmd.sensors.horizon import threat_rcs_m2, threat_signature  # noqa: F401  (re-exported: engage's RCS rule)
from openbmd.sensors.observe import observe_cued
from openbmd.sensors.radar import UNCUED_VOLUME_RATIO  # noqa: F401
from openbmd.sensors.signature import Signature, as_signature
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
    signature: Signature | None = None  #: what the radars saw: the booster's RCS in boost, the warhead's after
    handover_error_m: float = 0.0  #: the miss the seeker finds at acquisition (0: the divert not checked)

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
        if self.handover_error_m > 0 and self.lane is not None:
            out["divert"] = self.divert_check(e)
        return out

    def divert_check(self, earliest: dict | None) -> dict:
        """The divert the handover error needs at the earliest intercept's closing speed (the
        impulsive best case: miss x closing / seeker acquisition range), and the closing-speed cap."""
        kv = self.lane.shooter.interceptor.kill_vehicle
        need = None
        if earliest is not None:
            need = self.handover_error_m * earliest["closing_speed_km_s"] / kv.seeker_acquisition_km
        return {"handover_error_km": self.handover_error_m / 1e3, "divert_delta_v_m_s": kv.divert_delta_v_m_s,
                "seeker_acquisition_km": kv.seeker_acquisition_km,
                "max_closing_speed_km_s": _finite_or_none(self.lane.shooter.limits.max_closing_km_s),
                "needed_divert_at_earliest_m_s": need}


def samples_of(traj, burnout_s: float, dt_s: float = SAMPLE_S) -> ThreatSamples:
    """One trajectory on a grid of step ``dt_s`` from launch (linear interpolation), as ThreatSamples."""
    t = np.arange(0.0, traj.t_s[-1], dt_s)
    X = np.stack([np.interp(t, traj.t_s, traj.ecef_m[:, k]) for k in range(3)], axis=-1)
    V = np.stack([np.interp(t, traj.t_s, traj.velocity_m_s[:, k]) for k in range(3)], axis=-1)
    return ThreatSamples(t, X[None], V[None], np.array([float(burnout_s)]), np.array([float(traj.t_s[-1])]))


def noisy_track(res: FlightResult, radars: Sequence, rcs_m2, rng, early_warning=None, *,
                object_id: str = "threat"):
    """(early warning s, {sensor id: first detection s}, firm track s) of one flown threat
    (None: never), from noisy detections cued by ``early_warning`` and the Kalman tracker.

    ``rcs_m2``: a :class:`~openbmd.sensors.signature.Signature` (the booster seen in boost, the
    warhead after burnout) or a number (a warhead seen after burnout only), as the engine's
    :func:`~openbmd.engagement.engine.engage_many` takes it. A radar with fewer than three
    detections adds none to the track (the engine's rule per radar); the track runs through
    boost when its first detection is before burnout (:func:`firm_track_s`)."""
    sig = as_signature(rcs_m2)
    traj = res.trajectory
    burnout_s = float(res.batch.burnout_time_s[0])
    ew = None
    if early_warning is not None:
        report = early_warning.observe(traj, burnout_s, rng, object_id=object_id)
        ew = report.first_report_s if report.detected else None
    dets = [observe_signature(r, traj, sig, burnout_s, rng, ew, object_id) for r in radars]
    firsts = {d.sensor_id: float(d.t_s[0]) for d in dets if len(d)}
    return ew, firsts, firm_track_s([d for d in dets if len(d) >= 3], burnout_s)


def observe_signature(radar, traj, sig: Signature, burnout_s: float, rng, cue_s, object_id: str):
    """Noisy detections of ``traj`` by ``radar`` (uncued before ``cue_s``, see :func:`observe_cued`):
    the booster at ``sig.booster_rcs_m2`` before ``burnout_s``, the warhead at ``sig.rv_rcs_m2``
    from it on (each look with the RCS of its own time, as the engine's
    :meth:`Signature.rcs_m2`); nothing before burnout without a booster figure."""
    after = observe_cued(radar, traj, sig.rv_rcs_m2, rng, cue_s, object_id).after(burnout_s)
    if not sig.in_boost:
        return after
    boost = observe_cued(radar, traj, sig.booster_rcs_m2, rng, cue_s, object_id)
    return boost.where(boost.t_s < burnout_s).joined(after)


def firm_track_s(dets: Sequence, burnout_s: float) -> float | None:
    """Firm time of the track of the merged noisy detections (None: never firm, or no
    detections): the boost-then-ballistic filter when the first detection is before
    ``burnout_s`` (:func:`openbmd.sensors.boost_track.filter_through_boost`), else the ballistic
    tracker (:func:`openbmd.sensors.tracking.track`): the choice the engine's
    :func:`openbmd.sensors.firm.kalman_firm_s` makes on noiseless looks."""
    from openbmd.sensors.boost_track import filter_through_boost
    from openbmd.sensors.tracking import _merge, track

    dets = list(dets)
    if not dets:
        return None
    if min(float(d.t_s.min()) for d in dets) >= burnout_s:
        return track(dets).firm_time_s
    m = _merge(dets, 3, {})
    firm = filter_through_boost(m.t[None], m.z[None], m.sigma[None], m.site[None], m.rot[None],
                                np.array([m.t.size]), np.array([burnout_s]), m.earth)[2][0]
    return None if firm is None else float(firm)


def engage(threat_missile, launch: tuple[float, float], target: tuple[float, float], *, interceptor,
           site: tuple[float, float], radars: Sequence, shape: str | None = None,
           reaction_s: float = DEFAULT_REACTION_S, doctrine: Doctrine = Doctrine(first_salvo=2),
           rcs_m2: float | None = None, booster_rcs_m2: float | None = None, boost: bool = True,
           early_warning=None, fire_control=None, seed: int = 0, earth="wgs84",
           handover_error_m: float = 0.0) -> EngagementResult:
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

    The radars see the threat's :func:`~openbmd.sensors.horizon.threat_signature`: the warhead
    at ``rcs_m2`` (default the missile's, else 0.1 m^2) after burnout and, with ``boost``, the
    burning booster at ``booster_rcs_m2`` (default the missile's, else the notional 1 m^2)
    before; ``boost=False`` sees it after burnout only. The fire-control radar must see the
    warhead.  ``handover_error_m``: the miss the kill vehicle's seeker finds at acquisition, which its
    divert must remove (an upper bound on the closing speed:
    :func:`openbmd.engagement.battlespace.divert_max_closing_km_s`; 0: not checked).
    """
    if not (np.isfinite(handover_error_m) and handover_error_m >= 0):
        raise InputError(f"handover error {handover_error_m} m must be >= 0")
    if not (np.isfinite(reaction_s) and reaction_s >= 0):
        raise InputError(f"reaction time {reaction_s} s must be >= 0")
    sig = threat_signature(threat_missile, rcs_m2, booster_rcs_m2, boost=boost)
    res = fly(threat_missile, launch[0], launch[1], target=target, shape=shape, earth=earth)
    ew, firsts, firm = noisy_track(res, radars, sig, np.random.default_rng(seed), early_warning,
                                  object_id=threat_missile.id)
    s = samples_of(res.trajectory, float(res.batch.burnout_time_s[0]))
    allowed = None
    if fire_control is not None:
        allowed = fire_control.visible(s.ecef_m[0], rcs_m2=sig.rv_rcs_m2)[None]
    shooter = Shooter.at(interceptor, site[0], site[1], earth=earth, handover_error_m=handover_error_m)
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
                            lane=out.lane, signature=sig, handover_error_m=float(handover_error_m))


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _at(x, ok: bool) -> float | None:
    return float(x[0]) if ok else None
