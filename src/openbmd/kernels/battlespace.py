"""Battle-space kernel (numba): every (threat, battery) pair solved in one compiled pass.

The same arithmetic, in the same order, as the numpy reference
:func:`openbmd.engagement.battlespace._solve_block_numpy` with a fly-out table
(:class:`openbmd.interceptors.flyout.FlyoutTable`, looked up as in
:func:`openbmd.kernels.lookup.lookup_azimuth`), but one pair at a time and
without the (pairs x samples) temporaries:

- pass 1 walks the samples of a pair and keeps only what decides the answer:
  the first and last feasible samples and the flags that name the reason when
  there is none.  A sample after impact (NaN altitude) or beyond the kill
  vehicle's range cannot be feasible nor count for any reason, so nothing else
  is computed there;
- pass 2 recomputes the full sample state (fly-out time and speed, slack,
  closing speed, crossing angle) at the few samples the answer interpolates
  between, with the same function as pass 1, so its values are the ones the
  reference would hold in its arrays.

Inputs are plain float arrays in the reference's units (km, s, deg, m); the
per-pair site terms (cos/sin of the site latitude, its longitude in degrees,
its geodetic vertical, the local mean radius in km, the site's ECEF position
and its squared norm) are computed by the caller with numpy, as the
reference does.  ``code`` gets -1 for an engageable pair, else the index of
the reason in :data:`openbmd.engagement.battlespace.REASONS`; ``out`` (P, 14)
the earliest then the latest: time, launch time, altitude, lat, lon, closing
speed (km/s), crossing angle (deg); NaN where not engageable.
"""
from __future__ import annotations

import math

import numba
import numpy as np

from openbmd.kernels.lookup import _bil

DEG = math.pi / 180.0  #: numpy's radians(): x * (pi / 180)
RAD = 180.0 / math.pi  #: numpy's degrees(): x * (180 / pi)

#: indices in REASONS (openbmd.engagement.battlespace)
NEVER, OUT_OF_REACH, BELOW, ABOVE, TOO_LATE, CLOSING, NO_FC, CLOSING_HIGH = 0, 1, 2, 3, 4, 5, 6, 7
N_OUT = 14


@numba.njit(cache=True, inline="always")
def _clip1(x):
    """np.clip(x, -1, 1) (NaN stays NaN)."""
    if x < -1.0:
        return -1.0
    if x > 1.0:
        return 1.0
    return x


# Arrays go to the per-pair functions as plain arguments; the per-pair site and the limits go
# as tuples of floats (tuples of arrays would cost reference counting on every sample).
# sp (the pair): cos lat, sin lat, lon deg, vertical x, y, z, mean radius km, ECEF x, y, z m, |S|^2,
#     earliest launch s, fly-out time scale;
# tg (the table grid): range0, range step, alt0, alt step, azimuth0, azimuth step, then the
#     table's min alt, max alt, max range (km);
# lim (the kill vehicle): min alt km, max alt km, max range km, min closing km/s, max closing km/s.


@numba.njit(cache=True, inline="always", error_model="numpy")
def _range_km(g_up, q, n, sp):
    """Ground range from the site: angle between the geodetic verticals x local mean radius."""
    c = g_up[q, n, 0] * sp[3] + g_up[q, n, 1] * sp[4] + g_up[q, n, 2] * sp[5]
    return math.acos(_clip1(c)) * sp[6]


@numba.njit(cache=True, inline="always", error_model="numpy")
def _azimuth_deg(lat_deg, lon_deg, sp):
    """Initial bearing (sphere) from the site to the point, in [0, 360); 0 for NaN (np.nan_to_num)."""
    dlon = (lon_deg - sp[2]) * DEG
    la2 = lat_deg * DEG
    c2 = math.cos(la2)
    az = (math.atan2(math.sin(dlon) * c2, sp[0] * math.sin(la2) - sp[1] * c2 * math.cos(dlon)) * RAD) % 360.0
    if az != az:
        return 0.0
    return az


@numba.njit(cache=True, inline="always", error_model="numpy")
def _tau_speed(g_lat, g_lon, g_alt, q, n, rng, sp, t_tab, s_tab, tg):
    """FlyoutTable.lookup (with its limits) toward the point, times the pair's time scale:
    (time s, speed m/s), NaN where unreachable.  The bearing is computed only inside the grid."""
    A, R, H = t_tab.shape
    h = g_alt[q, n]
    fx = (rng - tg[0]) / tg[1]
    fy = (h - tg[2]) / tg[3]
    if not (fx >= 0.0 and fx <= R - 1 and fy >= 0.0 and fy <= H - 1):
        return np.nan, np.nan
    if h < tg[6] or h > tg[7] or rng > tg[8]:
        return np.nan, np.nan
    az = _azimuth_deg(g_lat[q, n], g_lon[q, n], sp)
    i = min(int(math.floor(fx)), R - 2)
    j = min(int(math.floor(fy)), H - 2)
    u = fx - i
    v = fy - j
    x = ((az - tg[4]) % 360.0) / tg[5]
    a0 = int(math.floor(x)) % A
    w = x - math.floor(x)
    tau = _bil(t_tab, a0, i, j, u, v)
    speed = _bil(s_tab, a0, i, j, u, v)
    if w != 0.0:
        a1 = (a0 + 1) % A
        tau = (1.0 - w) * tau + w * _bil(t_tab, a1, i, j, u, v)
        speed = (1.0 - w) * speed + w * _bil(s_tab, a1, i, j, u, v)
    return tau * sp[12], speed / sp[12]


@numba.njit(cache=True, inline="always", error_model="numpy")
def _closing(g_X, g_V, g_xx, g_xv, g_vt, q, n, speed, sp):
    """(closing speed km/s, vu m/s: the threat's velocity along the chord from the site)."""
    xs = g_X[q, n, 0] * sp[7] + g_X[q, n, 1] * sp[8] + g_X[q, n, 2] * sp[9]
    vs = g_V[q, n, 0] * sp[7] + g_V[q, n, 1] * sp[8] + g_V[q, n, 2] * sp[9]
    c2 = g_xx[q, n] - 2.0 * xs + sp[10]
    chord = math.sqrt(c2) if (c2 > 1e-6 or c2 != c2) else math.sqrt(1e-6)  # np.maximum keeps NaN
    vu = (g_xv[q, n] - vs) / chord
    vt = g_vt[q, n]
    cl2 = vt * vt + speed * speed - 2.0 * speed * vu
    if cl2 < 0.0:
        cl2 = 0.0
    return math.sqrt(cl2) / 1e3, vu


@numba.njit(cache=True, inline="always", error_model="numpy")
def _lerp(t, prev, idx, tt, a0, a1):
    """The reference's _interp_at for one pair."""
    dt = t[idx] - t[prev]
    frac = (tt - t[prev]) / dt if dt > 0.0 else 1.0
    if math.isfinite(a0):
        return a0 + frac * (a1 - a0)
    return a1


@numba.njit(cache=True, inline="always", error_model="numpy")
def _feasible_at(n, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed, t_tab, s_tab, tg,
                 lim, nonneg):
    """The reference's feas[p, n]: reach, altitude, range, closing speed, fire control, slack >= 0.
    With ``nonneg`` (fly-out times >= 0) a sample before the earliest launch is rejected unseen:
    slack = (t - tau) - t_launch <= t - t_launch in floating point too."""
    alt = g_alt[q, n]
    if not (alt >= lim[0] and alt <= lim[1]) or not allowed[q, n]:
        return False
    if nonneg and not t[n] - sp[11] >= 0.0:
        return False
    rng = _range_km(g_up, q, n, sp)
    if not rng <= lim[2]:
        return False
    tau, speed = _tau_speed(g_lat, g_lon, g_alt, q, n, rng, sp, t_tab, s_tab, tg)
    if not (math.isfinite(tau) and t[n] - tau - sp[11] >= 0.0):
        return False
    closing, vu = _closing(g_X, g_V, g_xx, g_xv, g_vt, q, n, speed, sp)
    return closing >= lim[3] and closing <= lim[4]


@numba.njit(cache=True, error_model="numpy")
def _first_last(q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed, t_tab, s_tab, tg,
                lim, nonneg):
    """First and last feasible samples, or (-1, -1): scanned from each end, so the samples
    between are never computed."""
    N = t.size
    for first in range(N):
        if _feasible_at(first, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed,
                        t_tab, s_tab, tg, lim, nonneg):
            for last in range(N - 1, first, -1):
                if _feasible_at(last, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed,
                                t_tab, s_tab, tg, lim, nonneg):
                    return first, last
            return first, first
    return -1, -1


@numba.njit(cache=True, error_model="numpy")
def _reason(q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed, t_tab, s_tab, tg, lim):
    """The reference's _reason for a pair with no feasible sample: how far the best sample got
    (reach within range, + altitude, + closing speed, + fire control), stopping at the last."""
    if not math.isfinite(sp[11]):
        return NEVER
    level = 0
    fast = False  # an in-band sample closes fast enough but too fast for the divert
    max_alt_r = -np.inf  # highest altitude among the samples in reach (decides below / above)
    for n in range(t.size):
        alt = g_alt[q, n]
        if not math.isfinite(alt):
            continue  # after impact: no reach
        in_band = alt >= lim[0] and alt <= lim[1]
        if not in_band and (level >= 2 or (level == 1 and alt <= max_alt_r)):
            continue  # cannot change the answer
        rng = _range_km(g_up, q, n, sp)
        if not rng <= lim[2]:
            continue
        tau, speed = _tau_speed(g_lat, g_lon, g_alt, q, n, rng, sp, t_tab, s_tab, tg)
        if not math.isfinite(tau):
            continue
        level = max(level, 1)
        max_alt_r = max(max_alt_r, alt)
        if not in_band:
            continue
        level = max(level, 2)
        closing, vu = _closing(g_X, g_V, g_xx, g_xv, g_vt, q, n, speed, sp)
        if not closing >= lim[3]:
            continue
        if not closing <= lim[4]:
            fast = True
            continue
        level = max(level, 3)
        if allowed[q, n]:
            return TOO_LATE
    if level == 0:
        return OUT_OF_REACH
    if level == 1:
        return BELOW if max_alt_r < lim[0] else ABOVE
    if level == 2:
        return CLOSING_HIGH if fast else CLOSING
    return NO_FC


@numba.njit(cache=True, inline="always", error_model="numpy")
def _sample(n, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed, t_tab, s_tab, tg, lim):
    """Everything the reference holds for sample n of the pair: (fly-out time, slack, closing speed,
    crossing angle, altitude, geometrically feasible)."""
    alt = g_alt[q, n]
    rng = _range_km(g_up, q, n, sp)
    tau, speed = _tau_speed(g_lat, g_lon, g_alt, q, n, rng, sp, t_tab, s_tab, tg)
    closing, vu = _closing(g_X, g_V, g_xx, g_xv, g_vt, q, n, speed, sp)
    crossing = math.acos(_clip1(-vu / g_vt[q, n])) * RAD
    geom = (math.isfinite(tau) and math.isfinite(alt) and alt >= lim[0] and alt <= lim[1] and rng <= lim[2]
            and closing >= lim[3] and closing <= lim[4] and allowed[q, n])
    return tau, t[n] - tau - sp[11], closing, crossing, alt, geom


@numba.njit(cache=True, error_model="numpy")
def _edges(out, p, first, last, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed,
           t_tab, s_tab, tg, lim):
    """Pass 2 for an engageable pair: out[p] gets the earliest and latest intercepts."""
    for edge in range(2):
        idx = first if edge == 0 else last
        prev = max(idx - 1, 0)
        tau0, s0, cl0, cr0, alt0, geom0 = _sample(prev, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv,
                                                  g_vt, allowed, t_tab, s_tab, tg, lim)
        tau1, s1, cl1, cr1, alt1, geom1 = _sample(idx, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv,
                                                  g_vt, allowed, t_tab, s_tab, tg, lim)
        if edge == 0:
            # _refine_edge: the slack's zero crossing when the previous sample was geometrically feasible
            if idx > 0 and geom0 and s0 < 0.0 and s1 >= 0.0 and math.isfinite(s0):
                frac = -s0 / (s1 - s0)
            else:
                frac = 1.0
            tt = t[prev] + frac * (t[idx] - t[prev])
        else:
            tt = t[idx]
        k = 7 * edge
        out[p, k] = tt
        out[p, k + 1] = tt - _lerp(t, prev, idx, tt, tau0, tau1)
        out[p, k + 2] = _lerp(t, prev, idx, tt, alt0, alt1)
        out[p, k + 3] = _lerp(t, prev, idx, tt, g_lat[q, prev], g_lat[q, idx])
        out[p, k + 4] = _lerp(t, prev, idx, tt, g_lon[q, prev], g_lon[q, idx])
        out[p, k + 5] = _lerp(t, prev, idx, tt, cl0, cl1)
        out[p, k + 6] = _lerp(t, prev, idx, tt, cr0, cr1)


@numba.njit(cache=True, parallel=True, error_model="numpy")
def solve_pairs(t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed, which,
                cos_sla, sin_sla, slo_deg, site_up, radius_km, S, SS, t_launch, scale,
                t_tab, s_tab, tab_geo, tab_lim, kv_lim, nonneg, code, out):
    """Solve pairs p (threat ``which[p]``).

    Threats' geometry (T, N[, 3]): geodetic vertical, lat deg, lon deg, alt km, ECEF position m,
    velocity m/s, |X|^2, X.V, |V|; ``allowed`` (T, N) bool.  Per pair: cos and sin of the site
    latitude, site longitude deg, site vertical (P, 3), local mean radius km, site ECEF m (P, 3),
    |S|^2, earliest launch s, fly-out time scale.  The table's time s and speed m/s (A, R, H),
    ``tab_geo`` = (range0 km, range step, alt0 km, alt step, azimuth0 deg, azimuth step),
    ``tab_lim`` = its (min alt, max alt, max range) km; ``kv_lim`` = the kill vehicle's (min alt km,
    max alt km, max range km, min closing km/s, max closing km/s); ``nonneg``: every fly-out time >= 0.
    """
    tg = (tab_geo[0], tab_geo[1], tab_geo[2], tab_geo[3], tab_geo[4], tab_geo[5],
          tab_lim[0], tab_lim[1], tab_lim[2])
    lim = (kv_lim[0], kv_lim[1], kv_lim[2], kv_lim[3], kv_lim[4])
    for p in numba.prange(which.size):
        q = which[p]
        for k in range(N_OUT):
            out[p, k] = np.nan
        tl = t_launch[p]
        if tl != tl or tl == np.inf:
            code[p] = NEVER  # NaN or +inf: the slack is never >= 0 (-inf: launch whenever)
            continue
        sp = (cos_sla[p], sin_sla[p], slo_deg[p], site_up[p, 0], site_up[p, 1], site_up[p, 2], radius_km[p],
              S[p, 0], S[p, 1], S[p, 2], SS[p], tl, scale[p])
        first, last = _first_last(q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed,
                                  t_tab, s_tab, tg, lim, nonneg and scale[p] >= 0.0)
        if first < 0:
            code[p] = _reason(q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed,
                              t_tab, s_tab, tg, lim)
        else:
            code[p] = -1
            _edges(out, p, first, last, q, sp, t, g_up, g_lat, g_lon, g_alt, g_X, g_V, g_xx, g_xv, g_vt, allowed,
                   t_tab, s_tab, tg, lim)
