"""A raid: salvos of threats at targets against an architecture with finite magazines.

The raid file (its format and checks) is :mod:`openbmd.analyses.raid_file`.

The analysis:

1. the engagements (:mod:`openbmd.analyses.raid_engage`): every distinct flight is flown
   once and engaged by every battery with the engine
   (:func:`openbmd.engagement.engine.engage_many`) at each launch time of the raid;
2. the allocation (:mod:`openbmd.engagement.allocation`, which states its approximations):
   :func:`~openbmd.engagement.allocation.plan` allocates the rounds in the time order of
   the intercept opportunities with magazines that run out (expected leakers = sum over
   threats of prod(1 - P_layer)), and :func:`~openbmd.engagement.allocation.simulate`
   draws the same raid shot by shot ``trials`` times.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np

from openbmd.analyses.raid_file import Raid, Salvo, load_raid, parse_raid  # noqa: F401 (the raid file)
from openbmd.errors import InputError

if TYPE_CHECKING:  # the allocation's types, imported where they are used at run time
    from openbmd.engagement.allocation import Draws, Pairs, Plan


# ---------------------------------------------------------------- the analysis
@dataclass(frozen=True, eq=False)
class RaidResult:
    architecture: object  #: Architecture
    raid: Raid
    doctrine: object
    battery_ids: tuple[str, ...]
    interceptors: tuple[str, ...]
    group: np.ndarray  #: (T,) salvo index (0-based) of each threat
    launch_s: np.ndarray  #: (T,) launch time of each threat (s after the raid starts)
    pairs: Pairs
    plan: Plan
    draws: Draws
    trials: int
    seed: int
    reasons: tuple  #: per salvo, per battery: why not engageable (None: engageable)
    seconds: float
    meta: dict = field(default_factory=dict)

    @property
    def expected_leakers(self) -> float:
        return float(self.plan.p_leak.sum())

    def summary(self) -> dict:
        """The JSON contract of ``openbmd raid``."""
        from openbmd.engagement.montecarlo import wilson_interval

        d, n = self.draws, self.trials
        lk = d.leakers.astype(float)
        mean = float(lk.mean())
        half = 1.96 * float(lk.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
        p0 = float((d.leakers == 0).mean())
        batteries = [{"id": bid, "interceptor": self.interceptors[b], "magazine": int(self.pairs.magazine[b]),
                      "engageable_threats": int(self.pairs.engageable[:, b].sum()),
                      "expected_used": float(self.plan.expected_used[b]),
                      "mean_used": float(d.used[:, b].mean()), "max_used": int(d.used[:, b].max()),
                      "p_exhausted": float(d.exhausted[:, b].mean()),
                      "p_found_empty": float(d.denied[:, b].mean())}
                     for b, bid in enumerate(self.battery_ids)]
        groups = []
        for k, s in enumerate(self.raid.salvos):
            m = self.group == k
            eng = self.pairs.engageable[m].any(axis=0)
            groups.append({
                "salvo": s.index, "line": s.line, "missile": s.missile, "from": s.from_name, "to": s.to_name,
                "count": s.count, "launch_time_s": s.launch_time_s, "shape": s.shape,
                "engageable_by": [self.battery_ids[b] for b in np.flatnonzero(eng)],
                "not_engageable": {self.battery_ids[b]: r for b, r in enumerate(self.reasons[k]) if r},
                "found_empty": [self.battery_ids[b] for b in np.flatnonzero(self.plan.denied[m].any(axis=0))],
                "expected_leakers": float(self.plan.p_leak[m].sum()),
                "mean_leakers": float(d.leaked[:, m].sum(axis=1).mean()),
                "p_found_empty": float(d.denied_threat[:, m].any(axis=1).mean()),
            })
        return {
            "architecture": self.architecture.id,
            "raid": self.raid.name,
            "doctrine": self.doctrine.name,
            "threats": int(self.group.size),
            "expected_leakers": self.expected_leakers,
            "p_no_leaker": p0,
            "monte_carlo": {"trials": n, "seed": self.seed, "mean_leakers": mean,
                            "leakers_95ci": [max(0.0, mean - half), mean + half],
                            "p_no_leaker_95ci": list(wilson_interval(p0, n))},
            "batteries": batteries,
            "groups": groups,
            "seconds": round(self.seconds, 2),
            **self.meta,
        }


def raid(architecture, raid_: Raid | str | Path, *, trials: int = 1000, seed: int = 0,
         reaction_s: float | None = None, progress=None, client=None) -> RaidResult:
    """Fly, engage and allocate a raid against ``architecture`` (an id, a .toml path or an Architecture).

    ``progress(done, total)`` is called as the flights, the engagements and
    the Monte Carlo finish.  ``client``: a Dask client to draw the Monte Carlo on, in blocks
    of trials that draw exactly their part of the seed's random stream (the same draws as here).
    """
    from openbmd.architectures.loader import get_architecture
    from openbmd.architectures.model import Architecture
    from openbmd.architectures.resolve import resolve

    t0 = time.perf_counter()
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or not 1 <= trials <= 10_000_000:
        raise InputError(f"trials = {trials!r} must be a whole number from 1 to 10,000,000")
    if reaction_s is not None and not (math.isfinite(reaction_s) and 0 <= reaction_s <= 3600):
        raise InputError(f"reaction time {reaction_s} s must lie in [0, 3600]")
    arch = architecture if isinstance(architecture, Architecture) else get_architecture(str(architecture))
    raid_ = raid_ if isinstance(raid_, Raid) else load_raid(raid_)
    resolved = resolve(arch)
    if not resolved.batteries:
        raise InputError(f"architecture {arch.id!r} has no [[battery]]: nothing to allocate")
    from openbmd.analyses.raid_engage import engage_raid
    from openbmd.engagement.allocation import plan, simulate

    pairs, reasons, steps = engage_raid(resolved, raid_, reaction_s, progress)
    counts = [s.count for s in raid_.salvos]
    group = np.repeat(np.arange(len(raid_.salvos)), counts)
    offset = np.repeat([s.launch_time_s for s in raid_.salvos], counts)
    allocation = plan(pairs, resolved.doctrine)
    draws = _simulate(pairs, resolved.doctrine, int(trials), int(seed), client)
    if progress:
        progress(steps, steps)
    meta = {"reaction_s": arch.command.reaction_s if reaction_s is None else float(reaction_s)}
    return RaidResult(arch, raid_, resolved.doctrine, tuple(b.id for b in resolved.batteries),
                      tuple(b.interceptor.id for b in resolved.batteries), group, offset, pairs, allocation,
                      draws, int(trials), int(seed), reasons, time.perf_counter() - t0, meta)


#: trials per Monte Carlo block on a Dask cluster (a block of the whole run's random stream)
MC_BLOCK = 50_000


def _simulate(pairs, doctrine, trials: int, seed: int, client):
    """:func:`~openbmd.engagement.allocation.simulate` here, or in blocks of trials as Dask tasks
    (blocks concatenated are the single run: the same draws)."""
    from openbmd.engagement.allocation import Draws, simulate
    from openbmd.scale.executor import map_chunks, n_workers

    if client is None:
        return simulate(pairs, doctrine, trials, seed)
    size = max(1, min(MC_BLOCK, -(-trials // (2 * n_workers(client)))))
    blocks = [(a, min(a + size, trials)) for a in range(0, trials, size)]
    parts = map_chunks(_block, blocks, client=client,
                       shared={"pairs": pairs, "doctrine": doctrine, "trials": trials, "seed": seed})
    return Draws(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                   ("leaked", "used", "exhausted", "denied", "denied_threat")))


def _block(rows, *, pairs, doctrine, trials, seed):
    from openbmd.engagement.allocation import simulate

    return simulate(pairs, doctrine, trials, seed, rows=rows)
