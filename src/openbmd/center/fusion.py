"""The data-sharing center's fused picture: the parties' radar returns and tracks made into one
set of tracks, each with where it was launched and where it comes down.

A pure library (no I/O), deterministic, on the engine's own tracker:

- each return is gated against every track predicted to its time (the engine's ballistic
  motion: J2 gravity, Coriolis, centrifugal; :class:`openbmd.sensors.motion.Ballistic`) by its
  squared Mahalanobis distance in measurement space, within a chi-square gate; the returns of
  one sensor at one time go to tracks by global nearest neighbour, and an assigned return
  updates its track by the engine's extended Kalman step (:func:`openbmd.sensors.ekf.update`)
  iterated (:func:`openbmd.center.fusion_assoc.iterated_update`: a just-started track's km-wide
  prior would otherwise leave the filter over-confident, NEES ~3x its dimension);
- returns no track takes start tracks (:class:`openbmd.center.fusion_assoc.Initiator`): three
  returns from any radars spanning 4 s that fit one motion, least squares on the ballistic motion,
  or on constant acceleration for a booster, whose burnout the track then finds by itself
  (:mod:`openbmd.center.fusion_track`);
- space infrared lines of sight (:class:`SightLine`) update tracks the same way (the engine's
  :class:`~openbmd.sensors.models.LineOfSight`) and, two satellites at once, start them
  (:class:`openbmd.center.fusion_sight.StereoStarter`, the engine's infrared start);
- a track shared by a party (state and covariance only) joins the nearest fused track inside
  a 6-D gate by covariance intersection, since its errors and the fused track's are correlated
  by an unknown amount (both may hold the same radar's returns), or starts a track;
- a track is firm, as in the engine (:data:`openbmd.sensors.tracking.FIRM_AFTER` updates,
  RSS position sigma under :data:`~openbmd.sensors.tracking.FIRM_SIGMA_M`), and keeps that;
- launch and impact points with their uncertainty: :mod:`openbmd.center.fusion_ground`.

Reports are processed in time order whatever order they come in: a report older than what was
processed rolls the picture back to a checkpoint before it and replays
(:mod:`openbmd.center.fusion_log`), so the same reports give the same tracks (ids "T" + the id of
the report that started them, states) however they were batched. Times are UNIX seconds outside,
seconds from the first report inside.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np

from openbmd._arrays import frozen
from openbmd.center.fusion_assoc import (Initiator, Return, assign, covariance_intersection, gate, iterated_update,
                                         mahalanobis2)
from openbmd.center.fusion_ground import PointEstimate, impact_points, launch_points
from openbmd.center.fusion_log import ReportLog
from openbmd.center.fusion_sight import Sight, StereoStarter, model_of
from openbmd.center.fusion_track import BOOST, TrackState, predict
from openbmd.center.fusion_types import (FusedTrack, Measurement, PartyTrack, SensorSite, SightLine,
                                         check_measurement, from_detections)
from openbmd.center.notifications import Notification, correlate, match_notification, unannounced
from openbmd.earth.frames import Site
from openbmd.errors import InputError
from openbmd.sensors.models import RangeAzEl
from openbmd.sensors.motion import Ballistic
from openbmd.sensors.tracking import FIRM_AFTER, FIRM_SIGMA_M, Q_M2_S3

__all__ = ["Fusion", "FusedTrack", "Measurement", "Notification", "PartyTrack", "PointEstimate", "SensorSite",
           "SightLine", "correlate", "from_detections", "match_notification", "unannounced"]

#: re-entry body's ballistic coefficient flown to impact (kg/m^2): between the engine's catalog
#: values (7,324 and 9,765 kg/m^2, src/openbmd/missiles/catalog/*.toml) and its impact-prediction
#: default (5,000, openbmd.sensors.tracking.predict_impact); the unknown true value is carried as
#: a spread over a factor RV_BETA_SPAN either way (fusion_ground.impact_points)
RV_BETA_KG_M2 = 7000.0
RV_BETA_SPAN = 2.0


class Fusion:
    """The fused picture of the parties' reports; see the module docstring.

    ``sensors``: every sensor that may report, by id. ``gate_sigma``: the association gate, as
    the chi-square threshold with the tail probability of +/- that many sigmas in one dimension.
    ``firm_after`` / ``firm_sigma_m``: the firm-track rule. ``q_m2_s3``: the filter's white
    acceleration noise. ``n_init`` returns start a track, none more than ``max_gap_s`` apart nor
    faster than ``max_speed_m_s``. A tentative track without an update for ``drop_tentative_s``
    is dropped; a firm one for ``coast_s`` is no longer associated (it stays in the picture).
    ``impact_beta_kg_m2``: the re-entry body's ballistic coefficient for the impact point (None:
    no drag). ``checkpoint_s``: data time between the checkpoints late reports roll back to;
    ``window_s``: how far behind the newest report the picture can still be rolled back
    (:class:`openbmd.center.fusion_log.ReportLog`; later reports count in :attr:`stale_reports`);
    ``sparse_checkpoint_s``: checkpoints more than a minute of data old are thinned to this spacing.
    """

    def __init__(self, sensors: Mapping[str, SensorSite], *, gate_sigma: float = 4.0,
                 firm_after: int = FIRM_AFTER, firm_sigma_m: float = FIRM_SIGMA_M, q_m2_s3: float = Q_M2_S3,
                 n_init: int = 3, max_gap_s: float = 30.0, max_speed_m_s: float = 8000.0,
                 drop_tentative_s: float = 60.0, coast_s: float = 600.0,
                 impact_beta_kg_m2: float | None = RV_BETA_KG_M2, checkpoint_s: float = 30.0,
                 window_s: float = 3600.0, sparse_checkpoint_s: float | None = None):
        for name, v in (("gate_sigma", gate_sigma), ("firm_sigma_m", firm_sigma_m), ("max_gap_s", max_gap_s),
                        ("max_speed_m_s", max_speed_m_s), ("drop_tentative_s", drop_tentative_s),
                        ("coast_s", coast_s), ("checkpoint_s", checkpoint_s), ("window_s", window_s)):
            if not (math.isfinite(v) and v > 0):
                raise InputError(f"{name} must be a finite number > 0; got {v}")
        if int(firm_after) < 1 or int(n_init) not in (3, 4, 5):
            raise InputError(f"firm_after must be >= 1 and n_init 3, 4 or 5; got {firm_after} and {n_init}")
        if impact_beta_kg_m2 is not None and not impact_beta_kg_m2 > 0:
            raise InputError(f"impact_beta_kg_m2 must be > 0 or None; got {impact_beta_kg_m2}")
        self.sensors: dict[str, SensorSite] = {}
        self._sites: dict[str, Site] = {}
        self._put_sensors(sensors)
        self._gate = {m: gate(gate_sigma, m) for m in (2, 3, 6)}
        self.gate_sigma, self.firm_after, self.firm_sigma_m = float(gate_sigma), int(firm_after), float(firm_sigma_m)
        self.n_init, self.max_gap_s, self.max_speed_m_s = int(n_init), float(max_gap_s), float(max_speed_m_s)
        self.drop_tentative_s, self.coast_s, self.checkpoint_s = float(drop_tentative_s), float(coast_s), \
            float(checkpoint_s)
        self._motion = Ballistic(q_m2_s3=float(q_m2_s3))
        self._drag = None if impact_beta_kg_m2 is None else Ballistic(beta_kg_m2=float(impact_beta_kg_m2))
        self._log = ReportLog(checkpoint_s=self.checkpoint_s, window_s=float(window_s),
                              sparse_checkpoint_s=sparse_checkpoint_s)
        self._ground: dict[str, tuple] = {}   # track id -> (t, n, launch, impact)
        self._reset()

    # ---------------------------------------------------------------- sensors
    def _put_sensors(self, sensors: Mapping[str, SensorSite]) -> bool:
        """Register sensors; True when one already known moved (its past reports then read differently)."""
        moved = False
        for key, s in sensors.items():
            if not isinstance(s, SensorSite):
                raise InputError(f"sensor {key!r}: expected a SensorSite; got {type(s).__name__}")
            old = self.sensors.get(key)
            moved |= old is not None and old != s
            self.sensors[key] = s
            self._sites[key] = Site(lat_deg=s.lat_deg, lon_deg=s.lon_deg, alt_m=s.alt_m)
        return moved

    def add_sensors(self, sensors: Mapping[str, SensorSite]) -> list[str]:
        """Register more sensors (or the same again). A known sensor given a new site re-fuses the
        reports (all those kept); returns the ids of the tracks that replay touched (else [])."""
        if not self._put_sensors(sensors):
            return []
        self._rollback(self._log.just_after_floor())
        self._ground.clear()
        return self._replay(self._log.after(self._done))

    # ---------------------------------------------------------------- state
    def _reset(self) -> None:
        self._tracks: dict[str, TrackState] = {}
        self._init = Initiator(n_init=self.n_init, max_gap_s=self.max_gap_s, max_speed_m_s=self.max_speed_m_s,
                               threshold3=self._gate[3])
        self._stereo = StereoStarter(max_gap_s=self.max_gap_s, max_speed_m_s=self.max_speed_m_s)
        self._epoch: float | None = None
        self._done: tuple | None = None       # key of the last processed report

    def _snapshot(self) -> tuple:
        return (self._epoch, {k: t.copy() for k, t in self._tracks.items()}, list(self._init.seeds),
                self._stereo.state())

    def _rollback(self, key: tuple | None) -> None:
        """Back to the last checkpoint strictly before ``key`` (None, or no such checkpoint: nothing)."""
        got = self._log.restore((-math.inf,) if key is None else key)
        if got is None:
            self._reset()
            return
        self._done, (self._epoch, tracks, seeds, stereo) = got
        self._tracks, self._init.seeds = {k: t.copy() for k, t in tracks.items()}, list(seeds)
        self._stereo.restore(stereo)

    @property
    def kept_reports(self) -> int:
        """Reports held in memory (those within the window)."""
        return len(self._log.events)

    @property
    def stale_reports(self) -> int:
        """Reports that came later than the window allows and were not fused."""
        return self._log.stale

    # ---------------------------------------------------------------- ingest
    def add_measurements(self, ms: Iterable[Measurement | SightLine]) -> list[str]:
        """Fuse radar returns and sight lines (any order, duplicates of earlier ids ignored);
        returns the ids of the tracks they (or, after a rollback, the replay) updated or started."""
        fresh = []
        for m in ms:
            check_measurement(m, self.sensors)
            fresh.append(m)
        return self._ingest(fresh)

    def add_tracks(self, ts: Iterable[PartyTrack]) -> list[str]:
        """Fuse tracks shared by parties (covariance intersection); returns the touched track ids."""
        fresh = list(ts)
        for t in fresh:
            if not isinstance(t, PartyTrack):
                raise InputError(f"add_tracks takes PartyTrack reports; got {type(t).__name__}")
        return self._ingest(fresh)

    def _ingest(self, reports) -> list[str]:
        keys = self._log.add(reports)
        if not keys:
            return []
        if self._done is not None and keys[0][:3] <= self._done[:3]:
            self._rollback(keys[0][:3])
        touched = self._replay(self._log.after(self._done))
        self._log.prune()
        return touched

    def _replay(self, keys: list[tuple]) -> list[str]:
        touched: dict[str, None] = {}
        events = self._log.events
        i = 0
        while i < len(keys):
            j = i + 1
            if keys[i][1] == 0:   # a scan: one sensor's returns at one time
                while j < len(keys) and keys[j][:3] == keys[i][:3]:
                    j += 1
                got = self._scan([events[k[3]] for k in keys[i:j]])
            else:
                got = self._shared(events[keys[i][3]])
            touched.update(dict.fromkeys(got))
            self._done = keys[j - 1]
            self._log.checkpoint(self._done, self._snapshot)
            i = j
        return [k for k in touched if k in self._tracks]

    def _party(self, m: Measurement) -> str:
        return m.party if m.party is not None else self.sensors[m.sensor].party

    def _time(self, t_s: float) -> float:
        if self._epoch is None:
            self._epoch = float(t_s)
        return float(t_s) - self._epoch

    # ---------------------------------------------------------------- tracks
    def _expire(self, t: float) -> list[TrackState]:
        """Drop stale tentative tracks; the tracks still associable at ``t``."""
        for k in [k for k, tr in self._tracks.items() if tr.firm_t is None and t - tr.last_t > self.drop_tentative_s]:
            del self._tracks[k]
        return [tr for tr in self._tracks.values() if t - tr.last_t <= self.coast_s]

    def _commit(self, tr: TrackState, t: float, x, p, party: str, sensor: str | None) -> None:
        tr.t, tr.x, tr.p, tr.last_t, tr.n = t, x, p, t, tr.n + 1
        tr.parties.add(party)
        if sensor is not None:
            tr.sensors.add(sensor)
        self._firm(tr)

    def _firm(self, tr: TrackState) -> None:
        if tr.firm_t is None and tr.n >= self.firm_after and np.sqrt(np.trace(tr.p[:3, :3])) < self.firm_sigma_m:
            tr.firm_t = tr.t

    def _scan(self, ms: list) -> list[str]:
        t = self._time(ms[0].t_s)
        tracks = self._expire(t)
        touched = []
        sight = [m for m in ms if isinstance(m, SightLine)]
        ranged = [m for m in ms if not isinstance(m, SightLine) and m.range_m is not None]
        angles = [m for m in ms if not isinstance(m, SightLine) and m.range_m is None]
        for group in (ranged, angles, sight):
            if group:
                left = self._associate(group, tracks, t, touched) if tracks else group
                if group is ranged:
                    touched += self._start(left, t)
                elif group is sight and left:
                    seeds = self._stereo.add(t, [Sight(m.id, m.sensor, self._party(m), t, np.array(m.observer_m),
                                                       np.radians([m.los_lon_deg, m.los_lat_deg]),
                                                       math.radians(m.sigma_deg)) for m in left])
                    touched += [self._new_track(seed, t).id for seed in seeds]
        return touched

    def _associate(self, ms, tracks, t, touched) -> list[Measurement]:
        """Assign returns to tracks (GNN in the gate), update them; the returns left over. The gate
        needs only the position block, whatever the track's mode (6 or 9 states)."""
        z, model = model_of(ms, self._sites[ms[0].sensor])
        xs, ps = predict(tracks, t, self._motion)
        r = np.array([x[:3] for x in xs])
        hr, zp = model.jacobian(r), model.function(r)             # (K, m, 3), (K, m)
        hph = hr @ np.array([p[:3, :3] for p in ps]) @ np.swapaxes(hr, 1, 2)
        s = hph[:, None] + model.covariance(len(ms))[None]        # (K, M, m, m)
        y = z[None] - zp[:, None]
        for i in model.WRAPPED:
            y[..., i] = (y[..., i] + np.pi) % (2.0 * np.pi) - np.pi
        d2 = mahalanobis2(y, s)
        pairs = assign(d2, self._gate[z.shape[1]])
        for n in (6, 9):
            sel = [(k, j) for k, j in pairs if xs[k].shape[0] == n]
            if not sel:
                continue
            ks, js = np.array([k for k, _ in sel]), np.array([j for _, j in sel])
            h = np.zeros(hr[ks].shape[:2] + (n,))
            h[:, :, :3] = hr[ks]
            x1, p1 = iterated_update(np.array([xs[k] for k in ks]), np.array([ps[k] for k in ks]), z[js],
                                     model.subset(js), first=(zp[ks], h))
            for i, (k, j) in enumerate(sel):
                self._commit(tracks[k], t, x1[i], p1[i], self._party(ms[j]), ms[j].sensor)
                if n == 9:
                    ll = -0.5 * (d2[k, j] + np.linalg.slogdet(s[k, j])[1])
                    tracks[k].check_burnout(z[j], model.subset([j]), t, ll, self._motion)
                touched.append(tracks[k].id)
        used = {j for _, j in pairs}
        return [m for j, m in enumerate(ms) if j not in used]

    def _start(self, ms: list[Measurement], t: float) -> list[str]:
        out = []
        for m in ms:
            site = self._sites[m.sensor]
            r = Return(m.id, m.sensor, self._party(m), t, np.array([m.range_m, math.radians(m.azimuth_deg),
                                                             math.radians(m.elevation_deg)]),
                       np.array([m.sigma_range_m] + [math.radians(m.sigma_angle_deg)] * 2), site.ecef_m, site.rotation)
            for seed in self._init.add(r):
                tr = self._new_track(seed, t)
                self._init.forget(lambda pool, tr=tr: self._explains(tr, pool))
                out.append(tr.id)
        return out

    def _new_track(self, seed, t: float) -> TrackState:
        tid = "T" + seed.returns[0].id
        tr = TrackState(tid, t, seed.x, seed.p, len(seed.returns), seed.returns[0].t, t,
                        {x.party for x in seed.returns}, {x.sensor for x in seed.returns}, started_t=t)
        self._firm(tr)
        self._tracks[tid] = tr
        return tr

    def _explains(self, tr: TrackState, pool: list[Return]) -> np.ndarray:
        """Which earlier returns (K,) the track's state, flown back to their times, gates."""
        k = len(pool)
        motion = BOOST if tr.boosting else self._motion
        x, p = motion.predict(np.repeat(tr.x[None], k, axis=0), np.repeat(tr.p[None], k, axis=0),
                              np.array([r.t - tr.t for r in pool]))
        model = RangeAzEl(site_m=np.array([r.site for r in pool]), rotation=np.array([r.rot for r in pool]),
                          sigma_range_m=np.array([r.sigma[0] for r in pool]),
                          sigma_angle_rad=np.array([r.sigma[1] for r in pool]))
        h = model.jacobian(x)
        s = h @ p @ np.swapaxes(h, 1, 2) + model.covariance(k)
        y = model.residual(np.array([r.z for r in pool]), model.function(x))
        return mahalanobis2(y, s) <= self._gate[3]

    def _shared(self, pt: PartyTrack) -> list[str]:
        t = self._time(pt.t_s)
        tracks = self._expire(t)
        xb = np.array(pt.position_m + pt.velocity_m_s, dtype=float)
        pb = np.asarray(pt.covariance, float)
        tracks = [tr for tr in tracks if not tr.boosting]          # shared tracks are of ballistic objects
        if tracks:
            xs, ps = predict(tracks, t, self._motion)
            xp, pp = np.array(xs), np.array(ps)
            d2 = mahalanobis2(xp - xb, pp + pb)
            k = int(np.argmin(d2))
            if d2[k] <= self._gate[6]:
                x, p, _ = covariance_intersection(xp[k], pp[k], xb, pb)
                self._commit(tracks[k], t, x, p, pt.party, None)
                return [tracks[k].id]
        tid = "T" + pt.id
        self._tracks[tid] = tr = TrackState(tid, t, xb, pb, 1, t, t, {pt.party}, set(), started_t=t)
        self._firm(tr)
        return [tid]

    # ---------------------------------------------------------------- output
    def tracks(self, *, ground: bool = True) -> list[FusedTrack]:
        """The fused picture: every track (tentative and firm), by start time then id, with its
        launch and impact points (None where the state does not reach the ground, and all None
        with ``ground=False``, which skips flying them)."""
        trs = sorted(self._tracks.values(), key=lambda tr: (tr.first_t, tr.id))
        if ground:
            self._update_ground(trs)
        return [self._out(tr, ground) for tr in trs]

    def track_ids(self) -> list[str]:
        """The ids of the live tracks (cheap: no track is built)."""
        return list(self._tracks)

    def tracks_of(self, track_ids, *, refresh_s: float = 0.0, fly: bool = True) -> list[FusedTrack]:
        """Several fused tracks by id (unknown ids skipped), their launch and impact points flown
        together (one compiled call for all, ~2 ms for a few tracks). With
        ``refresh_s`` > 0 a track's points are kept until its data time has moved ``refresh_s``
        past the state they were flown from (or it turns firm): a live picture fed many updates
        a second then refreshes them at that pace instead of at every return. ``fly=False``: as
        they stand, with the points last flown (None for a track never flown)."""
        trs = [self._tracks[k] for k in track_ids if k in self._tracks]
        if fly:
            self._update_ground(trs, refresh_s=refresh_s)
        return [self._out(tr, True) for tr in trs]

    def track(self, track_id: str) -> FusedTrack | None:
        """One fused track by id, with its launch and impact points (None: no such track)."""
        tr = self._tracks.get(track_id)
        if tr is None:
            return None
        self._update_ground([tr])
        return self._out(tr, True)

    def _out(self, tr: TrackState, ground: bool) -> FusedTrack:
        lp, ip = self._ground.get(tr.id, (None, None, None))[1:] if ground else (None, None)
        return FusedTrack(id=tr.id, t_s=self._epoch + tr.t, position_m=frozen(tr.x[:3]), velocity_m_s=frozen(tr.x[3:6]),
                          covariance=frozen(tr.p[:6, :6]), boosting=tr.boosting, parties=tuple(sorted(tr.parties)),
                          sensors=tuple(sorted(tr.sensors)),
                          n_updates=tr.n, firm=tr.firm_t is not None, launch_point=lp, impact_point=ip,
                          first_t_s=self._epoch + tr.first_t, last_update_t_s=self._epoch + tr.last_t,
                          started_t_s=self._epoch + (tr.first_t if tr.started_t is None else tr.started_t),
                          firm_t_s=None if tr.firm_t is None else self._epoch + tr.firm_t)

    def ground_due(self, track_ids, *, refresh_s: float = 0.0) -> list[str]:
        """Those of ``track_ids`` whose launch and impact points :meth:`tracks_of` would fly now."""
        return [tr.id for tr in self._ground_todo([self._tracks[k] for k in track_ids if k in self._tracks], refresh_s)]

    def _ground_todo(self, trs: list[TrackState], refresh_s: float) -> list[TrackState]:
        return [tr for tr in trs if self._ground.get(tr.id, (None,))[0] != self._ground_key(tr)
                and (refresh_s <= 0.0 or tr.id not in self._ground or tr.t - self._ground[tr.id][0][0] >= refresh_s
                     or self._ground[tr.id][0][3] != (tr.firm_t is not None))]

    def _update_ground(self, trs: list[TrackState], refresh_s: float = 0.0) -> None:
        for k in [k for k in self._ground if k not in self._tracks]:
            del self._ground[k]
        todo = self._ground_todo(trs, refresh_s)
        if not todo:
            return
        x = np.array([tr.x[:6] for tr in todo])             # a boosting track: where it would go unpowered
        p = np.array([tr.p[:6, :6] for tr in todo])
        t = self._epoch + np.array([tr.t for tr in todo])
        impacts = impact_points(x, p, t, motion=self._motion, drag_motion=self._drag, beta_span=RV_BETA_SPAN)
        launches = launch_points(x, p, t, impacts, motion=self._motion, boosting=[tr.boosting for tr in todo])
        for tr, lp, ip in zip(todo, launches, impacts):
            self._ground[tr.id] = (self._ground_key(tr), lp, ip)

    @staticmethod
    def _ground_key(tr: TrackState) -> tuple:
        return (tr.t, tr.n, tr.x.tobytes(), tr.firm_t is not None)
