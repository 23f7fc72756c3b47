"""The intercept solver: for each (threat, battery) pair, the earliest and the latest
feasible intercepts — the battle space.

Inputs are plain arrays so that thousands of pairs go in one call:

- the threat, sampled on a common time grid: ``t_s`` (N,), positions
  ``ecef_m`` (P, N, 3) and Earth-relative velocities ``vel_m_s`` (P, N, 3)
  (NaN after impact);
- the battery's site (P,) and its interceptor's fly-out: a vectorized
  ``flyout(ground_range_km, altitude_km) -> (time_s, speed_m_s)`` (NaN where
  unreachable), e.g. a fly-out table;
- the earliest launch time of each pair (P,) from the engagement timeline
  (track, decision, reaction), ``inf`` when the threat is never in track;
- the kill vehicle's limits.

A threat point X at time t can be intercepted if the interceptor can reach X
(fly-out time tau) having launched no earlier than allowed: slack
``t - tau - t_launch_min >= 0``, at an altitude inside the kill vehicle's
limits, within its maximum range, at a closing speed above its minimum.  The
earliest feasible point is located between samples by linear interpolation of
the slack; the latest by bisection on the same feasibility test between the
last feasible sample and the next (the threat between them on the cubic
Hermite curve through both samples' positions and velocities), to
``LATEST_TOL_S``.  Ground range from the site is the central angle
between the geodetic verticals times the local mean radius (within ~0.3 % of
the geodesic; well inside fly-out table accuracy).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

import numpy as np

from openbmd.earth.geodesy import ecef_to_geodetic, geodetic_to_ecef, local_up
from openbmd.earth.model import WGS84, EarthModel

#: the latest intercept is refined between samples to this (s)
LATEST_TOL_S = 1e-3

REASONS = ("never in track", "out of reach", "below minimum intercept altitude",
           "above maximum intercept altitude", "too late: no time left to launch",
           "closing speed too low", "no fire-control track where an intercept could be made",
           "closing speed too high: the divert cannot cover the handover error")


@dataclass(frozen=True)
class KillVehicleLimits:
    """What the kill vehicle accepts at the intercept point."""

    min_alt_km: float = 0.0
    max_alt_km: float = np.inf
    max_range_km: float = np.inf
    min_closing_km_s: float = 0.0
    #: the fastest closing at which the divert covers the handover error (:func:`divert_max_closing_km_s`)
    max_closing_km_s: float = np.inf


def divert_max_closing_km_s(divert_delta_v_m_s: float, seeker_acquisition_km: float, handover_error_m: float):
    """The fastest closing speed (km/s) at which a kill vehicle can still take out a handover error.

    The seeker acquires the threat at ``seeker_acquisition_km``; the time left to intercept is
    t_go = R_acq / V_closing, and the least velocity change that removes a lateral miss d in t_go
    is one impulse at acquisition, dv = d / t_go = d V_closing / R_acq (any real guidance law spends
    more: this is the kill vehicle's best case).  dv <= the divert capability gives
    V_closing <= divert x R_acq / d.  No error (d = 0): no limit; no divert (an aerodynamic
    interceptor, divert 0): no exo-atmospheric divert to check, no limit."""
    d = float(handover_error_m)
    if not d > 0 or not divert_delta_v_m_s > 0:
        return np.inf
    return float(divert_delta_v_m_s) * float(seeker_acquisition_km) / d


@dataclass(frozen=True, eq=False)
class BattleSpace:
    """Per pair (arrays of length P): feasibility, earliest / latest intercept and the window."""

    engageable: np.ndarray
    reason: tuple  #: None where engageable, else one of REASONS
    earliest_t_s: np.ndarray
    latest_t_s: np.ndarray
    earliest_launch_s: np.ndarray  #: interceptor launch time for the earliest intercept
    latest_launch_s: np.ndarray
    earliest_alt_km: np.ndarray
    latest_alt_km: np.ndarray
    earliest_lat_deg: np.ndarray
    earliest_lon_deg: np.ndarray
    latest_lat_deg: np.ndarray
    latest_lon_deg: np.ndarray
    earliest_closing_km_s: np.ndarray
    latest_closing_km_s: np.ndarray
    earliest_crossing_deg: np.ndarray
    latest_crossing_deg: np.ndarray

    @property
    def window_s(self) -> np.ndarray:
        return np.where(self.engageable, self.latest_t_s - self.earliest_t_s, np.nan)

    def intercept(self, i: int, which: str = "earliest") -> dict | None:
        """One pair's intercept as a JSON-ready dict (units in the keys)."""
        if not self.engageable[i]:
            return None
        g = lambda k: float(getattr(self, f"{which}_{k}")[i])  # noqa: E731
        return {"t_s": g("t_s"), "altitude_km": g("alt_km"), "lat_deg": g("lat_deg"),
                "lon_deg": g("lon_deg"), "closing_speed_km_s": g("closing_km_s"),
                "crossing_angle_deg": g("crossing_deg"), "launch_time_s": g("launch_s")}


def battle_space(t_s, ecef_m, vel_m_s, site_lat_deg, site_lon_deg, flyout: Callable,
                 earliest_launch_s, limits: KillVehicleLimits = KillVehicleLimits(), *,
                 pair_threat=None, site_alt_m=0.0, earth: EarthModel = WGS84,
                 flyout_time_scale=1.0, allowed=None, block: int = 512, geometry=None,
                 refine_latest: bool = True) -> BattleSpace:
    """The battle space of P (threat, battery) pairs; see the module docstring.

    ``ecef_m``/``vel_m_s`` hold T threats (T, N, 3); ``pair_threat`` (P,) says which
    threat each pair engages (default: pair i engages threat i).  Sites and launch
    times are per pair.  Per-threat geometry is computed once; pairs are solved in
    blocks of ``block`` so the working set stays in cache and memory stays small.
    ``allowed`` (T, N) bool, optional: threat samples where an intercept may be
    made at all (e.g. seen by the shooter's own fire-control radar when it may not
    engage on remote data).  ``flyout_time_scale`` (per pair) multiplies the fly-out times and divides the
    speeds: a first-order way to vary an interceptor's burnout speed in a Monte Carlo
    without rebuilding its table (time ~ 1 / speed).  ``geometry``: the threats'
    :func:`threat_geometry`, when the caller solves the same threats again (other
    batteries, later launch times).  ``refine_latest=False`` leaves the latest intercept on
    its sample (see :func:`_refine_latest`).
    """
    t = np.asarray(t_s, float)
    X = np.asarray(ecef_m, float)
    V = np.asarray(vel_m_s, float)
    which = np.arange(X.shape[0]) if pair_threat is None else np.asarray(pair_threat, np.int64)
    P = which.shape[0]
    site_lat = np.broadcast_to(np.asarray(site_lat_deg, float), (P,))
    site_lon = np.broadcast_to(np.asarray(site_lon_deg, float), (P,))
    site_alt = np.broadcast_to(np.asarray(site_alt_m, float), (P,))
    t_launch = np.broadcast_to(np.asarray(earliest_launch_s, float), (P,))
    scale = np.broadcast_to(np.asarray(flyout_time_scale, float), (P,))
    threat = dict(geometry if geometry is not None else threat_geometry(X, V, earth))
    threat["allowed"] = (np.ones(X.shape[:2], bool) if allowed is None
                         else np.broadcast_to(np.asarray(allowed, bool), X.shape[:2]))
    S = geodetic_to_ecef(site_lat, site_lon, site_alt, earth)
    if _compiled(flyout):
        block = max(P, 1)  # no (pairs x samples) temporaries: one call
    parts = [_solve_block(t, threat, which[i:i + block], site_lat[i:i + block], S[i:i + block],
                          t_launch[i:i + block], flyout, limits, earth, scale[i:i + block])
             for i in range(0, P, block)]
    if not parts:  # no pairs: an empty battle space
        empty = {f.name: np.zeros(0, bool if f.name == "engageable" else float)
                 for f in dataclasses.fields(BattleSpace) if f.name != "reason"}
        return BattleSpace(reason=(), **empty)
    fields = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k != "reason"}
    if refine_latest:
        _refine_latest(fields, t, X, V, which, threat["allowed"],
                       dict(site_lat=site_lat, site_lon=site_lon, site_alt=site_alt, t_launch=t_launch,
                            scale=scale, flyout=flyout, limits=limits, earth=earth))
    return BattleSpace(reason=tuple(r for p in parts for r in p["reason"]), **fields)


def _refine_latest(f: dict, t, X, V, which, allowed, pair: dict) -> None:
    """Move each latest intercept (on its last feasible sample) toward the next sample, in place:
    bisection on the fraction of the step, each trial point solved as a one-sample threat by
    :func:`battle_space` itself (the same feasibility test, the same fly-out), the threat there
    on the cubic Hermite curve of the two samples (positions and their derivatives, the
    Earth-relative velocities).  A point counts as allowed only where both samples are; a
    next sample after impact (NaN) leaves the latest on its sample."""
    eng = f["engageable"]
    idx = np.searchsorted(t, np.where(eng, f["latest_t_s"], -np.inf))
    p = np.flatnonzero(eng & (idx < t.size - 1))
    if not p.size:
        return
    q, i0 = which[p], idx[p]
    X0, V0, X1, V1 = X[q, i0], V[q, i0], X[q, i0 + 1], V[q, i0 + 1]
    ok = np.isfinite(X1).all(axis=1) & np.isfinite(V1).all(axis=1) & allowed[q, i0] & allowed[q, i0 + 1]
    p, q, i0, X0, V0, X1, V1 = (a[ok] for a in (p, q, i0, X0, V0, X1, V1))
    if not p.size:
        return
    h = t[i0 + 1] - t[i0]

    def solve(frac):
        x = frac[:, None]
        pos = ((2 * x ** 3 - 3 * x ** 2 + 1) * X0 + (x ** 3 - 2 * x ** 2 + x) * h[:, None] * V0
               + (3 * x ** 2 - 2 * x ** 3) * X1 + (x ** 3 - x ** 2) * h[:, None] * V1)
        vel = ((6 * x ** 2 - 6 * x) * (X0 - X1) / h[:, None] + (3 * x ** 2 - 4 * x + 1) * V0
               + (3 * x ** 2 - 2 * x) * V1)
        tt = t[i0] + frac * h  # each point at its own time: shift the launch instead (slack = t - tau - launch)
        bs = battle_space(np.zeros(1), pos[:, None], vel[:, None], pair["site_lat"][p], pair["site_lon"][p],
                          pair["flyout"], pair["t_launch"][p] - tt, pair["limits"], site_alt_m=pair["site_alt"][p],
                          earth=pair["earth"], flyout_time_scale=pair["scale"][p], refine_latest=False)
        return bs, tt

    lo, hi = np.zeros(p.size), np.ones(p.size)
    for _ in range(int(np.ceil(np.log2(max(float(h.max()), LATEST_TOL_S) / LATEST_TOL_S)))):
        mid = 0.5 * (lo + hi)
        feasible = solve(mid)[0].engageable
        lo, hi = np.where(feasible, mid, lo), np.where(feasible, hi, mid)
    bs, tt = solve(lo)
    keep = bs.engageable  # lo = 0 is the sample itself: feasible, unless rounding says otherwise
    p, tt = p[keep], tt[keep]
    f["latest_t_s"][p] = tt
    f["latest_launch_s"][p] = bs.earliest_launch_s[keep] + tt
    for k in ("alt_km", "lat_deg", "lon_deg", "closing_km_s", "crossing_deg"):
        f[f"latest_{k}"][p] = getattr(bs, f"earliest_{k}")[keep]


def threat_geometry(X, V, earth: EarthModel = WGS84) -> dict:
    """Per threat sample: geodetic vertical (unit, ECEF), lat/lon (deg), altitude (km),
    |X|^2, X.V and |V| — everything the pair geometry needs besides the site."""
    lat, lon, alt = ecef_to_geodetic(X, earth)
    return {"up": local_up(lat, lon), "lat": lat, "lon": lon, "alt_km": alt / 1e3, "X": X, "V": V,
            "xx": np.einsum("...k,...k", X, X), "xv": np.einsum("...k,...k", X, V),
            "vt": np.linalg.norm(V, axis=-1)}


def _compiled(flyout) -> bool:
    """The compiled kernel knows fly-out tables; any other fly-out callable takes the numpy path."""
    from openbmd.interceptors.flyout import FlyoutTable

    return isinstance(flyout, FlyoutTable)


def _solve_block(t, g, which, site_lat, S, t_launch, flyout, limits, earth, scale):
    """One block of pairs: the compiled kernel for a fly-out table, else the numpy reference."""
    if _compiled(flyout):
        return _solve_block_kernel(t, g, which, site_lat, S, t_launch, flyout, limits, earth, scale)
    return _solve_block_numpy(t, g, which, site_lat, S, t_launch, flyout, limits, earth, scale)


def _site_terms(site_lat, S, earth):
    """Per pair: site latitude (rad), longitude (rad), geodetic vertical (P, 3), mean radius (m)."""
    sla = np.radians(site_lat)
    slo = np.arctan2(S[:, 1], S[:, 0])
    up_s = np.stack([np.cos(sla) * np.cos(slo), np.cos(sla) * np.sin(slo), np.sin(sla)], axis=-1)
    radius = earth.a_m * np.sqrt(1 - earth.e2) / (1 - earth.e2 * np.sin(sla) ** 2)
    return sla, slo, up_s, radius


def _solve_block_kernel(t, g, which, site_lat, S, t_launch, table, limits, earth, scale):
    """:func:`_solve_block_numpy` for a FlyoutTable, by :func:`openbmd.kernels.battlespace.solve_pairs`."""
    from openbmd.kernels.battlespace import N_OUT, solve_pairs

    P = which.shape[0]
    sla, slo, up_s, radius = _site_terms(site_lat, S, earth)
    S = _frozen(S)
    code = np.empty(P, np.int64)
    out = np.empty((P, N_OUT))
    tab_geo = np.array([table.range_km[0], table.range_km[1] - table.range_km[0], table.alt_km[0],
                        table.alt_km[1] - table.alt_km[0], table.azimuth_deg[0], 360.0 / table.azimuth_deg.size],
                       float)
    tab_lim = np.array([table.min_alt_km, table.max_alt_km, table.max_range_km], float)
    lim = np.array([limits.min_alt_km, limits.max_alt_km, limits.max_range_km, limits.min_closing_km_s,
                    limits.max_closing_km_s], float)
    f = _frozen
    nonneg = not bool((table.time_s < 0).any())  # NaN (unreachable) compares False
    solve_pairs(f(t), f(g["up"]), f(g["lat"]), f(g["lon"]), f(g["alt_km"]), f(g["X"]), f(g["V"]), f(g["xx"]),
                f(g["xv"]), f(g["vt"]), f(g["allowed"], np.bool_), f(which, np.int64),
                f(np.cos(sla)), f(np.sin(sla)), f(np.degrees(slo)), f(up_s), f(radius / 1e3), S,
                f(np.sum(S * S, axis=1)), f(t_launch), f(scale), f(table.time_s), f(table.speed_m_s),
                f(tab_geo), f(tab_lim), f(lim), nonneg, code, out)
    res = {"engageable": code < 0, "reason": [None if k < 0 else REASONS[k] for k in code.tolist()]}
    for e, name in enumerate(("earliest", "latest")):
        for k, field in enumerate(("t_s", "launch_s", "alt_km", "lat_deg", "lon_deg", "closing_km_s",
                                   "crossing_deg")):
            res[f"{name}_{field}"] = out[:, 7 * e + k].copy()
    return res


def _frozen(x, dtype=float):
    """C-contiguous and read-only (a view, no copy when already contiguous): one compiled
    signature of the kernel whatever the caller passes."""
    x = np.ascontiguousarray(x, dtype=dtype).view()
    x.flags.writeable = False
    return x


def _solve_block_numpy(t, g, which, site_lat, S, t_launch, flyout, limits, earth, scale):
    """The reference implementation (numpy over (pairs x samples) arrays); any fly-out callable."""
    P = which.shape[0]
    sla, slo, up_s, radius = _site_terms(site_lat, S, earth)
    # ground range: the angle between the geodetic verticals times the site's mean radius
    cosang = np.einsum("pnk,pk->pn", g["up"][which], up_s)
    rng_km = np.arccos(np.clip(cosang, -1.0, 1.0)) * (radius / 1e3)[:, None]
    alt_km = g["alt_km"][which]
    lat, lon = g["lat"][which], g["lon"][which]
    if getattr(flyout, "takes_azimuth", False):
        # initial bearing from the site to each point (sphere; the table's azimuths are 45 deg apart)
        dlon = np.radians(lon - np.degrees(slo)[:, None])
        la2 = np.radians(lat)
        az = np.degrees(np.arctan2(np.sin(dlon) * np.cos(la2),
                                   np.cos(sla)[:, None] * np.sin(la2)
                                   - np.sin(sla)[:, None] * np.cos(la2) * np.cos(dlon))) % 360.0
        az = np.nan_to_num(az)  # samples after impact: NaN position, no fly-out anyway
        tau, speed = flyout(rng_km, alt_km, az)
    else:
        tau, speed = flyout(rng_km, alt_km)
    tau = np.asarray(tau, float) * scale[:, None]
    speed = np.asarray(speed, float) / scale[:, None]
    slack = t[None, :] - tau - t_launch[:, None]
    # interceptor velocity along the chord from the site to the point: closing speed
    # |V - s u| and crossing angle from dot products (no per-pair vectors kept)
    xs = np.einsum("pnk,pk->pn", g["X"][which], S)
    vs = np.einsum("pnk,pk->pn", g["V"][which], S)
    chord = np.sqrt(np.maximum(g["xx"][which] - 2 * xs + np.sum(S * S, axis=1)[:, None], 1e-6))
    vu = (g["xv"][which] - vs) / chord
    vt = g["vt"][which]
    closing = np.sqrt(np.maximum(vt ** 2 + speed ** 2 - 2 * speed * vu, 0.0)) / 1e3
    with np.errstate(invalid="ignore", divide="ignore"):
        crossing = np.degrees(np.arccos(np.clip(-vu / vt, -1.0, 1.0)))
    reach = np.isfinite(tau) & np.isfinite(alt_km)
    alt_ok = (alt_km >= limits.min_alt_km) & (alt_km <= limits.max_alt_km)
    rng_ok = rng_km <= limits.max_range_km
    cls_ok = (closing >= limits.min_closing_km_s) & (closing <= limits.max_closing_km_s)
    cls_min = closing >= limits.min_closing_km_s
    fc_ok = g["allowed"][which]
    geom = reach & alt_ok & rng_ok & cls_ok & fc_ok
    feas = geom & (slack >= 0)
    engageable = feas.any(axis=1)
    out = {"engageable": engageable,
           "reason": [None if e else _reason(i, t_launch, reach, alt_ok, rng_ok, cls_ok, fc_ok, alt_km, limits,
                                             cls_min)
                      for i, e in enumerate(engageable)]}
    first = np.argmax(feas, axis=1)
    last = feas.shape[1] - 1 - np.argmax(feas[:, ::-1], axis=1)
    rows = np.arange(P)
    w = np.where(engageable, 1.0, np.nan)
    for name, idx, tt in (("earliest", first, _refine_edge(t, slack, geom, rows, first)),
                          ("latest", last, t[last])):
        out[f"{name}_t_s"] = tt * w
        out[f"{name}_launch_s"] = (tt - _interp_at(t, tau, rows, idx, tt)) * w
        out[f"{name}_alt_km"] = _interp_at(t, alt_km, rows, idx, tt) * w
        out[f"{name}_lat_deg"] = _interp_at(t, lat, rows, idx, tt) * w
        out[f"{name}_lon_deg"] = _interp_at(t, lon, rows, idx, tt) * w
        out[f"{name}_closing_km_s"] = _interp_at(t, closing, rows, idx, tt) * w
        out[f"{name}_crossing_deg"] = _interp_at(t, crossing, rows, idx, tt) * w
    return out


def _refine_edge(t, slack, geom, rows, idx):
    """Where the slack crosses zero between sample idx-1 and idx (both geometrically feasible)."""
    prev = np.maximum(idx - 1, 0)
    s0, s1 = slack[rows, prev], slack[rows, idx]
    ok = (idx > 0) & geom[rows, prev] & (s0 < 0) & (s1 >= 0) & np.isfinite(s0)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(ok, -s0 / (s1 - s0), 1.0)
    return t[prev] + frac * (t[idx] - t[prev])


def _interp_at(t, arr, rows, idx, tt):
    """Linear interpolation of arr[row, :] at time tt inside [t[idx-1], t[idx]]."""
    prev = np.maximum(idx - 1, 0)
    dt = t[idx] - t[prev]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(dt > 0, (tt - t[prev]) / dt, 1.0)
    a0, a1 = arr[rows, prev], arr[rows, idx]
    return np.where(np.isfinite(a0), a0 + frac * (a1 - a0), a1)


def _reason(i, t_launch, reach, alt_ok, rng_ok, cls_ok, fc_ok, alt_km, limits, cls_min) -> str:
    if not np.isfinite(t_launch[i]):
        return "never in track"
    r = reach[i] & rng_ok[i]
    if not r.any():
        return "out of reach"
    if not (r & alt_ok[i]).any():
        below = np.nanmax(np.where(r, alt_km[i], np.nan)) < limits.min_alt_km
        return "below minimum intercept altitude" if below else "above maximum intercept altitude"
    if not (r & alt_ok[i] & cls_ok[i]).any():
        if not (r & alt_ok[i] & cls_min[i]).any():
            return "closing speed too low"
        return "closing speed too high: the divert cannot cover the handover error"
    if not (r & alt_ok[i] & cls_ok[i] & fc_ok[i]).any():
        return "no fire-control track where an intercept could be made"
    return "too late: no time left to launch"
