"""The flight kernel: many 3-DOF point-mass trajectories in one call.

Plain numbers only (SI, radians), compiled with numba, one trajectory per
lane, lanes spread over cores with ``prange``.

Frame: Earth-centred inertial (ECI) coinciding with ECEF at t = 0 and the
Earth turning at ``omega`` about +z.  Forces: gravity (point mass + J2), thrust,
and drag of the co-rotating atmosphere (USSA-1976) on the Earth-relative
velocity ``v - omega x r``.

Integrator: Dormand-Prince 5(4) with step-size control.  A step never crosses
a break point of the lane's schedule (ignitions, burnouts, thrust cut-off, the
end of the vertical rise and of the pitch-over), so the right-hand side is
smooth inside every step.  Ground impact (geodetic altitude 0 while falling)
and apogee are located inside the last step by cubic Hermite interpolation.

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

from openbmd.kernels.atmosphere import ussa76
from openbmd.kernels.geo import ecef_to_geodetic, gravity_j2

# lane scalars
(L_NSTAGE, L_TVERT, L_KICK, L_KICKDUR, L_AZ, L_BETA, L_MEND, L_AEND, L_TFINAL, L_TMAX,
 L_UPX, L_UPY, L_UPZ, L_HX, L_HY, L_HZ) = range(16)
NL = 16
# L_UP*: the launch site's geodetic up, L_H*: its horizontal unit vector toward the launch
# azimuth (both ECEF).  The vertical rise and the pitch-over steer by these fixed, Earth-fixed
# directions: the vehicle moves a few km at most meanwhile, and a heading taken from the
# current position would flip when launching from a pole.
# per-stage schedule
S_TIGN, S_TBO, S_MDOT, S_THRUST, S_MIGN, S_AREA = range(6)
NS = 6
# earth
E_A, E_E2, E_MU, E_J2, E_OMEGA, E_DRAG = range(6)
# outputs
(O_STATUS, O_TIMP, O_XIMP, O_YIMP, O_ZIMP, O_LATIMP, O_LONIMP, O_VIMP,
 O_TBO, O_HBO, O_VBO, O_GAMBO, O_LATBO, O_LONBO, O_HAPO, O_TAPO, O_NSTEP, O_TRACK) = range(18)
NO = 18
STATUS_IMPACT, STATUS_TIMEOUT, STATUS_BOOST_IMPACT = 0, 1, 2

_EPS_T = 1e-9
#: drag is applied below this height above the equatorial radius (m).  Above it
#: (geodetic height > ~200 km) USSA-1976 density is < 3e-10 kg/m^3: a 5,000 kg/m^2
#: body at 7 km/s feels < 2e-6 m/s^2, which moves an impact by well under 1 m.
AIR_TOP_M = 2.0e5


@njit(cache=True, inline="always")
def _to_ecef(t, x, y, z, om):
    c = math.cos(om * t)
    s = math.sin(om * t)
    return c * x + s * y, -s * x + c * y, z


@njit(cache=True, inline="always")
def _fast_altitude(rmag, z, a, e2):
    """Height above the ellipsoid along the radius (m): |r| minus the ellipsoid's
    radius at the point's geocentric latitude.  Differs from the geodetic height
    by < 1 m below 100 km (the deflection of the vertical is < 0.2 deg); used for
    the air density only."""
    sz = z / rmag
    b2 = a * a * (1.0 - e2)
    return rmag - a * math.sqrt(b2 / (b2 + e2 * a * a * sz * sz))


@njit(cache=True)
def _cd(mach, ln, M, C, nk):
    n = nk[ln]
    if mach <= M[ln, 0]:
        return C[ln, 0]
    for i in range(1, n):
        if mach <= M[ln, i]:
            w = (mach - M[ln, i - 1]) / (M[ln, i] - M[ln, i - 1])
            return C[ln, i - 1] + w * (C[ln, i] - C[ln, i - 1])
    return C[ln, n - 1]


@njit(cache=True)
def _phase(t, ln, lane, stage):
    """(stage index, burning?, post-boost?, steering mode) for the step starting at t."""
    ks = -1
    burning = False
    for k in range(int(lane[ln, L_NSTAGE])):
        if stage[ln, k, S_TBO] > stage[ln, k, S_TIGN] and stage[ln, k, S_TIGN] <= t + _EPS_T:
            ks = k
            burning = t + _EPS_T < stage[ln, k, S_TBO]
    post = t + _EPS_T >= lane[ln, L_TFINAL]
    # steering: 0 vertical rise, 1 pitch-over, 2 gravity turn (fixed for the whole step)
    if t + _EPS_T < lane[ln, L_TVERT]:
        steer = 0
    elif t + _EPS_T < lane[ln, L_TVERT] + lane[ln, L_KICKDUR]:
        steer = 1
    else:
        steer = 2
    return ks, burning, post, steer


@njit(cache=True)
def _next_break(t, ln, lane, stage):
    tb = lane[ln, L_TMAX]
    cands = (lane[ln, L_TVERT], lane[ln, L_TVERT] + lane[ln, L_KICKDUR], lane[ln, L_TFINAL])
    for c in cands:
        if c > t + _EPS_T and c < tb:
            tb = c
    for k in range(int(lane[ln, L_NSTAGE])):
        for c in (stage[ln, k, S_TIGN], stage[ln, k, S_TBO]):
            if c > t + _EPS_T and c < tb:
                tb = c
    return tb


@njit(cache=True)
def _accel(t, y, ln, lane, stage, M, C, nk, earth, ks, burning, post, steer):
    """Inertial acceleration (ax, ay, az) of lane ln at time t, state y."""
    a = earth[E_A]
    om = earth[E_OMEGA]
    x0, x1, x2 = y[0], y[1], y[2]
    gx, gy, gz = gravity_j2(x0, x1, x2, earth[E_MU], earth[E_J2], a)
    # Earth-relative velocity, inertial components: v - omega x r
    wx = y[3] + om * x1
    wy = y[4] - om * x0
    wz = y[5]
    rmag = math.sqrt(x0 * x0 + x1 * x1 + x2 * x2)
    in_air = earth[E_DRAG] > 0.0 and rmag - a < AIR_TOP_M
    steering_up = burning and steer < 2
    if not (in_air or steering_up):
        if burning:
            thr = stage[ln, ks, S_THRUST] / (
                stage[ln, ks, S_MIGN] - stage[ln, ks, S_MDOT] * (t - stage[ln, ks, S_TIGN]))
            vr = math.sqrt(wx * wx + wy * wy + wz * wz)
            gx += thr * wx / vr
            gy += thr * wy / vr
            gz += thr * wz / vr
        return gx, gy, gz
    h = _fast_altitude(rmag, x2, a, earth[E_E2])
    # mass and reference area
    if ks >= 0:
        if burning:
            m = stage[ln, ks, S_MIGN] - stage[ln, ks, S_MDOT] * (t - stage[ln, ks, S_TIGN])
        else:
            m = stage[ln, ks, S_MIGN] - stage[ln, ks, S_MDOT] * (stage[ln, ks, S_TBO] - stage[ln, ks, S_TIGN])
        area = stage[ln, ks, S_AREA]
    else:
        m = 1.0
        area = 0.0
    if post:
        m = lane[ln, L_MEND]
        area = lane[ln, L_AEND]
    vr = math.sqrt(wx * wx + wy * wy + wz * wz)
    if in_air and vr > 0.0:
        rho, _, _, csound = ussa76(h)
        if rho > 0.0:
            if post and lane[ln, L_BETA] > 0.0:
                k = 0.5 * rho * vr / lane[ln, L_BETA]
            elif area > 0.0:
                k = 0.5 * rho * vr * _cd(vr / csound, ln, M, C, nk) * area / m
            else:
                k = 0.0
            gx -= k * wx
            gy -= k * wy
            gz -= k * wz
    if burning:
        thr = stage[ln, ks, S_THRUST] / m
        if steering_up or vr < 1.0:
            ux, uy, uz = lane[ln, L_UPX], lane[ln, L_UPY], lane[ln, L_UPZ]
            if steer == 1:
                th = lane[ln, L_KICK] * min(1.0, (t - lane[ln, L_TVERT]) / lane[ln, L_KICKDUR])
                ct, st = math.cos(th), math.sin(th)
                ux = ct * ux + st * lane[ln, L_HX]
                uy = ct * uy + st * lane[ln, L_HY]
                uz = ct * uz + st * lane[ln, L_HZ]
            # Earth-fixed direction -> inertial
            c = math.cos(om * t)
            s = math.sin(om * t)
            gx += thr * (c * ux - s * uy)
            gy += thr * (s * ux + c * uy)
            gz += thr * uz
        else:
            gx += thr * wx / vr
            gy += thr * wy / vr
            gz += thr * wz / vr
    return gx, gy, gz


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
def _deriv(t, y, out, ln, lane, stage, M, C, nk, earth, ks, burning, post, steer):
    ax, ay, az = _accel(t, y, ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
    out[0] = y[3]
    out[1] = y[4]
    out[2] = y[5]
    out[3] = ax
    out[4] = ay
    out[5] = az


@njit(cache=True)
def _hermite(s, dt, y0, f0, y1, f1, out):
    """Cubic Hermite interpolation of position and velocity at fraction s of a step."""
    s2 = s * s
    s3 = s2 * s
    h00 = 2 * s3 - 3 * s2 + 1
    h10 = s3 - 2 * s2 + s
    h01 = -2 * s3 + 3 * s2
    h11 = s3 - s2
    for i in range(6):
        out[i] = h00 * y0[i] + h10 * dt * f0[i] + h01 * y1[i] + h11 * dt * f1[i]


@njit(cache=True)
def _geo_at(t, p, earth):
    xe, ye, ze = _to_ecef(t, p[0], p[1], p[2], earth[E_OMEGA])
    return ecef_to_geodetic(xe, ye, ze, earth[E_A], earth[E_E2])


@njit(cache=True)
def _rel_speed_angle(t, y, earth):
    """Earth-relative speed (m/s) and flight-path angle above the local (geodetic) horizontal."""
    om = earth[E_OMEGA]
    wx = y[3] + om * y[1]
    wy = y[4] - om * y[0]
    wz = y[5]
    lat, lon, h = _geo_at(t, y, earth)
    c = math.cos(om * t)
    s = math.sin(om * t)
    cl = math.cos(lat)
    ux, uy, uz = cl * math.cos(lon), cl * math.sin(lon), math.sin(lat)
    uix, uiy = c * ux - s * uy, s * ux + c * uy
    v = math.sqrt(wx * wx + wy * wy + wz * wz)
    if v <= 0.0:
        return 0.0, math.pi / 2, lat, lon, h
    sg = (wx * uix + wy * uiy + wz * uz) / v
    return v, math.asin(min(1.0, max(-1.0, sg))), lat, lon, h


@njit(cache=True, inline="always")
def _central_angle(ax, ay, az, bx, by, bz):
    cx = ay * bz - az * by
    cy = az * bx - ax * bz
    cz = ax * by - ay * bx
    return math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz)


@njit(cache=True)
def _record_burnout(t, y, out, ln, earth):
    v, gam, lat, lon, h = _rel_speed_angle(t, y, earth)
    out[ln, O_TBO] = t
    out[ln, O_HBO] = h
    out[ln, O_VBO] = v
    out[ln, O_GAMBO] = gam
    out[ln, O_LATBO] = lat
    out[ln, O_LONBO] = lon


@njit(cache=True)
def _refine_apogee(t0, dt, y0, f0, y1, f1, earth, tmp):
    """Golden-section search of the geodetic-altitude maximum inside one step."""
    g = 0.6180339887498949
    lo, hi = 0.0, 1.0
    for _ in range(32):
        m1 = hi - g * (hi - lo)
        m2 = lo + g * (hi - lo)
        _hermite(m1, dt, y0, f0, y1, f1, tmp)
        h1 = _geo_at(t0 + m1 * dt, tmp, earth)[2]
        _hermite(m2, dt, y0, f0, y1, f1, tmp)
        h2 = _geo_at(t0 + m2 * dt, tmp, earth)[2]
        if h1 < h2:
            lo = m1
        else:
            hi = m2
    s = 0.5 * (lo + hi)
    _hermite(s, dt, y0, f0, y1, f1, tmp)
    return t0 + s * dt, _geo_at(t0 + s * dt, tmp, earth)[2]


@njit(cache=True)
def _locate_impact(t0, dt, y0, f0, y1, f1, earth, tmp):
    """Bisection for geodetic altitude 0 inside one step (h(t0) >= 0 > h(t0+dt))."""
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        _hermite(mid, dt, y0, f0, y1, f1, tmp)
        if _geo_at(t0 + mid * dt, tmp, earth)[2] >= 0.0:
            lo = mid
        else:
            hi = mid
    s = 0.5 * (lo + hi)
    _hermite(s, dt, y0, f0, y1, f1, tmp)
    return t0 + s * dt


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
