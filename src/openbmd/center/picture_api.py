"""The routes the live picture's web page reads besides tracks, alerts and the stream: who the
token is (``GET /v1/me``), the sensors it may see with their coverage (``GET /v1/sensors``), and
a replay of the stored data (``GET /v1/history``, :mod:`openbmd.center.history`).

Sensors follow the picture's rule: a party sees its own sensors (an observer token sees none as
its own) and the other parties' raw- and tracks-level sensors; a warning-level sensor of another
party is not listed at all (its id and site are not shown). Coverage is the repo's ground
footprint, as the CZML scenes draw it (:func:`openbmd.sensors.footprint.coverage_fans`): a target
at 100 km altitude above the radar's minimum elevation and inside its radar-equation range for
the default RCS.
"""
from __future__ import annotations

import functools
from typing import Annotated

from fastapi import FastAPI, Query

from openbmd.center import audit, store
from openbmd.center.core import Center
from openbmd.center.gate import Token, bearer
from openbmd.center.history import History

SHARED = ("raw", "tracks")  #: the sharing levels at which other parties see a sensor


def add_picture_routes(app: FastAPI, center: Center) -> None:
    history = History(center.picture)

    @app.get("/v1/me", tags=["picture"])
    def get_me(authorization: Token = None) -> dict:
        with center.session(bearer(authorization), in_force=False) as s:
            return {"party": s.caller.party, "role": s.caller.role, "token_id": s.caller.token_id}

    @app.get("/v1/sensors", tags=["picture"])
    def get_sensors(authorization: Token = None) -> dict:
        with center.session(bearer(authorization)) as s:
            rows = store.party_sensors(s.conn)
            shown = [sensor_view(r) for r in rows if visible(r, party=s.caller.party, role=s.caller.role)]
            audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                         action="sensors.read", detail={"sensors": len(shown)})
        alt_km, rcs_m2 = _coverage_defaults()
        return {"sensors": shown, "coverage_alt_km": alt_km, "coverage_rcs_m2": rcs_m2}

    @app.get("/v1/history", tags=["picture"])
    def get_history(from_s: Annotated[float, Query(gt=0, allow_inf_nan=False, description="UNIX s")],
                    to_s: Annotated[float, Query(gt=0, allow_inf_nan=False, description="UNIX s")],
                    step_s: Annotated[float, Query(ge=0.1, le=3600.0, allow_inf_nan=False)] = 1.0,
                    authorization: Token = None) -> dict:
        with center.session(bearer(authorization)) as s:
            caller_view = {"party": s.caller.party, "role": s.caller.role,
                           "sharing": {f"{r.party}/{r.id}": r.sharing for r in store.party_sensors(s.conn)}}
            alerts = [a for a in store.alerts(s.conn) if a.get("t_s") is not None and a["t_s"] <= to_s]
            audit.append(s.conn, at_s=s.now_s, party=s.caller.party, token_id=s.caller.token_id,
                         action="history.read", detail={"from_s": from_s, "to_s": to_s, "step_s": step_s})
        replay = history.replay(from_s=from_s, to_s=to_s, step_s=step_s)
        frames = [{"t_s": t, "tracks": [v for tr in tracks if (v := center.picture.view(tr, **caller_view))]}
                  for t, tracks in zip(replay.times_s, replay.frames)]
        return {"from_s": from_s, "to_s": to_s, "step_s": step_s, "frames": frames, "alerts": alerts}


def visible(row, *, party: str, role: str) -> bool:
    """Whether a caller of ``party`` with ``role`` may see the sensor ``row`` at all."""
    return (role != "observer" and row.party == party) or row.sharing in SHARED


def sensor_view(row) -> dict:
    """A sensor as the page draws it: ``kind`` is the catalog's (``radar``, ``space-ir-track``); a
    space sensor's lat/lon is the point its constellation was phased over, not a site."""
    return {"party": row.party, "id": row.id, "sensor": row.sensor, "kind": store.catalog_sensor(row.sensor).kind,
            "lat_deg": row.lat_deg, "lon_deg": row.lon_deg, "alt_m": row.alt_m, "sharing": row.sharing,
            "coverage_latlon_deg": coverage(row.sensor, row.lat_deg, row.lon_deg)}


@functools.lru_cache(maxsize=256)
def coverage(sensor: str, lat_deg: float, lon_deg: float) -> list[list[list[float]]]:
    """A radar's ground footprint at its site: rings of [lat_deg, lon_deg] (one per face, or a
    circle); none for a space sensor (its satellites move: no fixed footprint)."""
    from openbmd.sensors.footprint import coverage_fans

    model = store.catalog_sensor(sensor)
    if store.is_space_tracker(model):
        return []
    radar = model.placed(lat_deg, lon_deg)
    return [[[round(float(lat), 4), round(float(lon), 4)] for lon, lat in fan] for fan in coverage_fans(radar)]


def _coverage_defaults() -> tuple[float, float]:
    from openbmd.sensors.footprint import DEFAULT_COVERAGE_ALT_KM, DEFAULT_RCS_M2

    return DEFAULT_COVERAGE_ALT_KM, DEFAULT_RCS_M2
