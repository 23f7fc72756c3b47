"""Where defense starts to matter to deterrence: the balance swept over force size and interceptor inventory.

On one :class:`~openbmd.analyses.balance.Engagement` (the force's warheads in classes by the
batteries that reach them, from one icbm-reach run: nothing is flown again), the expected
arriving warheads (:func:`openbmd.analyses.balance_alloc.mean_field`) over

- force size: the force's mix (its classes and decoys per warhead) scaled to each total, from
  New START's 1,550 deployed warheads down to 200;
- inventory: the architecture's magazines scaled in proportion to each total (today's 44 GBIs
  of GMD up to 1,000), continuous (a fractional round is the mean field's);

and, for each deterrence threshold X (warheads that must arrive for retaliation to deter) and
each decoy load, the smallest inventory at which at most X warheads are expected to arrive
(0: the force holds no more than X; None: never, the warheads no battery reaches and the misses
at full engagement already exceed X).  The thresholds are notional (N): McNamara's "assured
destruction" of the 1960s was put at ~400 one-megaton equivalents (M, commonly quoted; 200-400 in later readings).
"""
from __future__ import annotations

import numpy as np

from openbmd.analyses.balance_alloc import Classes, mean_field, scaled_counts
from openbmd.errors import InputError

#: New START's ceiling of deployed strategic warheads (S: US State Department) down to 200 (issue 12)
DEFAULT_WARHEADS = (1550, 1200, 1000, 800, 600, 400, 200)
#: today's 44 GBIs, 64 with Missile Field 4's 20 NGI silos (S: gmd.toml), up to 1,000
DEFAULT_INVENTORIES = (44, 64, 100, 200, 400, 700, 1000)
DEFAULT_THRESHOLDS = (400, 200, 100)
DEFAULT_DECOYS = (0.0, 1.0, 3.0)
#: the shot doctrine and the kill probability, each swept on its own (no decoys): salvos of 1-4
#: (M: GMD plans are said to fire 4-5 GBIs per warhead) and single-shot Pk 0.5 (D: Laplace estimate
#: of the GBI's 7 intercepts in 14 tests, interceptor catalog) to 0.8 (N)
DEFAULT_SALVOS = (1, 2, 4)
DEFAULT_PKS = (0.5, 0.8)
MAX_INVENTORY = 1_000_000


def _classes(e, warheads: int, decoys_per_warhead: float | None) -> Classes:
    c = e.classes
    w = scaled_counts(c.warheads, warheads)
    if decoys_per_warhead is None:
        ratio = c.decoys.sum() / max(c.total, 1)
        d = np.round(w * ratio).astype(np.int64)
    else:
        d = np.round(w * decoys_per_warhead).astype(np.int64)
    return Classes(w, d, c.mask)


def _magazines(e, total: float) -> np.ndarray:
    m = e.magazine.astype(float)
    if m.sum() <= 0:
        return np.full(len(m), total / max(len(m), 1))
    return m * (total / m.sum())


def arriving(e, classes: Classes, inventory: float, q: float) -> float:
    """Expected arriving warheads with the magazines scaled to ``inventory`` rounds."""
    kills, _ = mean_field(classes, _magazines(e, inventory), e.pk, e.doctrine, q)
    return float(classes.total - kills.sum())


def needed_inventory(e, classes: Classes, threshold: float, q: float) -> int | None:
    """The smallest whole inventory at which at most ``threshold`` warheads are expected to arrive."""
    if arriving(e, classes, 0.0, q) <= threshold:
        return 0
    hi = max(float(e.magazine.sum()), 1.0)
    while arriving(e, classes, hi, q) > threshold:
        if hi >= MAX_INVENTORY:
            return None
        hi = min(hi * 2.0, MAX_INVENTORY)
    lo = 0.0
    while hi - lo > 0.5:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if arriving(e, classes, mid, q) > threshold else (lo, mid)
    return int(np.ceil(hi))


def sweep(e, *, discrimination: float, warheads=DEFAULT_WARHEADS, inventories=DEFAULT_INVENTORIES,
          thresholds=DEFAULT_THRESHOLDS, decoys=DEFAULT_DECOYS) -> dict:
    """The sweep's JSON (see the module doc): rows are force sizes, columns inventories."""
    ws = [int(w) for w in warheads]
    ns = [float(n) for n in inventories]
    if not ws or any(w < 1 for w in ws):
        raise InputError(f"force sizes {list(warheads)} must be whole numbers >= 1")
    if not ns or any(not (np.isfinite(n) and 0 <= n <= MAX_INVENTORY) for n in ns):
        raise InputError(f"inventories {list(inventories)}: allowed 0 to {MAX_INVENTORY:,} rounds")
    grid = [[round(arriving(e, _classes(e, w, None), n, discrimination), 2) for n in ns] for w in ws]
    needed = []
    for d in decoys:
        for x in thresholds:
            needed.append({"decoys_per_warhead": float(d), "threshold_warheads": int(x),
                           "inventory": [needed_inventory(e, _classes(e, w, d), x, discrimination) for w in ws]})
    return {"warheads": ws, "inventories": [int(n) if n == int(n) else n for n in ns],
            "needed_inventory_by_doctrine": _by_doctrine(e, ws, thresholds, discrimination),
            "current_inventory": int(e.magazine.sum()), "discrimination": discrimination,
            "expected_arriving": grid,
            "arriving_share": [[round(a / w, 4) for a in row] for row, w in zip(grid, ws)],
            "needed_inventory": needed,
            "assumptions": [
                "Force size: the force file's mix (fields, targets, decoys per warhead) scaled to each total; "
                "1,550 is New START's deployed-warhead ceiling (S), which also counts SLBM and bomber "
                "warheads: here all of them fly like the ICBM mix (N).",
                "Inventory: the architecture's magazines scaled in proportion; mean field (fractional rounds).",
                f"Pk, doctrine and engageability as the headline run; discrimination {discrimination:g} (N); "
                "needed_inventory_by_doctrine: the same at salvos of 1, 2 and 4 and at Pk 0.5 and 0.8, no decoys.",
                "Thresholds: warheads that must arrive to deter (N; assured destruction ~400 one-megaton "
                "equivalents, McNamara, M); needed_inventory: at most X arrive (0: the force holds no more; "
                "None: never)."]}


def _by_doctrine(e, ws, thresholds, q) -> list[dict]:
    """The needed inventory again at each salvo of :data:`DEFAULT_SALVOS` (the catalog Pk) and each
    Pk of :data:`DEFAULT_PKS` (the architecture's doctrine), no decoys."""
    from dataclasses import replace

    from openbmd.engagement.doctrine import Doctrine

    variants = [(f"salvo-{n}", replace(e, doctrine=Doctrine(first_salvo=n))) for n in DEFAULT_SALVOS]
    variants += [(f"{e.doctrine.name}, Pk {p:g}", replace(e, pk=np.full(len(e.pk), p))) for p in DEFAULT_PKS]
    return [{"variant": name, "threshold_warheads": int(x),
             "inventory": [needed_inventory(v, _classes(v, w, 0.0), x, q) for w in ws]}
            for name, v in variants for x in thresholds]
