"""One threat against one battery: the engagement timeline and its outcome.

launch -> (space-based warning) -> radar detections -> firm track -> commit and
interceptor launch (reaction time) -> intercept, with the battle space, the
number of shot opportunities and the probability of kill under a doctrine.

The radars may stand anywhere: a radar far from the shooter cueing it is
launch-on-remote (e.g. the AN/TPY-2 at Kürecik cueing a ship or Aegis Ashore).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from openbmd.engagement.battlespace import BattleSpace, KillVehicleLimits, battle_space
from openbmd.engagement.doctrine import Doctrine, p_engagement
from openbmd.errors import InputError
from openbmd.flight import FlightResult, fly

#: time step of the threat samples the battle space is solved on (s)
SAMPLE_S = 1.0
#: default reaction time from firm track to interceptor launch (s); notional, no public figure
DEFAULT_REACTION_S = 30.0
#: an uncued radar searches a volume notionally 10x the one a space-based cue points it to;
#: with the same energy the detection range scales as (energy per beam)^(1/4), so uncued
#: search sees to 10^(-1/4) = 0.56 of the cued range (radar equation; the ratio is notional)
UNCUED_VOLUME_RATIO = 10.0


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


def observe_cued(radar, traj, rcs_m2: float, rng, cue_s: float | None, object_id: str):
    """Detections of a radar that searches uncued until ``cue_s`` (None: never cued), then
    looks where the space-based warning points it (its full, cued range).

    Uncued search is modelled as a smaller effective RCS (range ~ RCS^(1/4)): the radar
    equation's range falls by UNCUED_VOLUME_RATIO^(-1/4)."""
    from openbmd.sensors.measurements import Detections

    uncued = radar.observe(traj, rcs_m2 / UNCUED_VOLUME_RATIO, rng, object_id=object_id)
    if cue_s is None:
        return uncued
    cued = radar.observe(traj, rcs_m2, rng, object_id=object_id)
    a, b = uncued.t_s < cue_s, cued.t_s >= cue_s

    def cat(name):
        return np.concatenate([getattr(uncued, name)[a], getattr(cued, name)[b]])

    return Detections(sensor_id=cued.sensor_id, object_id=cued.object_id, site_lat_deg=cued.site_lat_deg,
                      site_lon_deg=cued.site_lon_deg, site_alt_m=cued.site_alt_m, t_s=cat("t_s"),
                      range_m=cat("range_m"), az_rad=cat("az_rad"), el_rad=cat("el_rad"),
                      snr_db=cat("snr_db"), sigma_range_m=cued.sigma_range_m,
                      sigma_angle_rad=cued.sigma_angle_rad, earth=cued.earth)


def shot_opportunities(solve, bs: BattleSpace, look_s: float, cap: int = 12) -> int:
    """Sequential intercept opportunities: after an intercept at t, the next interceptor may
    launch only once the kill assessment is in (t + look_s); re-solve the battle space from
    there until nothing is left.  ``solve(t_launch)`` returns a one-pair BattleSpace."""
    n, cur = 0, bs
    while n < cap and bool(cur.engageable[0]):
        n += 1
        cur = solve(float(cur.earliest_t_s[0]) + look_s)
    return n


def after(d, t0_s: float):
    """The detections of ``d`` at or after ``t0_s``."""
    from openbmd.sensors.measurements import Detections

    m = d.t_s >= t0_s
    return Detections(sensor_id=d.sensor_id, object_id=d.object_id, site_lat_deg=d.site_lat_deg,
                      site_lon_deg=d.site_lon_deg, site_alt_m=d.site_alt_m, t_s=d.t_s[m], range_m=d.range_m[m],
                      az_rad=d.az_rad[m], el_rad=d.el_rad[m], snr_db=d.snr_db[m],
                      sigma_range_m=d.sigma_range_m, sigma_angle_rad=d.sigma_angle_rad, earth=d.earth)


def threat_rcs_m2(missile, rcs_m2: float | None = None) -> float:
    """The RCS radars see: the given one, else the missile's ``rv_rcs_m2``, else the
    project's default warhead RCS (openbmd.sensors.horizon.DEFAULT_RCS_M2)."""
    from openbmd.sensors.horizon import DEFAULT_RCS_M2

    if rcs_m2 is not None:
        if not (np.isfinite(rcs_m2) and rcs_m2 > 0):
            raise InputError(f"radar cross section {rcs_m2} m^2 must be > 0")
        return float(rcs_m2)
    return float(getattr(missile, "rv_rcs_m2", None) or DEFAULT_RCS_M2)


def _resample(traj, dt: float):
    t = np.arange(0.0, traj.t_s[-1], dt)
    X = np.stack([np.interp(t, traj.t_s, traj.ecef_m[:, k]) for k in range(3)], axis=-1)
    V = np.stack([np.interp(t, traj.t_s, traj.velocity_m_s[:, k]) for k in range(3)], axis=-1)
    return t, X[None], V[None]


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
    from openbmd.interceptors.flyout import flyout_table
    from openbmd.sensors.tracking import track

    rcs_m2 = threat_rcs_m2(threat_missile, rcs_m2)
    res = fly(threat_missile, launch[0], launch[1], target=target, shape=shape, earth=earth)
    traj = res.trajectory
    rng = np.random.default_rng(seed)
    ew = None
    if early_warning is not None:
        report = early_warning.observe(traj, float(res.batch.burnout_time_s[0]), rng,
                                       object_id=threat_missile.id)
        ew = report.first_report_s if report.detected else None
    dets = [observe_cued(r, traj, rcs_m2, rng, ew, threat_missile.id) for r in radars]
    firsts = {d.sensor_id: float(d.t_s[0]) for d in dets if len(d)}
    # the fire-control track is ballistic: it starts on detections after burnout
    # (boost-phase detections cue and are reported, but a ballistic filter fed a
    # thrusting target declares a firm track that is kilometres off)
    burnout_s = float(res.batch.burnout_time_s[0])
    post = [after(d, burnout_s) for d in dets]
    usable = [d for d in post if len(d) >= 3]
    firm = track(usable).firm_time_s if usable else None
    t_launch_min = firm + reaction_s if firm is not None else np.inf
    t, X, V = _resample(traj, SAMPLE_S)
    kv = interceptor.kill_vehicle
    limits = KillVehicleLimits(min_alt_km=kv.min_intercept_alt_km, max_alt_km=kv.max_intercept_alt_km,
                               max_range_km=kv.max_range_km, min_closing_km_s=kv.min_closing_speed_km_s)
    table = flyout_table(interceptor, site[0], earth=earth)
    allowed = None
    if fire_control is not None:
        allowed = fire_control.visible(X[0], rcs_m2=rcs_m2)[None]
    def solve(t_launch):
        return battle_space(t, X, V, site[0], site[1], table, t_launch, limits, allowed=allowed)

    bs = solve(t_launch_min)
    ok = bool(bs.engageable[0])
    shots = shot_opportunities(solve, bs, doctrine.look_s) if ok else 0
    p = float(p_engagement(kv.pk_single_shot, doctrine, second_chance=shots >= 2)) if ok else 0.0
    timeline = Timeline(
        threat_launch_s=0.0, early_warning_s=ew, first_detection_s=min(firsts.values()) if firsts else None,
        firm_track_s=firm, commit_s=firm if ok else None, first_launch_s=float(bs.earliest_launch_s[0]) if ok else None,
        earliest_intercept_s=float(bs.earliest_t_s[0]) if ok else None,
        latest_intercept_s=float(bs.latest_t_s[0]) if ok else None,
        impact_s=float(traj.t_s[-1]), detections_by_sensor=firsts)
    reason = None if ok else bs.reason[0]
    return EngagementResult(threat=res, battlespace=bs, timeline=timeline, doctrine=doctrine,
                            pk_single_shot=kv.pk_single_shot, shots_possible=shots, p_kill=p, reason=reason,
                            fire_control_mask=allowed)
