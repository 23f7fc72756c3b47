"""Motion models (Stone Soup's transition models): how a tracked state moves, its
linearization and its process noise, for the generic extended Kalman step
(:mod:`openbmd.sensors.ekf`). Batched over K tracks; SI; ECEF, Earth-relative velocity.

- :class:`Ballistic`: free flight in the rotating Earth frame (point mass + J2 gravity,
  Coriolis, centrifugal: :mod:`openbmd.sensors.tracking_kernels`), white acceleration
  noise, and optionally the drag of the co-rotating USSA-1976 atmosphere on a body of
  ballistic coefficient beta = m / (Cd A) below ``AIR_TOP_M``:
  a_drag = -rho(h) |v| v / (2 beta), as the flight engine flies a re-entry vehicle
  (:mod:`openbmd.kernels.flight`). Without drag a track lags a re-entry vehicle low
  down (the filter believes it falls faster than it does); with it, it does not.
- :class:`ConstantAcceleration`: a boosting target as a 9-state (r, v, a) with white
  jerk noise, the continuous Wiener-process-acceleration model (Bar-Shalom, Li &
  Kirubarajan, *Estimation with Applications to Tracking and Navigation*, 2001,
  sec. 6.2.3): exact for constant acceleration, the jerk noise covers thrust changes.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np

from openbmd.earth.atmosphere import density_kg_m3
from openbmd.earth.geodesy import ecef_to_geodetic
from openbmd.earth.model import WGS84, EarthModel
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.tracking import Q_M2_S3

#: drag acts below this geodetic height (m): above 80 km a 5,000 kg/m^2 body at 7 km/s
#: feels < 1e-2 m/s^2 (USSA-1976 density 1.8e-5 kg/m^3 at 80 km), well inside the process noise
AIR_TOP_M = 8.0e4
#: longest Runge-Kutta sub-step with drag (s): at 10 km a 2,000 kg/m^2 body at 3 km/s slows
#: with a time constant 2 beta / (rho v) ~ 3 s
DRAG_STEP_S = 1.0
#: half-step of the finite-difference density gradient (m)
_DH_M = 50.0


class MotionModel(abc.ABC):
    """f(x, dt), its transition matrix F and process noise Q (batched over K)."""

    ndim: int

    @abc.abstractmethod
    def function(self, x: np.ndarray, dt: np.ndarray) -> np.ndarray:
        """States (K, n) moved by ``dt`` (K,) seconds."""

    @abc.abstractmethod
    def transition(self, x0: np.ndarray, x1: np.ndarray, dt: np.ndarray) -> np.ndarray:
        """F (K, n, n) = dx1/dx0 about the predicted path x0 -> x1."""

    @abc.abstractmethod
    def noise(self, dt: np.ndarray) -> np.ndarray:
        """Q (K, n, n) over ``dt``."""

    def predict(self, x, p, dt):
        """(x, P) moved by ``dt`` (K,): f for the state, F P F^T + Q for the covariance."""
        dt = np.asarray(dt, dtype=float)
        x1 = self.function(x, dt)
        f = self.transition(x, x1, dt)
        return x1, f @ p @ np.swapaxes(f, 1, 2) + self.noise(dt)


@dataclass(frozen=True, kw_only=True, eq=False)
class Ballistic(MotionModel):
    """Unpowered flight in the rotating Earth frame, with drag when ``beta_kg_m2`` is given."""

    earth: EarthModel = WGS84
    q_m2_s3: float = Q_M2_S3
    beta_kg_m2: float | None = None
    max_step_s: float = tk.MAX_STEP_S

    ndim = 6

    def accel(self, r, v) -> np.ndarray:
        """Acceleration (K, 3): gravity, Coriolis, centrifugal, and drag when modelled."""
        a = tk.accel(r, v, self.earth)
        if self.beta_kg_m2 is not None:
            rho = self._density(r)
            a -= (0.5 * rho * np.linalg.norm(v, axis=1) / self.beta_kg_m2)[:, None] * v
        return a

    def _density(self, r, dh: float = 0.0) -> np.ndarray:
        h = np.atleast_1d(ecef_to_geodetic(r, self.earth)[2]) + dh
        return np.where(h < AIR_TOP_M, density_kg_m3(np.maximum(h, 0.0)), 0.0)

    def function(self, x, dt):
        if self.beta_kg_m2 is None and self.max_step_s == tk.MAX_STEP_S:
            return tk.propagate(x, dt, self.earth)
        h, n_sub = self._substeps(dt)
        for _ in range(n_sub):
            x = self._rk4(x, h)
        return x

    def _substeps(self, dt):
        step = self.max_step_s if self.beta_kg_m2 is None else min(self.max_step_s, DRAG_STEP_S)
        n_sub = max(1, int(np.ceil(np.max(np.abs(dt)) / step))) if dt.size else 1
        return (dt / n_sub)[:, None], n_sub

    def _rk4(self, x, h):
        """One classical RK4 step of h (K, 1) seconds, as tracking_kernels.propagate."""
        r, v = x[:, :3], x[:, 3:6]
        a1 = self.accel(r, v)
        r2, v2 = r + 0.5 * h * v, v + 0.5 * h * a1
        a2 = self.accel(r2, v2)
        r3, v3 = r + 0.5 * h * v2, v + 0.5 * h * a2
        a3 = self.accel(r3, v3)
        r4, v4 = r + h * v3, v + h * a3
        a4 = self.accel(r4, v4)
        return np.concatenate([r + h / 6.0 * (v + 2.0 * v2 + 2.0 * v3 + v4),
                               v + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)], axis=1)

    def derivative_jacobian(self, x) -> np.ndarray:
        """d(dx/dt)/dx (K, 6, 6): tracking_kernels.jacobian plus the drag terms
        d a/d v = -k (I + v v^T / |v|^2), k = rho |v| / (2 beta), and d a/d r along the
        vertical from the density gradient (finite difference of USSA-1976)."""
        r, v = x[:, :3], x[:, 3:6]
        a = tk.jacobian(r, self.earth)
        if self.beta_kg_m2 is None:
            return a
        rho = self._density(r)
        speed = np.maximum(np.linalg.norm(v, axis=1), 1e-9)
        k = 0.5 * rho * speed / self.beta_kg_m2
        vv = v[:, :, None] * v[:, None, :] / (speed**2)[:, None, None]
        a[:, 3:, 3:] -= k[:, None, None] * (np.eye(3) + vv)
        drho_dh = (self._density(r, _DH_M) - self._density(r, -_DH_M)) / (2.0 * _DH_M)
        up = r / np.linalg.norm(r, axis=1)[:, None]  # geocentric vertical (within 0.2 deg of the normal)
        a[:, 3:, :3] -= (0.5 * speed * drho_dh / self.beta_kg_m2)[:, None, None] * v[:, :, None] * up[:, None, :]
        return a

    def transition(self, x0, x1, dt):
        """Without drag, tracking_kernels.transition over the whole step; with drag (whose
        Jacobian changes fast low down) the product of that series over the sub-steps."""
        if self.beta_kg_m2 is None:
            return tk.transition(x0, x1, dt, self.earth)
        h, n_sub = self._substeps(dt)
        phi = np.broadcast_to(np.eye(6), (x0.shape[0], 6, 6)).copy()
        x, jac = x0, self.derivative_jacobian(x0)
        for _ in range(n_sub):
            xn = self._rk4(x, h)
            jn = self.derivative_jacobian(xn)
            a = 0.5 * (jac + jn) * h[:, :, None]
            a2 = a @ a
            phi = (np.eye(6) + a + 0.5 * a2 + (a2 @ a) / 6.0) @ phi
            x, jac = xn, jn
        return phi

    def noise(self, dt):
        return tk.process_noise(dt, self.q_m2_s3)


@dataclass(frozen=True, kw_only=True, eq=False)
class ConstantAcceleration(MotionModel):
    """(r, v, a) moving with constant acceleration, white jerk of spectral density ``q_m2_s5``."""

    q_m2_s5: float = 1.0

    ndim = 9

    def transition(self, x0, x1, dt):
        t = np.asarray(dt, dtype=float)
        f = np.broadcast_to(np.eye(9), (t.size, 9, 9)).copy()
        for i in range(3):
            f[:, i, 3 + i] = f[:, 3 + i, 6 + i] = t
            f[:, i, 6 + i] = t * t / 2.0
        return f

    def function(self, x, dt):
        return np.einsum("kij,kj->ki", self.transition(x, x, dt), x)

    def noise(self, dt):
        t = np.abs(np.asarray(dt, dtype=float))[:, None, None]
        i3 = np.eye(3)
        blocks = [[t**5 / 20, t**4 / 8, t**3 / 6], [t**4 / 8, t**3 / 3, t**2 / 2], [t**3 / 6, t**2 / 2, t]]
        return self.q_m2_s5 * np.concatenate([np.concatenate([b * i3 for b in row], axis=2) for row in blocks],
                                             axis=1)
