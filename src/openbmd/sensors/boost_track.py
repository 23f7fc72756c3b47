"""A radar track that starts while the booster burns: constant acceleration in boost, ballistic after.

Before its burnout a thrusting target is followed with the 9-state constant-acceleration model
(:class:`~openbmd.sensors.motion.ConstantAcceleration`, white jerk); at the threat's burnout
the track switches to the ballistic model (:class:`~openbmd.sensors.motion.Ballistic`): the
prediction that crosses burnout runs the boost model up to it, drops the acceleration and
runs the ballistic model on. Both through the generic extended Kalman filter
(:mod:`openbmd.sensors.ekf`); a ballistic filter fed a thrusting target falls kilometres
behind it and does not know it (tests/validation/test_tracking_boost.py).

The track starts from its first ``n_init`` looks by weighted least squares on the converted
positions with a quadratic motion (position, velocity, acceleration) and a prior on the
acceleration of ``ACCEL_SIGMA_M_S2`` per axis. The firm-track rule is the ballistic
tracker's (:data:`openbmd.sensors.tracking.FIRM_SIGMA_M` after FIRM_AFTER detections), so
a track may become firm, and a battery launch on it, while the booster still burns: the
case GAO-13-382R describes for the Polish site.

:func:`filter_through_boost` runs on padded arrays as
:func:`openbmd.sensors.tracking.filter_padded` does; :func:`openbmd.sensors.firm.kalman_firm_s`
calls it for threats a radar first sees before burnout; tests/unit/test_boost_track.py checks
its normalized errors on noisy looks.
"""
from __future__ import annotations

import numpy as np

from openbmd.sensors import ekf
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.models import RangeAzEl
from openbmd.sensors.motion import Ballistic, ConstantAcceleration
from openbmd.sensors.tracking import FIRM_AFTER, FIRM_SIGMA_M, Q_M2_S3, _firm_times

#: white-jerk spectral density of the boost model (m^2/s^5). Notional: sqrt(q dt) is the
#: acceleration random walk, 10 m/s^2 per 10 s revisit, enough for a stage's thrust rising as
#: it burns its mass off (ICBM upper stages reach ~50-100 m/s^2) and for staging when the
#: look rate is high; the normalized errors of tests/unit/test_boost_track.py stay consistent
Q_BOOST_M2_S5 = 10.0
#: prior one-sigma of the acceleration per axis when a boost track starts (m/s^2): a booster's
#: thrust acceleration less gravity, up to ~10 g for the last stage of a solid ICBM (D)
ACCEL_SIGMA_M_S2 = 100.0


def initiate_boost(t, z, site_m, rot, sigma, accel_sigma_m_s2: float = ACCEL_SIGMA_M_S2):
    """(K, 9) state (position, velocity, acceleration) and covariance at the last of the first n
    looks (K, n, ...): weighted least squares of p_i = r + v tau_i + a tau_i^2 / 2 on the
    converted positions, with a zero-mean prior of ``accel_sigma_m_s2`` on a."""
    pos, cov = tk.converted(z, site_m, rot, sigma)
    w = np.linalg.inv(cov)                                     # (K, n, 3, 3)
    tau = t - t[:, -1:]
    k, n = t.shape
    hh = np.zeros((k, n, 3, 9))
    hh[..., :3] = np.eye(3)
    hh[..., 3:6] = tau[..., None, None] * np.eye(3)
    hh[..., 6:] = (0.5 * tau**2)[..., None, None] * np.eye(3)
    info = np.einsum("knji,knjl,knlm->kim", hh, w, hh)
    info[:, 6:, 6:] += np.eye(3) / accel_sigma_m_s2**2
    b = np.einsum("knji,knjl,knl->ki", hh, w, pos)
    p = np.linalg.inv(info)
    return np.einsum("kij,kj->ki", p, b), 0.5 * (p + np.swapaxes(p, 1, 2))


def filter_through_boost(t, z, sigma, site_m, rot, n_det, burnout_s, earth, *, q_boost_m2_s5: float = Q_BOOST_M2_S5,
                         q_m2_s3: float = Q_M2_S3, firm_after: int = FIRM_AFTER, firm_sigma_m: float = FIRM_SIGMA_M,
                         n_init: int = 3):
    """K tracks of up to M looks, padded as for :func:`openbmd.sensors.tracking.filter_padded`,
    each threat burning out at ``burnout_s`` (K,): (states (K, M - n_init + 1, 6) position and
    velocity, their covariances, firm times (None: never)). Looks before burnout update the
    boost model, the rest the ballistic one."""
    n0 = int(n_init)
    x, p = initiate_boost(t[:, :n0], z[:, :n0], site_m[:, :n0], rot[:, :n0], sigma[:, :n0])
    k, m = t.shape
    bo = np.asarray(burnout_s, float)
    now = t[:, n0 - 1].copy()
    boosting = now < bo
    # a track that starts after burnout is ballistic from its start: drop the acceleration
    p[~boosting, 6:, :] = p[~boosting, :, 6:] = 0.0
    x[~boosting, 6:] = 0.0
    boost, ballistic = ConstantAcceleration(q_m2_s5=q_boost_m2_s5), Ballistic(earth=earth, q_m2_s3=q_m2_s3)
    xs, ps = np.zeros((k, m - n0 + 1, 6)), np.zeros((k, m - n0 + 1, 6, 6))
    xs[:, 0], ps[:, 0] = x[:, :6], p[:, :6, :6]
    n_det = np.asarray(n_det, np.int64)
    for j in range(n0, m):
        go = j < n_det
        _step(boost, ballistic, x, p, now, boosting, t[:, j], bo, go,
              RangeAzEl(site_m=site_m[:, j], rotation=rot[:, j], sigma_range_m=sigma[:, j, 0],
                        sigma_angle_rad=sigma[:, j, 1]), z[:, j])
        xs[:, j - n0 + 1], ps[:, j - n0 + 1] = x[:, :6], p[:, :6, :6]
    sig = np.sqrt(np.trace(ps[:, :, :3, :3], axis1=2, axis2=3))
    firm = _firm_times(t[:, n0 - 1:], sig, np.arange(n0, m + 1), n_det - n0 + 1, firm_after, firm_sigma_m)
    return xs, ps, firm


def _step(boost, ballistic, x, p, now, boosting, t, bo, go, model, z) -> None:
    """One look of every track with ``go``: predict (boost, across burnout, or ballistic), update.
    Updates x (K, 9), p, now, boosting in place; a ballistic track keeps a zero acceleration."""
    still = go & boosting & (t < bo)
    cross = go & boosting & (t >= bo)
    if still.any():
        i = np.flatnonzero(still)
        x[i], p[i] = boost.predict(x[i], p[i], t[i] - now[i])
    if cross.any():
        i = np.flatnonzero(cross)
        xb, pb = boost.predict(x[i], p[i], bo[i] - now[i])
        x6, p6 = ballistic.predict(xb[:, :6], pb[:, :6, :6], t[i] - bo[i])
        x[i], p[i] = 0.0, 0.0
        x[i, :6], p[i, :6, :6] = x6, p6
        boosting[i] = False
    flight = go & ~boosting & ~cross
    if flight.any():
        i = np.flatnonzero(flight)
        x6, p6 = ballistic.predict(x[i, :6], p[i, :6, :6], t[i] - now[i])
        x[i, :6], p[i, :6, :6] = x6, p6
    for i, n in ((np.flatnonzero(go & boosting), 9), (np.flatnonzero(go & ~boosting), 6)):
        if i.size:
            xi, pi_, _, _ = ekf.update(x[i, :n], p[i, :n, :n], z[i], model.subset(i))
            x[i, :n], p[i, :n, :n] = xi, pi_
    now[go] = t[go]
