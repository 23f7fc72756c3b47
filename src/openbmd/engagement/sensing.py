"""What the sensors see of a threat: cued and uncued detections, first looks and firm tracks.

The sensor side of the engagement engine, gathered in one module (the batched methods
:meth:`first_seen_s` / :meth:`firm_track_s` of the sensor roles will take its place):

- :func:`observe_cued`: a radar's noisy detections of one flight, uncued until the
  space-based warning cues it (then its full range); :func:`after` keeps those after a time;
- :func:`first_seen_s`: the first sample after burnout where a radar sees each of T threats;
- :func:`firm_track_s`: when the extended Kalman filter of :mod:`openbmd.sensors.tracking`,
  run on the radar's looks without noise, declares each track firm (:func:`sensor_times`:
  both in one pass);
- :func:`threat_rcs_m2`: the RCS the radars see.
"""
from __future__ import annotations

import numpy as np

from openbmd.errors import InputError
from openbmd.flight.samples import ThreatSamples

#: an uncued radar searches a volume notionally 10x the one a space-based cue points it to;
#: with the same energy the detection range scales as (energy per beam)^(1/4), so uncued
#: search sees to 10^(-1/4) = 0.56 of the cued range (radar equation; the ratio is notional)
UNCUED_VOLUME_RATIO = 10.0


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
    return sensor_times(radar, s, rcs_m2, cued)[1]


def sensor_times(radar, s: ThreatSamples, rcs_m2, cued: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(T,) first detection after burnout and (T,) firm track by ``radar`` alone, at the cued or
    uncued range (inf: never): :func:`first_seen_s` and :func:`firm_track_s` in one pass."""
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
    return first, out


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
