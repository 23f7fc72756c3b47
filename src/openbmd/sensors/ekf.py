"""One generic extended Kalman filter over the motion and measurement models
(Stone Soup's predictor / updater split), batched over K tracks.

:func:`update` takes any :class:`~openbmd.sensors.models.MeasurementModel` (a radar's
range/azimuth/elevation, a satellite's line of sight); :func:`run` alternates a
:class:`~openbmd.sensors.motion.MotionModel`'s prediction with updates over a time-ordered
list of :class:`Step` (measurements of all K tracks at one look, with a mask of the
tracks that have one). The compiled range/azimuth/elevation loop of
:mod:`openbmd.sensors.tracking_kernels` is this filter fused for speed
(tests/unit/test_ekf.py holds the two equal).

:func:`triangulate` starts a track from two or more lines of sight at one time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.sensors.models import MeasurementModel
from openbmd.sensors.motion import MotionModel


def update(x, p, z, model: MeasurementModel):
    """Extended Kalman update (K, n), (K, n, n) with measurements ``z`` (K, m); Joseph form
    for the covariance. Returns (x, P, innovation (K, m), its covariance S (K, m, m))."""
    k = x.shape[0]
    h = model.jacobian(x)
    y = model.residual(z, model.function(x))
    r = model.covariance(k)
    ph = p @ np.swapaxes(h, 1, 2)
    s = h @ ph + r
    gain = np.swapaxes(np.linalg.solve(s, np.swapaxes(ph, 1, 2)), 1, 2)   # P H^T S^-1 (S symmetric)
    x1 = x + np.einsum("kij,kj->ki", gain, y)
    ikh = np.eye(x.shape[1]) - gain @ h
    p1 = ikh @ p @ np.swapaxes(ikh, 1, 2) + gain @ r @ np.swapaxes(gain, 1, 2)
    return x1, 0.5 * (p1 + np.swapaxes(p1, 1, 2)), y, s


@dataclass(frozen=True, eq=False)
class Step:
    """Measurements ``z`` (K, m) at times ``t_s`` (K,) by ``model``; ``mask`` (K,) marks the
    tracks that have one (None: all)."""

    t_s: np.ndarray
    z: np.ndarray
    model: MeasurementModel
    mask: np.ndarray | None = None


def run(motion: MotionModel, x0, p0, t0_s, steps):
    """Filter K tracks from (x0 (K, n), P0 (K, n, n)) at ``t0_s`` (K,) through ``steps``.

    Returns (states (S, K, n), covariances (S, K, n, n), times (S, K)) after each step (a
    track without a measurement at a step keeps its last estimate and time)."""
    x, p = np.array(x0, dtype=float), np.array(p0, dtype=float)
    t = np.broadcast_to(np.asarray(t0_s, dtype=float), (x.shape[0],)).copy()
    xs, ps, ts = [], [], []
    for st in steps:
        idx = np.arange(x.shape[0]) if st.mask is None else np.flatnonzero(st.mask)
        if idx.size:
            xi, pi = motion.predict(x[idx], p[idx], st.t_s[idx] - t[idx])
            xi, pi, _, _ = update(xi, pi, st.z[idx], st.model.subset(idx))
            x[idx], p[idx], t[idx] = xi, pi, st.t_s[idx]
        xs.append(x.copy())
        ps.append(p.copy())
        ts.append(t.copy())
    return np.array(xs), np.array(ps), np.array(ts)


def triangulate(observers_m, units, weights=None):
    """Least-squares point (K, 3) closest to N lines of sight: observers (K, N, 3) ECEF,
    unit directions (K, N, 3), optional weights (K, N) (0 leaves a line out).
    Solves sum_i w_i (I - u_i u_i^T) (p - o_i) = 0."""
    o, u = np.asarray(observers_m, float), np.asarray(units, float)
    proj = np.eye(3) - u[..., :, None] * u[..., None, :]          # (K, N, 3, 3)
    if weights is not None:
        proj = proj * np.asarray(weights, float)[..., None, None]
    a = proj.sum(axis=-3)
    b = np.einsum("knij,knj->ki", proj, o)
    return np.linalg.solve(a, b[..., None])[..., 0]
