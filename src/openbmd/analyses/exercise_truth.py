"""The truth of an exercise and what each party's radars measure of it.

:func:`fly_scenario` flies each salvo once on the trajectory engine (:func:`openbmd.flight.api.fly`, the
raid's aiming) and launches its ``count`` threats ``interval_s`` apart; :func:`measure` lets every
radar of every party look at every threat with the engine's own radar model
(:func:`openbmd.sensors.observe.observe`: catalog noise, revisit, line of sight over the
ellipsoid, elevation limits, faces and the radar equation), the booster's RCS while it burns and
the warhead's after (:func:`openbmd.sensors.horizon.threat_signature`).

Cueing: a notified launch is looked for from the start (the radars are cued, their full range);
an unannounced one is searched for uncued (the radar equation's range against a smaller
effective RCS, :meth:`Radar.search_rcs_m2`) until the space-based warning cues the radars, the
catalog's ``sbirs`` first-report delay after launch (:data:`WARNING_SENSOR`). Each radar looks on
its own schedule, ``k * revisit_s`` plus a phase drawn from the scenario's seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from openbmd.center.models import MIN_ELEVATION_DEG
from openbmd.errors import InputError

WARNING_SENSOR = "sbirs"  #: the catalog space-based warning whose first-report delay cues the radars
GRID_S = 1.0  #: the truth's time grid (s) for positions looked up while scoring
NOTIFY_MARGIN_S = 120.0  #: a notification's window opens this long before its salvo's first launch
LAUNCH_AREA_KM = 50.0
IMPACT_AREA_KM = 150.0


@dataclass(frozen=True, kw_only=True, eq=False)
class Truth:
    """Every threat of the scenario: (T,) launch and impact times (scenario s), places and burnout,
    and positions on a GRID_S grid from scenario time 0 (T, N, 3; NaN before launch and after impact)."""

    ids: tuple[str, ...]
    salvo: np.ndarray
    missile: tuple[str, ...]
    launch_s: np.ndarray
    burnout_s: np.ndarray
    impact_s: np.ndarray
    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray
    impact_lat_deg: np.ndarray
    impact_lon_deg: np.ndarray
    grid_m: np.ndarray
    notified_by: tuple[str | None, ...]

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, t_s) -> np.ndarray:
        """(T, 3) ECEF positions at scenario time ``t_s`` (linear on the 1-s grid; NaN: not flying)."""
        x = float(t_s) / GRID_S
        i = int(np.clip(math.floor(x), 0, self.grid_m.shape[1] - 2))
        u = min(max(x - i, 0.0), 1.0)
        return (1.0 - u) * self.grid_m[:, i] + u * self.grid_m[:, i + 1]


@dataclass(frozen=True, kw_only=True, eq=False)
class Measurements:
    """Every radar return of the exercise, sorted by time: (M,) arrays; ``sensor`` indexes the
    scenario's sensors, ``threat`` the truth's threats; ``t_s`` scenario seconds."""

    t_s: np.ndarray
    sensor: np.ndarray
    threat: np.ndarray
    range_m: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    sigma_range_m: np.ndarray
    sigma_angle_deg: np.ndarray

    def __len__(self) -> int:
        return len(self.t_s)

    def where(self, mask) -> "Measurements":
        return Measurements(**{k: getattr(self, k)[mask] for k in _FIELDS})


_FIELDS = ("t_s", "sensor", "threat", "range_m", "azimuth_deg", "elevation_deg", "sigma_range_m", "sigma_angle_deg")


def fly_scenario(scenario) -> tuple[Truth, list]:
    """(the truth, per threat its trajectory and signature) of ``scenario``."""
    from openbmd.missiles import get_missile
    from openbmd.sensors.horizon import threat_signature
    from openbmd.sensors.observe import hermite

    rows, flown = [], []
    for k, (s, gap, note) in enumerate(zip(scenario.salvos, scenario.intervals_s, scenario.notified_by)):
        missile = get_missile(s.missile)
        try:
            f = _fly(s.missile, s.from_lat_deg, s.from_lon_deg, s.to_lat_deg, s.to_lon_deg, s.shape)
        except InputError as exc:
            raise InputError(f"{scenario.path} line {s.line}: [[salvo]] #{s.index} ({s.missile} {s.from_name} -> "
                             f"{s.to_name}): {exc}") from None
        sig = threat_signature(missile, s.rcs_m2)
        for j in range(s.count):
            rows.append((f"s{s.index}-{j + 1}", k, s.missile, s.launch_time_s + j * gap, f, note))
            flown.append((f.trajectory, sig, float(f.batch.burnout_time_s[0])))
    end = max(r[3] + float(r[4].batch.impact_time_s[0]) for r in rows)
    grid_t = np.arange(0.0, end + 2 * GRID_S, GRID_S)
    grid = np.full((len(rows), grid_t.size, 3), np.nan)
    for i, (_, _, _, t0, f, _) in enumerate(rows):
        tr = f.trajectory
        inside = (grid_t >= t0 + tr.t_s[0]) & (grid_t <= t0 + tr.t_s[-1])
        grid[i, inside] = hermite(tr.t_s, tr.ecef_m, tr.velocity_m_s, grid_t[inside] - t0)
    b = [r[4].batch for r in rows]
    launch = np.array([r[3] for r in rows])
    truth = Truth(ids=tuple(r[0] for r in rows), salvo=np.array([r[1] for r in rows]),
                  missile=tuple(r[2] for r in rows), launch_s=launch,
                  burnout_s=launch + np.array([x.burnout_time_s[0] for x in b]),
                  impact_s=launch + np.array([x.impact_time_s[0] for x in b]),
                  launch_lat_deg=np.array([r[4].trajectory.lat_deg[0] for r in rows]),
                  launch_lon_deg=np.array([r[4].trajectory.lon_deg[0] for r in rows]),
                  impact_lat_deg=np.array([x.impact_lat_deg[0] for x in b]),
                  impact_lon_deg=np.array([x.impact_lon_deg[0] for x in b]),
                  grid_m=grid, notified_by=tuple(r[5] for r in rows))
    return truth, flown


@lru_cache(maxsize=64)
def _fly(missile: str, lat: float, lon: float, to_lat: float, to_lon: float, shape: str):
    """One aimed flight (the raid's: :func:`openbmd.flight.api.fly` at the target), kept for the
    process's later runs of the same salvo (aiming takes seconds; the flight is deterministic)."""
    from openbmd.flight.api import fly
    from openbmd.missiles import get_missile

    return fly(get_missile(missile), lat, lon, target=(to_lat, to_lon), shape=shape)


def measure(scenario, truth: Truth, flown: list, *, duration_s: float | None = None) -> Measurements:
    """Every radar return of the scenario up to ``duration_s`` (default: the scenario's, else the
    last impact), sorted by time (ties by sensor, then threat)."""
    from openbmd.sensors.catalog import get_sensor

    warn_s = float(get_sensor(WARNING_SENSOR).delay_s)
    end = duration_s or scenario.duration_s or float(truth.impact_s.max()) + 1.0
    rng = np.random.default_rng(scenario.seed)
    phases = rng.uniform(0.0, 1.0, len(scenario.sensors))
    parts = []
    for k, sensor in enumerate(scenario.sensors):
        radar = sensor.radar
        for i, (traj, sig, burnout) in enumerate(flown):
            t0 = float(truth.launch_s[i])
            phase = (phases[k] * radar.revisit_s - t0) % radar.revisit_s  # looks at k*revisit + phase
            rcs = sig.rcs_m2(traj.t_s, burnout)
            d = radar.observe(traj, rcs, rng, t0_s=phase, epoch_s=t0)
            if truth.notified_by[i] is None:  # searched uncued until the space-based warning
                weak = radar.observe(traj, radar.search_rcs_m2(rcs, False), rng, t0_s=phase, epoch_s=t0)
                d = weak.where(weak.t_s < t0 + warn_s).joined(d.where(d.t_s >= t0 + warn_s))
            el, az = np.degrees(d.el_rad), np.degrees(d.az_rad) % 360.0
            # what the center takes as plausible (openbmd.center.models.report_problem): noise may
            # carry a return just past the instrumented range or below the horizon; such are not sent
            d = d.where((d.t_s <= end) & (el >= MIN_ELEVATION_DEG) & (el <= 90.0) & (az < 360.0)
                        & (d.range_m > 0.0) & (d.range_m <= radar.max_range_m))
            n = len(d)
            parts.append((d.t_s, np.full(n, k), np.full(n, i), d.range_m, np.degrees(d.az_rad) % 360.0,
                          np.degrees(d.el_rad), np.full(n, radar.sigma_range_m),
                          np.full(n, math.degrees(radar.sigma_angle_rad))))
    cols = [np.concatenate([p[j] for p in parts]) for j in range(len(_FIELDS))]
    order = np.lexsort((cols[2], cols[1], cols[0]))
    return Measurements(**{name: c[order] for name, c in zip(_FIELDS, cols)})


def notifications(scenario, truth: Truth) -> list[dict]:
    """The pre-launch notifications the scenario's notifying parties file, one per salvo:
    (party, window in scenario seconds, launch and impact areas)."""
    out = []
    for k, (s, party) in enumerate(zip(scenario.salvos, scenario.notified_by)):
        if party is None:
            continue
        launches = truth.launch_s[truth.salvo == k]
        out.append({"party": party, "id": f"salvo-{s.index}", "missile": s.missile,
                    "window_start_s": float(launches.min()) - NOTIFY_MARGIN_S,
                    "window_end_s": float(launches.max()) + NOTIFY_MARGIN_S,
                    "launch_area": {"lat_deg": s.from_lat_deg, "lon_deg": s.from_lon_deg, "radius_km": LAUNCH_AREA_KM},
                    "impact_area": {"lat_deg": s.to_lat_deg, "lon_deg": s.to_lon_deg, "radius_km": IMPACT_AREA_KM}})
    return out


@dataclass(frozen=True, kw_only=True, eq=False)
class Sights:
    """Every line of sight of the scenario's infrared satellites, sorted by time: (K,) arrays;
    ``satellite`` indexes :func:`satellites` (infrared entry, satellite), ``t_s`` scenario seconds;
    angles in degrees (the center's sight reports)."""

    t_s: np.ndarray
    satellite: np.ndarray
    threat: np.ndarray
    los_lon_deg: np.ndarray
    los_lat_deg: np.ndarray
    sigma_deg: np.ndarray

    def __len__(self) -> int:
        return len(self.t_s)


_SIGHT_FIELDS = ("t_s", "satellite", "threat", "los_lon_deg", "los_lat_deg", "sigma_deg")


def satellites(scenario) -> list[tuple]:
    """(infrared entry, satellite index, sensor id) of every satellite of the scenario."""
    return [(ir, s, sid) for ir in scenario.infrared for s, sid in enumerate(ir.satellite_ids)]


def observer_m(ir, satellite: int, t_s) -> np.ndarray:
    """ECEF positions (N, 3) of satellite ``satellite`` of ``ir`` at scenario times ``t_s``."""
    return ir.tracker.positions_m(np.asarray(t_s, float) - ir.over_s)[:, satellite]


def sight(scenario, truth: Truth, *, duration_s: float | None = None) -> Sights:
    """The infrared satellites' noisy lines of sight (the engine's
    :meth:`~openbmd.sensors.irtrack.InfraredTracker.observe`: limb and range limits, the catalog's
    noise) of every threat from burnout to impact (the tracker follows the post-boost body, as the
    engine's infrared track does), every ``revisit_s`` from a phase drawn from the seed."""
    end = duration_s or scenario.duration_s or float(truth.impact_s.max()) + 1.0
    rng = np.random.default_rng(scenario.seed + 1)
    parts, base = [], 0
    for ir in scenario.infrared:
        tk = ir.tracker
        looks = np.arange(rng.uniform(0.0, tk.revisit_s), end, tk.revisit_s)
        for i in range(len(truth)):
            t = looks[(looks >= truth.burnout_s[i]) & (looks < truth.impact_s[i])]
            if t.size == 0:
                continue
            pos = np.array([truth.positions(x)[i] for x in t])
            ok = np.all(np.isfinite(pos), axis=1)
            z, _ = tk.observe(t[ok] - ir.over_s, pos[ok], rng)
            for s in range(tk.n_satellites):
                seen = np.isfinite(z[:, s, 0])
                n = int(seen.sum())
                lon = (np.degrees(z[seen, s, 0]) + 180.0) % 360.0 - 180.0
                parts.append((t[ok][seen], np.full(n, base + s), np.full(n, i), lon, np.degrees(z[seen, s, 1]),
                              np.full(n, math.degrees(tk.sigma_los_rad))))
        base += tk.n_satellites
    if not parts:
        return Sights(**{k: np.zeros(0, int if k in ("satellite", "threat") else float) for k in _SIGHT_FIELDS})
    cols = [np.concatenate([p[j] for p in parts]) for j in range(len(_SIGHT_FIELDS))]
    order = np.lexsort((cols[2], cols[1], cols[0]))
    return Sights(**{name: c[order] for name, c in zip(_SIGHT_FIELDS, cols)})
