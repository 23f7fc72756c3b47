"""Monte Carlo of one engagement over its uncertain inputs, vectorized and seeded.

Sampled per trial (uniform in the given ranges): the single-shot kill
probability, the reaction time, the radars' detection range (a scale on the
radar equation's range: the threat's RCS and the radar's sensitivity are both
uncertain), and the interceptor's burnout speed.  The threat is flown once and
tracked once (the nominal run of :func:`openbmd.engagement.engage.engage`);
the trials are rows of one call of the same engine (its Lane, on the nominal
run's samples) with perturbed inputs: each trial

- moves the nominal firm track by the shift of its first detection on the
  radars' revisit grid when their range is scaled (zero at scale 1: a trial with
  the nominal inputs is the nominal engagement),
- launches after its reaction time,
- scales the fly-out times by nominal speed / sampled speed (time ~ 1 / speed,
  a first-order stand-in for rebuilding the fly-out table: the reach boundary
  itself does not move),
- keeps the nominal run's fire-control coverage (launch-on-remote),
- gets a second salvo only if an interceptor launched after the kill assessment
  can still intercept (shot opportunities capped at 2),

and all trials' battle spaces are solved in one call.  An outcome (kill or
leak) is drawn per trial from its kill probability.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.engagement.engage import EngagementResult
from openbmd.engagement.engine import Lane, shots
from openbmd.sensors.radar import UNCUED_VOLUME_RATIO
from openbmd.sensors.signature import Signature, as_signature
from openbmd.engagement.shooter import Shooter
from openbmd.errors import InputError


@dataclass(frozen=True)
class Uncertainty:
    """Ranges (low, high) sampled uniformly; None keeps the nominal value."""

    pk_single_shot: tuple[float, float] | None = None
    reaction_s: tuple[float, float] | None = None
    detection_range_scale: tuple[float, float] | None = (0.7, 1.3)
    burnout_speed_km_s: tuple[float, float] | None = None


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    n: int
    seed: int
    engageable: np.ndarray  #: per trial
    p_kill: np.ndarray  #: per trial, under the doctrine
    killed: np.ndarray  #: per trial, one draw
    first_launch_s: np.ndarray
    window_s: np.ndarray

    @property
    def p_engageable(self) -> float:
        return float(self.engageable.mean())

    @property
    def mean_p_kill(self) -> float:
        return float(self.p_kill.mean())

    def summary(self) -> dict:
        k = float(self.killed.mean())
        return {"trials": self.n, "seed": self.seed, "p_engageable": self.p_engageable,
                "mean_p_kill": self.mean_p_kill, "kill_fraction": k,
                "kill_fraction_95ci": list(wilson_interval(k, self.n))}


def wilson_interval(p_hat: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (keeps its width at 0 % and 100 %)."""
    denom = 1 + z * z / n
    centre = (p_hat + z * z / (2 * n)) / denom
    half = z * np.sqrt(p_hat * (1 - p_hat) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _uniform(rng, rng_range, nominal, n):
    if rng_range is None:
        return np.full(n, float(nominal))
    lo, hi = (float(x) for x in rng_range)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
        raise InputError(f"uncertainty range {rng_range} must be (low, high) with low <= high")
    return rng.uniform(lo, hi, n)


def _first_detection(radars, t, X, scale, sig: Signature, burnout_s: float, cue_s):
    """First revisit time at which any radar sees the threat with its detection range
    scaled by ``scale`` (one per trial), uncued before ``cue_s`` (see
    :func:`openbmd.engagement.engage.observe_cued`), each look at the RCS of ``sig`` at its time
    (the booster's before ``burnout_s``, none there without a booster figure): (n,) seconds,
    inf when never."""
    first = np.full(scale.shape, np.inf)
    cue = np.inf if cue_s is None else cue_s
    for radar in radars:
        looks = np.arange(0.0, t[-1], radar.revisit_s)
        pos = np.stack([np.interp(looks, t, X[0, :, k]) for k in range(3)], axis=-1)
        _, _, rng_m = radar.aer(pos)
        seen_range = np.where(radar.in_view(pos) & (looks >= sig.seen_from_s(burnout_s)), rng_m, np.inf)
        rcs = sig.rcs_m2(looks, burnout_s)
        reach = np.where(looks >= cue, radar.detection_range_m(rcs),
                         radar.detection_range_m(rcs / UNCUED_VOLUME_RATIO))
        ok = seen_range[None, :] <= scale[:, None] * reach[None, :]
        idx = np.argmax(ok, axis=1)
        first = np.minimum(first, np.where(ok.any(axis=1), looks[idx], np.inf))
    return first


def monte_carlo(nominal: EngagementResult, *, interceptor, site, radars, rcs_m2=None,
                n: int = 1000, seed: int = 0, uncertainty: Uncertainty = Uncertainty(),
                reaction_s: float) -> MonteCarloResult:
    """Trials of the engagement whose nominal run is ``nominal`` (see the module docstring).
    ``rcs_m2``: what the radars see (a Signature, or a number: a warhead seen after burnout);
    default the nominal run's signature (else 0.1 m^2)."""
    if n < 1:
        raise InputError(f"the Monte Carlo needs >= 1 trial, got {n}")
    rng = np.random.default_rng(seed)
    kv = interceptor.kill_vehicle
    v_nom = interceptor.burnout_speed_km_s
    pk = _uniform(rng, uncertainty.pk_single_shot, kv.pk_single_shot, n)
    if np.any((pk < 0) | (pk > 1)):
        raise InputError("sampled kill probabilities must lie in [0, 1]")
    react = _uniform(rng, uncertainty.reaction_s, reaction_s, n)
    det_scale = _uniform(rng, uncertainty.detection_range_scale, 1.0, n)
    if uncertainty.burnout_speed_km_s is not None and v_nom is None:
        raise InputError(f"{interceptor.id} has no stated burnout speed to vary")
    v = _uniform(rng, uncertainty.burnout_speed_km_s, v_nom or 1.0, n)
    s = nominal.lane.samples
    tl = nominal.timeline
    if tl.firm_track_s is None or not radars:
        t_launch = np.full(n, np.inf)
    else:
        sig = as_signature(rcs_m2 if rcs_m2 is not None else (nominal.signature or 0.1))
        first = _first_detection(radars, s.t_s, s.ecef_m, np.append(det_scale, 1.0), sig, float(s.burnout_s[0]),
                                 tl.early_warning_s)
        ref = first[-1] if np.isfinite(first[-1]) else tl.first_detection_s
        t_launch = (tl.firm_track_s + react) + (first[:-1] - ref)
    lane = Lane.make(s, Shooter.at(interceptor, site[0], site[1]), np.inf, allowed=nominal.lane.allowed)
    got = shots(lane, nominal.doctrine, np.zeros(n, np.int64), launch_s=t_launch, pk=pk,
                time_scale=(v_nom or 1.0) / v, cap=2)
    bs = got.battlespace
    killed = rng.random(n) < got.p_kill
    return MonteCarloResult(n=n, seed=seed, engageable=bs.engageable, p_kill=got.p_kill, killed=killed,
                            first_launch_s=bs.earliest_launch_s, window_s=np.where(bs.engageable, bs.window_s, 0.0))
