"""The flights of the Russian question: every ICBM field's missile at every US target and shape.

Each (missile, field, target, shape) is aimed by :func:`openbmd.flight.aim_many.aim_many_shapes`
(every target and shape of one launcher together, miss < 2 km), flown once and memoised in
the process: a later call (another architecture, a narrowed run) flies only what is new.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: sampling of the ICBM flights for the battle space (s): ~400-600 samples per flight; the
#: earliest intercept is interpolated between samples, the margin bisected to MARGIN_TOL_S
SAMPLE_DT_S = 4.0
SHAPES = ("min-energy", "lofted", "depressed")


@dataclass(frozen=True)
class Case:
    """One flight: a missile from a field at a target with a shape."""

    field: str
    target: str
    shape: str
    missile: str
    field_lat_deg: float
    field_lon_deg: float
    target_lat_deg: float
    target_lon_deg: float
    flight_time_s: float


#: in-process memo of flown cases: (missile, field, field lat, lon, target, target lat, lon, shape)
#: -> (X (n, 3), V (n, 3), burnout_s, impact_s) on the SAMPLE_DT_S grid from 0, or the reason
#: it was not flown; a later call (another architecture, a narrowed run) flies only what is new
_FLOWN: dict = {}
_FLOWN_MAX = 20000


def clear_flight_memo() -> None:
    """Forget the flights memoised in this process."""
    _FLOWN.clear()


def fly_cases(fields, targets, shapes=SHAPES, *, missiles: str = "first", progress=None):
    """Fly every (field, missile, target, shape): (cases, ThreatSamples of their flights, unreachable).

    Aimed by :func:`openbmd.flight.aim_many.aim_many_shapes` (every target and shape of one
    launcher together); memoised in the process per (missile, field, target, shape)."""
    jobs = [(f, m) for f in fields for m in (f.missiles[:1] if missiles == "first" else f.missiles)]
    for n_job, (f, mid) in enumerate(jobs):
        _fly_missing(f, mid, targets, shapes)
        if progress:
            progress(n_job + 1, len(jobs))
    cases, rows, unreachable = [], [], []
    for f, mid in jobs:
        for shape in shapes:
            for t in targets:
                got = _FLOWN[_key(mid, f, t, shape)]
                if isinstance(got, str):
                    unreachable.append((f.name, t.name, shape, mid, got))
                    continue
                cases.append(Case(f.name, t.name, shape, mid, f.lat_deg, f.lon_deg, t.lat_deg, t.lon_deg,
                                  float(got[3])))
                rows.append(got)
    return cases, (_stack(rows) if rows else None), unreachable


def _key(mid, f, t, shape):
    return (mid, f.name, f.lat_deg, f.lon_deg, t.name, t.lat_deg, t.lon_deg, shape)


def _fly_missing(f, mid, targets, shapes):
    """Aim and fly the (target, shape) cases of one field and missile not yet memoised."""
    from openbmd.earth.model import earth_model
    from openbmd.flight.samples import sample_flights
    from openbmd.flight.aim_many import aim_many_shapes
    from openbmd.flight.shaping import Launcher
    from openbmd.missiles import get_missile

    todo = [t for t in targets if any(_key(mid, f, t, s) not in _FLOWN for s in shapes)]
    if not todo:
        return
    if len(_FLOWN) > _FLOWN_MAX:
        _FLOWN.clear()
    launcher = Launcher(get_missile(mid), f.lat_deg, f.lon_deg, earth_model("wgs84"), True)
    aims = aim_many_shapes(launcher, [t.lat_deg for t in todo], [t.lon_deg for t in todo], tuple(shapes))
    steer, keys = [], []
    for shape, a in aims.items():
        for j, t in enumerate(todo):
            if a.reachable[j]:
                steer.append((a.azimuth_deg[j], a.kick_deg[j], a.cutoff_s[j]))
                keys.append(_key(mid, f, t, shape))
            else:
                _FLOWN[_key(mid, f, t, shape)] = a.why[j]
    if not steer:
        return
    az, kick, cut = (np.array(x) for x in zip(*steer))
    b = launcher.fly(az, kick, cut, history=True)
    down = np.asarray(b.status) == 0
    for k in np.flatnonzero(~down):
        _FLOWN[keys[k]] = "flight did not come down"
    if not down.all():
        b = launcher.fly(az[down], kick[down], cut[down], history=True)
        keys = [k for k, d in zip(keys, down) if d]
    s = sample_flights(b, SAMPLE_DT_S)
    for i, k in enumerate(keys):
        n = int(np.searchsorted(s.t_s, s.impact_s[i], side="right"))
        _FLOWN[k] = (s.ecef_m[i, :n].copy(), s.vel_m_s[i, :n].copy(), float(s.burnout_s[i]), float(s.impact_s[i]))


def _stack(rows):
    """One ThreatSamples from memoised flights (a grid of step SAMPLE_DT_S from 0, NaN after impact)."""
    from openbmd.flight.samples import ThreatSamples

    N = max(r[0].shape[0] for r in rows)
    t = np.arange(N) * SAMPLE_DT_S
    X = np.full((len(rows), N, 3), np.nan)
    V = np.full_like(X, np.nan)
    for i, r in enumerate(rows):
        X[i, :r[0].shape[0]], V[i, :r[1].shape[0]] = r[0], r[1]
    return ThreatSamples(t, X, V, np.array([r[2] for r in rows]), np.array([r[3] for r in rows]))
