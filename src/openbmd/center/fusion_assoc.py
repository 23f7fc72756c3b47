"""Association pieces of the fusion center: the chi-square gate, global nearest neighbour,
track initiation from unassociated returns, and covariance intersection.

- :func:`gate` turns a gate in sigmas into the chi-square threshold of the same tail
  probability for m degrees of freedom (m = 3 for range/azimuth/elevation, 2 for angles, 6 for
  a shared track).
- :func:`assign` is global nearest neighbour: the assignment (Munkres / Jonker-Volgenant, scipy)
  minimising the summed squared Mahalanobis distances among the pairs inside the gate.
- :class:`Initiator` keeps the unassociated returns of the last ``max_gap_s`` seconds as seeds:
  a return extends each seed whose straight-line prediction it fits (a velocity gate for a
  one-return seed), and a seed of ``n_init`` returns spanning ``MIN_SPAN_S`` starts a track by the
  engine's weighted least squares on the ballistic motion (:func:`openbmd.sensors.tracking_kernels.initiate`)
  when the returns fit it (chi-square test of the residuals), else on constant acceleration (a
  booster; :func:`openbmd.sensors.boost_track.initiate_boost`); a seed that fits neither is
  dropped, so false returns do not breed (three false alarms per look cost ~0.3 ms each).
- :func:`covariance_intersection` fuses two estimates whose errors are correlated by an unknown
  amount (Julier & Uhlmann, American Control Conference 1997): P^-1 = w A^-1 + (1 - w) B^-1 with
  w minimising det P; P then bounds the error of the fused estimate for every correlation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.special import ndtr
from scipy.stats import chi2

from openbmd.earth.model import WGS84
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.boost_track import initiate_boost
from openbmd.sensors.models import RangeAzEl

#: a cost the assignment never picks
_FAR = 1e12
#: an acceleration the straight-line seed gate allows for (m/s^2): a booster's thrust (up to ~50 m/s^2
#: at a stage's burnout) or gravity, with margin
SEED_ACCEL_M_S2 = 60.0
#: the largest thrust acceleration a boosting track may start with (m/s^2, ~15 g; a solid ICBM's last
#: stage reaches ~10 g, openbmd.sensors.boost_track.ACCEL_SIGMA_M_S2)
MAX_THRUST_M_S2 = 150.0
#: chi-square (3 dof, 99 %) above which a starting track's fitted acceleration is not free fall
THRUST_CHI2 = float(chi2.ppf(0.99, 3))
#: shortest time a starting track's returns must span (s): over 4 s a 20 m/s^2 thrust moves a body
#: 0.5 * 20 * 2^2 = 40 m off a ballistic arc about the middle, several sigma of a radar's range
#: noise (10-25 m), so a booster is told from a coasting body before its track starts
MIN_SPAN_S = 4.0


def gate(sigmas: float, dof: int) -> float:
    """The chi-square threshold with the tail probability of +/- ``sigmas`` in one dimension."""
    return float(chi2.ppf(1.0 - 2.0 * ndtr(-float(sigmas)), dof))


def mahalanobis2(y, s) -> np.ndarray:
    """y^T S^-1 y over leading axes: y (..., m), S (..., m, m)."""
    return np.einsum("...i,...i->...", y, np.linalg.solve(s, y[..., None])[..., 0])


def assign(d2, threshold: float) -> list[tuple[int, int]]:
    """Global nearest neighbour on squared distances (K tracks, M reports): the (track, report)
    pairs of the cheapest assignment whose distances are within ``threshold``."""
    if d2.size == 0:
        return []
    cost = np.where(np.isfinite(d2) & (d2 <= threshold), d2, _FAR)
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if cost[r, c] < _FAR]


def covariance_intersection(xa, pa, xb, pb, grid: int = 101):
    """(x, P, w) of the covariance intersection of N(xa, Pa) and N(xb, Pb) (n,), (n, n): w on a
    grid over [0, 1] then refined by a parabola through the best three, minimising log det P."""
    ia, ib = np.linalg.inv(pa), np.linalg.inv(pb)
    w = np.linspace(0.0, 1.0, grid)
    info = w[:, None, None] * ia + (1.0 - w)[:, None, None] * ib
    logdet = -np.linalg.slogdet(info)[1]
    best, j = float(w[np.argmin(logdet)]), int(np.argmin(logdet))
    if 0 < j < grid - 1:                      # the parabola through the best three
        y0, y1, y2 = logdet[j - 1:j + 2]
        den = y0 - 2.0 * y1 + y2
        if den > 0:
            best = float(np.clip(best + 0.5 * (y0 - y2) / den * (w[1] - w[0]), 0.0, 1.0))
    info = best * ia + (1.0 - best) * ib
    p = np.linalg.inv(info)
    x = p @ (best * ia @ xa + (1.0 - best) * ib @ xb)
    return x, 0.5 * (p + p.T), best


@dataclass(frozen=True, eq=False)
class Return:
    """One unassociated range/azimuth/elevation return, converted to ECEF."""

    id: str
    sensor: str
    party: str
    t: float                 #: time (s, relative to the fusion's epoch)
    z: np.ndarray            #: (3,) range m, azimuth rad, elevation rad
    sigma: np.ndarray        #: (3,)
    site: np.ndarray         #: (3,) ECEF
    rot: np.ndarray          #: (3, 3)
    pos: np.ndarray = field(init=False)   #: (3,) converted ECEF position
    cov: np.ndarray = field(init=False)   #: (3, 3) its covariance

    def __post_init__(self):
        pos, cov = tk.converted(self.z[None], self.site[None], self.rot[None], self.sigma[None])
        object.__setattr__(self, "pos", pos[0])
        object.__setattr__(self, "cov", cov[0])


@dataclass(frozen=True, eq=False)
class Seed:
    """A started track: its returns (time order), state (6,) and covariance (6, 6) at the last."""

    returns: tuple[Return, ...]
    x: np.ndarray
    p: np.ndarray


class Initiator:
    """Seeds of unassociated returns; :meth:`add` returns the tracks they start."""

    def __init__(self, *, n_init: int = 3, max_gap_s: float = 30.0, max_speed_m_s: float = 8000.0,
                 min_span_s: float = MIN_SPAN_S, threshold3: float = gate(4.0, 3), fit_sigmas: float = 4.0,
                 max_seeds: int = 500, earth=WGS84):
        self.n_init, self.max_gap_s, self.max_speed = int(n_init), float(max_gap_s), float(max_speed_m_s)
        self.min_span_s = float(min_span_s)
        self.threshold3, self.fit_sigmas, self.max_seeds, self.earth = threshold3, fit_sigmas, max_seeds, earth
        self.seeds: list[tuple[Return, ...]] = []

    def _fits(self, r: Return) -> np.ndarray:
        """Which seeds (S,) the return extends: within ``max_gap_s`` after their last return (not
        the same sensor at the same time), then a velocity gate for a one-return seed, else the
        chi-square gate about the straight line through its first and last returns, allowing
        ``SEED_ACCEL_M_S2`` of unmodelled acceleration. One array computation over the seeds."""
        seeds = self.seeds
        n = np.array([len(s) for s in seeds])
        t0, t1 = np.array([s[0].t for s in seeds]), np.array([s[-1].t for s in seeds])
        p0, p1 = np.array([s[0].pos for s in seeds]), np.array([s[-1].pos for s in seeds])
        c0, c1 = np.array([s[0].cov for s in seeds]), np.array([s[-1].cov for s in seeds])
        dt = r.t - t1
        ok = (dt >= 0) & (dt <= self.max_gap_s)
        for i in np.flatnonzero(ok & (dt == 0)):
            ok[i] = r.sensor not in {x.sensor for x in seeds[i] if x.t == r.t}
        spread = 3.0 * np.sqrt(np.linalg.eigvalsh(r.cov + c1)[:, -1])
        one = np.linalg.norm(r.pos - p1, axis=1) <= self.max_speed * dt + spread
        span = t1 - t0
        safe = np.where(span > 0, span, 1.0)
        k = np.where(span > 0, dt / safe, 0.0)
        v = np.where((span > 0)[:, None], (p1 - p0) / safe[:, None], 0.0)
        acc = np.where(span > 0, 0.5 * SEED_ACCEL_M_S2 * (r.t - t0) ** 2, 0.0)
        cov = (r.cov + ((1 + k) ** 2)[:, None, None] * c1 + (k**2)[:, None, None] * c0
               + (acc**2)[:, None, None] * np.eye(3))
        line = mahalanobis2(r.pos - (p1 + v * dt[:, None]), cov) <= self.threshold3
        return ok & np.where(n == 1, one, line)

    def add(self, r: Return) -> list[Seed]:
        """Take one unassociated return (in time order); return the tracks it starts. A seed long
        enough that starts nothing (its returns fit no motion) is dropped."""
        self.seeds = [s for s in self.seeds if r.t - s[-1].t <= self.max_gap_s]
        grown = [s + (r,) for s, f in zip(self.seeds, self._fits(r)) if f] if self.seeds else []
        started, used, kept = [], set(), []
        for s in grown:
            if len(s) < self.n_init or s[-1].t - s[0].t < self.min_span_s or used & {x.id for x in s}:
                kept.append(s)
                continue
            seed = self._start(s)
            if seed is not None:
                started.append(seed)
                used |= {x.id for x in s}
        self.seeds = (self.seeds + kept + [(r,)])[-self.max_seeds:]
        if used:
            self.seeds = [s for s in self.seeds if not used & {x.id for x in s}]
        return started

    def _start(self, rets: tuple[Return, ...]) -> Seed | None:
        """A track from the returns: boosting (constant acceleration,
        :func:`openbmd.sensors.boost_track.initiate_boost`) when its fitted acceleration differs from
        free fall (chi-square, 3 dof, 99 %) or the returns do not fit a ballistic arc, else ballistic
        (:func:`openbmd.sensors.tracking_kernels.initiate`); None if neither fits (chi-square of
        the residuals, 3n - 6 or 3n - 9 dof) or the thrust is beyond ``MAX_THRUST_M_S2``."""
        t = np.array([r.t for r in rets])[None]
        z, site, rot, sig = (np.array([getattr(r, k) for r in rets])[None] for k in ("z", "site", "rot", "sigma"))
        xb, pb = initiate_boost(t, z, site, rot, sig)
        d = xb[0, 6:] - tk.accel(xb[:, :3], xb[:, 3:6], self.earth)[0]
        thrust = float(d @ np.linalg.solve(pb[0, 6:, 6:], d)) > THRUST_CHI2
        if not thrust:
            x, p = tk.initiate(t, z, site, rot, sig, self.earth)
            back = tk.propagate(np.repeat(x, len(rets), axis=0), t[0] - t[0, -1], self.earth)
            if self._fit(back[:, :3], z[0], site[0], rot[0], sig[0], 3 * len(rets) - 6):
                return Seed(rets, x[0], p[0])
        tau = (t[0] - t[0, -1])[:, None]
        pos = xb[:, :3] + tau * xb[:, 3:6] + 0.5 * tau**2 * xb[:, 6:]
        if float(np.linalg.norm(d)) > MAX_THRUST_M_S2 or not self._fit(pos, z[0], site[0], rot[0], sig[0],
                                                                         3 * len(rets) - 9):
            return None
        return Seed(rets, xb[0], pb[0])

    def forget(self, fits) -> None:
        """Drop the seeds holding a return for which ``fits(returns) -> bool array`` is true (returns
        a just-started track accounts for: they would start a twin of it)."""
        pool = list({r.id: r for s in self.seeds for r in s}.values())
        if not pool:
            return
        gone = {r.id for r, f in zip(pool, fits(pool)) if f}
        self.seeds = [s for s in self.seeds if not gone & {r.id for r in s}]

    def _fit(self, pos, z, site, rot, sig, dof: int) -> bool:
        """Do returns z (n, 3) fit the positions (n, 3)? Chi-square of the residuals (True if dof <= 0)."""
        zp, _ = tk.measure(pos, site, rot)
        y = z - zp
        y[:, 1] = (y[:, 1] + np.pi) % (2.0 * np.pi) - np.pi
        return dof <= 0 or float(np.sum((y / sig) ** 2)) <= gate(self.fit_sigmas, dof)


@dataclass(frozen=True, kw_only=True, eq=False)
class AzEl(RangeAzEl):
    """Azimuth and elevation (rad) without range: an angles-only sensor (infrared) at a site."""

    sigma_range_m: float | np.ndarray = 0.0     #: unused

    WRAPPED = (0,)

    @property
    def sigma(self) -> np.ndarray:
        a = np.asarray(self.sigma_angle_rad, dtype=float)
        return np.stack([a, a], axis=-1)

    def _h(self, r):
        z, hr = super()._h(r)
        return z[:, 1:], hr[:, 1:]


def iterated_update(x, p, z, model, *, first=None, iterations: int = 3, small_m: float = 1000.0):
    """Iterated extended Kalman update (Gauss-Newton on the posterior; Bell & Cathey, IEEE Trans.
    AC 38(2), 1993): :func:`openbmd.sensors.ekf.update` re-linearised at each new estimate, so a
    prior of several km at a few hundred km range (a track just started) is not biased by the
    curvature of the angles and range. ``first``: (h(x), H(x)) already computed at the prior.
    Priors all under ``small_m`` RSS position sigma take one step (the curvature's error is then
    below ~sigma^2 / (2 range) ~ 2 m at 300 km). Returns (x, P) (K, n), (K, n, n)."""
    xi = x
    r = model.covariance(x.shape[0])
    pt = np.swapaxes
    if np.max(np.trace(p[:, :3, :3], axis1=1, axis2=2)) < small_m**2:
        iterations = 1
    for it in range(iterations):
        zp, h = first if (it == 0 and first is not None) else (model.function(xi), model.jacobian(xi))
        ph = p @ pt(h, 1, 2)
        s = h @ ph + r
        gain = pt(np.linalg.solve(s, pt(ph, 1, 2)), 1, 2)
        y = model.residual(z, zp) - np.einsum("kij,kj->ki", h, x - xi)
        for i in model.WRAPPED:
            y[:, i] = (y[:, i] + np.pi) % (2.0 * np.pi) - np.pi
        xi = x + np.einsum("kij,kj->ki", gain, y)
    ikh = np.eye(x.shape[1]) - gain @ h
    p1 = ikh @ p @ pt(ikh, 1, 2) + gain @ r @ pt(gain, 1, 2)
    return xi, 0.5 * (p1 + pt(p1, 1, 2))
