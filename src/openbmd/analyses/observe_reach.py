"""What an observed burnout speed implies: which Russian ICBM cases of ``icbm-reach`` it could engage.

The needed burnout speeds come from :func:`openbmd.analyses.icbm_reach.icbm_reach` run on the
architecture's batteries that carry the observed interceptor (its other batteries and every
sensor kept: the cueing and the timeline are the architecture's).  A case (field, target,
shape) counts as engageable at a speed when one of those batteries needs no more than it.
The needed speeds lie on the icbm-reach sweep (3-7 km/s by 0.25 km/s, plus the catalog's
figures), so a case whose true threshold lies between two grid speeds counts from the
upper one: the count at a speed is a lower bound by up to one grid step.

Default case set (reduced, a few seconds): the four Russian ICBM fields nearest to Europe's
SM-3 sites (Kozelsk, Teykovo, Vypolzovo, Tatishchevo) at Washington and New York, on the
minimum-energy arc: 8 cases.  ``all_cases`` runs every field, target and shape of
``icbm-reach`` (minutes the first time).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.errors import InputError

REDUCED_FIELDS = ("Kozelsk", "Teykovo", "Vypolzovo", "Tatishchevo")
REDUCED_TARGETS = ("Washington", "New York")
REDUCED_SHAPES = ("min-energy",)
#: preferred architecture per status when several carry the interceptor: what stands today first
STATUS_ORDER = ("as-built", "operational", "planned", "notional", "cancelled")


@dataclass(frozen=True, kw_only=True, eq=False)
class CaseNeeds:
    """The needed speed of each case: the slowest over the batteries carrying the interceptor."""

    architecture_id: str
    battery_ids: tuple
    cases: tuple  #: (field, target, shape) per case
    needed_km_s: np.ndarray  #: (C,) NaN where even 7 km/s cannot
    case_set: str

    def engageable_at(self, speed_km_s: float) -> np.ndarray:
        """(C,) bool: cases some battery engages with a burnout speed of ``speed_km_s``."""
        return np.isfinite(self.needed_km_s) & (self.needed_km_s <= speed_km_s + 1e-9)

    def summary(self, readings: dict) -> dict:
        """Counts at each named speed of ``readings`` (name -> km/s) and the cases at the first."""
        fin = np.isfinite(self.needed_km_s)
        first = next(iter(readings.values()))
        at = self.engageable_at(first)
        return {
            "architecture": self.architecture_id, "batteries": list(self.battery_ids),
            "case_set": self.case_set, "cases": len(self.cases),
            **{f"cases_at_{k}": int(self.engageable_at(v).sum()) for k, v in readings.items()},
            "slowest_needed_burnout_speed_km_s": float(self.needed_km_s[fin].min()) if fin.any() else None,
            "engageable": [{"field": f, "target": t, "shape": s, "needed_burnout_speed_km_s": float(n)}
                           for (f, t, s), n, ok in zip(self.cases, self.needed_km_s, at) if ok],
        }


def carrying_architecture(interceptor_id: str, architecture_id: str | None = None):
    """The architecture (given, else the catalog's first carrying it, as-built first) reduced to
    its batteries with ``interceptor_id``; InputError when none carries it."""
    from openbmd.architectures.loader import architecture_ids, get_architecture

    ids = [architecture_id] if architecture_id else architecture_ids()
    found = []
    for aid in ids:
        arch = get_architecture(aid)
        mine = tuple(b for b in arch.batteries if b.interceptor == interceptor_id)
        if mine:
            found.append(arch.replace(batteries=mine))
    if not found:
        where = f"architecture {architecture_id!r}" if architecture_id else "no catalog architecture"
        raise InputError(f"{where} has a battery with interceptor {interceptor_id!r}; "
                         "give an architecture with one that does (see `openbmd architectures`)")
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return min(found, key=lambda a: (rank.get(a.status, len(rank)), a.id))


def case_needs(interceptor_id: str, *, architecture_id: str | None = None, all_cases: bool = False) -> CaseNeeds:
    """The needed burnout speed of each icbm-reach case for the batteries carrying the interceptor."""
    from openbmd.analyses.icbm_reach import SHAPES, icbm_reach

    arch = carrying_architecture(interceptor_id, architecture_id)
    kw = {} if all_cases else {"fields": REDUCED_FIELDS, "targets": REDUCED_TARGETS, "shapes": REDUCED_SHAPES}
    res = icbm_reach(arch, reaction_sweep_s=None, **({"shapes": SHAPES} | kw))
    need = np.full(len(res.cases), np.inf)
    for b in res.batteries:
        need = np.fmin(need, np.where(np.isfinite(b.needed_burnout_speed_km_s), b.needed_burnout_speed_km_s, np.inf))
    need[~np.isfinite(need)] = np.nan
    what = ("every field, target and shape of icbm-reach" if all_cases else
            f"reduced: {', '.join(REDUCED_FIELDS)} x {', '.join(REDUCED_TARGETS)} x {', '.join(REDUCED_SHAPES)}")
    return CaseNeeds(architecture_id=arch.id, battery_ids=tuple(b.id for b in arch.batteries),
                     cases=tuple((c.field, c.target, c.shape) for c in res.cases), needed_km_s=need,
                     case_set=what)
