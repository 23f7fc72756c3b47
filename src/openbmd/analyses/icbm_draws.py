"""Monte Carlo of the interceptor's burnout speed in the Russian question: draws that move the
reach boundary.

``icbm-reach`` finds, per case and battery, the slowest speed of its sweep at which the battery
engages (:func:`openbmd.analyses.icbm_sweeps.needed_speeds`: the catalog interceptor re-built at
each speed, its own fly-out table and kill-vehicle caps, so the reach boundary moves with the
speed).  Engageability grows with speed (the test suite checks it over the whole grid), so on
the grid a case is engageable at speed g exactly when its needed speed is <= g.  Here each
battery's speed is drawn N times from a normal law around the catalog figure
(v = v_catalog + sigma z, the same z for every battery: common random numbers), each draw is
rounded to the nearest speed of that battery's sweep (3-7 km/s by 0.25 plus the catalog's
figures; a draw beyond the sweep is clipped to its end and counted), and each case's share of
draws in which it is engageable is the mean of (needed speed <= drawn speed).  At sigma -> 0 the
shares are the deterministic answer at the catalog speed exactly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.errors import InputError

MAX_SIGMA_KM_S = 2.0  #: a wider spread than any published burnout-speed dispute (GBI: 6.3-8.5 km/s)
MAX_TRIALS = 1_000_000


@dataclass(frozen=True, eq=False)
class SpeedDraws:
    """One battery's draws and what they engage."""

    sigma_km_s: float
    nominal_km_s: float
    drawn_km_s: np.ndarray  #: (N,) as drawn
    used_km_s: np.ndarray  #: (N,) rounded to the nearest speed of the sweep
    engageable: np.ndarray  #: (N, C) bool
    clipped: int  #: draws beyond the ends of the sweep (used at its end)

    @property
    def share(self) -> np.ndarray:
        """(C,) share of draws in which each case is engageable."""
        return self.engageable.mean(axis=0)

    @property
    def cases_per_draw(self) -> np.ndarray:
        return self.engageable.sum(axis=1)

    def summary(self, engageable_nominal: np.ndarray) -> dict:
        per = self.cases_per_draw
        return {"sigma_km_s": self.sigma_km_s, "trials": int(per.size), "nominal_km_s": self.nominal_km_s,
                "engageable_cases_nominal": int(np.sum(engageable_nominal)),
                "mean_engageable_cases_over_draws": float(per.mean()),
                "engageable_cases_5_95_percent": [float(np.percentile(per, 5)), float(np.percentile(per, 95))],
                "cases_engageable_in_some_draw": int((self.share > 0).sum()),
                "cases_engageable_in_every_draw": int((self.share == 1).sum()),
                "draws_clipped_to_the_sweep": self.clipped,
                "method": "v = catalog + sigma z, each draw rounded to the nearest speed of the sweep, where the "
                          "interceptor was re-built (own fly-out table and kill-vehicle caps)"}


def check_draws(sigma_km_s, trials) -> None:
    """One InputError line for a spread or trial count outside what is allowed."""
    if not (np.isfinite(sigma_km_s) and 0.0 < sigma_km_s <= MAX_SIGMA_KM_S):
        raise InputError(f"burnout-speed sigma {sigma_km_s:g} km/s: allowed above 0 and up to {MAX_SIGMA_KM_S:g}")
    if not 1 <= int(trials) <= MAX_TRIALS:
        raise InputError(f"trials {trials}: allowed 1 to {MAX_TRIALS:,}")


def normal_draws(trials: int, seed: int) -> np.ndarray:
    """The standard normal draws every battery shares (common random numbers)."""
    return np.random.default_rng(seed).standard_normal(int(trials))


def speed_draws(needed_km_s, grid_km_s, nominal_km_s: float, sigma_km_s: float, z) -> SpeedDraws:
    """Draw ``nominal + sigma z`` and engage every case on the sweep: see the module docstring.
    ``needed_km_s`` (C,) per case, NaN where even the fastest speed of ``grid_km_s`` cannot."""
    grid = np.sort(np.asarray(grid_km_s, float))
    if not grid.size:
        raise InputError("no buildable speed in the sweep to draw from")
    drawn = float(nominal_km_s) + float(sigma_km_s) * np.asarray(z, float)
    k = np.clip(np.searchsorted(grid, drawn), 1, grid.size - 1) if grid.size > 1 else np.zeros(drawn.size, int)
    if grid.size > 1:
        k = np.where(np.abs(drawn - grid[k - 1]) <= np.abs(grid[k] - drawn), k - 1, k)
    used = grid[k]
    need = np.asarray(needed_km_s, float)
    eng = np.nan_to_num(need, nan=np.inf)[None, :] <= used[:, None] + 1e-9
    clipped = int(np.sum((drawn < grid[0]) | (drawn > grid[-1])))
    return SpeedDraws(float(sigma_km_s), float(nominal_km_s), drawn, used, eng, clipped)
