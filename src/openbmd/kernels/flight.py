"""The flight kernel: many 3-DOF point-mass trajectories in one call.

Plain numbers only (SI, radians), compiled with numba, one trajectory per
lane, lanes spread over cores with ``prange``.

Frame: Earth-centred inertial (ECI) coinciding with ECEF at t = 0 and the
Earth turning at ``omega`` about +z.  Forces: gravity (point mass + J2), thrust,
and drag of the co-rotating atmosphere (USSA-1976) on the Earth-relative
velocity ``v - omega x r``.

Integrator: Dormand-Prince 5(4) with step-size control.  A step never crosses
a break point of the lane's schedule (ignitions, burnouts, thrust cut-off, the
end of the vertical rise, of the pitch-over and of the attitude hold), so the right-hand side is
smooth inside every step.  Ground impact (geodetic altitude 0 while falling)
and apogee are located inside the last step by cubic Hermite interpolation.

Three modules by role: the equations of motion and the array layout
(:mod:`~openbmd.kernels.flight_rhs`), the events inside a step
(:mod:`~openbmd.kernels.flight_events`), and here the integrator and the batch.
The layout's indices are re-exported here, so ``kernels.flight`` stays the one
name the flight layer uses.

Per-lane layout
---------------
``lane[n, NL]``    scalars (see the L_* indices)
``stage[n, S, NS]`` per-stage schedule (see the S_* indices)
``mach[n, K]``, ``cd[n, K]``, ``nk[n]``  drag table (Cd vs Mach, linear)
``y0[n, 6]``       initial inertial position (m) and velocity (m/s)
``earth[6]``       a, e2, mu, j2, omega, drag flag
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from openbmd.kernels.flight_events import (_central_angle, _geo_at, _locate_impact, _record_burnout,
                                           _refine_apogee, _rel_speed_angle)
from openbmd.kernels.flight_rhs import (  # noqa: F401  (the layout is part of this module's API)
    AIR_TOP_M, E_A, E_DRAG, E_E2, E_J2, E_MU, E_OMEGA, L_AEND, L_AZ, L_BETA, L_HOLD, L_HX, L_HY, L_HZ, L_KICK,
    L_KICKDUR, L_MEND, L_NSTAGE, L_TFINAL, L_TMAX, L_TVERT, L_UPX, L_UPY, L_UPZ, NL, NO, NS, O_GAMBO, O_HAPO, O_HBO, O_LATBO,
    O_LATIMP, O_LONBO, O_LONIMP, O_NSTEP, O_STATUS, O_TAPO, O_TBO, O_TIMP, O_TRACK, O_VBO, O_VIMP, O_XIMP,
    O_YIMP, O_ZIMP, S_AREA, S_MDOT, S_MIGN, S_TBO, S_THRUST, S_TIGN, STATUS_BOOST_IMPACT, STATUS_IMPACT,
    STATUS_TIMEOUT, _EPS_T, _accel, _cd, _deriv, _fast_altitude, _next_break, _phase, _to_ecef)


# Dormand-Prince 5(4) tableau (Dormand & Prince 1980, J. Comp. Appl. Math. 6:19).
_A21 = 1.0 / 5.0
_A31, _A32 = 3.0 / 40.0, 9.0 / 40.0
_A41, _A42, _A43 = 44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0
_A51, _A52, _A53, _A54 = 19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0
_A61, _A62, _A63, _A64, _A65 = (9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0,
                                -5103.0 / 18656.0)
_B1, _B3, _B4, _B5, _B6 = 35.0 / 384.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0
_E1, _E3, _E4, _E5, _E6, _E7 = (71.0 / 57600.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0,
                                22.0 / 525.0, -1.0 / 40.0)
_C = (0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0, 1.0)


@njit(cache=True)
def _err_norm(y, yn, e, dt, rtol, atol_p, atol_v):
    acc = 0.0
    for i in range(6):
        atol = atol_p if i < 3 else atol_v
        sc = atol + rtol * max(abs(y[i]), abs(yn[i]))
        q = dt * e[i] / sc
        acc += q * q
    return math.sqrt(acc / 6.0)


@njit(cache=True)
def _fly_lane(ln, y0, lane, stage, M, C, nk, earth, tol, out, hist, hist_n):
    rtol, atol_p, atol_v, dt_max = tol[0], tol[1], tol[2], tol[3]
    y = y0[ln].copy()
    yn = np.empty(6)
    ys = np.empty(6)
    tmp = np.empty(6)
    K = np.empty((7, 6))
    e = np.empty(6)
    t = 0.0
    ks, burning, post, steer = _phase(t, ln, lane, stage)
    _deriv(t, y, K[0], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
    if post:
        _record_burnout(t, y, out, ln, earth)
    h_apo = _geo_at(t, y, earth)[2]
    t_apo = 0.0
    dt = min(0.5, dt_max)
    nstep = 0
    nrec = 0
    cap = hist.shape[1]
    if cap > 0:
        hist[ln, 0, 0] = t
        hist[ln, 0, 1:] = y
        nrec = 1
    status = STATUS_TIMEOUT
    tmax = lane[ln, L_TMAX]
    # ground-track angle travelled (rad, Earth-fixed): tells a flight past the antipode
    # from a short one, which the shortest surface distance cannot
    track = 0.0
    px, py, pz = y[0], y[1], y[2]
    while t < tmax and nstep < 1000000:
        tb = _next_break(t, ln, lane, stage)
        hit = False
        h = min(dt, dt_max)
        if t + h >= tb - _EPS_T:
            h = tb - t
            hit = True
        for i in range(6):
            ys[i] = y[i] + h * _A21 * K[0, i]
        _deriv(t + _C[1] * h, ys, K[1], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
        for i in range(6):
            ys[i] = y[i] + h * (_A31 * K[0, i] + _A32 * K[1, i])
        _deriv(t + _C[2] * h, ys, K[2], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
        for i in range(6):
            ys[i] = y[i] + h * (_A41 * K[0, i] + _A42 * K[1, i] + _A43 * K[2, i])
        _deriv(t + _C[3] * h, ys, K[3], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
        for i in range(6):
            ys[i] = y[i] + h * (_A51 * K[0, i] + _A52 * K[1, i] + _A53 * K[2, i] + _A54 * K[3, i])
        _deriv(t + _C[4] * h, ys, K[4], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
        for i in range(6):
            ys[i] = y[i] + h * (_A61 * K[0, i] + _A62 * K[1, i] + _A63 * K[2, i] + _A64 * K[3, i]
                                + _A65 * K[4, i])
        _deriv(t + h, ys, K[5], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
        for i in range(6):
            yn[i] = y[i] + h * (_B1 * K[0, i] + _B3 * K[2, i] + _B4 * K[3, i] + _B5 * K[4, i]
                                + _B6 * K[5, i])
        _deriv(t + h, yn, K[6], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
        for i in range(6):
            e[i] = (_E1 * K[0, i] + _E3 * K[2, i] + _E4 * K[3, i] + _E5 * K[4, i] + _E6 * K[5, i]
                    + _E7 * K[6, i])
        err = _err_norm(y, yn, e, h, rtol, atol_p, atol_v)
        if err > 1.0:
            dt = h * max(0.2, 0.9 * err ** -0.2)
            continue
        nstep += 1
        tn = t + h
        # ground impact inside this step?
        rn = math.sqrt(yn[0] ** 2 + yn[1] ** 2 + yn[2] ** 2)
        falling = yn[0] * yn[3] + yn[1] * yn[4] + yn[2] * yn[5] < 0.0
        if falling and rn - earth[E_A] < 1.0e5:
            if _geo_at(tn, yn, earth)[2] < 0.0:
                ti = _locate_impact(t, h, y, K[0], yn, K[6], earth, tmp)
                xe, ye, ze = _to_ecef(ti, tmp[0], tmp[1], tmp[2], earth[E_OMEGA])
                track += _central_angle(px, py, pz, xe, ye, ze)
                v, _, lat, lon, _ = _rel_speed_angle(ti, tmp, earth)
                out[ln, O_TIMP] = ti
                out[ln, O_XIMP] = xe
                out[ln, O_YIMP] = ye
                out[ln, O_ZIMP] = ze
                out[ln, O_LATIMP] = lat
                out[ln, O_LONIMP] = lon
                out[ln, O_VIMP] = v
                status = STATUS_IMPACT if post else STATUS_BOOST_IMPACT
                if cap > 0 and nrec < cap:
                    hist[ln, nrec, 0] = ti
                    hist[ln, nrec, 1:] = tmp
                    nrec += 1
                break
        # apogee: radial velocity changes sign from + to -
        rv0 = y[0] * y[3] + y[1] * y[4] + y[2] * y[5]
        if rv0 > 0.0 and falling:
            ta, ha = _refine_apogee(t, h, y, K[0], yn, K[6], earth, tmp)
            if ha > h_apo:
                h_apo, t_apo = ha, ta
        else:
            hn = _geo_at(tn, yn, earth)[2]
            if hn > h_apo:
                h_apo, t_apo = hn, tn
        y[:] = yn
        t = tn
        xe, ye, ze = _to_ecef(t, y[0], y[1], y[2], earth[E_OMEGA])
        track += _central_angle(px, py, pz, xe, ye, ze)
        px, py, pz = xe, ye, ze
        if cap > 0 and nrec < cap:
            hist[ln, nrec, 0] = t
            hist[ln, nrec, 1:] = y
            nrec += 1
        grow = h * min(5.0, max(0.2, 0.9 * max(err, 1e-10) ** -0.2))
        # a step cut short at a break point says nothing about the step size
        dt = max(dt, grow) if hit else grow
        if hit:
            was_post = post
            ks, burning, post, steer = _phase(t, ln, lane, stage)
            if post and not was_post:
                _record_burnout(t, y, out, ln, earth)
            _deriv(t, y, K[0], ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
        else:
            K[0, :] = K[6]
    out[ln, O_STATUS] = status
    out[ln, O_HAPO] = h_apo
    out[ln, O_TAPO] = t_apo
    out[ln, O_NSTEP] = nstep
    out[ln, O_TRACK] = track
    hist_n[ln] = nrec


@njit(cache=True, parallel=True)
def fly_batch(y0, lane, stage, M, C, nk, earth, tol, out, hist, hist_n):
    """Fly every lane; results go to ``out[n, NO]`` (and ``hist`` when it has room)."""
    n = y0.shape[0]
    for ln in prange(n):
        _fly_lane(ln, y0, lane, stage, M, C, nk, earth, tol, out, hist, hist_n)
