"""Score a fused picture against the truth of an exercise.

A fused track belongs to the threat nearest to it at its own time (the truth flown on the
engine, :class:`openbmd.analyses.exercise_truth.Truth`) when it lies within
``GATE_M + GATE_SIGMAS`` times its own position sigma; a threat may have several tracks (a
fragmented or duplicated track), a track one threat at most. Per threat:

- ``first_shared_track_s``: from launch to the start of its first fused track (the data time of
  the last of the returns that started it), None if never tracked;
- ``firm_track_s``: from launch to its first firm track (the engine's rule, as the center applies it);
- ``impact_error_km``: the distance from the predicted impact point of its longest track (at that
  track's last update) to the true impact point, with the prediction's one-sigma ellipse;
- ``accuracy``: position error and sigma of the fused track over time (from the stream's updates);
- unannounced launches: whether the center flagged the threat's track, and how long after launch.

:func:`offline_tracks` fuses the same returns with the center's fusion library in this process:
the contribution of a party is the same run with that party's sensors withheld.
:func:`engine_tracks` runs the engine's single-object tracker (:func:`openbmd.sensors.tracking.track`)
on each threat's returns (the association known): the independent reference of the scoring test.
"""
from __future__ import annotations

import math

import numpy as np

GATE_M = 50e3  #: a track within 50 km (+ GATE_SIGMAS of its sigma) of a threat is that threat's
GATE_SIGMAS = 3.0
ACCURACY_POINTS = 20  #: samples of the accuracy-over-time curve kept per threat


def owners(tracks: list[dict], truth, epoch_s: float) -> np.ndarray:
    """(K,) the threat each track dict belongs to (-1: none), by position at the track's time."""
    out = np.full(len(tracks), -1)
    for k, tr in enumerate(tracks):
        pos = tr.get("position_m")
        if pos is None or tr.get("t_s") is None:
            continue
        d = np.linalg.norm(truth.positions(tr["t_s"] - epoch_s) - np.asarray(pos), axis=1)
        if np.all(np.isnan(d)):
            continue
        i = int(np.nanargmin(d))
        if d[i] <= GATE_M + GATE_SIGMAS * float(tr.get("position_sigma_m") or 0.0):
            out[k] = i
    return out


def threat_scores(truth, tracks: list[dict], epoch_s: float) -> list[dict]:
    """Per threat: first shared track, firm track, impact error and ellipse, number of tracks."""
    from openbmd.earth.geodesy import geodesic_inverse

    own = owners(tracks, truth, epoch_s)
    out = []
    for i in range(len(truth)):
        mine = [tracks[k] for k in np.flatnonzero(own == i)]
        launch = epoch_s + float(truth.launch_s[i])
        firsts = [t["started_t_s"] - launch for t in mine if t.get("started_t_s") is not None]
        firms = [t["firm_t_s"] - launch for t in mine if t.get("firm_t_s") is not None]
        row = {"id": truth.ids[i], "missile": truth.missile[i], "launch_s": float(truth.launch_s[i]),
               "impact_s": float(truth.impact_s[i]), "notified": truth.notified_by[i] is not None,
               "tracks": len(mine), "first_shared_track_s": _r(min(firsts)) if firsts else None,
               "firm_track_s": _r(min(firms)) if firms else None, "impact_error_km": None, "impact_ellipse_km": None}
        # the impact prediction the picture offers last: its most recently updated track of the
        # threat (a threat split into a boost-phase track and a terminal radar's track reads the
        # terminal one; the most-updated rule read a stale track, 2.18 km off against 0.37 km)
        best = max(mine, key=lambda t: (t.get("last_update_t_s") or -math.inf, t.get("n_updates") or 0), default=None)
        ip = best.get("impact_point") if best else None
        if ip:
            dist, _, _ = geodesic_inverse(truth.impact_lat_deg[i], truth.impact_lon_deg[i], ip["lat_deg"],
                                          ip["lon_deg"])
            row["impact_error_km"] = _r(float(dist) / 1e3, 3)
            row["impact_ellipse_km"] = {"semi_major": _r(ip["ellipse_semi_major_km"], 3),
                                        "semi_minor": _r(ip["ellipse_semi_minor_km"], 3),
                                        "orientation_deg": _r(ip["ellipse_orientation_deg"], 1)}
        out.append(row)
    return out


def accuracy(truth, events: list[tuple[float, dict]], epoch_s: float, own=None) -> list[list[list[float]]]:
    """Per threat, [s after launch, position error km, position sigma km] of its tracks' stream
    updates, thinned to ACCURACY_POINTS evenly spread samples (``own``: the events' :func:`owners`,
    when the caller has them)."""
    tracks = [e for _, e in events]
    own = owners(tracks, truth, epoch_s) if own is None else own
    out = []
    for i in range(len(truth)):
        rows = []
        for k in np.flatnonzero(own == i):
            tr = tracks[k]
            err = np.linalg.norm(truth.positions(tr["t_s"] - epoch_s)[i] - np.asarray(tr["position_m"]))
            rows.append([tr["t_s"] - epoch_s - float(truth.launch_s[i]), err / 1e3,
                         (tr.get("position_sigma_m") or math.nan) / 1e3])
        rows.sort()
        if len(rows) > ACCURACY_POINTS:
            rows = [rows[j] for j in np.linspace(0, len(rows) - 1, ACCURACY_POINTS).round().astype(int)]
        out.append([[_r(a, 1), _r(b, 3), _r(c, 3)] for a, b, c in rows])
    return out


def flagged(truth, tracks: list[dict], alerts: list[dict], epoch_s: float, to_scenario) -> list[dict]:
    """Per threat, the center's alert on its tracks: {kind, after_s} (None: no alert). ``after_s``:
    scenario seconds from launch to the alert's creation on the center's clock (``to_scenario``
    maps a UNIX wall-clock time to the run's scenario time)."""
    own = dict(zip((t["id"] for t in tracks), owners(tracks, truth, epoch_s)))
    out: list[dict | None] = [None] * len(truth)
    for a in sorted(alerts, key=lambda a: a["created_s"]):
        i = int(own.get(a["track_id"], -1))
        if i >= 0 and out[i] is None:
            out[i] = {"kind": a["kind"], "after_s": _r(float(to_scenario(a["created_s"])) - float(truth.launch_s[i]))}
    return out


def summary(rows: list[dict], flags: list[dict | None]) -> dict:
    """The top-level figures of ``openbmd exercise --json`` from the per-threat rows."""
    un = [f for r, f in zip(rows, flags) if not r["notified"]]
    hit = [f["after_s"] for f in un if f and f["kind"] == "unannounced"]
    false = sum(1 for r, f in zip(rows, flags) if r["notified"] and f and f["kind"] == "unannounced")
    return {"first_shared_track_s": _stats([r["first_shared_track_s"] for r in rows]),
            "firm_track_s": _stats([r["firm_track_s"] for r in rows]),
            "impact_error_km": _stats([r["impact_error_km"] for r in rows], digits=3),
            "unannounced_flagged": {"unannounced": len(un), "flagged": len(hit), "false_alarms": false,
                                    "after_s": _stats(hit)}}


def contribution(truth, base: list[dict], without: dict[str, list[dict]], sensors: dict[str, list[str]]) -> dict:
    """Per party, what its sensors add to the joint picture: the median over threats of the
    warning time gained (impact minus first track, with against without; a threat not tracked
    without them gains its whole warning) and of the impact error reduced (threats with an
    impact prediction both ways), and the threats tracked only thanks to them."""
    out = {}
    for party, rows in without.items():
        gained, reduced, only = [], [], 0
        for i, (a, b) in enumerate(zip(base, rows)):
            warn_a = _warning(truth, i, a["first_shared_track_s"])
            warn_b = _warning(truth, i, b["first_shared_track_s"])
            if warn_a is not None:
                gained.append(warn_a - (warn_b or 0.0))
                only += warn_b is None
            if a["impact_error_km"] is not None and b["impact_error_km"] is not None:
                reduced.append(b["impact_error_km"] - a["impact_error_km"])
        out[party] = {"sensors": sensors[party],
                      "warning_time_gained_s": _r(float(np.median(gained))) if gained else None,
                      "warning_time_gained_max_s": _r(float(np.max(gained))) if gained else None,
                      "error_reduced_km": _r(float(np.median(reduced)), 3) if reduced else None,
                      "threats_tracked_only_with": int(only)}
    return out


def _warning(truth, i: int, first_s: float | None) -> float | None:
    if first_s is None:
        return None
    return float(truth.impact_s[i] - truth.launch_s[i]) - first_s


def offline_tracks(scenario, ms, epoch_s: float, *, without_party: str | None = None, sights=None) -> list[dict]:
    """The center's fusion library run here on the radar returns ``ms`` and the lines of sight
    ``sights`` (dated ``epoch_s`` + t), optionally with one party's sensors withheld: the fused
    tracks as GET /v1/tracks gives them."""
    from openbmd.analyses.exercise_truth import observer_m, satellites
    from openbmd.center.fusion import Fusion, Measurement, SensorSite, SightLine

    keys = [f"{s.party}/{s.id}" for s in scenario.sensors]
    sites = {key: SensorSite(id=key, party=s.party, lat_deg=s.radar.site_lat_deg, lon_deg=s.radar.site_lon_deg,
                             alt_m=s.radar.site_alt_m, sensor=s.radar) for key, s in zip(keys, scenario.sensors)}
    sats = satellites(scenario)
    sites |= {f"{ir.party}/{sid}": SensorSite(id=f"{ir.party}/{sid}", party=ir.party, lat_deg=ir.over_lat_deg,
                                              lon_deg=ir.over_lon_deg, sensor=ir.tracker) for ir, _, sid in sats}
    fusion = Fusion(sites)
    party = [scenario.sensors[k].party for k in ms.sensor]
    reports = [Measurement(id=f"m{k}", sensor=keys[ms.sensor[k]], party=party[k], t_s=epoch_s + float(ms.t_s[k]),
                           range_m=float(ms.range_m[k]), azimuth_deg=float(ms.azimuth_deg[k]),
                           elevation_deg=float(ms.elevation_deg[k]), sigma_range_m=float(ms.sigma_range_m[k]),
                           sigma_angle_deg=float(ms.sigma_angle_deg[k]))
               for k in range(len(ms)) if party[k] != without_party]
    for k in range(0 if sights is None else len(sights)):
        ir, s, sid = sats[sights.satellite[k]]
        if ir.party != without_party:
            reports.append(SightLine(id=f"los{k}", sensor=f"{ir.party}/{sid}", party=ir.party,
                                     t_s=epoch_s + float(sights.t_s[k]),
                                     observer_m=tuple(observer_m(ir, s, [sights.t_s[k]])[0]),
                                     los_lon_deg=float(sights.los_lon_deg[k]), los_lat_deg=float(sights.los_lat_deg[k]),
                                     sigma_deg=float(sights.sigma_deg[k])))
    fusion.add_measurements(sorted(reports, key=lambda m: m.t_s))
    return [_json_ready(t.to_dict()) for t in fusion.tracks()]


def engine_tracks(scenario, truth, ms) -> list[dict]:
    """Per threat, the engine's own tracker on all its returns (association known): the start of its
    track (s after launch), its firm time and the impact error (km) predicted at its last return."""
    from openbmd.center.fusion import RV_BETA_KG_M2
    from openbmd.earth.geodesy import geodesic_inverse
    from openbmd.sensors.measurements import Detections
    from openbmd.sensors.tracking import predict_impact, track

    out = []
    for i in range(len(truth)):
        dets = []
        for k, s in enumerate(scenario.sensors):
            sel = (ms.threat == i) & (ms.sensor == k)
            if sel.any():
                r = s.radar
                dets.append(Detections(sensor_id=s.id, object_id=truth.ids[i], site_lat_deg=r.site_lat_deg,
                                       site_lon_deg=r.site_lon_deg, site_alt_m=r.site_alt_m, t_s=ms.t_s[sel],
                                       range_m=ms.range_m[sel], az_rad=np.radians(ms.azimuth_deg[sel]),
                                       el_rad=np.radians(ms.elevation_deg[sel]), snr_db=np.zeros(int(sel.sum())),
                                       sigma_range_m=r.sigma_range_m, sigma_angle_rad=r.sigma_angle_rad))
        if sum(len(d) for d in dets) < 3:
            out.append({"first_track_s": None, "firm_track_s": None, "impact_error_km": None})
            continue
        tr = track(dets)
        launch = float(truth.launch_s[i])
        ip = predict_impact(tr.state[-1], tr.covariance[-1], float(tr.t_s[-1]), samples=200,
                            rv_beta_kg_m2=RV_BETA_KG_M2)
        dist, _, _ = geodesic_inverse(truth.impact_lat_deg[i], truth.impact_lon_deg[i], ip.lat_deg, ip.lon_deg)
        out.append({"first_track_s": float(tr.t_s[0]) - launch,
                    "firm_track_s": None if tr.firm_time_s is None else tr.firm_time_s - launch,
                    "impact_error_km": float(dist) / 1e3})
    return out


def _json_ready(obj):
    from openbmd.center.picture import _finite

    return _finite(obj)


def _stats(values, digits: int = 1) -> dict:
    got = np.array([v for v in values if v is not None], float)
    if got.size == 0:
        return {"median": None, "p90": None, "max": None, "count": 0, "of": len(values)}
    return {"median": _r(float(np.median(got)), digits), "p90": _r(float(np.percentile(got, 90)), digits),
            "max": _r(float(got.max()), digits), "count": int(got.size), "of": len(values)}


def _r(x, digits: int = 1):
    return None if x is None or not math.isfinite(x) else round(float(x), digits)
