"""Tracks from an infrared tracking constellation's lines of sight (batched over K threats).

A track starts at the second look at which at least two satellites see the target at
once: each such look is triangulated (:func:`openbmd.sensors.ekf.triangulate`) with the
covariance of the lines of sight, C = (sum_i (I - u_i u_i^T) / (rho_i sigma)^2)^-1, and
the two fixes give the state x = (p2, (p2 - p1) / dt) with
P = [[C2, C2 / dt], [C2 / dt, (C1 + C2) / dt^2]]. Then the generic extended Kalman
filter fuses every satellite's line of sight at every look, one satellite after the
other, with the ballistic motion model.
"""
from __future__ import annotations

import numpy as np

from openbmd.sensors import ekf
from openbmd.sensors.firm import MAX_TRACK_LOOKS, look_positions
from openbmd.sensors.models import LineOfSight
from openbmd.sensors.motion import Ballistic
from openbmd.sensors.tracking import FIRM_AFTER, FIRM_SIGMA_M


def fix(z, sats, sigma_rad: float):
    """Triangulated positions (K, 3) and covariances (K, 3, 3) of lines of sight z (K, S, 2)
    from satellites (K, S, 3); NaN lines of sight (not seen) are left out."""
    seen = np.isfinite(z[..., 0])
    unit = LineOfSight(observer_m=sats.reshape(-1, 3), sigma_rad=sigma_rad).unit_vectors(
        np.where(seen[..., None], z, 0.0).reshape(-1, 2)).reshape(sats.shape)
    w = seen[..., None].astype(float)
    pos = ekf.triangulate(sats, unit * w + (1 - w) * np.array([1.0, 0.0, 0.0]), weights=w[..., 0])
    rho = np.linalg.norm(pos[:, None] - sats, axis=-1)
    proj = (np.eye(3) - unit[..., :, None] * unit[..., None, :]) * (w[..., 0] / (rho * sigma_rad) ** 2)[..., None, None]
    return pos, np.linalg.inv(proj.sum(axis=1))


def start(t, z, sats, sigma_rad: float):
    """(x0 (K, 6), P0 (K, 6, 6), index of the starting look (K,)) from looks t (K, L), lines
    of sight z (K, L, S, 2) and satellites (K, L, S, 3); index -1 where no two stereo looks."""
    stereo = np.isfinite(z[..., 0]).sum(axis=-1) >= 2                        # (K, L)
    count = np.cumsum(stereo, axis=1)
    ok = count[:, -1] >= 2
    j1 = np.argmax(stereo, axis=1)
    j2 = np.argmax(count >= 2, axis=1)
    k = np.arange(t.shape[0])
    x0, p0 = np.zeros((t.shape[0], 6)), np.broadcast_to(np.eye(6), (t.shape[0], 6, 6)).copy()
    if ok.any():
        p1, c1 = fix(z[k, j1][ok], sats[k, j1][ok], sigma_rad)
        p2, c2 = fix(z[k, j2][ok], sats[k, j2][ok], sigma_rad)
        dt = (t[k, j2] - t[k, j1])[ok][:, None, None]
        x0[ok] = np.concatenate([p2, (p2 - p1) / dt[:, :, 0]], axis=1)
        p0[ok] = np.block([[c2, c2 / dt], [c2 / dt, (c1 + c2) / dt**2]])
    return x0, p0, np.where(ok, j2, -1)


def track(tracker, t, z, sats, motion=None):
    """Filter K targets through their looks: returns (states (K, L, 6), covariances
    (K, L, 6, 6), looks used (K, L)); rows before the start are NaN."""
    motion = Ballistic(earth=tracker.earth) if motion is None else motion
    x0, p0, j0 = start(t, z, sats, tracker.sigma_los_rad)
    K, L, S = z.shape[:3]
    xs, ps = np.full((K, L, 6), np.nan), np.full((K, L, 6, 6), np.nan)
    has = np.isfinite(z[..., 0]).any(axis=-1)
    used = np.where(np.arange(L)[None, :] >= j0[:, None], np.cumsum(has, axis=1), 0)
    live = j0 >= 0
    xs[live, j0[live]], ps[live, j0[live]] = x0[live], p0[live]
    x, p, tc = x0.copy(), p0.copy(), t[np.arange(K), np.maximum(j0, 0)]
    for look in range(L):
        steps = [ekf.Step(t[:, look], z[:, look, s], LineOfSight(observer_m=sats[:, look, s],
                                                                  sigma_rad=tracker.sigma_los_rad),
                          mask=live & (look > j0) & np.isfinite(z[:, look, s, 0])) for s in range(S)]
        if not any(st.mask.any() for st in steps):
            continue
        out, pout, tout = ekf.run(motion, x, p, tc, steps)
        x, p, tc = out[-1], pout[-1], tout[-1]
        rows = live & (look > j0)
        xs[rows, look], ps[rows, look] = x[rows], p[rows]
    return xs, ps, used


def firm_times(t, ps, used) -> np.ndarray:
    """(K,) first look time with the RSS position sigma under FIRM_SIGMA_M after FIRM_AFTER looks."""
    sigma = np.sqrt(np.trace(ps[..., :3, :3], axis1=-2, axis2=-1))
    ok = np.nan_to_num(sigma, nan=np.inf) < FIRM_SIGMA_M
    ok &= used >= FIRM_AFTER
    first = np.argmax(ok, axis=1)
    return np.where(ok.any(axis=1), t[np.arange(t.shape[0]), first], np.inf)


def firm_track_s(tracker, s, looks: int = MAX_TRACK_LOOKS) -> np.ndarray:
    """(T,) firm-track times of the sampled threats ``s`` from noiseless lines of sight."""
    first = tracker.first_seen_s(s, None)
    out = np.full(len(s), np.inf)
    rows = np.flatnonzero(np.isfinite(first))
    if not rows.size:
        return out
    t, pos, ok = look_positions(s, rows, first[rows], tracker.revisit_s, looks)
    sats = tracker.positions_m(t)                                            # (R, L, S, 3)
    seen = tracker.seen_by(np.where(ok[..., None], pos, 0.0), t) & ok[..., None]
    z = np.full(seen.shape + (2,), np.nan)
    for sat in range(tracker.n_satellites):
        model = LineOfSight(observer_m=sats[:, :, sat].reshape(-1, 3), sigma_rad=tracker.sigma_los_rad)
        clean = model.function(np.where(ok[..., None], pos, 0.0).reshape(-1, 3)).reshape(t.shape + (2,))
        z[:, :, sat] = np.where(seen[..., sat, None], clean, np.nan)
    _, ps, used = track(tracker, t, z, sats)
    out[rows] = firm_times(t, ps, used)
    return out
