"""A joint exercise through the data-sharing center: fly a scenario, stream each party's radar
returns into the center paced in scenario time, and score the fused picture against the truth.

1. the scenario (:mod:`openbmd.analyses.exercise_file`) is flown and measured with the engine's
   models (:mod:`openbmd.analyses.exercise_truth`);
2. the returns go to the center as the scenario clock reaches them, ``speed`` times real time
   (:mod:`openbmd.analyses.exercise_run`, which says how scenario time is dated for the center's
   clock check), into a center given by URL or, without one, an embedded center for the run
   (:class:`openbmd.center.embedded.EmbeddedCenter`);
3. the picture is scored (:mod:`openbmd.analyses.exercise_score`), and each party's contribution
   is the same returns fused in this process with that party's sensors withheld;
4. progress and the score are posted to the center's ``/v1/exercises``.

The first-track and firm-track times, the impact error and the contribution are computed in the
data's own time and do not depend on the pace; the unannounced-launch flag times and the lag are
measured on the wall clock and scaled to scenario seconds (they do depend on it).
"""
from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from openbmd.errors import InputError

MAX_SPEED = 1000.0


@dataclass(frozen=True, eq=False)
class ExerciseResult:
    scenario: object
    truth: object
    measurements: object
    run: object
    rows: list
    flags: list
    accuracy: list
    contribution: dict
    lag_s: np.ndarray                   #: the picture's lag (exercise_run.lags, since="picture")
    exercise_id: str
    center: str
    seconds: float
    sights: object = None  #: the infrared lines of sight sent (exercise_truth.Sights)
    lag_with_initiation_s: np.ndarray | None = None  #: lags(since="first_return")

    def summary(self) -> dict:
        """The JSON contract of ``openbmd exercise``: exactly these six keys."""
        from openbmd.analyses.exercise_score import summary

        threats = [{**r, "flagged": f, "accuracy": a} for r, f, a in zip(self.rows, self.flags, self.accuracy)]
        return {"threats": threats, **summary(self.rows, self.flags), "contribution": self.contribution}

    def record(self) -> dict:
        """The score posted to /v1/exercises: the summary, the lag and the run's facts."""
        return {**self.summary(), "lag_s": lag_stats(self.lag_s),
                "lag_with_initiation_s": lag_stats(self.lag_with_initiation_s), "measurements": len(self.measurements),
                "lines_of_sight": 0 if self.sights is None else len(self.sights),
                "sensors": len(self.scenario.sensors), "center": self.center, "seconds": round(self.seconds, 1)}


def lag_stats(lag) -> dict:
    lag = np.zeros(0) if lag is None else np.asarray(lag, float)
    if lag.size == 0:
        return {"p50": None, "p99": None, "max": None, "count": 0}
    return {"p50": round(float(np.percentile(lag, 50)), 3), "p99": round(float(np.percentile(lag, 99)), 3),
            "max": round(float(lag.max()), 3), "count": int(lag.size)}


def check_speed(speed: float) -> float:
    if not (isinstance(speed, (int, float)) and math.isfinite(speed) and 0.1 <= speed <= MAX_SPEED):
        raise InputError(f"speed {speed!r} must be a number from 0.1 to {MAX_SPEED:g} (scenario seconds per second)")
    return float(speed)


def exercise(scenario, *, center: str | None = None, tokens: dict[str, str] | None = None, speed: float = 1.0,
             contribution: bool = True, exercise_id: str | None = None, progress=None) -> ExerciseResult:
    """Fly ``scenario`` (a path or a :class:`~openbmd.analyses.exercise_file.Scenario`) through the
    center at ``center`` (URL; ``tokens`` party -> token of a head or operator) or an embedded one."""
    from openbmd.analyses.exercise_file import Scenario, load_scenario
    from openbmd.analyses.exercise_truth import fly_scenario, measure, sight

    t0 = time.perf_counter()
    speed = check_speed(speed)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(Path(scenario))
    truth, flown = fly_scenario(sc)
    ms = measure(sc, truth, flown)
    los = sight(sc, truth)
    if len(ms) == 0 and len(los) == 0:
        raise InputError(f"{sc.path}: no radar of the scenario sees any threat; nothing to exercise")
    eid = exercise_id or f"ex-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:6]}"
    if center is None:
        from openbmd.center.embedded import EmbeddedCenter

        with EmbeddedCenter(sorted(set(sc.parties) | {"nato", "russia"})) as c:
            return _through(sc, truth, (ms, los), c.url, c.tokens, speed, contribution, eid, progress, t0,
                            "embedded")
    missing = [p for p in sc.parties if p not in (tokens or {})]
    if missing:
        raise InputError(f"no token for party {missing[0]!r} of the scenario; each of its parties "
                         f"({', '.join(sc.parties)}) needs a head's or an operator's token")
    return _through(sc, truth, (ms, los), center, tokens, speed, contribution, eid, progress, t0, center)


def _through(sc, truth, data, url, tokens, speed, with_contribution, eid, progress, t0, label) -> ExerciseResult:
    from openbmd.analyses import exercise_score as score
    from openbmd.analyses.exercise_run import Client, lags, stream

    ms, los = data
    client = Client(url, tokens)
    poster = min(p for p in tokens if p in sc.parties or p in ("nato", "russia"))
    try:
        def record(run, done):
            _post(client, poster, eid, sc, speed, run.start_wall_s, None,
                  {"progress": {"sent": int(done), "of": len(ms),
                                "scenario_s": round(float(run.scenario_s(time.time())), 1)}})

        run = stream(client, sc, truth, ms, los, exercise_id=eid, speed=speed, progress=progress, record=record)
        rows = score.threat_scores(truth, run.tracks, run.epoch_s)
        flags = score.flagged(truth, run.tracks, run.alerts, run.epoch_s, run.scenario_s)
        owner = score.owners([e for _, e in run.events], truth, run.epoch_s)
        acc = score.accuracy(truth, run.events, run.epoch_s, owner)
        lag = lags(run, ms, truth, owner)
        lag_init = lags(run, ms, truth, owner, since="first_return")
        contrib = _contribution(sc, truth, ms, los, run.epoch_s) if with_contribution else {}
        result = ExerciseResult(sc, truth, ms, run, rows, flags, acc, contrib, lag, eid, label,
                                time.perf_counter() - t0, los, lag_init)
        _post(client, poster, eid, sc, speed, run.start_wall_s, time.time(), result.record())
        return result
    finally:
        client.close()


def _contribution(sc, truth, ms, los, epoch_s) -> dict:
    """Each party's contribution: the fusion run offline on the returns the run sent, with every
    party against without that one. Both sides offline: the live run's scores depend
    on its pace (at 1000x the picture falls behind and its last impact prediction is older), and
    comparing them with an offline run made a party's radars look as if they worsened the impact
    error (the notified test launch: 2.18 km live against 0.37 km offline without the Don-2N)."""
    from openbmd.analyses import exercise_score as score

    parties = sorted({s.party for s in sc.sensors} | {s.party for s in sc.infrared})
    if len(parties) < 2:
        return {}
    rows = score.threat_scores(truth, score.offline_tracks(sc, ms, epoch_s, sights=los), epoch_s)
    without = {p: score.threat_scores(truth, score.offline_tracks(sc, ms, epoch_s, without_party=p, sights=los),
                                      epoch_s)
               for p in parties}
    sensors = {p: [s.id for s in sc.sensors if s.party == p] + [s.id for s in sc.infrared if s.party == p]
               for p in parties}
    return score.contribution(truth, rows, without, sensors)


def _post(client, party, eid, sc, speed, started_s, finished_s, score_body) -> None:
    client.call("POST", "/v1/exercises", party, {"id": eid, "scenario": sc.name, "speed": speed,
                                                 "started_s": started_s, "finished_s": finished_s,
                                                 "score": score_body})
