"""The batched filter's arithmetic: K tracks at once on plain numpy arrays, SI.

State ``x`` (K, 6): ECEF position r (m) and Earth-relative velocity v (m/s),
covariance ``P`` (K, 6, 6).  Motion in the rotating frame (no thrust, no drag):

    dr/dt = v,   dv/dt = g(r) - 2 w x v - w x (w x r),   w = (0, 0, omega)

with g the point-mass + J2 gravity of :func:`openbmd.earth.gravity.gravity_m_s2`
(axisymmetric, so valid in ECEF), the Coriolis and the centrifugal terms.
Measurements are (range, azimuth, elevation) from a site, as in
:class:`openbmd.sensors.measurements.Detections`.  Nothing here checks input:
the friendly API in :mod:`openbmd.sensors.tracking` does.
"""
from __future__ import annotations

import math

import numba
import numpy as np

from openbmd.earth.gravity import gravity_m_s2
from openbmd.earth.model import EarthModel
from openbmd.kernels.geo import gravity_j2

#: longest Runge-Kutta step of the state prediction (s); RK4 local error at 10 s on a
#: ~1.1e-3 rad/s orbital rate is ~(10 * 1.1e-3)^5 * 6.4e6 m ~ 1e-3 m
MAX_STEP_S = 10.0


def accel(r: np.ndarray, v: np.ndarray, earth: EarthModel) -> np.ndarray:
    """Acceleration (K, 3) in the rotating Earth-fixed frame (gravity, Coriolis, centrifugal)."""
    w = earth.omega_rad_s
    a = gravity_m_s2(r, earth)
    a[:, 0] += 2.0 * w * v[:, 1] + w * w * r[:, 0]
    a[:, 1] += -2.0 * w * v[:, 0] + w * w * r[:, 1]
    return a


def propagate(x: np.ndarray, dt: np.ndarray, earth: EarthModel) -> np.ndarray:
    """States (K, 6) moved by ``dt`` (K,) seconds: classical RK4, equal sub-steps per track."""
    n_sub = max(1, int(np.ceil(np.max(np.abs(dt)) / MAX_STEP_S))) if dt.size else 1
    h = (dt / n_sub)[:, None]
    r, v = x[:, :3].copy(), x[:, 3:].copy()
    for _ in range(n_sub):
        a1 = accel(r, v, earth)
        r2, v2 = r + 0.5 * h * v, v + 0.5 * h * a1
        a2 = accel(r2, v2, earth)
        r3, v3 = r + 0.5 * h * v2, v + 0.5 * h * a2
        a3 = accel(r3, v3, earth)
        r4, v4 = r + h * v3, v + h * a3
        a4 = accel(r4, v4, earth)
        r = r + h / 6.0 * (v + 2.0 * v2 + 2.0 * v3 + v4)
        v = v + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
    return np.concatenate([r, v], axis=1)


def jacobian(r: np.ndarray, earth: EarthModel) -> np.ndarray:
    """d(dx/dt)/dx (K, 6, 6): point-mass gravity gradient mu/r^3 (3 uu^T - I) (J2 adds
    ~1e-3 of it, left out), centrifugal diag(w^2, w^2, 0), Coriolis on the velocity."""
    k = r.shape[0]
    w = earth.omega_rad_s
    rn = np.linalg.norm(r, axis=1)
    u = r / rn[:, None]
    gg = (earth.mu_m3_s2 / rn**3)[:, None, None] * (3.0 * u[:, :, None] * u[:, None, :] - np.eye(3))
    a = np.zeros((k, 6, 6))
    a[:, :3, 3:] = np.eye(3)
    a[:, 3:, :3] = gg + np.diag([w * w, w * w, 0.0])
    a[:, 3, 4], a[:, 4, 3] = 2.0 * w, -2.0 * w
    return a


def transition(x0: np.ndarray, x1: np.ndarray, dt: np.ndarray, earth: EarthModel) -> np.ndarray:
    """State transition matrix (K, 6, 6) over ``dt``: third-order series of exp(A dt) with
    A taken at the mean of the start and end positions (A dt stays below ~1e-2 per step)."""
    a = 0.5 * (jacobian(x0[:, :3], earth) + jacobian(x1[:, :3], earth)) * dt[:, None, None]
    a2 = a @ a
    return np.eye(6) + a + 0.5 * a2 + (a2 @ a) / 6.0


def process_noise(dt: np.ndarray, q_m2_s3: float) -> np.ndarray:
    """Q (K, 6, 6) of white acceleration noise of spectral density q on each axis
    (Bar-Shalom, Li & Kirubarajan 2001, sec. 6.2.2: the continuous white-noise model)."""
    t = np.abs(dt)[:, None, None]
    i3 = np.eye(3)
    top = np.concatenate([t**3 / 3.0 * i3, t**2 / 2.0 * i3], axis=2)
    bot = np.concatenate([t**2 / 2.0 * i3, t * i3], axis=2)
    return q_m2_s3 * np.concatenate([top, bot], axis=1)


def predict(x, p, dt, q_m2_s3: float, earth: EarthModel):
    """(x, P) moved by ``dt`` (K,): RK4 for the state, F P F^T + Q for the covariance."""
    x1 = propagate(x, dt, earth)
    f = transition(x, x1, dt, earth)
    return x1, f @ p @ np.swapaxes(f, 1, 2) + process_noise(dt, q_m2_s3)


def measure(r: np.ndarray, site_m: np.ndarray, rot: np.ndarray):
    """Predicted (range, az, el) (K, 3) and its Jacobian d(rae)/dr (K, 3, 3).

    ``rot`` (K, 3, 3) has rows east, north, up of the site in ECEF components."""
    d = np.einsum("kij,kj->ki", rot, r - site_m)
    e, n, u = d[:, 0], d[:, 1], d[:, 2]
    h2 = e * e + n * n
    h = np.sqrt(h2)
    rho = np.sqrt(h2 + u * u)
    z = np.stack([rho, np.arctan2(e, n), np.arctan2(u, h)], axis=1)
    jd = np.empty((r.shape[0], 3, 3))
    jd[:, 0] = d / rho[:, None]
    jd[:, 1] = np.stack([n, -e, np.zeros_like(e)], axis=1) / h2[:, None]
    jd[:, 2] = np.stack([-e * u, -n * u, h2], axis=1) / (rho * rho * h)[:, None]
    return z, jd @ rot


def update(x, p, z, site_m, rot, sigma):
    """Extended Kalman update with (range, az, el) measurements ``z`` (K, 3) of
    one-sigma noise ``sigma`` (K, 3); Joseph form for the covariance."""
    zp, hr = measure(x[:, :3], site_m, rot)
    k = x.shape[0]
    h = np.zeros((k, 3, 6))
    h[:, :, :3] = hr
    y = z - zp
    y[:, 1] = (y[:, 1] + np.pi) % (2.0 * np.pi) - np.pi       # azimuth innovation in [-pi, pi)
    ph = p @ np.swapaxes(h, 1, 2)                              # (K, 6, 3)
    s = h @ ph
    s[:, [0, 1, 2], [0, 1, 2]] += sigma**2
    gain = np.swapaxes(np.linalg.solve(s, np.swapaxes(ph, 1, 2)), 1, 2)   # P H^T S^-1 (S symmetric)
    x1 = x + np.einsum("kij,kj->ki", gain, y)
    ikh = np.eye(6) - gain @ h
    kr = gain * sigma[:, None, :] ** 2
    p1 = ikh @ p @ np.swapaxes(ikh, 1, 2) + kr @ np.swapaxes(gain, 1, 2)
    return x1, 0.5 * (p1 + np.swapaxes(p1, 1, 2))


def converted(z: np.ndarray, site_m: np.ndarray, rot: np.ndarray, sigma: np.ndarray):
    """(range, az, el) measurements (..., 3) to ECEF positions (..., 3) and their
    first-order covariance (..., 3, 3) = R^T J diag(sigma^2) J^T R."""
    rho, az, el = z[..., 0], z[..., 1], z[..., 2]
    ce, se, ca, sa = np.cos(el), np.sin(el), np.cos(az), np.sin(az)
    d = np.stack([rho * ce * sa, rho * ce * ca, rho * se], axis=-1)
    j = np.stack([np.stack([ce * sa, rho * ce * ca, -rho * se * sa], axis=-1),
                  np.stack([ce * ca, -rho * ce * sa, -rho * se * ca], axis=-1),
                  np.stack([se, np.zeros_like(se), rho * ce], axis=-1)], axis=-2)
    je = np.swapaxes(rot, -1, -2) @ j                           # d(ECEF)/d(rho, az, el)
    pos = site_m + np.einsum("...ji,...j->...i", rot, d)
    return pos, (je * sigma[..., None, :] ** 2) @ np.swapaxes(je, -1, -2)


def initiate(t, z, site_m, rot, sigma, earth: EarthModel):
    """Weighted least-squares state (K, 6) and covariance at the last of the first n
    detections (K, n, ...), each converted position weighted by its inverse covariance.

    Start: p_i = r + v tau_i (tau_i = t_i - t_n <= 0); then two Gauss-Newton steps on
    the ballistic motion itself, p_i = position of the state propagated by tau_i, with
    the state transition matrix as the Jacobian."""
    pos, cov = converted(z, site_m, rot, sigma)
    w = np.linalg.inv(cov)                                     # (K, n, 3, 3)
    tau = t - t[:, -1:]
    k, n = t.shape
    x = np.concatenate([pos[:, -1], (pos[:, -1] - pos[:, 0]) / (t[:, -1] - t[:, 0])[:, None]], axis=1)
    hh = np.zeros((k, n, 3, 6))
    hh[..., :3] = np.eye(3)
    hh[..., 3:] = tau[..., None, None] * np.eye(3)
    pred = x[:, None, :3] + tau[..., None] * x[:, None, 3:]
    for it in range(3):
        info = np.einsum("knji,knjl,knlm->kim", hh, w, hh)
        b = np.einsum("knji,knjl,knl->ki", hh, w, pos - pred)
        p = np.linalg.inv(info)
        x = x + np.einsum("kij,kj->ki", p, b)
        if it == 2:
            break
        for i in range(n - 1):
            xi = propagate(x, tau[:, i], earth)
            hh[:, i] = transition(x, xi, tau[:, i], earth)[:, :3, :]
            pred[:, i] = xi[:, :3]
        pred[:, -1], hh[:, -1] = x[:, :3], np.eye(6)[:3]
    return x, 0.5 * (p + np.swapaxes(p, 1, 2))


# ------------------------------------------------------------ compiled filter loop
# The same arithmetic as predict() and update() above, fused per track, one track per
# prange iteration: the hot loop of track_many.  Earth as (mu, j2, a, omega).

@numba.njit(cache=True)
def _acc(r, v, out, mu, j2, a, w):
    gx, gy, gz = gravity_j2(r[0], r[1], r[2], mu, j2, a)
    out[0] = gx + 2.0 * w * v[1] + w * w * r[0]
    out[1] = gy - 2.0 * w * v[0] + w * w * r[1]
    out[2] = gz


@numba.njit(cache=True)
def _rk4(x, dt, mu, j2, a, w):
    """x (6,) moved by dt in place: RK4, equal sub-steps of at most MAX_STEP_S."""
    n = max(1, int(math.ceil(abs(dt) / MAX_STEP_S)))
    h = dt / n
    r, v = x[:3].copy(), x[3:].copy()
    rs, vs = np.empty((4, 3)), np.empty((4, 3))
    acc = np.empty((4, 3))
    cr = (0.0, 0.5, 0.5, 1.0)
    for _ in range(n):
        for s in range(4):
            for i in range(3):
                rs[s, i] = r[i] + (cr[s] * h * vs[s - 1, i] if s > 0 else 0.0)
                vs[s, i] = v[i] + (cr[s] * h * acc[s - 1, i] if s > 0 else 0.0)
            _acc(rs[s], vs[s], acc[s], mu, j2, a, w)
        for i in range(3):
            r[i] += h / 6.0 * (vs[0, i] + 2.0 * vs[1, i] + 2.0 * vs[2, i] + vs[3, i])
            v[i] += h / 6.0 * (acc[0, i] + 2.0 * acc[1, i] + 2.0 * acc[2, i] + acc[3, i])
    x[:3] = r
    x[3:] = v


@numba.njit(cache=True)
def _jac_into(r, scale, out, mu, w):
    """out += scale * d(dx/dt)/dx at position r (as jacobian())."""
    rn = math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2])
    c = mu / rn**3
    for i in range(3):
        out[i, 3 + i] += scale
        for j in range(3):
            out[3 + i, j] += scale * c * (3.0 * r[i] * r[j] / (rn * rn) - (1.0 if i == j else 0.0))
    out[3, 0] += scale * w * w
    out[4, 1] += scale * w * w
    out[3, 4] += scale * 2.0 * w
    out[4, 3] -= scale * 2.0 * w


@numba.njit(cache=True)
def _mm(a, b):
    n, m, p = a.shape[0], a.shape[1], b.shape[1]
    out = np.zeros((n, p))
    for i in range(n):
        for k in range(m):
            aik = a[i, k]
            for j in range(p):
                out[i, j] += aik * b[k, j]
    return out


@numba.njit(cache=True)
def _mmt(a, b):
    """a @ b.T without a transposed copy."""
    n, m, p = a.shape[0], a.shape[1], b.shape[0]
    out = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            acc = 0.0
            for k in range(m):
                acc += a[i, k] * b[j, k]
            out[i, j] = acc
    return out


@numba.njit(cache=True)
def _predict1(x, p, dt, q, mu, j2, a, w):
    """One track's (x, P) moved by dt in place (as predict())."""
    x0 = x.copy()
    _rk4(x, dt, mu, j2, a, w)
    am = np.zeros((6, 6))
    _jac_into(x0[:3], 0.5 * dt, am, mu, w)
    _jac_into(x[:3], 0.5 * dt, am, mu, w)
    a2 = _mm(am, am)
    f = np.eye(6) + am + 0.5 * a2 + _mm(a2, am) / 6.0
    p[:] = _mmt(_mm(f, p), f)
    t = abs(dt)
    for i in range(3):
        p[i, i] += q * t**3 / 3.0
        p[i, 3 + i] += q * t**2 / 2.0
        p[3 + i, i] += q * t**2 / 2.0
        p[3 + i, 3 + i] += q * t


@numba.njit(cache=True)
def _update1(x, p, z, site, rot, sig):
    """One track's extended Kalman update in place (as update())."""
    d = np.zeros(3)
    for i in range(3):
        for j in range(3):
            d[i] += rot[i, j] * (x[j] - site[j])
    e, n, u = d[0], d[1], d[2]
    h2 = e * e + n * n
    hh = math.sqrt(h2)
    rho = math.sqrt(h2 + u * u)
    jd = np.array([[e / rho, n / rho, u / rho], [n / h2, -e / h2, 0.0],
                   [-e * u / (rho * rho * hh), -n * u / (rho * rho * hh), hh / (rho * rho)]])
    hr = _mm(jd, rot)
    y = np.array([z[0] - rho, z[1] - math.atan2(e, n), z[2] - math.atan2(u, hh)])
    y[1] = (y[1] + math.pi) % (2.0 * math.pi) - math.pi
    ph = _mmt(p[:, :3], hr)                                    # (6, 3)
    s = _mm(hr, ph[:3])
    for i in range(3):
        s[i, i] += sig[i] * sig[i]
    gain = _mm(ph, np.linalg.inv(s))
    for i in range(6):
        for j in range(3):
            x[i] += gain[i, j] * y[j]
    ikh = np.eye(6)
    ikh[:, :3] -= _mm(gain, hr)
    kr = gain.copy()
    for j in range(3):
        kr[:, j] *= sig[j] * sig[j]
    p1 = _mmt(_mm(ikh, p), ikh) + _mmt(kr, gain)
    p[:] = 0.5 * (p1 + p1.T)


@numba.njit(cache=True, parallel=True)
def filter_loop(t, z, sig, site, rot, n_det, n0, x0, p0, q, mu, j2, a, w, xs, ps):
    """Run K tracks from their started (x0, P0) at detection n0 - 1 through their
    n_det[k] detections: (K, n_max, ...) inputs, rows written to xs (K, R, 6), ps (K, R, 6, 6)."""
    for k in numba.prange(t.shape[0]):
        x, p = x0[k].copy(), p0[k].copy()
        xs[k, 0], ps[k, 0] = x, p
        for j in range(n0, n_det[k]):
            _predict1(x, p, t[k, j] - t[k, j - 1], q, mu, j2, a, w)
            _update1(x, p, z[k, j], site[k, j], rot[k, j], sig[k, j])
            xs[k, j - n0 + 1], ps[k, j - n0 + 1] = x, p
