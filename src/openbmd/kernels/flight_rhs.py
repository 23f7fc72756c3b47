"""The flight kernel's equations of motion: the lane layout, the stage schedule, and the forces.

Plain numbers only (SI, radians), compiled with numba; :mod:`openbmd.kernels.flight`
integrates them.  Frame: Earth-centred inertial (ECI) coinciding with ECEF at t = 0 and
the Earth turning at ``omega`` about +z.  Forces: gravity (point mass + J2), thrust, and
drag of the co-rotating atmosphere (USSA-1976) on the Earth-relative velocity
``v - omega x r``.  The array layouts (``lane``, ``stage``, ``earth``, ``out``) are
described in :mod:`openbmd.kernels.flight`; their column indices are defined here.
"""
from __future__ import annotations

import math

from numba import njit

from openbmd.kernels.atmosphere import ussa76
from openbmd.kernels.geo import gravity_j2

# lane scalars
(L_NSTAGE, L_TVERT, L_KICK, L_KICKDUR, L_AZ, L_BETA, L_MEND, L_AEND, L_TFINAL, L_TMAX,
 L_UPX, L_UPY, L_UPZ, L_HX, L_HY, L_HZ, L_HOLD) = range(17)
NL = 17
# L_UP*: the launch site's geodetic up, L_H*: its horizontal unit vector toward the launch
# azimuth (both ECEF).  The vertical rise and the pitch-over steer by these fixed, Earth-fixed
# directions: the vehicle moves a few km at most meanwhile, and a heading taken from the
# current position would flip when launching from a pole.
# L_HOLD: how long (s) the thrust stays along the pitch-over's final direction before the
# gravity turn (0: none, inf: to burnout).  The attitude is held fixed in INERTIAL space (the
# direction at the end of the pitch-over, Earth-fixed then): what an inertial platform keeps
# with no command, and the limit of the vacuum-optimal linear-tangent law for a short burn.
# Holding it Earth-fixed instead would turn it with the Earth, by omega t = 0.5 deg over a
# 120 s hold (GBI's, a 40 s pitch-over in a 160 s burn).
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
    # steering: 0 vertical rise, 1 pitch-over, 3 attitude hold, 2 gravity turn (fixed for the
    # whole step)
    t_kick_end = lane[ln, L_TVERT] + lane[ln, L_KICKDUR]
    if t + _EPS_T < lane[ln, L_TVERT]:
        steer = 0
    elif t + _EPS_T < t_kick_end:
        steer = 1
    elif t + _EPS_T < t_kick_end + lane[ln, L_HOLD]:
        steer = 3
    else:
        steer = 2
    return ks, burning, post, steer


@njit(cache=True)
def _next_break(t, ln, lane, stage):
    tb = lane[ln, L_TMAX]
    t_kick_end = lane[ln, L_TVERT] + lane[ln, L_KICKDUR]
    cands = (lane[ln, L_TVERT], t_kick_end, t_kick_end + lane[ln, L_HOLD], lane[ln, L_TFINAL])
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
    steering_up = burning and steer != 2  # thrust not along the velocity
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
            t_dir = t  # the time whose Earth-fixed frame the direction is given in
            if steer == 1 or steer == 3:
                if steer == 1:
                    th = lane[ln, L_KICK] * min(1.0, (t - lane[ln, L_TVERT]) / lane[ln, L_KICKDUR])
                else:  # held in inertial space: the final pitch-over direction at its end
                    th = lane[ln, L_KICK]
                    t_dir = lane[ln, L_TVERT] + lane[ln, L_KICKDUR]
                ct, st = math.cos(th), math.sin(th)
                ux = ct * ux + st * lane[ln, L_HX]
                uy = ct * uy + st * lane[ln, L_HY]
                uz = ct * uz + st * lane[ln, L_HZ]
            # Earth-fixed direction -> inertial
            c = math.cos(om * t_dir)
            s = math.sin(om * t_dir)
            gx += thr * (c * ux - s * uy)
            gy += thr * (s * ux + c * uy)
            gz += thr * uz
        else:
            gx += thr * wx / vr
            gy += thr * wy / vr
            gz += thr * wz / vr
    return gx, gy, gz


@njit(cache=True)
def _deriv(t, y, out, ln, lane, stage, M, C, nk, earth, ks, burning, post, steer):
    ax, ay, az = _accel(t, y, ln, lane, stage, M, C, nk, earth, ks, burning, post, steer)
    out[0] = y[3]
    out[1] = y[4]
    out[2] = y[5]
    out[3] = ax
    out[4] = ay
    out[5] = az
