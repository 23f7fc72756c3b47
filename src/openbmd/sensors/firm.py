"""When one radar alone holds a firm track of each of T sampled threats (the batched form
of the noisy tracker), and the looks any sensor takes at sampled threats.

The radar looks at its revisit rate from its first detection
(:meth:`openbmd.sensors.base.Sensor.first_seen_s`): in boost when the threat's
:class:`~openbmd.sensors.signature.Signature` gives its booster a radar cross section and the
radar sees it, else after burnout. A track that starts in boost runs the boost-then-ballistic
filter of :mod:`openbmd.sensors.boost_track`; one that starts after burnout the compiled
ballistic filter of :mod:`openbmd.sensors.tracking`. Each runs on those looks without noise: its covariance, and
so the firm-track time (RSS position sigma under FIRM_SIGMA_M after FIRM_AFTER
detections), depends on the geometry and the radar's sigmas, not on the noise draws,
so this is the tracker's firm time in expectation (tests/unit/test_many.py compares it
with noisy tracks).
"""
from __future__ import annotations

import numpy as np

from openbmd.sensors.signature import Signature
from openbmd.sensors.tracking import FIRM_AFTER, FIRM_SIGMA_M

#: detections handed to the Kalman filter per threat and radar (a track not firm by then never is)
MAX_TRACK_LOOKS = 80
FIRST_TRACK_LOOKS = 16


def look_positions(s, rows, first_s, revisit_s: float, looks: int):
    """Look times (R, looks) on the sensor's clock (multiples of ``revisit_s`` from launch,
    as :func:`openbmd.sensors.observe.observe`) from ``first_s`` (R,), the threats' positions
    there (R, looks, 3) by cubic Hermite interpolation of the samples, and a mask (R, looks)
    of looks before impact."""
    rev = float(revisit_s)
    k0 = np.ceil(first_s / rev - 1e-9)
    t = (k0[:, None] + np.arange(looks)[None, :]) * rev
    dt = float(s.t_s[1] - s.t_s[0])
    j = np.clip(np.floor(t / dt).astype(np.int64), 0, s.t_s.size - 2)
    u = ((t - s.t_s[j]) / dt)[..., None]
    r = np.asarray(rows)[:, None]
    X0, X1 = s.ecef_m[r, j], s.ecef_m[r, j + 1]
    V0, V1 = s.vel_m_s[r, j], s.vel_m_s[r, j + 1]
    pos = ((2 * u**3 - 3 * u**2 + 1) * X0 + (u**3 - 2 * u**2 + u) * dt * V0
           + (-2 * u**3 + 3 * u**2) * X1 + (u**3 - u**2) * dt * V1)
    ok = np.isfinite(pos[..., 0]) & (t <= s.impact_s[np.asarray(rows), None])
    return t, pos, ok


def compress(seen: np.ndarray, good: np.ndarray, looks: int):
    """Each good row's seen looks moved to the front, padded with its last one (as
    tracking._pad): (column picks (G, looks), number seen (G,))."""
    order = np.argsort(~seen[good], axis=1, kind="stable")
    n = seen[good].sum(axis=1)
    col = np.minimum(np.arange(looks)[None, :], (n - 1)[:, None])
    return np.take_along_axis(order, col, axis=1), n


def radar_track_times(radar, s, rcs_m2, cued: bool = True, *, firm_after: int = FIRM_AFTER,
                      firm_sigma_m: float = FIRM_SIGMA_M) -> tuple[np.ndarray, np.ndarray]:
    """(T,) first detection (after burnout for a number ``rcs_m2``; from launch for a
    :class:`~openbmd.sensors.signature.Signature` with a booster figure) and (T,) firm track by
    ``radar`` alone, at its cued or uncued range (inf: never): the first look is found once and
    the filter starts there. ``firm_after``/``firm_sigma_m``: the firm-track rule (the tracker's
    notional default)."""
    rcs = radar.search_rcs_m2(rcs_m2 if isinstance(rcs_m2, Signature) else float(rcs_m2), cued)
    first = radar.first_seen_s(s, rcs)  # the search factor is applied once, here
    out = np.full(len(s), np.inf)
    rows = np.flatnonzero(np.isfinite(first))
    # most tracks are firm within a few looks: a short filter first, the full one for the rest
    for looks in (FIRST_TRACK_LOOKS, MAX_TRACK_LOOKS):
        if not rows.size:
            break
        out[rows] = kalman_firm_s(radar, s, rows, first[rows], rcs, looks, firm_after=firm_after,
                                  firm_sigma_m=firm_sigma_m)
        rows = rows[~np.isfinite(out[rows])]
    return first, out


def radar_firm_track_s(radar, s, rcs_m2, cued: bool = True) -> np.ndarray:
    """(T,) time of a firm track from ``radar`` alone (inf when it never becomes firm)."""
    return radar_track_times(radar, s, rcs_m2, cued)[1]


def kalman_firm_s(radar, s, rows, first, rcs, looks: int = MAX_TRACK_LOOKS, *, firm_after: int = FIRM_AFTER,
                  firm_sigma_m: float = FIRM_SIGMA_M) -> np.ndarray:
    """Firm times (R,) of the threats ``rows`` first seen at ``first`` (R,): the compiled
    range/azimuth/elevation filter on the radar's noiseless looks (the boost-then-ballistic
    filter for a track whose first look is before the threat's burnout)."""
    from openbmd.sensors.boost_track import filter_through_boost
    from openbmd.sensors.tracking import filter_padded

    rows = np.asarray(rows)
    t, pos, ok = look_positions(s, rows, first, radar.revisit_s, looks)
    if isinstance(rcs, Signature):  # the booster's RCS before burnout, the warhead's after
        rcs = rcs.rcs_m2(t, s.burnout_s[rows, None])[ok]
    seen = np.zeros(ok.shape, bool)
    seen[ok] = radar.visible(pos[ok], rcs_m2=rcs)
    out = np.full(len(rows), np.inf)
    good = np.flatnonzero(seen.sum(axis=1) >= 3)
    if not good.size:
        return out
    pick, n = compress(seen, good, looks)
    tt = np.take_along_axis(t[good], pick, axis=1)
    pp = pos[good[:, None], pick]
    az, el, rng_m = radar.aer(pp.reshape(-1, 3))
    z = np.stack([rng_m, az % (2 * np.pi), el], axis=-1).reshape(pp.shape)
    K, M = tt.shape
    sig = np.broadcast_to(np.array([radar.sigma_range_m, radar.sigma_angle_rad, radar.sigma_angle_rad]),
                          (K, M, 3)).copy()
    site = np.broadcast_to(radar.site.ecef_m, (K, M, 3)).copy()
    rot = np.broadcast_to(radar.site.rotation, (K, M, 3, 3)).copy()
    bo = s.burnout_s[rows[good]]
    boost = tt[:, 0] < bo  # the first look while the booster burns
    firm = np.full(K, None, dtype=object)
    rule = {"firm_after": firm_after, "firm_sigma_m": firm_sigma_m}
    for sel, run in ((~boost, lambda *a: filter_padded(*a, radar.earth, **rule)),
                     (boost, lambda *a: filter_through_boost(*a, bo[sel], radar.earth, **rule))):
        if sel.any():
            firm[sel] = run(tt[sel], z[sel], sig[sel], site[sel], rot[sel], n[sel])[2]
    out[good] = [np.inf if f is None else f for f in firm]
    return out
