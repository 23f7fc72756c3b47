"""Measurement models of the center's reports, and tracks started from space infrared lines of sight.

:func:`model_of` gives the engine's measurement model of one scan (one sensor at one time): a
radar's range / azimuth / elevation (:class:`openbmd.sensors.models.RangeAzEl`), angles from a
site without range (:class:`openbmd.center.fusion_assoc.AzEl`), or a satellite's line of sight
in Earth-fixed axes (:class:`openbmd.sensors.models.LineOfSight`).

:class:`StereoStarter` starts tracks from lines of sight no track takes, as the engine's infrared
tracker does (:mod:`openbmd.sensors.irtrack_filter`): two satellites' lines at one time are
triangulated into a fix (:func:`~openbmd.sensors.irtrack_filter.fix`) when they nearly meet
(chi-square of the four angles' residuals, 1 dof), and two fixes up to ``max_gap_s`` apart, no
faster than ``max_speed_m_s``, start a ballistic track (:func:`~openbmd.sensors.irtrack_filter.start`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from openbmd.center.fusion_assoc import AzEl, Seed, gate
from openbmd.center.fusion_types import SightLine
from openbmd.sensors.irtrack_filter import fix, start
from openbmd.sensors.models import LineOfSight, RangeAzEl


def model_of(ms: list, site):
    """(z (M, m), model) of one scan's reports ``ms`` (one kind, one sensor, one time) at ``site``
    (an :class:`openbmd.earth.frames.Site`; unused for sight lines)."""
    if isinstance(ms[0], SightLine):
        z = np.radians([[m.los_lon_deg, m.los_lat_deg] for m in ms])
        return z, LineOfSight(observer_m=np.array(ms[0].observer_m), sigma_rad=np.radians([m.sigma_deg for m in ms]))
    sa = np.radians([m.sigma_angle_deg for m in ms])
    if ms[0].range_m is None:
        z = np.radians([[m.azimuth_deg, m.elevation_deg] for m in ms])
        return z, AzEl(site_m=site.ecef_m, rotation=site.rotation, sigma_angle_rad=sa)
    z = np.array([[m.range_m, math.radians(m.azimuth_deg), math.radians(m.elevation_deg)] for m in ms])
    return z, RangeAzEl(site_m=site.ecef_m, rotation=site.rotation, sigma_angle_rad=sa,
                        sigma_range_m=np.array([m.sigma_range_m for m in ms]))


@dataclass(frozen=True, eq=False)
class Sight:
    """An unassociated line of sight (times in seconds from the fusion's epoch)."""

    id: str
    sensor: str
    party: str
    t: float
    observer: np.ndarray     #: (3,) ECEF
    z: np.ndarray            #: (2,) rad
    sigma: float             #: rad


@dataclass(frozen=True, eq=False)
class Fix:
    """Two lines of sight at one time triangulated: position (3,), covariance (3, 3)."""

    sights: tuple[Sight, Sight]
    pos: np.ndarray
    cov: np.ndarray

    @property
    def t(self) -> float:
        return self.sights[0].t


class StereoStarter:
    """Fixes from pairs of lines of sight, tracks from pairs of fixes; :meth:`add` returns them."""

    def __init__(self, *, max_gap_s: float, max_speed_m_s: float, fit_sigmas: float = 4.0):
        self.max_gap_s, self.max_speed = float(max_gap_s), float(max_speed_m_s)
        self.fit = gate(fit_sigmas, 1)
        self.sights: list[Sight] = []          # this time's unassociated lines
        self.fixes: list[Fix] = []

    def state(self) -> tuple:
        return list(self.sights), list(self.fixes)

    def restore(self, state: tuple) -> None:
        self.sights, self.fixes = list(state[0]), list(state[1])

    def _fix(self, a: Sight, b: Sight) -> Fix | None:
        sigma = max(a.sigma, b.sigma)
        z, obs = np.stack([a.z, b.z])[None], np.stack([a.observer, b.observer])[None]
        pos, cov = fix(z, obs, sigma)
        res = LineOfSight(observer_m=obs[0], sigma_rad=sigma).residual(
            z[0], LineOfSight(observer_m=obs[0], sigma_rad=sigma).function(np.repeat(pos, 2, axis=0)))
        if float(np.sum((res / sigma) ** 2)) > self.fit:
            return None
        return Fix((a, b), pos[0], cov[0])

    def add(self, t: float, sights: list[Sight]) -> list[Seed]:
        """Take a scan's unassociated lines of sight (in time order); return the tracks they start."""
        self.sights = [s for s in self.sights if s.t == t]
        self.fixes = [f for f in self.fixes if t - f.t <= self.max_gap_s]
        new = []
        for s in sights:
            new += [f for o in self.sights if o.sensor != s.sensor and (f := self._fix(o, s)) is not None]
            self.sights.append(s)
        started = []
        for f in new:
            old = next((o for o in self.fixes if self._pairs(o, f)), None)
            if old is None:
                self.fixes.append(f)
                continue
            x, p, _ = start(np.array([[old.t, f.t]]),
                            np.array([[[s.z for s in old.sights], [s.z for s in f.sights]]]),
                            np.array([[[s.observer for s in old.sights], [s.observer for s in f.sights]]]),
                            max(s.sigma for s in old.sights + f.sights))
            started.append(Seed(old.sights + f.sights, x[0], p[0]))
            used = {s.id for s in old.sights + f.sights}
            self.fixes = [o for o in self.fixes if not used & {s.id for s in o.sights}]
            self.sights = [s for s in self.sights if s.id not in used]
        return started

    def _pairs(self, old: Fix, new: Fix) -> bool:
        dt = new.t - old.t
        if not 0.0 < dt <= self.max_gap_s:
            return False
        spread = 3.0 * math.sqrt(np.linalg.eigvalsh(old.cov + new.cov)[-1])
        return float(np.linalg.norm(new.pos - old.pos)) <= self.max_speed * dt + spread


def sight_lines(tracker, t_s, z, sats, *, prefix: str, sensor: str | None = None, party: str | None = None,
                epoch_s: float = 0.0) -> list[SightLine]:
    """The engine's infrared tracker looks (:meth:`openbmd.sensors.irtrack.InfraredTracker.observe`:
    times (K,), lines of sight (K, S, 2) NaN where unseen, satellites (K, S, 3)) as sight lines,
    each satellite reported as sensor ``sensor`` (default ``prefix``) + "/" + its index."""
    base = sensor or prefix
    out = []
    for k, t in enumerate(np.atleast_1d(t_s)):
        for s in range(z.shape[1]):
            if np.isfinite(z[k, s, 0]):
                out.append(SightLine(id=f"{prefix}/{k}/{s}", sensor=f"{base}/{s}", party=party,
                                     t_s=float(epoch_s + t), observer_m=sats[k, s],
                                     los_lon_deg=math.degrees(z[k, s, 0]), los_lat_deg=math.degrees(z[k, s, 1]),
                                     sigma_deg=math.degrees(tracker.sigma_los_rad)))
    return out
