"""Lines of sight of space infrared trackers (``POST /v1/sight-reports``): checks, storage, reads,
and their fusion form.

A space tracker is registered as one satellite of a catalog constellation (kind
``space-ir-track``, e.g. ``stss-demo``) with the UNIX time ``epoch_s`` at which the constellation's
first satellite passes over the registered (lat_deg, lon_deg) ascending: the satellite's position
at any time then follows from the catalog's orbit (:meth:`openbmd.sensors.irtrack.InfraredTracker.over`,
two-body circular), so a report carries only its time and two angles. A line of sight is refused
(422 naming its id and the field) when its sensor is not one of the caller's space trackers, or
its time is ahead of the center's clock. Nothing else about it can be checked without a range:
any direction may hold a target between the satellite and the limb. Idempotent by (party, id).

Others see the reports as the sensor's sharing level allows, as radar reports
(:func:`openbmd.center.store.read_reports`): ``GET /v1/sight-reports?party=P``.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import sqlalchemy as sa

from openbmd.center import db, store
from openbmd.center.auth import Caller
from openbmd.center.errors import Refused
from openbmd.center.models import SightReportIn

FIELDS = ("id", "sensor", "t_s", "los_lon_deg", "los_lat_deg", "sigma_deg")


def check(conn: sa.Connection, caller: Caller, reports: list[SightReportIn], *, now_s: float) -> None:
    """Refuse the batch at its first implausible line of sight (422 naming the report id and the field)."""
    own = {row.id: row for row in store.party_sensors(conn, caller.party)}
    for r in reports:
        site = store.own_site(own, caller, r)
        if site.epoch_s is None:
            raise Refused(422, f"report '{r.id}': sensor {r.sensor!r} is a ground sensor ({site.sensor}), not a "
                               "space infrared tracker: send its returns to POST /v1/reports")
        store.check_time(r, now_s)


def ingest(conn: sa.Connection, caller: Caller, reports: list[SightReportIn], *,
           now_s: float) -> tuple[list[dict], int]:
    """Store the new lines of sight of a checked batch; (the rows stored, the number of duplicates)."""
    rows, seen = [], set()
    for r in reports:
        if r.id not in seen:
            seen.add(r.id)
            rows.append({"party": caller.party, "received_s": now_s, **{k: getattr(r, k) for k in FIELDS}})
    return store.insert_new_by_id(conn, db.sight_reports, caller, rows, len(reports), action="sight_reports.ingest",
                                  now_s=now_s)


def read(conn: sa.Connection, caller: Caller, party: str, *, since_seq: int = 0, limit: int = 1000,
         now_s: float) -> list[dict]:
    """The lines of sight of ``party`` the caller may see (its own: all; another's: raw-level sensors')."""
    return store.read_rows(conn, caller, party, db.sight_reports, FIELDS, "sight_reports.read", since_seq=since_seq,
                           limit=limit, now_s=now_s)


def all_rows(conn: sa.Connection, *, chunk: int = 20000) -> Iterable[Any]:
    """Every stored line of sight in arrival order (to rebuild the fused picture)."""
    return store.all_rows(conn, db.sight_reports, chunk=chunk)


@lru_cache(maxsize=256)
def constellation(sensor: str, lat_deg: float, lon_deg: float):
    """The catalog constellation ``sensor`` phased so that its first satellite passes over
    (lat_deg, lon_deg) ascending at time 0 (the registration's ``epoch_s``)."""
    return store.catalog_sensor(sensor).over(lat_deg, lon_deg, 0.0)


def observers_m(site, t_s) -> np.ndarray:
    """ECEF positions (N, 3) of the registered satellite ``site`` (a sensors row) at UNIX times ``t_s`` (N,)."""
    orbit = constellation(site.sensor, site.lat_deg, site.lon_deg)
    return orbit.positions_m(np.asarray(t_s, dtype=float) - site.epoch_s)[:, site.satellite]


def sight_lines(rows: list[dict], sites: dict[str, Any], key) -> list:
    """The fusion's SightLines of stored rows; ``sites``: sensor key -> sensors row, ``key(party, id)``."""
    from openbmd.center.fusion import SightLine

    out = []
    by_sensor: dict[str, list[dict]] = {}
    for r in rows:
        by_sensor.setdefault(key(r["party"], r["sensor"]), []).append(r)
    for k, group in by_sensor.items():
        obs = observers_m(sites[k], [r["t_s"] for r in group])
        out += [SightLine(id=f"{r['party']}/{r['id']}#los", sensor=k, party=r["party"], t_s=r["t_s"],
                          observer_m=tuple(o), los_lon_deg=r["los_lon_deg"], los_lat_deg=r["los_lat_deg"],
                          sigma_deg=r["sigma_deg"]) for r, o in zip(group, obs)]
    return sorted(out, key=lambda m: m.t_s)
