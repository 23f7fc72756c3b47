"""A raid's engagements: each distinct flight flown once, engaged by the engine at each launch time.

Every distinct flight (missile, from, to, shape) is flown once
(:func:`openbmd.flight.api.fly`) and every distinct (flight, RCS, launch time) is engaged
by every battery once (:func:`openbmd.engagement.engine.engage_many`, which adds each
threat's launch offset to its times: sensors and launchers are fixed on the rotating Earth
and the engine models no sensor loading, so a flight launched later has the same
engagement, later).  The result is the allocation's input, one row per threat
(:class:`openbmd.engagement.allocation.Pairs`).
"""
from __future__ import annotations

import numpy as np

from openbmd.errors import InputError


def engage_raid(resolved, raid_, reaction_s=None, progress=None):
    """(Pairs over the raid's threats, per salvo per battery why not engageable (None: engageable),
    progress steps in all); ``progress(done, total)`` after each flight and the engagements."""
    flights, tracks, track_of_salvo = _flights(raid_, progress)
    rows = _engage(resolved, flights, tracks, reaction_s)
    steps = len(flights) + 2
    if progress:
        progress(steps - 1, steps)
    group = np.repeat(np.arange(len(raid_.salvos)), [s.count for s in raid_.salvos])
    pairs = _pairs(resolved, [rows[track_of_salvo[k]] for k in group])
    reasons = tuple(tuple(o.reason[j] for o in res.batteries)
                    for res, j in (rows[track_of_salvo[k]] for k in range(len(raid_.salvos))))
    return pairs, reasons, steps


def _pairs(resolved, threat_rows):
    """The allocation's input from the engine's outcomes: ``threat_rows`` holds, per threat, the
    (ManyResult, row) that engaged it (times already after the raid's start)."""
    from openbmd.engagement.allocation import Pairs

    shape = (len(threat_rows), len(resolved.batteries))

    def grid(attr):  # (T, B)
        return np.array([[getattr(o, attr)[j] for o in res.batteries] for res, j in threat_rows]).reshape(shape)

    eng = grid("engageable").astype(bool)
    return Pairs(eng, np.where(eng, grid("earliest_t_s"), np.inf), np.where(eng, grid("latest_t_s"), np.inf),
                 eng & (grid("opportunities") >= 2),
                 np.array([b.interceptor.kill_vehicle.pk_single_shot for b in resolved.batteries], float),
                 np.array([b.entry.magazine for b in resolved.batteries], np.int64))


def _flights(raid_, progress):
    """Fly each distinct (missile, from, to, shape) once; the distinct (flight, RCS, launch time)
    are the rows the engine engages.

    Returns (flights, tracks, track_of_salvo): ``tracks[k] = (Signature, flight index, launch_time_s)``
    (:func:`openbmd.sensors.horizon.threat_signature`: the booster seen in boost).
    """
    from openbmd.sensors.horizon import threat_signature
    from openbmd.flight.api import fly
    from openbmd.missiles import get_missile

    keys, flights = {}, []
    track_keys, tracks, track_of_salvo = {}, [], []
    for s in raid_.salvos:
        key = (s.missile, s.from_lat_deg, s.from_lon_deg, s.to_lat_deg, s.to_lon_deg, s.shape)
        missile = get_missile(s.missile)
        if key not in keys:
            try:
                f = fly(missile, s.from_lat_deg, s.from_lon_deg, target=(s.to_lat_deg, s.to_lon_deg), shape=s.shape)
            except InputError as exc:
                raise InputError(f"{raid_.path} line {s.line}: [[salvo]] #{s.index} ({s.missile} "
                                 f"{s.from_name} -> {s.to_name}): {exc}") from None
            keys[key] = len(flights)
            flights.append(f)
            if progress:
                progress(len(flights), len(raid_.salvos) + 2)
        tkey = (threat_signature(missile, s.rcs_m2), keys[key], s.launch_time_s)
        if tkey not in track_keys:
            track_keys[tkey] = len(tracks)
            tracks.append(tkey)
        track_of_salvo.append(track_keys[tkey])
    return flights, tracks, track_of_salvo


def _engage(resolved, flights, tracks, reaction_s):
    """One engine call per distinct RCS over its tracks, each at its launch time: per track,
    the (ManyResult, row) that holds it."""
    from openbmd.engagement.engine import engage_many
    from openbmd.flight.samples import sample_flights

    samples = [sample_flights(f.batch) for f in flights]
    out = [None] * len(tracks)
    for rcs in dict.fromkeys(t[0] for t in tracks):
        members = [k for k, t in enumerate(tracks) if t[0] == rcs]
        res = engage_many(resolved, _merge([samples[tracks[k][1]] for k in members]), rcs, reaction_s=reaction_s,
                          threat_launch_s=np.array([tracks[k][2] for k in members], float))
        for j, k in enumerate(members):
            out[k] = (res, j)
    return out


def _merge(parts):
    """One ThreatSamples on the longest of the parts' time grids (NaN after each flight's end)."""
    from openbmd.flight.samples import ThreatSamples

    t = max((p.t_s for p in parts), key=lambda x: x[-1])
    X = np.full((sum(len(p) for p in parts), t.size, 3), np.nan)
    V = np.full_like(X, np.nan)
    row = 0
    for p in parts:
        for i in range(len(p)):
            ok = np.isfinite(p.ecef_m[i, :, 0])
            n = np.searchsorted(t, p.t_s[ok][-1], side="right")
            for k in range(3):
                X[row, :n, k] = np.interp(t[:n], p.t_s[ok], p.ecef_m[i, ok, k])
                V[row, :n, k] = np.interp(t[:n], p.t_s[ok], p.vel_m_s[i, ok, k])
            row += 1
    return ThreatSamples(t, X, V, np.concatenate([p.burnout_s for p in parts]),
                         np.concatenate([p.impact_s for p in parts]))
