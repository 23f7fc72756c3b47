"""Threats sampled on one time grid: the input of sensors' looks and of the battle space.

T flights (a FlightBatch) become arrays ``(T, N, 3)`` of Earth-fixed positions and
velocities on a common grid of N times from each threat's own launch (NaN after
impact), the shape every batched sensor and engagement function takes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: sampling of the threat trajectories for the battle space (s)
SAMPLE_S = 2.0
#: the flight integrator's largest step when flights are only resampled (Hermite: ~20 m)
SAMPLED_MAX_STEP_S = 30.0


def sample_step_s(flight_time_s: float) -> float:
    """Battle-space sampling for flights of this duration: 2 s for short flights, up to 5 s
    for ICBMs (about 400 samples; the earliest intercept is interpolated between samples)."""
    return float(np.clip(flight_time_s / 400.0, SAMPLE_S, 5.0))


@dataclass(frozen=True, eq=False)
class ThreatSamples:
    """T threats on a common time grid: positions and Earth-relative velocities, NaN after impact."""

    t_s: np.ndarray  #: (N,)
    ecef_m: np.ndarray  #: (T, N, 3)
    vel_m_s: np.ndarray  #: (T, N, 3)
    burnout_s: np.ndarray  #: (T,)
    impact_s: np.ndarray  #: (T,)

    def __len__(self) -> int:
        return self.ecef_m.shape[0]


def sample_flights(batch, dt_s: float = SAMPLE_S) -> ThreatSamples:
    """A FlightBatch flown with ``sample_dt_s`` (its ``samples``), or its histories
    (``history=True``) resampled onto one grid of step ``dt_s``."""
    if batch.samples is not None:
        t, X, V = batch.samples
        return ThreatSamples(t, X, V, np.asarray(batch.burnout_time_s, float),
                             np.asarray(batch.impact_time_s, float))
    trajs = batch.trajectories
    t_end = max(float(tr.t_s[-1]) for tr in trajs)
    t = np.arange(0.0, t_end + dt_s, dt_s)
    T, N = len(trajs), t.size
    X = np.full((T, N, 3), np.nan)
    V = np.full((T, N, 3), np.nan)
    for i, tr in enumerate(trajs):
        n = np.searchsorted(t, tr.t_s[-1], side="right")
        for k in range(3):
            X[i, :n, k] = np.interp(t[:n], tr.t_s, tr.ecef_m[:, k])
            V[i, :n, k] = np.interp(t[:n], tr.t_s, tr.velocity_m_s[:, k])
    impact = np.array([float(tr.t_s[-1]) for tr in trajs])
    return ThreatSamples(t, X, V, np.asarray(batch.burnout_time_s, float), impact)
