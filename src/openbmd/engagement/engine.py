"""The engagement engine: one batched timeline of T threats against the batteries of an architecture.

detect -> firm track -> commit -> launch -> battle space -> shot opportunities -> P(kill),
written once, in arrays over threats:

- the sensor step (each cueing sensor's :meth:`~openbmd.sensors.base.Sensor.track_times`)
  gives each threat's first detection (in boost when the threat's
  :class:`~openbmd.sensors.signature.Signature` gives the booster an RCS, else after burnout)
  and its firm-track time; a battery's firm track is the earliest among the sensors that may
  cue it (plus the data centre's latency for a shared sensor);
- the commit decision is taken at firm track and the interceptor may launch
  ``reaction_s`` later; a battery that may launch on early warning
  (:data:`openbmd.architectures.model.LAUNCH_MODES`) may launch ``warning_to_launch_s`` after
  the first warning instead, whichever is earlier (:func:`earliest_launch_s`), and then
  intercept only once a sensor that may cue it holds a firm track (the interceptor launched
  on warning is guided to the threat by that track);
- a :class:`Lane` (one :class:`~openbmd.engagement.shooter.Shooter` against the sampled
  threats, with the earliest launch per threat) solves the battle space; shot
  opportunities are re-solved from each intercept's kill assessment
  (shoot-look-shoot), and the kill probability follows the doctrine.

Every caller is this engine: :func:`engage_many` (coverage, raid, icbm-reach) takes the
firm tracks of the noise-free Kalman filter; :func:`openbmd.engagement.engage.engage`
takes one threat's noisy track; the Monte Carlo solves a Lane on perturbed launch times,
fly-out speeds and Pk; icbm-reach's margins and speed sweeps re-solve the Lane with
later launch times or variant shooters.  Batteries are independent layers:
P(defense) = 1 - prod(1 - P_battery).  Pure functions of their array inputs.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from openbmd.engagement.battlespace import BattleSpace, threat_geometry
from openbmd.engagement.doctrine import Doctrine, p_engagement
from openbmd.engagement.shooter import REACH_SLACK_KM, Shooter, min_ground_range_km
from openbmd.flight.samples import ThreatSamples
from openbmd.sensors.signature import Signature, warhead_rcs_m2

#: stop counting shot opportunities here (the maps shade 0, 1, 2, 3+)
MAX_OPPORTUNITIES = 3
_TIMES = ("earliest_t_s", "latest_t_s", "earliest_launch_s", "latest_launch_s")


@dataclass(frozen=True, eq=False)
class Lane:
    """One shooter against sampled threats: what every battle-space call of a battery shares."""

    samples: ThreatSamples
    shooter: Shooter
    launch_s: np.ndarray  #: (T,) earliest allowed interceptor launch, s after each threat's launch
    allowed: np.ndarray | None = None  #: (T, N) where an intercept may be made (None: anywhere)
    geometry: dict | None = None  #: threat_geometry of the samples (shared by every call)
    min_range_km: np.ndarray | None = None  #: (T,) closest approach of each ground track to the site

    @classmethod
    def make(cls, s: ThreatSamples, shooter: Shooter, launch_s, *, allowed=None, geometry=None) -> "Lane":
        launch = np.broadcast_to(np.asarray(launch_s, float), (len(s),)).copy()
        geometry = threat_geometry(s.ecef_m, s.vel_m_s) if geometry is None else geometry
        return cls(s, shooter, launch, allowed, geometry, min_ground_range_km(s, shooter.lat_deg, shooter.lon_deg))

    def solve(self, rows, launch_s=None, *, shooter: Shooter | None = None, time_scale=1.0,
              refine_latest: bool = True) -> BattleSpace:
        """The battle space of threats ``rows`` launching no earlier than ``launch_s`` (default the
        lane's); rows never in track, or whose ground track stays out of the shooter's reach, are
        answered without solving.  ``refine_latest=False`` skips the latest intercept's bisection
        (it changes only the ``latest_*`` fields) where the caller reads none of them."""
        shooter = shooter or self.shooter
        rows = np.asarray(rows, np.int64)
        tl = self.launch_s[rows] if launch_s is None else np.broadcast_to(np.asarray(launch_s, float), rows.shape)
        scale = np.broadcast_to(np.asarray(time_scale, float), rows.shape)
        near = self.min_range_km[rows] <= shooter.reach_km + REACH_SLACK_KM
        go = np.flatnonzero(near & np.isfinite(tl))
        if go.size == rows.size:
            return shooter.battle_space(self.samples, rows, tl, allowed=self.allowed, geometry=self.geometry,
                                        time_scale=scale, refine_latest=refine_latest)
        bs = shooter.battle_space(self.samples, rows[go], tl[go], allowed=self.allowed, geometry=self.geometry,
                                  time_scale=scale[go], refine_latest=refine_latest)
        return _scatter(bs, go, np.where(np.isfinite(tl), "out of reach", "never in track").astype(object))

    def engageable(self, rows, delay_s=0.0, *, shooter: Shooter | None = None) -> np.ndarray:
        """(len(rows),) bool: engageable launching ``delay_s`` (scalar or per row) later than allowed?"""
        rows = np.asarray(rows, np.int64)
        return self.solve(rows, self.launch_s[rows] + delay_s, shooter=shooter, refine_latest=False).engageable


def _scatter(bs: BattleSpace, go, reason) -> BattleSpace:
    """The battle space of all rows from that of rows ``go``: the others not engageable, for ``reason``."""
    out = {f.name: np.full(reason.size, np.nan) for f in dataclasses.fields(BattleSpace) if f.name != "reason"}
    out["engageable"] = np.zeros(reason.size, bool)
    for name, arr in out.items():
        arr[go] = getattr(bs, name)
    reason[go] = np.array(bs.reason, dtype=object)
    return BattleSpace(reason=tuple(reason.tolist()), **out)


@dataclass(frozen=True, eq=False)
class Shots:
    """A lane's first battle space, its shot opportunities and kill probability, per row."""

    battlespace: BattleSpace
    opportunities: np.ndarray  #: (P,) int, capped
    p_kill: np.ndarray  #: (P,) under the doctrine


def shots(lane: Lane, doctrine: Doctrine, rows=None, *, launch_s=None, pk=None, time_scale=1.0,
          cap: int = MAX_OPPORTUNITIES) -> Shots:
    """Battle space, sequential shot opportunities (after an intercept at t the next interceptor
    may launch only once the kill assessment is in, t + look_s; re-solved until nothing is left
    or ``cap``) and P(kill) under ``doctrine`` (Pk per row with ``pk``)."""
    rows = np.arange(len(lane.samples)) if rows is None else np.asarray(rows, np.int64)
    scale = np.broadcast_to(np.asarray(time_scale, float), rows.shape)
    bs = lane.solve(rows, launch_s, time_scale=scale)
    opp = bs.engageable.astype(np.int64)
    cur = np.flatnonzero(bs.engageable)
    cur_t = bs.earliest_t_s[cur]
    for _ in range(cap - 1):
        if not cur.size:
            break
        nxt = lane.solve(rows[cur], cur_t + doctrine.look_s, time_scale=scale[cur], refine_latest=False)
        cur, cur_t = cur[nxt.engageable], nxt.earliest_t_s[nxt.engageable]
        opp[cur] += 1
    pk = lane.shooter.pk_single_shot if pk is None else pk
    p = np.where(bs.engageable, p_engagement(pk, doctrine, second_chance=opp >= 2), 0.0)
    return Shots(bs, opp, p)


@dataclass(frozen=True, eq=False)
class BatteryOutcome:
    """One battery's timeline against T threats, in s after the raid's start (each threat's launch
    offset added): inf where never detected or never in track, NaN where there is no intercept."""

    battery_id: str
    interceptor_id: str
    threat_launch_s: np.ndarray  #: (T,) launch offset of each threat
    first_detection_s: np.ndarray  #: (T,) first detection by a cueing sensor (inf: never)
    firm_track_s: np.ndarray  #: (T,) firm track at the battery (inf: never)
    #: (T,) earliest allowed interceptor launch over the battery's launch modes (inf: never)
    launch_s: np.ndarray
    battlespace: BattleSpace
    opportunities: np.ndarray  #: (T,) int, capped at MAX_OPPORTUNITIES
    p_kill: np.ndarray  #: (T,) this battery's kill probability under the doctrine
    lane: Lane  #: what it was solved with (times after each threat's launch), to re-solve

    @property
    def engageable(self) -> np.ndarray:
        return self.battlespace.engageable

    @property
    def reason(self) -> tuple:
        """Per threat: None where engageable, else why not."""
        return self.battlespace.reason

    @property
    def commit_s(self) -> np.ndarray:
        return np.where(self.engageable, self.firm_track_s, np.nan)

    @property
    def first_launch_s(self) -> np.ndarray:
        return self.battlespace.earliest_launch_s

    @property
    def earliest_t_s(self) -> np.ndarray:
        return self.battlespace.earliest_t_s

    @property
    def latest_t_s(self) -> np.ndarray:
        return self.battlespace.latest_t_s


@dataclass(frozen=True, eq=False)
class ManyResult:
    batteries: tuple[BatteryOutcome, ...]

    @property
    def engageable(self) -> np.ndarray:
        return np.any([b.engageable for b in self.batteries], axis=0)

    @property
    def opportunities(self) -> np.ndarray:
        return np.sum([b.opportunities for b in self.batteries], axis=0)

    @property
    def shoot_look_shoot(self) -> np.ndarray:
        """A second salvo fits after a kill assessment (in one battery, or across batteries)."""
        return self.opportunities >= 2

    @property
    def p_defense(self) -> np.ndarray:
        return 1.0 - np.prod([1.0 - b.p_kill for b in self.batteries], axis=0)


def run_battery(s: ThreatSamples, shooter: Shooter, firm_s, reaction_s: float, doctrine: Doctrine, *,
                battery_id: str = "", first_detection_s=None, allowed=None, geometry=None,
                threat_launch_s=0.0, cap: int = MAX_OPPORTUNITIES, launch_s=None) -> BatteryOutcome:
    """The timeline of one battery against the threats of ``s``, given each threat's firm-track
    time at the battery (``firm_s`` (T,), inf: never) and the reaction time; ``launch_s`` (T,)
    overrides the earliest allowed launch (default firm + reaction: see :func:`earliest_launch_s`)."""
    T = len(s)
    firm = np.broadcast_to(np.asarray(firm_s, float), (T,))
    launch = firm + reaction_s if launch_s is None else np.broadcast_to(np.asarray(launch_s, float), (T,))
    lane = Lane.make(s, shooter, launch, allowed=allowed, geometry=geometry)
    got = shots(lane, doctrine, cap=cap)
    off = np.broadcast_to(np.asarray(threat_launch_s, float), (T,))
    bs = got.battlespace
    if np.any(off != 0):
        bs = dataclasses.replace(bs, **{k: getattr(bs, k) + off for k in _TIMES})
    first = np.full(T, np.nan) if first_detection_s is None else np.asarray(first_detection_s, float)
    return BatteryOutcome(battery_id, shooter.interceptor.id, off.copy(), first + off, firm + off,
                          lane.launch_s + off, bs, got.opportunities, got.p_kill, lane)


def earliest_launch_s(modes, firm_s, reaction_s: float, warning_s=None, warning_to_launch_s: float = 0.0):
    """(T,) earliest allowed interceptor launch over the launch ``modes``
    (:data:`openbmd.architectures.model.LAUNCH_MODES`): ``firm_s + reaction_s`` on a firm track,
    ``warning_s + warning_to_launch_s`` on early warning (inf where a mode never comes)."""
    out = np.full(np.shape(firm_s), np.inf)
    if "firm-track" in modes:
        out = np.minimum(out, np.asarray(firm_s, float) + reaction_s)
    if "early-warning" in modes and warning_s is not None:
        out = np.minimum(out, np.asarray(warning_s, float) + warning_to_launch_s)
    return out


def fire_control_mask(radar, s: ThreatSamples, rcs_m2) -> np.ndarray:
    """(T, N) threat samples the battery's own radar sees (where a launch-on-remote battery may
    intercept): the warhead, whatever the booster's signature."""
    return radar.visible(s.ecef_m, rcs_m2=warhead_rcs_m2(rcs_m2)) & np.isfinite(s.ecef_m[..., 0])


def sensor_times(radar, s: ThreatSamples, rcs_m2, cued: bool, cache: dict | None = None):
    """(first detection, firm track) of every threat by ``radar`` (T,) each, memoised in ``cache``
    per (radar, RCS or Signature, cue): callers that engage the same threats with several
    architectures pass one cache for all of them."""
    key = (radar, rcs_m2 if isinstance(rcs_m2, Signature) else float(rcs_m2), bool(cued))
    if cache is None:
        return radar.track_times(s, rcs_m2, cued=cued)
    if key not in cache:
        cache[key] = radar.track_times(s, rcs_m2, cued=cued)
    return cache[key]


def warning_times(resolved, s: ThreatSamples, cache: dict | None = None) -> np.ndarray:
    """(T,) first report of the command's space-based early warning (inf: none or never)."""
    ew = resolved.early_warning
    if ew is None:
        return np.full(len(s), np.inf)
    key = (ew, "warning")
    if cache is None or key not in cache:
        t = ew.first_seen_s(s, None, after_burnout=False)
        if cache is None:
            return t
        cache[key] = t
    return cache[key]


def engage_many(resolved, s: ThreatSamples, rcs_m2, *, reaction_s: float | None = None,
                flyouts: dict | None = None, cued: bool | None = None, firm_cache: dict | None = None,
                geometry: dict | None = None, threat_launch_s=0.0, launch_on=None) -> ManyResult:
    """Every threat of ``s`` against every battery of ``resolved`` (a ResolvedArchitecture).

    ``rcs_m2``: the warhead's RCS (a number: radars see the threat after burnout), or a
    :class:`~openbmd.sensors.signature.Signature` (the booster seen in boost).
    ``flyouts`` maps battery id -> fly-out (default: the interceptor's table at the battery's
    latitude); ``reaction_s`` overrides the architecture's; ``cued`` whether the radars are
    cued (default: the architecture has a space-based early warning); ``threat_launch_s``
    (T,) each threat's launch offset (the outcome's times are shifted by it); ``launch_on``
    overrides every battery's launch modes (:meth:`Architecture.launch_modes`).
    """
    arch = resolved.arch
    reaction = arch.command.reaction_s if reaction_s is None else float(reaction_s)
    cued = resolved.early_warning is not None if cued is None else cued
    firm_cache = {} if firm_cache is None else firm_cache
    geometry = threat_geometry(s.ecef_m, s.vel_m_s) if geometry is None else geometry
    outcomes = []
    for b in resolved.batteries:
        first, firm = np.full(len(s), np.inf), np.full(len(s), np.inf)
        for _, radar, latency in b.cues:
            f0, f1 = sensor_times(radar, s, rcs_m2, cued, firm_cache)
            first, firm = np.minimum(first, f0 + latency), np.minimum(firm, f1 + latency)
        modes = arch.launch_modes(b.entry) if launch_on is None else tuple(launch_on)
        warning = None
        if "early-warning" in modes:
            warning = np.minimum(first, warning_times(resolved, s, firm_cache))
        launch = earliest_launch_s(modes, firm, reaction, warning, arch.warning_to_launch_s)
        shooter = Shooter.at(b.interceptor, b.entry.lat_deg, b.entry.lon_deg, table=(flyouts or {}).get(b.id))
        allowed = None if b.entry.engage_on_remote else fire_control_mask(b.fire_control, s, rcs_m2)
        if "early-warning" in modes:  # a launch on warning is guided to its intercept by a firm track
            guided = s.t_s[None, :] >= firm[:, None]
            allowed = guided if allowed is None else allowed & guided
        outcomes.append(run_battery(s, shooter, firm, reaction, resolved.doctrine, battery_id=b.id,
                                    first_detection_s=first, allowed=allowed, geometry=geometry,
                                    threat_launch_s=threat_launch_s, launch_s=launch))
    return ManyResult(tuple(outcomes))
