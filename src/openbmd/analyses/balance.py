"""The offense-defense relationship: how many of a strategic force's warheads would an architecture stop?

"If missile defense capabilities continue to develop, and the United States and Russia continue
to reduce their strategic offensive forces, at some point there will need to be a serious
discussion ... about the offense-defense relationship" (the seed).  :func:`balance` makes it
computable: a force (:mod:`openbmd.analyses.balance_force`: fields, missiles, warheads per
missile, decoys) is launched at its target set (default ``us-targets``); icbm-reach's engagement cases
(:mod:`openbmd.analyses.icbm_reach`: field x target x shape x battery, engageable or not) say
which battery can reach which warhead; the architecture's magazines are allocated to the
engageable warheads under its doctrine (:mod:`openbmd.analyses.balance_alloc`).

Targeting (N, stated in ``assumptions``): every warhead of the force is launched at the force's
target set; a field's warheads are spread evenly over the targets its missile reaches (those its
group names, else all), on each of the
chosen trajectory shapes (default minimum-energy); a field whose missile reaches no target sends
none (counted in ``out_of_reach``).  A group whose missile icbm-reach did not fly takes the
answers of the missile flown from its field (icbm-reach flies each field's first missile).

Answers (``summary()``, the JSON of ``openbmd balance``): ``warheads`` launched, ``interceptors``
(the magazines), ``engageable_share`` (warheads some battery can reach), ``expected_arriving``
(mean field), ``arriving_interval`` (the 2.5-97.5 percentiles of a seeded Monte Carlo) and its
mean with a 95 % confidence interval, ``worst_case_arriving`` (the attacker's worst case: every
interceptor that can reach a warhead destroys one), and the expectation again at every
discrimination probability of ``discrimination_sweep``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from openbmd.analyses.balance_alloc import Classes, fewest_arriving, mean_field, scaled_counts, simulate
from openbmd.errors import InputError

DEFAULT_SHAPES = ("min-energy",)
#: notional discrimination probability (a decoy recognised as one) and the sweep over its range (N)
DEFAULT_DISCRIMINATION = 0.5
DISCRIMINATION_SWEEP = (0.0, 0.25, 0.5, 0.75, 0.9, 1.0)
DEFAULT_TRIALS = 2000


@dataclass(frozen=True, eq=False)
class Engagement:
    """The force against the architecture's batteries, before any interceptor is allocated."""

    classes: Classes
    batteries: tuple  #: battery ids, the columns of ``classes.mask``
    interceptors: tuple  #: interceptor id per battery
    magazine: np.ndarray  #: (B,) rounds
    pk: np.ndarray  #: (B,) single-shot kill probability (catalog)
    doctrine: object  #: Doctrine
    out_of_reach: int  #: warheads of fields whose missile reaches no target
    by_battery: dict  #: battery id -> warheads it can engage
    notes: tuple = ()


@dataclass(frozen=True, eq=False)
class BalanceResult:
    architecture: str
    force: object  #: Force
    engagement: Engagement
    shapes: tuple
    discrimination: float
    decoys_per_warhead: float | None  #: the override (None: the force file's)
    expected_arriving: float
    worst_case_arriving: float
    draws: np.ndarray  #: (trials,) arriving warheads
    seed: int
    rounds_used: np.ndarray  #: (B,) expected
    by_discrimination: tuple  #: (q, expected arriving)
    sweep: dict | None = None
    meta: dict = field(default_factory=dict)

    def summary(self) -> dict:
        e, d = self.engagement, self.draws
        n = len(d)
        mean, sd = float(d.mean()), float(d.std(ddof=1)) if n > 1 else 0.0
        half = 1.96 * sd / np.sqrt(n)
        w = e.classes.total
        return {
            "architecture": self.architecture, "force": self.force.id, "doctrine": e.doctrine.name,
            "shapes": list(self.shapes), "warheads": w, "decoys": int(e.classes.decoys.sum()),
            "out_of_reach_warheads": e.out_of_reach,
            "interceptors": int(e.magazine.sum()),
            "engageable_warheads": e.classes.engageable,
            "engageable_share": round(e.classes.engageable / w, 4) if w else 0.0,
            "discrimination": self.discrimination,
            "expected_arriving": round(self.expected_arriving, 2),
            "expected_arriving_share": round(self.expected_arriving / w, 4) if w else 0.0,
            "worst_case_arriving": round(self.worst_case_arriving, 2),
            "arriving_interval": [float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))],
            "monte_carlo": {"trials": n, "seed": self.seed, "mean_arriving": round(mean, 3),
                            "mean_arriving_95ci": [round(float(mean - half), 3), round(float(mean + half), 3)],
                            "min_arriving": int(d.min()), "max_arriving": int(d.max())},
            "by_discrimination": [{"discrimination": q, "expected_arriving": round(a, 2)}
                                  for q, a in self.by_discrimination],
            "batteries": [{"battery": b, "interceptor": i, "magazine": int(m), "pk_single_shot": float(p),
                           "engageable_warheads": int(e.by_battery[b]), "expected_rounds_used": round(float(u), 2)}
                          for b, i, m, p, u in zip(e.batteries, e.interceptors, e.magazine, e.pk, self.rounds_used)],
            "sweep": self.sweep,
            "notes": list(e.notes),
            "assumptions": assumptions(self),
            **self.meta,
        }


def _table(reach):
    """(architecture, cases as (field, target, shape, missile), (C, B) engageable, battery ids,
    interceptor ids) of an IcbmReachResult or of its JSON summary (the JSON of ``icbm-reach``)."""
    if isinstance(reach, dict):
        from openbmd.architectures.loader import get_architecture

        bats = [s["battery"] for s in reach["sites"]]
        icps = [s["interceptor"] for s in reach["sites"]]
        rows = reach["cases"]
        nb = max(len(bats), 1)
        cases = [(r["field"], r["target"], r["shape"], r["missile"]) for r in rows[::nb]]
        eng = np.array([r["engageable"] for r in rows], bool).reshape(len(cases), len(bats))
        return get_architecture(reach["architecture"]), cases, eng, bats, icps
    cases = [(c.field, c.target, c.shape, c.missile) for c in reach.cases]
    eng = (np.array([b.engageable for b in reach.batteries], bool).T if reach.batteries
           else np.zeros((len(cases), 0), bool))
    return (reach.architecture, cases, eng, [b.battery_id for b in reach.batteries],
            [b.interceptor_id for b in reach.batteries])


def engagement(reach, force, *, shapes=DEFAULT_SHAPES, decoys_per_warhead: float | None = None,
               doctrine=None) -> Engagement:
    """The force's warheads in classes by the batteries that can engage them (module doc: targeting).

    ``reach``: an IcbmReachResult of the architecture (flown with at least ``shapes``) or its JSON
    summary; ``decoys_per_warhead`` overrides every group's; ``doctrine``: a Doctrine or doctrine
    string (default the architecture's command)."""
    from openbmd.engagement.doctrine import Doctrine, parse_doctrine
    from openbmd.interceptors.catalog import get_interceptor

    arch, cases, eng, bats, icps = _table(reach)
    meta = reach if isinstance(reach, dict) else reach.meta
    sets = (meta.get("threat_set", "russia-icbm"), meta.get("target_set", "us-targets"))
    if sets != (force.threat_set, force.target_set):
        raise InputError(f"force {force.id!r} launches from {force.threat_set} at {force.target_set}; the icbm-reach "
                         f"result given flies {sets[0]} at {sets[1]}")
    if decoys_per_warhead is not None and not (np.isfinite(decoys_per_warhead) and 0 <= decoys_per_warhead <= 50):
        raise InputError(f"decoys per warhead {decoys_per_warhead!r}: allowed 0 to 50")
    flown = {c[2] for c in cases}
    missing = [s for s in shapes if s not in flown]
    if not shapes or missing:
        raise InputError(f"shape {', '.join(missing) or '(none)'} not flown by icbm-reach; "
                         f"flown: {', '.join(sorted(flown))}")
    if not isinstance(doctrine, Doctrine):
        doctrine = parse_doctrine(doctrine or arch.command.doctrine, look_s=arch.command.look_s)
    mags = {b.id: b.magazine for b in arch.batteries}
    warheads, decoys, notes, out_of_reach = {}, {}, [], 0
    for g in force.groups:
        rows = [i for i, c in enumerate(cases) if c[0] == g.field and c[2] in shapes
                and (not g.targets or c[1] in g.targets)]
        same = [i for i in rows if cases[i][3] == g.missile]
        if rows and not same:
            notes.append(f"{g.field}: {g.missile} not flown; the answers of {cases[rows[0]][3]} "
                         f"(the missile icbm-reach flies there) stand in")
        rows = same or rows
        if not rows:
            out_of_reach += g.warheads
            notes.append(f"{g.field}: {g.missile} reaches no target on {', '.join(shapes)}: its "
                         f"{g.warheads} warheads are not counted")
            continue
        d = g.decoys_per_warhead if decoys_per_warhead is None else decoys_per_warhead
        for i in rows:
            key = tuple(bool(x) for x in eng[i])
            warheads[key] = warheads.get(key, 0.0) + g.warheads / len(rows)
            decoys[key] = decoys.get(key, 0.0) + d * g.warheads / len(rows)
    if not warheads:
        raise InputError(f"no warhead of force {force.id!r} reaches a target on {', '.join(shapes)}")
    keys = sorted(warheads)
    w = scaled_counts([warheads[k] for k in keys], round(sum(warheads.values())))
    dsum = round(sum(decoys.values()))
    dc = scaled_counts([decoys[k] for k in keys], dsum) if dsum else np.zeros(len(keys), np.int64)
    classes = Classes(w, dc, np.array(keys, bool).reshape(len(keys), len(bats)))
    by_battery = {b: int(w[classes.mask[:, j]].sum()) for j, b in enumerate(bats)}
    return Engagement(classes=classes, batteries=tuple(bats), interceptors=tuple(icps),
                      magazine=np.array([mags[b] for b in bats], np.int64),
                      pk=np.array([get_interceptor(i).kill_vehicle.pk_single_shot for i in icps]),
                      doctrine=doctrine, out_of_reach=out_of_reach, by_battery=by_battery, notes=tuple(notes))


def balance(architecture, force, *, reach=None, shapes=DEFAULT_SHAPES, discrimination: float = DEFAULT_DISCRIMINATION,
            decoys_per_warhead: float | None = None, doctrine=None, trials: int = DEFAULT_TRIALS, seed: int = 0,
            sweep: bool = False, sweep_kw: dict | None = None, progress=None) -> BalanceResult:
    """``force`` (id, path or Force) against ``architecture`` (id, path or Architecture).

    ``reach``: the architecture's IcbmReachResult when already computed (``openbmd assess`` passes
    its own); otherwise icbm-reach is run on ``shapes`` (~20-30 s for GMD with warm caches).
    ``sweep``: add :func:`openbmd.analyses.balance_sweep.sweep` (keywords ``sweep_kw``)."""
    from openbmd.analyses.balance_force import Force, get_force

    force = force if isinstance(force, Force) else get_force(force)
    if not (np.isfinite(discrimination) and 0.0 <= discrimination <= 1.0):
        raise InputError(f"discrimination {discrimination!r}: allowed 0 to 1")
    if trials < 1:
        raise InputError(f"trials must be >= 1, got {trials}")
    if reach is None:
        from openbmd.analyses.icbm_reach import icbm_reach_set

        fields = list(dict.fromkeys(g.field for g in force.groups if g.warheads))
        (reach,) = icbm_reach_set([architecture], fields=fields, shapes=tuple(shapes), reaction_sweep_s=None,
                                  missiles="all", threat_set=force.threat_set, target_set=force.target_set,
                                  progress=progress)
    e = engagement(reach, force, shapes=tuple(shapes), decoys_per_warhead=decoys_per_warhead, doctrine=doctrine)
    kills, used = mean_field(e.classes, e.magazine, e.pk, e.doctrine, discrimination)
    draws = simulate(e.classes, e.magazine, e.pk, e.doctrine, discrimination, trials=trials, seed=seed)
    by_q = tuple((q, float(e.classes.total - mean_field(e.classes, e.magazine, e.pk, e.doctrine, q)[0].sum()))
                 for q in DISCRIMINATION_SWEEP)
    sw = None
    if sweep:
        from openbmd.analyses.balance_sweep import sweep as run_sweep

        sw = run_sweep(e, discrimination=discrimination, **(sweep_kw or {}))
    return BalanceResult(architecture=_arch_id(reach), force=force, engagement=e, shapes=tuple(shapes),
                         discrimination=discrimination, decoys_per_warhead=decoys_per_warhead,
                         expected_arriving=float(e.classes.total - kills.sum()),
                         worst_case_arriving=fewest_arriving(e.classes, e.magazine), draws=draws, seed=seed,
                         rounds_used=used, by_discrimination=by_q, sweep=sw)


def assumptions(r: BalanceResult) -> list[str]:
    e = r.engagement
    pks = ", ".join(f"{b} {p:g}" for b, p in zip(e.batteries, e.pk))
    return [
        f"Every warhead of force {r.force.id} is launched at the United States (no SLBMs or bombers, no "
        "reserve, no counterforce split); a field's warheads are spread evenly over the us-targets its "
        f"missile reaches on the {', '.join(r.shapes)} shape(s) (N).",
        "Which battery can reach which warhead: icbm-reach's engageable verdicts (the catalog interceptor, "
        "the architecture's reaction time and sensors) for the warhead's field, target and shape.",
        f"Doctrine {e.doctrine.name} (the architecture's command); single-shot Pk from the interceptor catalog "
        f"({pks}; notional, no public figure); one engagement per object, no layering between batteries (N).",
        "Decoys: " + ("the force file's" if r.decoys_per_warhead is None
                      else f"{r.decoys_per_warhead:g} per warhead (given)") +
        f"; each decoy is recognised with probability {r.discrimination:g} (N, swept 0-1 in by_discrimination); "
        "unrecognised decoys draw interceptors like warheads, in random order.",
        "Allocation: warheads reachable by fewer batteries first; a battery holds fire with fewer rounds left "
        "than a first salvo; expected_arriving is the mean field (rounds and decoys at expected counts), the "
        "Monte Carlo draws the same allocation object by object.",
        "worst_case_arriving: the attacker's worst case, every interceptor that can reach a warhead destroys one "
        "(Pk 1, one round per warhead, perfect discrimination).",
    ]


def _arch_id(reach) -> str:
    """The architecture id of an IcbmReachResult or its summary."""
    return reach["architecture"] if isinstance(reach, dict) else reach.architecture.id
