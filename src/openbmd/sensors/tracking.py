"""Track a ballistic object from radar detections, and predict where it comes down.

:func:`track` turns the :class:`~openbmd.sensors.measurements.Detections` of one
object (by one radar or several, merged in time) into a :class:`Track`: the ECEF
state and covariance after every detection and the time the track became firm.
:func:`track_many` does the same for K objects in one batched filter.
:func:`predict_impact` flies samples of a track state to the ground.

The filter: an extended Kalman filter on the ECEF state (position, Earth-relative
velocity) with the ballistic motion of the rotating Earth (point-mass + J2 gravity,
Coriolis, centrifugal), white acceleration noise ``q_m2_s3`` for what the model
leaves out (drag, manoeuvres), the (range, azimuth, elevation) measurements used
directly.  Why extended and not converted measurements: the converted (Cartesian)
measurement's noise is not Gaussian and is biased once r sigma_angle^2 / sigma_range
passes ~0.4 (Lerro & Bar-Shalom, IEEE Trans. AES 29(3), 1993) -- 2,000 km at 3 mrad
and 10 m is 1.8 -- while the extended filter linearizes about the predicted state,
whose error is far below the measurement's after a few updates.  Converted
measurements only start the track: a weighted least-squares fit to the first
``n_init`` detections (two-point differencing when ``n_init`` is 2).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

from openbmd._arrays import frozen

from openbmd.earth.frames import Site
from openbmd.earth.geodesy import ecef_to_geodetic, enu_rotation, geodetic_to_ecef
from openbmd.earth.model import EarthModel, earth_model
from openbmd.errors import InputError
from openbmd.flight.lanes import free_lanes
from openbmd.flight.propagate import run_lanes
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.measurements import Detections

__all__ = ["ImpactPrediction", "Track", "predict_impact", "track", "track_many"]

#: default acceleration noise spectral density (m^2/s^3): sqrt(q * 10 s) = 0.1 m/s of
#: velocity random walk per 10 s revisit; ample for an exo-atmospheric body, where only
#: J2's neglected gradient and (above ~100 km) a drag below 1e-3 m/s^2 are unmodelled
Q_M2_S3 = 1e-3
#: default firm-track rule (notional; no public fire-control threshold): RSS position
#: sigma below 1 km after at least 5 detections
FIRM_SIGMA_M = 1000.0
FIRM_AFTER = 5


@dataclass(frozen=True, eq=False)
class Track:
    """The filtered track of one object.  Arrays are read-only.

    Row i is the estimate right after detection ``n_init - 1 + i`` (time-merged
    over sensors): ``state`` (N, 6) ECEF position (m) and Earth-relative velocity
    (m/s), ``covariance`` (N, 6, 6), ``n_updates`` (N,) detections used so far.
    ``firm_time_s`` is None when the track never became firm.
    """

    object_id: str
    t_s: np.ndarray
    state: np.ndarray
    covariance: np.ndarray
    n_updates: np.ndarray
    firm_time_s: float | None
    sensors: tuple[str, ...]
    earth: EarthModel
    q_m2_s3: float = field(default=Q_M2_S3)
    motion: object | None = None  #: the MotionModel filtered with (None: the compiled ballistic one)

    def __post_init__(self):
        for k in ("t_s", "state", "covariance"):
            object.__setattr__(self, k, frozen(getattr(self, k)))
        object.__setattr__(self, "n_updates", frozen(self.n_updates, np.int64))

    def __len__(self) -> int:
        return self.t_s.shape[0]

    @property
    def position_m(self) -> np.ndarray:
        return self.state[:, :3]

    @property
    def velocity_m_s(self) -> np.ndarray:
        return self.state[:, 3:]

    @property
    def position_sigma_m(self) -> np.ndarray:
        """RSS one-sigma position error (N,): sqrt of the trace of the position block."""
        return np.sqrt(np.trace(self.covariance[:, :3, :3], axis1=1, axis2=2))

    def state_at(self, t_s: float):
        """(state (6,), covariance (6, 6)) predicted to ``t_s`` from the last row at or before it."""
        i = int(np.searchsorted(self.t_s, t_s, side="right")) - 1
        if i < 0:
            raise InputError(f"time {t_s} s is before the track starts ({self.t_s[0]:g} s)")
        dt = np.array([float(t_s) - self.t_s[i]])
        if self.motion is not None:
            x, p = self.motion.predict(self.state[i:i + 1], self.covariance[i:i + 1], dt)
        else:
            x, p = tk.predict(self.state[i:i + 1], self.covariance[i:i + 1], dt, self.q_m2_s3, self.earth)
        return x[0], p[0]

    def predict_impact(self, *, index: int = -1, **kwargs) -> "ImpactPrediction":
        """The impact predicted from row ``index``; keywords as for :func:`predict_impact`."""
        return predict_impact(self.state[index], self.covariance[index], float(self.t_s[index]),
                              earth=self.earth, **kwargs)


# ------------------------------------------------------------------ merging
@dataclass(frozen=True)
class _Merged:
    """One object's detections from all its sensors, sorted by time (plain arrays)."""

    t: np.ndarray          # (n,)
    z: np.ndarray          # (n, 3) range m, az rad, el rad
    sigma: np.ndarray      # (n, 3)
    site: np.ndarray       # (n, 3) ECEF m
    rot: np.ndarray        # (n, 3, 3) rows east, north, up
    object_id: str
    sensors: tuple[str, ...]
    earth: EarthModel


def _enu_rows(lat_deg: float, lon_deg: float) -> np.ndarray:
    return enu_rotation(lat_deg, lon_deg)


def _site(d: Detections, cache: dict) -> tuple[np.ndarray, np.ndarray]:
    """ECEF position and east/north/up rows of a sensor's site (memoized per call)."""
    key = (d.site_lat_deg, d.site_lon_deg, d.site_alt_m)
    if key not in cache:
        site = d.site
        cache[key] = (site.ecef_m, site.rotation)
    return cache[key]


def _merge(dets, n_init: int, cache: dict) -> _Merged:
    seq = [dets] if isinstance(dets, Detections) else list(dets)
    if not seq or not all(isinstance(d, Detections) for d in seq):
        raise InputError("track() needs Detections or a non-empty sequence of Detections")
    earth = seq[0].earth
    if any(d.earth != earth for d in seq):
        raise InputError("all Detections of one track must share one Earth model")
    for d in seq:
        if not (d.sigma_range_m > 0 and d.sigma_angle_rad > 0):
            raise InputError(f"sensor {d.sensor_id!r}: measurement sigmas must be > 0")
    t = np.concatenate([d.t_s for d in seq])
    z = np.concatenate([np.stack([d.range_m, d.az_rad, d.el_rad], axis=1) for d in seq])
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(z))):
        raise InputError("detections must be finite (no NaN or inf times or measurements)")
    if t.size < n_init:
        raise InputError(f"a track needs at least {n_init} detections; got {t.size}")
    which = np.repeat(np.arange(len(seq)), [len(d) for d in seq])
    sig = np.array([[d.sigma_range_m, d.sigma_angle_rad, d.sigma_angle_rad] for d in seq])[which]
    sites = [_site(d, cache) for d in seq]
    site = np.array([s[0] for s in sites])[which]
    rot = np.array([s[1] for s in sites])[which]
    order = np.argsort(t, kind="stable")
    if t[order[n_init - 1]] <= t[order[0]]:
        raise InputError(f"the first {n_init} detections must span a time interval to start a track")
    names = tuple(dict.fromkeys(d.sensor_id for d in seq if len(d)))
    return _Merged(t[order], z[order], sig[order], site[order], rot[order], seq[0].object_id, names, earth)


def _pad(merged: list[_Merged]):
    """Stack ragged per-track arrays to (K, n_max, ...), repeating each track's last row."""
    n_max = max(m.t.size for m in merged)
    out = []
    for name in ("t", "z", "sigma", "site", "rot"):
        first = getattr(merged[0], name)
        a = np.empty((len(merged), n_max) + first.shape[1:])
        for i, m in enumerate(merged):
            v = getattr(m, name)
            a[i, :v.shape[0]] = v
            a[i, v.shape[0]:] = v[-1]
        out.append(a)
    return out


# ------------------------------------------------------------------ filtering
def _check_options(q_m2_s3, firm_after, firm_sigma_m, n_init) -> None:
    if not (np.isfinite(q_m2_s3) and q_m2_s3 >= 0):
        raise InputError(f"q_m2_s3 must be a finite number >= 0; got {q_m2_s3}")
    if int(n_init) not in (2, 3, 4, 5):
        raise InputError(f"n_init must be 2, 3, 4 or 5 detections; got {n_init}")
    if int(firm_after) < 1:
        raise InputError(f"firm_after must be >= 1 detection; got {firm_after}")
    if not firm_sigma_m > 0:
        raise InputError(f"firm_sigma_m must be > 0; got {firm_sigma_m}")


def _firm_times(t, sigma_m, n_upd, rows, firm_after, firm_sigma_m) -> list:
    """First row time (K,) with sigma below the threshold after enough updates, else None."""
    ok = (sigma_m < firm_sigma_m) & (n_upd >= firm_after) & (np.arange(sigma_m.shape[1]) < rows[:, None])
    first = np.argmax(ok, axis=1)
    return [float(t[i, first[i]]) if ok[i, first[i]] else None for i in range(t.shape[0])]


def filter_padded(t, z, sigma, site_m, rot, n_det, earth, *, q_m2_s3: float = Q_M2_S3,
                  firm_after: int = FIRM_AFTER, firm_sigma_m: float = FIRM_SIGMA_M, n_init: int = 3,
                  motion=None):
    """The batched filter on padded arrays: K tracks of up to M detections each.

    ``t`` (K, M) times, ``z`` (K, M, 3) range/azimuth/elevation, ``sigma`` (K, M, 3), ``site_m``
    (K, M, 3) sensor positions (ECEF), ``rot`` (K, M, 3, 3) their east/north/up rows, ``n_det``
    (K,) detections used per track (rows past it repeat the last one).  Returns the states
    (K, M - n_init + 1, 6), covariances and each track's firm time (None: never firm).
    ``motion``: a 6-state :class:`~openbmd.sensors.motion.MotionModel` (e.g. ballistic with
    drag) run by the generic filter; None runs the compiled drag-free loop.
    """
    n0 = int(n_init)
    x, p = tk.initiate(t[:, :n0], z[:, :n0], site_m[:, :n0], rot[:, :n0], sigma[:, :n0], earth)
    k, rows = t.shape[0], t.shape[1] - n0 + 1
    xs, ps = np.zeros((k, rows, 6)), np.zeros((k, rows, 6, 6))
    n_det = np.asarray(n_det, dtype=np.int64)
    if motion is None:
        tk.filter_loop(t, z, sigma, site_m, rot, n_det, n0, x, p, float(q_m2_s3), earth.mu_m3_s2, earth.j2,
                       earth.a_m, earth.omega_rad_s, xs, ps)
    else:
        _generic_loop(motion, t, z, sigma, site_m, rot, n_det, n0, x, p, xs, ps)
    sig = np.sqrt(np.trace(ps[:, :, :3, :3], axis1=2, axis2=3))
    firm = _firm_times(t[:, n0 - 1:], sig, np.arange(n0, t.shape[1] + 1), n_det - n0 + 1, firm_after,
                       firm_sigma_m)
    return xs, ps, firm


def _generic_loop(motion, t, z, sigma, site_m, rot, n_det, n0, x, p, xs, ps) -> None:
    """filter_loop's rows from the generic extended Kalman filter (:mod:`openbmd.sensors.ekf`)."""
    from openbmd.sensors import ekf
    from openbmd.sensors.models import RangeAzEl

    steps = [ekf.Step(t[:, j], z[:, j], RangeAzEl(site_m=site_m[:, j], rotation=rot[:, j],
                                                  sigma_range_m=sigma[:, j, 0], sigma_angle_rad=sigma[:, j, 1]),
                      mask=j < n_det) for j in range(n0, t.shape[1])]
    xs[:, 0], ps[:, 0] = x, p
    if steps:
        out, pout, _ = ekf.run(motion, x, p, t[:, n0 - 1], steps)
        xs[:, 1:], ps[:, 1:] = np.swapaxes(out, 0, 1), np.swapaxes(pout, 0, 1)


def enu_rows(lat_deg: float, lon_deg: float) -> np.ndarray:
    """East, north and up of a site as rows (3, 3) in ECEF components (``Site.rotation``)."""
    return enu_rotation(lat_deg, lon_deg)


def track_many(detections: Sequence, *, q_m2_s3: float = Q_M2_S3, firm_after: int = FIRM_AFTER,
               firm_sigma_m: float = FIRM_SIGMA_M, n_init: int = 3, motion=None) -> list[Track]:
    """Track K objects in one batched filter; element k of ``detections`` is one
    object's Detections (or a sequence of them from several sensors).

    The tracks start together (array least squares), then run through the compiled
    loop :func:`~openbmd.sensors.tracking_kernels.filter_loop`, one track per core
    thread (or, with a ``motion`` model such as ``Ballistic(beta_kg_m2=...)`` for drag, through
    the generic filter of :mod:`openbmd.sensors.ekf`).  Returns K :class:`Track`.
    """
    _check_options(q_m2_s3, firm_after, firm_sigma_m, n_init)
    if isinstance(detections, Detections) or len(detections) == 0:
        raise InputError("track_many() needs a non-empty list with one entry per object")
    cache: dict = {}
    merged = [_merge(d, int(n_init), cache) for d in detections]
    earth = merged[0].earth
    if any(m.earth != earth for m in merged):
        raise InputError("all objects of one track_many() call must share one Earth model")
    t, z, sig, site, rot = _pad(merged)
    n0 = int(n_init)
    n_det = np.array([m.t.size for m in merged], dtype=np.int64)
    xs, ps, firm = filter_padded(t, z, sig, site, rot, n_det, earth, q_m2_s3=q_m2_s3, firm_after=firm_after,
                                 firm_sigma_m=firm_sigma_m, n_init=n0, motion=motion)
    rows = n_det - n0 + 1
    return [Track(object_id=mg.object_id, t_s=mg.t[n0 - 1:], state=xs[i, :rows[i]], covariance=ps[i, :rows[i]],
                  n_updates=np.arange(n0, mg.t.size + 1), firm_time_s=firm[i], sensors=mg.sensors,
                  earth=earth, q_m2_s3=float(getattr(motion, "q_m2_s3", q_m2_s3)), motion=motion)
            for i, mg in enumerate(merged)]


def track(detections, *, q_m2_s3: float = Q_M2_S3, firm_after: int = FIRM_AFTER,
          firm_sigma_m: float = FIRM_SIGMA_M, n_init: int = 3, motion=None) -> Track:
    """Track one object from its Detections (one sensor, or a sequence of several,
    merged in time).

    ``q_m2_s3``: white acceleration noise spectral density per axis; ``n_init``: the
    detections that start the track (least squares); the track is firm at the first
    update after which the RSS position sigma is below ``firm_sigma_m`` and at least
    ``firm_after`` detections have been used.  ``motion``: a 6-state motion model for the
    generic filter (e.g. ``openbmd.sensors.motion.Ballistic(beta_kg_m2=5000.0)`` to follow a
    re-entry vehicle through the air); None: the compiled drag-free filter.
    """
    return track_many([detections], q_m2_s3=q_m2_s3, firm_after=firm_after,
                      firm_sigma_m=firm_sigma_m, n_init=n_init, motion=motion)[0]


# ------------------------------------------------------------------ impact prediction
@dataclass(frozen=True, eq=False)
class ImpactPrediction:
    """Where and when a tracked object comes down, from M sampled track states.

    ``lat_deg``/``lon_deg``/``time_s`` are the mean point and time of impact
    (time from the scenario epoch); ``covariance_km2`` (2, 2) the scatter of the
    sampled impacts in local (east, north) km about that point; the 1-sigma
    ellipse has axes ``semi_major_km`` >= ``semi_minor_km``, the major one along
    ``orientation_deg`` (clockwise from north, in [0, 180)); ``cep_km`` is the
    median distance of the sampled impacts from the mean point.
    """

    lat_deg: float
    lon_deg: float
    time_s: float
    time_sigma_s: float
    covariance_km2: np.ndarray
    semi_major_km: float
    semi_minor_km: float
    orientation_deg: float
    cep_km: float
    from_time_s: float
    sample_lat_deg: np.ndarray
    sample_lon_deg: np.ndarray
    n_impacted: int

    def __post_init__(self):
        for k in ("covariance_km2", "sample_lat_deg", "sample_lon_deg"):
            object.__setattr__(self, k, frozen(getattr(self, k)))


def _sample_states(state, covariance, samples: int, seed) -> np.ndarray:
    """``samples`` draws of N(state, covariance) (eigen-decomposition: tolerates a
    covariance that is only positive semi-definite)."""
    w, v = np.linalg.eigh(0.5 * (covariance + covariance.T))
    root = v * np.sqrt(np.clip(w, 0.0, None))
    return state + np.random.default_rng(seed).standard_normal((samples, 6)) @ root.T


def predict_impact(state, covariance, t_s: float, *, samples: int = 1000, seed=0,
                   earth: EarthModel | str = "wgs84", drag: bool = True,
                   rv_beta_kg_m2: float = 5000.0) -> ImpactPrediction:
    """Fly ``samples`` states drawn from N(state, covariance) at time ``t_s`` to the
    ground with the flight engine (drag on a body of ballistic coefficient
    ``rv_beta_kg_m2``, rotation and J2 as the Earth model says) and summarize where
    they land.  ``state`` (6,) is an ECEF position (m) and Earth-relative velocity (m/s).
    """
    model = earth_model(earth)
    x, p = np.asarray(state, float), np.asarray(covariance, float)
    if x.shape != (6,) or p.shape != (6, 6) or not (np.all(np.isfinite(x)) and np.all(np.isfinite(p))):
        raise InputError("predict_impact needs a finite state (6,) and covariance (6, 6)")
    if int(samples) < 2:
        raise InputError(f"samples must be >= 2; got {samples}")
    if not rv_beta_kg_m2 > 0:
        raise InputError(f"rv_beta_kg_m2 must be > 0; got {rv_beta_kg_m2}")
    xs = _sample_states(x, p, int(samples), seed)
    # the kernel flies in the inertial frame that coincides with ECEF at its time zero (here t_s)
    w = np.array([0.0, 0.0, model.omega_rad_s])
    y0 = np.concatenate([xs[:, :3], xs[:, 3:] + np.cross(w, xs[:, :3])], axis=1)
    n = xs.shape[0]
    lanes = replace(free_lanes(np.zeros(n), 0.0, 0.0, 0.0, 1.0, 0.0, model, rv_beta_kg_m2), y0=y0)
    lat0, lon0, _ = ecef_to_geodetic(x[:3], model)
    batch = run_lanes(lanes, model, drag=drag, launch_lat_deg=lat0, launch_lon_deg=lon0)
    ok = batch.ok
    if ok.sum() < 2:
        raise InputError(f"only {int(ok.sum())} of {n} sampled track states come down to the ground "
                         "within the time limit; no impact to predict")
    lat, lon, tof = batch.impact_lat_deg[ok], batch.impact_lon_deg[ok], batch.impact_time_s[ok]
    ground = geodetic_to_ecef(lat, lon, 0.0, model)
    mlat, mlon, _ = ecef_to_geodetic(ground.mean(axis=0), model)
    en = Site(lat_deg=float(mlat), lon_deg=float(mlon), earth=model).enu(ground)[:, :2] / 1e3
    cov = np.cov(en, rowvar=False)
    ev, evec = np.linalg.eigh(cov)
    major = evec[:, 1]
    return ImpactPrediction(
        lat_deg=float(mlat), lon_deg=float(mlon), time_s=float(t_s + tof.mean()),
        time_sigma_s=float(tof.std(ddof=1)), covariance_km2=cov,
        semi_major_km=float(np.sqrt(max(ev[1], 0.0))), semi_minor_km=float(np.sqrt(max(ev[0], 0.0))),
        orientation_deg=float(np.degrees(np.arctan2(major[0], major[1])) % 180.0),
        cep_km=float(np.median(np.hypot(*(en - en.mean(axis=0)).T))), from_time_s=float(t_s),
        sample_lat_deg=lat, sample_lon_deg=lon, n_impacted=int(ok.sum()))
