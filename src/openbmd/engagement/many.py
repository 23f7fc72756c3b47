"""Many threats against an architecture in one call: the engine of the coverage and raid analyses.

:func:`openbmd.engagement.engage.engage` follows one threat through noisy
detections and a Kalman track.  Maps need thousands of threats, so this module
uses the deterministic form of the same timeline, in arrays:

- a radar's first detection of a threat is the first sample after burnout
  where it sees it (field of view, horizon, radar-equation range for the
  threat's RCS; cued by the space-based warning when the architecture has one,
  else the shorter uncued range, as in ``engage``);
- its track is firm when the extended Kalman filter of
  :mod:`openbmd.sensors.tracking`, run on the radar's looks from then on without
  noise, meets the firm-track rule (FIRM_AFTER detections and a position sigma
  under FIRM_SIGMA_M): the covariance depends on geometry and the radar's
  sigmas, not on the draws (the test suite holds this against noisy tracks);
- a battery may launch at the earliest firm track among the sensors that may
  cue it (plus the data centre's latency for a shared sensor) plus the
  architecture's reaction time;
- its battle space, shot opportunities (shoot-look-shoot re-solved from the
  kill assessment) and kill probability are those of ``engage``; batteries are
  independent layers: P(defense) = 1 - prod(1 - P_battery).

Everything is a pure function of its array inputs (a unit of work for a Dask
worker).  Threats go in chunks (:func:`sample_flights`), so memory stays bounded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.engagement.battlespace import KillVehicleLimits, battle_space, threat_geometry
from openbmd.engagement.doctrine import p_engagement
from openbmd.engagement.engage import UNCUED_VOLUME_RATIO
from openbmd.flight.samples import (SAMPLE_S, SAMPLED_MAX_STEP_S, ThreatSamples,  # noqa: F401
                                    sample_flights, sample_step_s)

#: stop counting shot opportunities here (the maps shade 0, 1, 2, 3+)
MAX_OPPORTUNITIES = 3


def first_seen_s(radar, s: ThreatSamples, rcs_m2, coarse_s: float = 10.0) -> np.ndarray:
    """(T,) first sample time after burnout where ``radar`` sees each threat (inf: never).

    Visibility is tested every ~``coarse_s`` first, then sample by sample inside the
    interval before the first coarse hit (a window shorter than ``coarse_s`` that falls
    between coarse samples is missed: irrelevant for a fire-control track)."""
    dt = float(s.t_s[1] - s.t_s[0]) if s.t_s.size > 1 else 1.0
    k = max(1, int(round(coarse_s / dt)))
    idx = np.arange(0, s.t_s.size, k)
    Xc = s.ecef_m[:, idx]
    seen = radar.visible(Xc, rcs_m2=rcs_m2) & np.isfinite(Xc[..., 0]) & (s.t_s[idx][None, :] >= s.burnout_s[:, None])
    hit = seen.any(axis=1)
    out = np.full(len(s), np.inf)
    if not hit.any():
        return out
    rows = np.flatnonzero(hit)
    j = idx[np.argmax(seen[rows], axis=1)]  # first coarse hit (sample index)
    lo = np.maximum(j - k + 1, 0)
    fine = lo[:, None] + np.arange(k)[None, :]  # the k samples up to and including j
    fine = np.minimum(fine, j[:, None])
    Xf = s.ecef_m[rows[:, None], fine]
    sf = radar.visible(Xf, rcs_m2=rcs_m2) & np.isfinite(Xf[..., 0]) & (s.t_s[fine] >= s.burnout_s[rows, None])
    first = fine[np.arange(rows.size), np.argmax(sf, axis=1)]
    out[rows] = s.t_s[first]
    return out


#: detections handed to the Kalman filter per threat and radar (a track not firm by then never is)
MAX_TRACK_LOOKS = 80
FIRST_TRACK_LOOKS = 16


def firm_track_s(radar, s: ThreatSamples, rcs_m2, cued: bool = True) -> np.ndarray:
    """(T,) time of a firm track from ``radar`` alone (inf when it never becomes firm).

    The radar looks at its revisit rate from its first detection after burnout
    (:func:`first_seen_s`); the extended Kalman filter of :mod:`openbmd.sensors.tracking`
    runs on those looks without noise: its covariance, and so the firm-track time
    (RSS position sigma under FIRM_SIGMA_M after FIRM_AFTER detections), depends on the
    geometry and the radar's sigmas, not on the noise draws, so this is the tracker's
    firm time in expectation (the test suite compares it with noisy tracks).
    """
    rcs = float(rcs_m2) if cued else float(rcs_m2) / UNCUED_VOLUME_RATIO
    first = first_seen_s(radar, s, rcs)
    out = np.full(len(s), np.inf)
    rows = np.flatnonzero(np.isfinite(first))
    # most tracks are firm within a few looks: a short filter first, the full one for the rest
    for looks in (FIRST_TRACK_LOOKS, MAX_TRACK_LOOKS):
        if not rows.size:
            break
        out[rows] = _kalman_firm_s(radar, s, rows, first[rows], rcs, looks)
        rows = rows[~np.isfinite(out[rows])]
    return out


def _kalman_firm_s(radar, s: ThreatSamples, rows, first, rcs, looks: int = MAX_TRACK_LOOKS) -> np.ndarray:
    from openbmd.earth.geodesy import geodetic_to_ecef
    from openbmd.sensors.tracking import enu_rows, filter_padded

    rev = float(radar.revisit_s)
    # looks on the radar's clock (multiples of the revisit from launch, as radar.observe)
    k0 = np.ceil(first / rev - 1e-9)
    t = (k0[:, None] + np.arange(looks)[None, :]) * rev
    dt = float(s.t_s[1] - s.t_s[0])
    j = np.clip(np.floor(t / dt).astype(np.int64), 0, s.t_s.size - 2)
    u = ((t - s.t_s[j]) / dt)[..., None]
    r = rows[:, None]
    X0, X1 = s.ecef_m[r, j], s.ecef_m[r, j + 1]
    V0, V1 = s.vel_m_s[r, j], s.vel_m_s[r, j + 1]
    pos = ((2 * u**3 - 3 * u**2 + 1) * X0 + (u**3 - 2 * u**2 + u) * dt * V0
           + (-2 * u**3 + 3 * u**2) * X1 + (u**3 - u**2) * dt * V1)
    ok = np.isfinite(pos[..., 0]) & (t <= s.impact_s[rows, None])
    seen = np.zeros(ok.shape, bool)
    seen[ok] = radar.visible(pos[ok], rcs_m2=rcs)
    n_det = seen.sum(axis=1)
    out = np.full(rows.size, np.inf)
    good = np.flatnonzero(n_det >= 3)
    if not good.size:
        return out
    # compress each track's seen looks to the front, pad with its last one (as tracking._pad)
    order = np.argsort(~seen[good], axis=1, kind="stable")
    g = good[:, None]
    n = n_det[good]
    col = np.minimum(np.arange(looks)[None, :], (n - 1)[:, None])
    pick = np.take_along_axis(order, col, axis=1)
    tt = np.take_along_axis(t[good], pick, axis=1)
    pp = pos[g, pick]
    az, el, rng_m = radar.aer(pp.reshape(-1, 3))
    z = np.stack([rng_m, az % (2 * np.pi), el], axis=-1).reshape(pp.shape)
    K, M = tt.shape
    sig = np.broadcast_to(np.array([radar.sigma_range_m, radar.sigma_angle_rad, radar.sigma_angle_rad]),
                          (K, M, 3)).copy()
    site = np.broadcast_to(geodetic_to_ecef(radar.site_lat_deg, radar.site_lon_deg, radar.site_alt_m, radar.earth),
                           (K, M, 3)).copy()
    rot = np.broadcast_to(enu_rows(radar.site_lat_deg, radar.site_lon_deg), (K, M, 3, 3)).copy()
    _, _, firm = filter_padded(tt, z, sig, site, rot, n, radar.earth)
    out[good] = [np.inf if f is None else f for f in firm]
    return out


@dataclass(frozen=True, eq=False)
class BatteryOutcome:
    battery_id: str
    interceptor_id: str
    engageable: np.ndarray  #: (T,) bool
    earliest_t_s: np.ndarray  #: (T,) NaN where not engageable
    latest_t_s: np.ndarray
    launch_s: np.ndarray  #: earliest allowed interceptor launch (inf: never in track)
    opportunities: np.ndarray  #: (T,) int, capped at MAX_OPPORTUNITIES
    p_kill: np.ndarray  #: (T,) this battery's kill probability under the doctrine
    reason: tuple  #: per threat: None where engageable, else why not


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


def kill_vehicle_limits(interceptor) -> KillVehicleLimits:
    kv = interceptor.kill_vehicle
    return KillVehicleLimits(min_alt_km=kv.min_intercept_alt_km, max_alt_km=kv.max_intercept_alt_km,
                             max_range_km=kv.max_range_km, min_closing_km_s=kv.min_closing_speed_km_s)


def engage_many(resolved, s: ThreatSamples, rcs_m2, *, reaction_s: float | None = None,
                flyouts: dict | None = None, cued: bool | None = None, firm_cache: dict | None = None,
                geometry: dict | None = None) -> ManyResult:
    """Every threat of ``s`` against every battery of ``resolved`` (a ResolvedArchitecture).

    ``flyouts`` maps battery id -> fly-out (default: the interceptor's table at
    the battery's latitude); ``reaction_s`` overrides the architecture's.
    """
    from openbmd.interceptors.flyout import flyout_table

    arch = resolved.arch
    reaction = arch.command.reaction_s if reaction_s is None else float(reaction_s)
    doctrine = resolved.doctrine
    cued = resolved.early_warning is not None if cued is None else cued
    T = len(s)
    # firm tracks depend on the radar (site, figures), the RCS and the cue only: callers that
    # engage the same threats with several architectures pass one cache for all of them
    firm_cache = {} if firm_cache is None else firm_cache

    def firm(sensor_id, radar):
        key = (radar, float(rcs_m2), bool(cued))
        if key not in firm_cache:
            firm_cache[key] = firm_track_s(radar, s, rcs_m2, cued)
        return firm_cache[key]

    outcomes = []
    geometry = threat_geometry(s.ecef_m, s.vel_m_s) if geometry is None else geometry
    for b in resolved.batteries:
        icp = b.interceptor
        table = (flyouts or {}).get(b.id) or flyout_table(icp, b.entry.lat_deg)
        t_launch = np.full(T, np.inf)
        for sensor, radar, latency in b.cues:
            t_launch = np.minimum(t_launch, firm(sensor.id, radar) + latency)
        t_launch = t_launch + reaction
        limits = kill_vehicle_limits(icp)
        allowed = None
        if not b.entry.engage_on_remote:
            allowed = b.fire_control.visible(s.ecef_m, rcs_m2=rcs_m2) & np.isfinite(s.ecef_m[..., 0])
        # pairs the fly-out cannot possibly reach are not solved (ground range only)
        reach_km = min(float(table.reach_range_km), float(limits.max_range_km))
        cand = np.flatnonzero(_min_ground_range_km(s, b.entry.lat_deg, b.entry.lon_deg) <= reach_km + 50.0)
        cand = cand[np.isfinite(t_launch[cand])]
        eng = np.zeros(T, bool)
        e_t, l_t = np.full(T, np.nan), np.full(T, np.nan)
        opp = np.zeros(T, np.int64)
        reason = ["out of reach"] * T
        for i in np.flatnonzero(~np.isfinite(t_launch)):
            reason[i] = "never in track"
        if cand.size:
            def solve(idx, tl):
                return battle_space(s.t_s, s.ecef_m, s.vel_m_s, b.entry.lat_deg, b.entry.lon_deg, table, tl,
                                    limits, pair_threat=idx, allowed=allowed, geometry=geometry)

            bs = solve(cand, t_launch[cand])
            ok = bs.engageable
            eng[cand] = ok
            e_t[cand] = bs.earliest_t_s
            l_t[cand] = bs.latest_t_s
            for j, r in zip(cand, bs.reason):
                reason[j] = r
            opp[cand[ok]] = 1
            cur, cur_t = cand[ok], bs.earliest_t_s[ok]
            for _ in range(MAX_OPPORTUNITIES - 1):
                if not cur.size:
                    break
                nxt = solve(cur, cur_t + doctrine.look_s)
                cur, cur_t = cur[nxt.engageable], nxt.earliest_t_s[nxt.engageable]
                opp[cur] += 1
        pk = icp.kill_vehicle.pk_single_shot
        p = np.where(eng, p_engagement(pk, doctrine, second_chance=opp >= 2), 0.0)
        outcomes.append(BatteryOutcome(b.id, icp.id, eng, e_t, l_t, t_launch, opp, p,
                                       tuple(None if e else r for e, r in zip(eng, reason))))
    return ManyResult(tuple(outcomes))


def _min_ground_range_km(s: ThreatSamples, lat_deg: float, lon_deg: float) -> np.ndarray:
    """(T,) closest approach of each threat's ground track to a site (sphere; km)."""
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    u = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    X = s.ecef_m
    c = np.einsum("tnk,k->tn", X, u) / np.linalg.norm(X, axis=-1)
    c = np.where(np.isfinite(c), c, -1.0)
    return np.arccos(np.clip(c.max(axis=1), -1.0, 1.0)) * 6371.0
