"""Several batteries and layers against one threat, with magazines.

The threat is flown, seen and tracked once (as :func:`openbmd.engagement.engage.engage`);
every battery is a lane of the engine (:func:`openbmd.engagement.engine.run_battery`:
its battle space and whether a second salvo fits after its own kill assessment); this
module is the allocation policy on those outcomes.  Batteries fire in the order of their
earliest intercepts.  A later battery that can still intercept after an
earlier one's kill assessment (earliest intercept + look time) fires only if
that assessment reports a miss (shoot-look-shoot across layers); otherwise it
fires at once.  A battery fires no more than its magazine holds.

With independent layers the leak probability is the product of the layers'
miss probabilities, P(kill) = 1 - prod(1 - p_i)  (e.g. Wilkening, Science &
Global Security 8, 2000).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from openbmd.engagement.doctrine import Doctrine, expected_shots, p_engagement
from openbmd.engagement.engage import DEFAULT_REACTION_S, MAX_SHOTS, noisy_track, samples_of
from openbmd.engagement.engine import run_battery
from openbmd.sensors.horizon import threat_signature
from openbmd.engagement.shooter import Shooter
from openbmd.errors import InputError
from openbmd.flight import FlightResult, fly


@dataclass(frozen=True)
class Battery:
    """An interceptor at a launch site with a magazine."""

    name: str
    interceptor: object
    lat_deg: float
    lon_deg: float
    magazine: int = 24

    def __post_init__(self):
        if self.magazine < 0:
            raise InputError(f"battery {self.name}: magazine {self.magazine} must be >= 0")


@dataclass(frozen=True, eq=False)
class LayerOutcome:
    battery: Battery
    engageable: bool
    reason: str | None
    earliest_t_s: float | None
    latest_t_s: float | None
    fires_after_look: bool  #: fires only if an earlier layer's kill assessment reports a miss
    shots_planned: int
    p_kill: float  #: this layer's kill probability (times p_ka when it waits for an assessment)
    expected_shots: float  #: interceptors this layer spends on average
    opportunities: int = 0  #: this battery's own sequential shot opportunities (up to MAX_SHOTS)
    p_alone: float = 0.0  #: its kill probability firing its doctrine regardless (the coverage/raid rule)


@dataclass(frozen=True, eq=False)
class LayeredResult:
    threat: FlightResult
    firm_track_s: float | None
    layers: tuple

    @property
    def p_kill(self) -> float:
        return float(1.0 - np.prod([1.0 - lo.p_kill for lo in self.layers]))

    @property
    def p_kill_independent(self) -> float:
        """P(kill) with every layer firing its doctrine regardless of the others, as coverage, raid
        and icbm-reach count layers (:attr:`openbmd.engagement.engine.ManyResult.p_defense`):
        equal to :attr:`p_kill` when no layer waits for a kill assessment, or the assessment is
        perfect (p_ka = 1) and no magazine runs short."""
        return float(1.0 - np.prod([1.0 - lo.p_alone for lo in self.layers]))

    @property
    def expected_interceptors(self) -> float:
        return float(sum(lo.expected_shots for lo in self.layers))

    def summary(self) -> dict:
        return {"p_kill": self.p_kill, "p_kill_independent_layers": self.p_kill_independent,
                "expected_interceptors": self.expected_interceptors,
                "firm_track_s": self.firm_track_s,
                "layers": [{"battery": lo.battery.name, "interceptor": lo.battery.interceptor.id,
                            "engageable": lo.engageable, "reason": lo.reason,
                            "earliest_intercept_s": lo.earliest_t_s, "latest_intercept_s": lo.latest_t_s,
                            "shot_opportunities": lo.opportunities,
                            "fires_after_look": lo.fires_after_look, "shots_planned": lo.shots_planned,
                            "p_kill": lo.p_kill, "expected_shots": lo.expected_shots}
                           for lo in self.layers]}


def engage_layers(threat_missile, launch, target, *, batteries: Sequence[Battery], radars,
                  shape: str | None = None, reaction_s: float = DEFAULT_REACTION_S,
                  doctrine: Doctrine = Doctrine(first_salvo=2), rcs_m2: float | None = None,
                  booster_rcs_m2: float | None = None, boost: bool = True,
                  early_warning=None, seed: int = 0, earth="wgs84") -> LayeredResult:
    """One threat against several batteries (see the module docstring); the radars see it as
    :func:`openbmd.engagement.engage.engage` does (``rcs_m2``, ``booster_rcs_m2``, ``boost``)."""
    if not batteries:
        raise InputError("give at least one battery")
    sig = threat_signature(threat_missile, rcs_m2, booster_rcs_m2, boost=boost)
    res = fly(threat_missile, launch[0], launch[1], target=target, shape=shape, earth=earth)
    _, _, firm = noisy_track(res, radars, sig, np.random.default_rng(seed), early_warning,
                             object_id=threat_missile.id)
    s = samples_of(res.trajectory, float(res.batch.burnout_time_s[0]))
    firm_s = np.inf if firm is None else firm
    outs = [(b, run_battery(s, Shooter.at(b.interceptor, b.lat_deg, b.lon_deg), firm_s, reaction_s, doctrine,
                            cap=MAX_SHOTS)) for b in batteries]
    return LayeredResult(threat=res, firm_track_s=firm, layers=allocate_layers(outs, doctrine))


def engage_architecture(threat_missile, launch, target, resolved, *, shape: str | None = None,
                        rcs_m2: float | None = None, booster_rcs_m2: float | None = None,
                        reaction_s: float | None = None, launch_on=None, earth="wgs84") -> LayeredResult:
    """One threat against every battery of a resolved architecture, as layers: the batteries'
    outcomes are the engine's of coverage and raid (:func:`openbmd.engagement.engine.engage_many`:
    the architecture's sensors, cueing, latencies, launch modes, reaction time and doctrine,
    noise-free firm tracks), the allocation this module's (intercept order, shoot-look-shoot
    between layers, magazines)."""
    from openbmd.engagement.engine import engage_many

    sig = threat_signature(threat_missile, rcs_m2, booster_rcs_m2)
    res = fly(threat_missile, launch[0], launch[1], target=target, shape=shape, earth=earth)
    s = samples_of(res.trajectory, float(res.batch.burnout_time_s[0]))
    many = engage_many(resolved, s, sig, reaction_s=reaction_s, launch_on=launch_on)
    batteries = [Battery(b.id, b.interceptor, b.entry.lat_deg, b.entry.lon_deg, b.entry.magazine)
                 for b in resolved.batteries]
    firm = min((float(o.firm_track_s[0]) for o in many.batteries), default=np.inf)
    layers = allocate_layers(list(zip(batteries, many.batteries)), resolved.doctrine)
    return LayeredResult(threat=res, firm_track_s=firm if np.isfinite(firm) else None, layers=layers)


def allocate_layers(outs, doctrine: Doctrine) -> tuple:
    """The layers' allocation on the engine's outcomes ``outs`` [(Battery, BatteryOutcome)]: in the
    order of their earliest intercepts; a layer that can still intercept after an earlier one's
    kill assessment fires only on a reported miss; a salvo no larger than the magazine."""
    outs = sorted(outs, key=lambda bo: bo[1].earliest_t_s[0] if bo[1].engageable[0] else np.inf)
    layers, survive, looks = [], 1.0, []
    for battery, o in outs:
        kv = battery.interceptor.kill_vehicle
        ok = bool(o.engageable[0]) and battery.magazine > 0
        if not ok:
            reason = o.reason[0] if not o.engageable[0] else "magazine empty"
            layers.append(LayerOutcome(battery, False, reason, None, None, False, 0, 0.0, 0.0,
                                       int(o.opportunities[0]), float(o.p_kill[0])))
            continue
        shots = min(doctrine.first_salvo, battery.magazine)
        d = Doctrine(first_salvo=shots, look=doctrine.look and battery.magazine > shots,
                     second_salvo=min(doctrine.second_salvo, max(battery.magazine - shots, 0)) or 1,
                     look_s=doctrine.look_s, p_ka=doctrine.p_ka)
        second = bool(o.opportunities[0] >= 2)
        p = float(p_engagement(kv.pk_single_shot, d, second_chance=second))
        # after an earlier layer's assessment: launched no earlier than that intercept + look
        launch0 = float(o.lane.launch_s[0])
        after_look = bool(looks) and bool(o.lane.solve([0], max(launch0, min(looks) + doctrine.look_s),
                                                                    refine_latest=False).engageable[0])
        n_exp = float(expected_shots(kv.pk_single_shot, d, second_chance=second))
        # a layer that waits for an earlier assessment fires only on a reported miss (p_ka)
        fires = doctrine.p_ka if after_look else 1.0
        weight = survive * fires if after_look else 1.0
        p_layer = fires * p
        layers.append(LayerOutcome(battery, True, None, float(o.earliest_t_s[0] - o.threat_launch_s[0]),
                                   float(o.latest_t_s[0] - o.threat_launch_s[0]), after_look,
                                   d.max_shots if second else d.first_salvo, p_layer, weight * n_exp,
                                   int(o.opportunities[0]), float(o.p_kill[0])))
        survive *= 1.0 - p_layer
        looks.append(float(o.earliest_t_s[0]))
    return tuple(layers)
