"""The fly-out: how soon an interceptor can reach each (ground range, altitude) point.

Built by flying the interceptor's booster on the trajectory engine (rotating
WGS-84 Earth with J2 and drag) over fans of pitch-over kicks in four steering
families (:mod:`openbmd.interceptors.steering`: pitch-overs of 4 s, a quarter,
a half and the whole of the burn, after a 1 s vertical rise, then a gravity
turn), the kicks of each placed evenly in burnout flight-path angle from
vertical to the flattest arc, toward a few azimuths (Earth rotation makes
eastward fly-outs faster).  Every trajectory is recorded; for each range node
of the table the first time each trajectory reaches that ground range gives
one (altitude, time, speed) point; between neighbouring kicks the time is
interpolated linearly in altitude, and each cell keeps the EARLIEST arrival
over all kicks and families (NaN where none reaches it): the best arc of the
families, which tests/validation/test_flyout_lambert.py holds against an
independent vacuum Lambert solver.
Ground range is the geodesic from the site to the point under the interceptor.

Tables depend on the site's latitude (rotation) only, not its longitude: they
are built at the centre of a ``LAT_BAND_DEG`` band and cached per
(interceptor, band, azimuths, Earth, grid): in the process (``lru_cache``) and
on disk for other processes (:mod:`openbmd.interceptors.cache`: under
``$OPENBMD_CACHE_DIR/flyout/``, else ``~/.cache/openbmd/flyout/``, keyed by the
inputs and a fingerprint of the physics code; :func:`clear_flyout_cache`).
:class:`FlyoutTable` is a frozen bundle of arrays with a vectorized bilinear
lookup: a pure function of its inputs, picklable, so it can run on a Dask worker.

Limits: the site is at sea level; rows at range 0 use the most vertical kick
(which drifts a few km west with rotation); bilinear cells touching an
unreachable node are NaN, so the reach boundary is conservative by up to one cell.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from openbmd.earth.geodesy import ecef_to_geodetic, geodesic_inverse
from openbmd.earth.model import EarthModel, earth_model
from openbmd.errors import InputError
from openbmd.flight.lanes import Tolerances, earth_array, powered_lanes
from openbmd.interceptors import cache as disk_cache
from openbmd.interceptors.booster import PITCH_OVER_S, VERTICAL_RISE_S
from openbmd.interceptors.steering import arc_kicks, pitch_over_families  # noqa: F401 -- re-exported
from openbmd.interceptors.model import Interceptor
from openbmd.kernels import flight as K
from openbmd.kernels.flyout_arrival import earliest_between_kicks

log = logging.getLogger(__name__)

LAT_BAND_DEG = 5.0  #: tables are shared by sites within the same 5-degree latitude band
DEFAULT_AZIMUTHS_DEG = tuple(float(a) for a in range(0, 360, 45))
FLYOUT_T_MAX_S = 2400.0  #: N: no kill vehicle is expected to fly more than 40 min after launch
MAX_STEP_S = 2.0  #: sampling of the recorded fly-outs (the integrator's largest step)


@dataclass(frozen=True, eq=False)
class FlyoutTable:
    """Earliest arrival time and speed over a (azimuth, ground range, altitude) grid.

    ``time_s`` and ``speed_m_s`` have shape (A, R, H): A azimuths from the
    site, R ground ranges ``range_km`` from 0, H altitudes ``alt_km`` from 0,
    all evenly spaced.  The kill vehicle's limits are kept beside the
    kinematic table and applied by :meth:`time_to` unless ``limits=False``.
    """

    interceptor_id: str
    site_lat_deg: float  #: latitude the table was flown from (centre of its band)
    azimuth_deg: np.ndarray
    range_km: np.ndarray
    alt_km: np.ndarray
    time_s: np.ndarray
    speed_m_s: np.ndarray
    reach_range_km: float  #: farthest ground range any fly-out reached (kinematic)
    reach_alt_km: float  #: highest altitude any fly-out reached (kinematic)
    min_alt_km: float = 0.0  #: kill-vehicle limits
    max_alt_km: float = np.inf
    max_range_km: float = np.inf

    def __post_init__(self):
        for k in ("azimuth_deg", "range_km", "alt_km", "time_s", "speed_m_s"):
            a = np.array(getattr(self, k), float)
            a.setflags(write=False)
            object.__setattr__(self, k, a)

    def time_to(self, range_km, alt_km, azimuth_deg=None, *, limits: bool = True) -> np.ndarray:
        """Earliest time (s after launch) to reach each point; NaN where unreachable.

        Arrays broadcast.  With ``azimuth_deg`` the table is interpolated
        between its azimuths; without, the slowest direction counts (a time
        good toward any azimuth).  ``limits`` applies the kill vehicle's
        altitude band and range cap.
        """
        return self._lookup(self.time_s, range_km, alt_km, azimuth_deg, limits)

    def speed_at(self, range_km, alt_km, azimuth_deg=None, *, limits: bool = True) -> np.ndarray:
        """Earth-relative speed (m/s) on the earliest arrival (NaN where unreachable)."""
        return self._lookup(self.speed_m_s, range_km, alt_km, azimuth_deg, limits)

    #: the battle-space solver passes the bearing from the site to each point
    takes_azimuth = True

    def __call__(self, ground_range_km, altitude_km, azimuth_deg=None):
        """``(time_s, speed_m_s)``: the fly-out protocol of the battle-space solver
        (toward ``azimuth_deg`` when given, else the slowest direction)."""
        if azimuth_deg is None:
            return (self.time_to(ground_range_km, altitude_km),
                    self.speed_at(ground_range_km, altitude_km))
        return self.lookup(ground_range_km, altitude_km, azimuth_deg)

    def lookup(self, ground_range_km, altitude_km, azimuth_deg, *, limits: bool = True):
        """``(time_s, speed_m_s)`` toward ``azimuth_deg`` in one compiled pass (both tables);
        the same values as :meth:`time_to` / :meth:`speed_at` with an azimuth."""
        from openbmd.kernels.lookup import lookup_azimuth

        r, h, az = np.broadcast_arrays(np.asarray(ground_range_km, float), np.asarray(altitude_km, float),
                                       np.asarray(azimuth_deg, float))
        shape = r.shape
        r, h, az = (np.ascontiguousarray(x).ravel() for x in (r, h, az))
        t = np.empty(r.size)
        s = np.empty(r.size)
        lookup_azimuth(np.ascontiguousarray(self.time_s), np.ascontiguousarray(self.speed_m_s),
                       float(self.range_km[0]), float(self.range_km[1] - self.range_km[0]),
                       float(self.alt_km[0]), float(self.alt_km[1] - self.alt_km[0]),
                       float(self.azimuth_deg[0]), 360.0 / self.azimuth_deg.size, r, h, az, t, s)
        if limits:
            bad = (h < self.min_alt_km) | (h > self.max_alt_km) | (r > self.max_range_km)
            t[bad] = np.nan
            s[bad] = np.nan
        return t.reshape(shape), s.reshape(shape)

    def _lookup(self, table, range_km, alt_km, azimuth_deg, limits):
        r, h = np.broadcast_arrays(np.asarray(range_km, float), np.asarray(alt_km, float))
        if azimuth_deg is None:
            vals = np.stack([_bilinear(table[i], self.range_km, self.alt_km, r, h)
                             for i in range(table.shape[0])])
            out = np.max(vals, axis=0)  # NaN anywhere stays NaN: reachable in every direction
        else:
            az = np.broadcast_to(np.asarray(azimuth_deg, float), r.shape)
            out = self._along_azimuth(table, r, h, az)
        if limits:
            bad = (h < self.min_alt_km) | (h > self.max_alt_km) | (r > self.max_range_km)
            out = np.where(bad, np.nan, out)
        return out

    def _along_azimuth(self, table, r, h, az):
        step = 360.0 / self.azimuth_deg.size
        x = np.mod(az - self.azimuth_deg[0], 360.0) / step
        i0 = np.floor(x).astype(int) % self.azimuth_deg.size
        i1 = (i0 + 1) % self.azimuth_deg.size
        w = x - np.floor(x)
        per = np.stack([_bilinear(table[i], self.range_km, self.alt_km, r, h)
                        for i in range(table.shape[0])])
        v0 = np.take_along_axis(per, i0[None], 0)[0]
        v1 = np.take_along_axis(per, i1[None], 0)[0]
        return np.where(w == 0, v0, (1 - w) * v0 + w * v1)

    def summary(self, ranges_km=(100.0, 500.0, 1000.0)) -> dict:
        """Kinematic reach and the time to each ground range at the best altitude within limits
        (slowest direction; None where out of reach)."""
        hs = np.linspace(max(self.min_alt_km, 0.0), min(self.max_alt_km, self.alt_km[-1]), 200)
        out = {"reach_alt_km": self.reach_alt_km, "reach_range_km": self.reach_range_km}
        for rk in ranges_km:
            t = self.time_to(np.full(hs.shape, rk), hs)
            i = np.nanargmin(t) if np.isfinite(t).any() else None
            out[f"time_to_{rk:g}_km_s"] = None if i is None else float(t[i])
            out[f"best_alt_at_{rk:g}_km"] = None if i is None else float(hs[i])
        return out


def _bilinear(table, xs, ys, x, y):
    """Bilinear interpolation on an even grid; NaN outside, or where a weighted corner is NaN."""
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    fx, fy = (x - xs[0]) / dx, (y - ys[0]) / dy
    inside = (fx >= 0) & (fx <= xs.size - 1) & (fy >= 0) & (fy <= ys.size - 1)
    i = np.clip(np.floor(np.where(inside, fx, 0)).astype(int), 0, xs.size - 2)
    j = np.clip(np.floor(np.where(inside, fy, 0)).astype(int), 0, ys.size - 2)
    u, v = np.where(inside, fx - i, 0.0), np.where(inside, fy - j, 0.0)
    acc = np.zeros(np.shape(x))
    for di, dj, w in ((0, 0, (1 - u) * (1 - v)), (1, 0, u * (1 - v)), (0, 1, (1 - u) * v), (1, 1, u * v)):
        c = table[i + di, j + dj]
        acc = acc + np.where(w > 0, w * c, 0.0)  # a zero weight never poisons with NaN
    return np.where(inside, acc, np.nan)


# ---------------------------------------------------------------- building
def band_latitude(lat_deg: float) -> float:
    """Centre of the latitude band a site falls in."""
    if not (np.isfinite(lat_deg) and -90.0 <= lat_deg <= 90.0):
        raise InputError(f"site latitude {lat_deg} is outside [-90, 90] degrees")
    k = np.floor((lat_deg + 90.0) / LAT_BAND_DEG)
    return float(min(-90.0 + (k + 0.5) * LAT_BAND_DEG, 90.0 - 0.5 * LAT_BAND_DEG))


def flyout_table(interceptor: Interceptor, site_lat_deg: float, *, azimuth_deg=DEFAULT_AZIMUTHS_DEG,
                 earth="wgs84", rotation: bool = True, drag: bool = True, n_kicks: int = 48,
                 n_range: int = 121, n_alt: int = 101, exact_latitude: bool = False) -> FlyoutTable:
    """The fly-out table of ``interceptor`` from a site at ``site_lat_deg`` (cached).

    ``n_kicks``: kicks per steering family and azimuth.  ``azimuth_deg`` must be evenly spaced around the circle.  Sites share the
    table of their latitude band unless ``exact_latitude``.
    """
    lat = float(site_lat_deg) if exact_latitude else band_latitude(float(site_lat_deg))
    az = tuple(float(a) % 360.0 for a in np.atleast_1d(azimuth_deg))
    steps = np.mod(np.diff(np.array(az + (az[0],))), 360.0)
    if len(az) > 1 and not np.allclose(steps, 360.0 / len(az)):
        raise InputError("fly-out azimuths must be evenly spaced around the circle, in increasing order")
    model = earth_model(earth, rotation=rotation)
    return _cached_table(interceptor, lat, az, model, bool(drag), int(n_kicks), int(n_range), int(n_alt))


def clear_flyout_cache(*, disk: bool = True) -> int:
    """Forget the tables cached in this process and, with ``disk``, delete the files in
    :func:`openbmd.interceptors.cache.cache_dir` (``$OPENBMD_CACHE_DIR/flyout/``, else the
    user cache dir, e.g. ``~/.cache/openbmd/flyout/``).  Returns the number of files removed."""
    _cached_table.cache_clear()
    return disk_cache.clear() if disk else 0


@lru_cache(maxsize=64)
def _cached_table(icp: Interceptor, lat: float, az: tuple, model: EarthModel, drag: bool,
                  n_kicks: int, n_range: int, n_alt: int) -> FlyoutTable:
    """The table from the disk cache when a valid one is there, else built and stored."""
    try:
        key = disk_cache.table_key(icp, lat_deg=lat, azimuth_deg=az, earth=model, drag=drag,
                                   n_kicks=n_kicks, n_range=n_range, n_alt=n_alt)
    except Exception as exc:  # noqa: BLE001 -- e.g. sources unreadable from a zip: just compute
        log.debug("fly-out cache: no key (%s: %s)", type(exc).__name__, exc)
        return _build_table(icp, lat, az, model, drag, n_kicks, n_range, n_alt)
    table = disk_cache.load(key, FlyoutTable, icp.id)
    if table is not None and table.time_s.shape == (len(az), n_range, n_alt):
        return table
    table = _build_table(icp, lat, az, model, drag, n_kicks, n_range, n_alt)
    disk_cache.store(key, table, icp.id)
    return table


def _build_table(icp: Interceptor, lat: float, az: tuple, model: EarthModel, drag: bool,
                 n_kicks: int, n_range: int, n_alt: int) -> FlyoutTable:
    """Fly the fans and keep the earliest arrival per cell (seconds of work)."""
    fams = [fly_fan(icp.booster, lat, az, kk, model, drag, kick_dur_s=d)
            for d, kk in arc_kicks(icp.booster, lat, az, model, drag, n_kicks)]
    reach_r = max(float(np.nanmax(f[1])) for f in fams) / 1e3
    reach_h = max(float(np.nanmax(f[2])) for f in fams) / 1e3
    r_nodes = np.linspace(0.0, reach_r, n_range)
    h_nodes = np.linspace(0.0, reach_h, n_alt)
    shape = (len(az), n_range, n_alt)
    time_s, speed = np.full(shape, np.inf), np.full(shape, np.nan)
    for t, rng, alt, spd in fams:
        for a in range(len(az)):
            tf, vf = earliest_arrival(t[a], rng[a] / 1e3, alt[a] / 1e3, spd[a], r_nodes, h_nodes)
            better = tf < time_s[a]  # NaN compares False
            time_s[a] = np.where(better, tf, time_s[a])
            speed[a] = np.where(better, vf, speed[a])
    time_s[~np.isfinite(time_s)] = np.nan
    kv = icp.kill_vehicle
    return FlyoutTable(icp.id, lat, np.array(az), r_nodes, h_nodes, time_s, speed, reach_r, reach_h,
                       kv.min_intercept_alt_km, kv.max_intercept_alt_km, kv.max_range_km)


def fly_fan(booster, lat_deg: float, azimuths, kicks, model: EarthModel, drag: bool = True, *,
            t_vert_s: float | None = None, kick_dur_s: float | None = None):
    """Fly every (azimuth, kick) on the engine, recording each trajectory.

    ``kicks`` (L,) are flown toward every azimuth, or (A, L) gives each azimuth its own.
    Returns arrays (A, L, N) of time (s), ground range from the site (m),
    geodetic altitude (m) and Earth-relative speed (m/s), NaN-padded after the
    end of each flight (impact or ``FLYOUT_T_MAX_S``).
    """
    kicks = np.asarray(kicks, float)
    n_k = kicks.shape[-1]
    az = np.repeat(np.asarray(azimuths, float), n_k)
    kk = kicks.ravel() if kicks.ndim == 2 else np.tile(kicks, len(azimuths))
    lanes = powered_lanes([booster], np.zeros(az.size, np.int64), lat_deg, 0.0, 0.0, az, kk, np.inf, model)
    lanes.lane[:, K.L_TMAX] = FLYOUT_T_MAX_S
    lanes.lane[:, K.L_TVERT] = VERTICAL_RISE_S if t_vert_s is None else t_vert_s
    lanes.lane[:, K.L_KICKDUR] = PITCH_OVER_S if kick_dur_s is None else kick_dur_s
    cap = int(FLYOUT_T_MAX_S / MAX_STEP_S) + 2000
    out = np.full((az.size, K.NO), np.nan)
    hist = np.zeros((az.size, cap, 7))
    hist_n = np.zeros(az.size, np.int64)
    K.fly_batch(lanes.y0, lanes.lane, lanes.stage, lanes.mach, lanes.cd, lanes.nk, earth_array(model, drag),
                Tolerances(max_step_s=MAX_STEP_S).array(), out, hist, hist_n)
    n = int(hist_n.max())
    mask = np.arange(n)[None, :] < hist_n[:, None]
    t = np.where(mask, hist[:, :n, 0], np.nan)
    r_in, v_in = hist[:, :n, 1:4], hist[:, :n, 4:7]
    # inertial (frame = ECEF at launch) -> Earth-fixed; speed relative to the turning Earth
    ang = model.omega_rad_s * np.nan_to_num(t)
    c, s = np.cos(ang), np.sin(ang)
    ecef = np.stack([c * r_in[..., 0] + s * r_in[..., 1], -s * r_in[..., 0] + c * r_in[..., 1],
                     r_in[..., 2]], axis=-1)
    w = np.array([0.0, 0.0, model.omega_rad_s])
    spd = np.linalg.norm(v_in - np.cross(w, r_in), axis=-1)
    lat, lon, alt = ecef_to_geodetic(ecef[mask], model)
    rng = np.full(t.shape, np.nan)
    rng[mask] = geodesic_inverse(np.full(lat.shape, lat_deg), np.zeros(lat.shape), lat, lon, model)[0]
    altf = np.full(t.shape, np.nan)
    altf[mask] = alt
    spd = np.where(mask, spd, np.nan)
    shape = (len(azimuths), n_k, n)
    return t.reshape(shape), rng.reshape(shape), altf.reshape(shape), spd.reshape(shape)


def earliest_arrival(t, rng_km, alt_km, spd, r_nodes, h_nodes):
    """(time, speed) tables (R, H) from one azimuth's fan: arrays (L, N), kicks in order."""
    L = t.shape[0]
    ht = np.full((L, r_nodes.size), np.nan)  # altitude where lane l first reaches range node j
    tt = np.full_like(ht, np.nan)
    vt = np.full_like(ht, np.nan)
    for ln in range(L):
        ok = np.isfinite(t[ln])
        r, h, tl, v = rng_km[ln, ok], alt_km[ln, ok], t[ln, ok], spd[ln, ok]
        rc = np.maximum.accumulate(r)
        k = np.searchsorted(rc, r_nodes[1:], side="left")  # first sample with range >= node
        good = (k > 0) & (k < r.size)
        kk = np.where(good, k, 1)
        f = np.where(good, (r_nodes[1:] - r[kk - 1]) / np.maximum(r[kk] - r[kk - 1], 1e-12), np.nan)
        f = np.clip(f, 0.0, 1.0)
        for arr, src in ((ht, h), (tt, tl), (vt, v)):
            arr[ln, 1:] = np.where(good, src[kk - 1] + f * (src[kk] - src[kk - 1]), np.nan)
    time = np.empty((r_nodes.size, h_nodes.size))
    speed = np.empty_like(time)
    earliest_between_kicks(ht, tt, vt, np.ascontiguousarray(h_nodes, float), time, speed)
    time[0], speed[0] = _vertical_row(t[0], alt_km[0], spd[0], h_nodes)
    return time, speed


def _interp_between_kicks(ht, tt, vt, h_nodes):
    """For each range node and altitude node, the earliest time over neighbouring-kick pairs
    whose crossing altitudes bracket the node (linear in altitude).  The array form of
    :func:`openbmd.kernels.flyout_arrival.earliest_between_kicks`, which the build uses (the
    same values bit for bit, without the seven (kicks, ranges, altitudes) temporaries); kept as
    its reference in the tests."""
    ha, hb = ht[:-1, :, None], ht[1:, :, None]
    hn = h_nodes[None, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        brk = (hn - ha) * (hn - hb) <= 0.0
        f = np.where(hb != ha, (hn - ha) / (hb - ha), 0.0)
        t = np.where(brk, tt[:-1, :, None] + f * (tt[1:, :, None] - tt[:-1, :, None]), np.inf)
        v = vt[:-1, :, None] + f * (vt[1:, :, None] - vt[:-1, :, None])
    t = np.where(np.isfinite(t), t, np.inf)
    best = np.argmin(t, axis=0)
    tmin = np.take_along_axis(t, best[None], 0)[0]
    vmin = np.take_along_axis(v, best[None], 0)[0]
    reach = np.isfinite(tmin)
    return np.where(reach, tmin, np.nan), np.where(reach, vmin, np.nan)


def _vertical_row(t, alt_km, spd, h_nodes):
    """Range 0: the time the most vertical kick first reaches each altitude (on the way up)."""
    ok = np.isfinite(t)
    h, tl, v = alt_km[ok], t[ok], spd[ok]
    top = int(np.argmax(h))
    h, tl, v = h[:top + 1], tl[:top + 1], v[:top + 1]
    hc = np.maximum.accumulate(h)
    inside = h_nodes <= hc[-1]
    return (np.where(inside, np.interp(h_nodes, hc, tl), np.nan),
            np.where(inside, np.interp(h_nodes, hc, v), np.nan))
