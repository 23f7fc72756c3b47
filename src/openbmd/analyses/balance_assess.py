"""The offense-defense balance inside ``openbmd assess``: every architecture of the run against the
Russian force of 2024, on the run's own icbm-reach results (nothing is flown again), with the
sweep over force size and inventory, and the comparison with what open analyses state.

:func:`balance_all` is called by :func:`openbmd.analyses.assess.assess`; its JSON is the
``balance`` section of ``assessment.json`` and of the report.  ~0.5-2 s per architecture
(the Monte Carlo and the sweep's bisections), measured on the shared 2-core machine.
"""
from __future__ import annotations

import time

DEFAULT_FORCE = "russia-2024"


def balance_all(reach: dict, say=None, *, force: str = DEFAULT_FORCE, trials: int = 2000, seed: int = 0) -> dict:
    """``reach``: {architecture id: IcbmReachResult} (assess's).  Returns the JSON section:
    {"force": ..., "architectures": {id: balance summary with its sweep}, "seconds": ...}."""
    from openbmd.analyses.balance import balance
    from openbmd.analyses.balance_force import get_force

    t0 = time.perf_counter()
    f = get_force(force)
    out = {}
    for k, (aid, r) in enumerate(reach.items()):
        if say:
            say(f"balance {k + 1}/{len(reach)}: {f.id} vs {aid}", 0, 1)
        res = balance(r.architecture, f, reach=r, trials=trials, seed=seed, sweep=True)
        out[aid] = res.summary()
    return {"force": f.summary(), "architectures": out, "seconds": round(time.perf_counter() - t0, 2)}


def stopped_share(reach_summary: dict, force: str = DEFAULT_FORCE) -> dict:
    """The share of ``force``'s warheads the architecture of ``reach_summary`` (the JSON of
    icbm-reach) is expected to stop (mean field, the architecture's magazines and doctrine, no
    decoys beyond the force file's): what the claims of ``data/debate_claims.toml`` read."""
    from openbmd.analyses.balance import engagement
    from openbmd.analyses.balance_alloc import mean_field
    from openbmd.analyses.balance_force import get_force

    e = engagement(reach_summary, get_force(force))
    kills, _ = mean_field(e.classes, e.magazine, e.pk, e.doctrine, 1.0)
    w = e.classes.total
    return {"warheads": w, "interceptors": int(e.magazine.sum()), "expected_stopped": float(kills.sum()),
            "stopped_share": float(kills.sum() / w), "engageable_share": e.classes.engageable / w}
