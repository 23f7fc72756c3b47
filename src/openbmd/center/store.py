"""The center's data: sensors, reports, notifications and alerts, read and written in the caller's
transaction, with the plausibility checks that need the store.

A report is refused (422, naming its id and the field) when its sensor is not registered to the
caller's party, when it is dated more than ``MAX_CLOCK_SKEW_S`` ahead of the center's clock, or when
its range is beyond the catalog sensor's instrumented range. Reports are idempotent by
(party, report id): a repeat is counted as a duplicate and changes nothing.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from openbmd.center import audit, db
from openbmd.center.auth import Caller
from openbmd.center.errors import Refused
from openbmd.center.models import NotificationIn, ReportIn, SensorIn
from openbmd.errors import InputError

MAX_CLOCK_SKEW_S = 5.0  #: how far ahead of the center's clock a report's time may be
_REPORT_FIELDS = ("id", "sensor", "t_s", "range_m", "azimuth_deg", "elevation_deg", "sigma_range_m",
                  "sigma_angle_deg")


def catalog_sensor(sensor_id: str):
    """The catalog sensor ``sensor_id`` if the center takes its data: a radar (it reports range) or
    a space infrared tracker (lines of sight, :func:`is_space_tracker`); else Refused."""
    from openbmd.sensors.catalog import get_sensor, sensor_ids

    try:
        model = get_sensor(sensor_id) if not sensor_id.lower().endswith(".toml") else None
    except InputError:
        model = None
    if model is None or getattr(model, "max_range_m", None) is None:
        ranged = [s for s in sensor_ids() if getattr(get_sensor(s), "max_range_m", None) is not None]
        raise Refused(422, f"sensor: {sensor_id!r} is not a catalog radar or space infrared tracker; "
                           f"allowed: {', '.join(ranged)}")
    return model


def is_space_tracker(model) -> bool:
    """True for a space infrared tracking constellation (catalog kind ``space-ir-track``): it
    reports lines of sight (POST /v1/sight-reports), not range."""
    from openbmd.sensors.irtrack import InfraredTracker

    return isinstance(model, InfraredTracker)


def _check_orbit(s: SensorIn, model) -> None:
    """A space tracker's registration names its satellite and epoch; a ground sensor's does not."""
    if not is_space_tracker(model):
        if s.satellite is not None or s.epoch_s is not None:
            raise Refused(422, f"satellite, epoch_s: {s.sensor!r} is a ground sensor; they are for space "
                               "infrared trackers only")
        return
    if s.epoch_s is None:
        raise Refused(422, f"epoch_s: {s.sensor!r} is a space infrared tracker: give epoch_s, the UNIX time at "
                           "which its first satellite passes over (lat_deg, lon_deg) ascending")
    if (s.satellite or 0) >= model.n_satellites:
        raise Refused(422, f"satellite: {s.sensor!r} has satellites 0 to {model.n_satellites - 1}; got {s.satellite}")
    incl = math.degrees(model.inclination_rad)
    if abs(s.lat_deg) > min(incl, 180.0 - incl):
        raise Refused(422, f"lat_deg: {s.lat_deg:g} is beyond the reach of {s.sensor!r}'s orbit (inclination "
                           f"{incl:g} deg); allowed: |lat_deg| <= {min(incl, 180.0 - incl):g}")


def register_sensor(conn: sa.Connection, caller: Caller, s: SensorIn, *, levels: list[str], now_s: float) -> dict:
    """Register (or re-declare) a sensor of the caller's party; only its sharing level may change."""
    model = catalog_sensor(s.sensor)
    _check_orbit(s, model)
    if s.sharing not in levels:
        raise Refused(422, f"sharing: {s.sharing!r} is not allowed by the agreement; allowed: {', '.join(levels)}")
    key = (db.sensors.c.party == caller.party) & (db.sensors.c.id == s.id)
    old = conn.execute(sa.select(db.sensors).where(key)).first()
    values = s.model_dump(exclude_none=True)
    if is_space_tracker(model):
        values.setdefault("satellite", 0)
    if old is not None:
        for name in ("sensor", "lat_deg", "lon_deg", "alt_m", "satellite", "epoch_s"):
            if getattr(old, name) != values.get(name):
                raise Refused(409, f"{name}: sensor {s.id!r} is registered with {name}={getattr(old, name)!r}; "
                                   "register a moved or different sensor under a new id")
        if old.sharing == s.sharing:
            return {**values, "created": False}
        conn.execute(db.sensors.update().where(key).values(sharing=s.sharing))
    else:
        conn.execute(db.sensors.insert().values(party=caller.party, created_s=now_s, **values))
    audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action="sensor.register",
                 detail=values)
    return {**values, "created": old is None}


def party_sensors(conn: sa.Connection, party: str | None = None) -> list[Any]:
    q = sa.select(db.sensors)
    return conn.execute(q if party is None else q.where(db.sensors.c.party == party)).all()


def check_reports(conn: sa.Connection, caller: Caller, reports: list[ReportIn], *, now_s: float,
                  sensors: dict[str, dict] | None = None) -> None:
    """Refuse the batch at its first implausible report (422 naming the report id and the field).
    ``sensors``: party -> {sensor id: row}, filled as read (one query per party in a group commit)."""
    sensors = {} if sensors is None else sensors
    if caller.party not in sensors:
        sensors[caller.party] = {row.id: row for row in party_sensors(conn, caller.party)}
    own = sensors[caller.party]
    limits: dict[str, float] = {}
    for r in reports:
        site = own_site(own, caller, r)
        check_time(r, now_s)
        if site.sensor not in limits:
            model = catalog_sensor(site.sensor)
            limits[site.sensor] = math.nan if is_space_tracker(model) else float(model.max_range_m)
        if math.isnan(limits[site.sensor]):
            raise Refused(422, f"report '{r.id}': sensor {r.sensor!r} is a space infrared tracker "
                               f"({site.sensor}): send its lines of sight to POST /v1/sight-reports")
        if r.range_m > limits[site.sensor]:
            raise Refused(422, f"report '{r.id}': range_m {r.range_m:.0f} is beyond the instrumented range "
                               f"of {site.sensor} ({limits[site.sensor]:.0f} m)")


def own_site(own: dict, caller: Caller, r):
    """The caller's registered sensor row of report ``r``; 422 naming the report when there is none."""
    site = own.get(r.sensor)
    if site is None:
        raise Refused(422, f"report '{r.id}': sensor {r.sensor!r} is not registered to party "
                           f"{caller.party!r} (POST /v1/sensors first)")
    return site


def check_time(r, now_s: float) -> None:
    """422 naming the report when its time is ahead of the center's clock by more than the skew allowed."""
    if r.t_s > now_s + MAX_CLOCK_SKEW_S:
        raise Refused(422, f"report '{r.id}': t_s {r.t_s:.3f} is {r.t_s - now_s:.1f} s in the future; "
                           f"allowed: at most {MAX_CLOCK_SKEW_S:g} s ahead of the center's clock")


def insert_new_by_id(conn: sa.Connection, table: sa.Table, caller: Caller, rows: list[dict], n_in: int, *,
                     action: str, now_s: float) -> tuple[list[dict], int]:
    """Store the caller's ``rows`` (ids unique within them) that are not stored yet, INSERT ... ON
    CONFLICT DO NOTHING, and audit them as ``action``; (the rows stored, the duplicates among the
    ``n_in`` items of the request)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).on_conflict_do_nothing(index_elements=["party", "id"]).returning(table.c.id)
    stored = set(conn.execute(stmt, rows).scalars()) if rows else set()
    kept = [r for r in rows if r["id"] in stored]
    if kept:
        audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action=action,
                     detail={"accepted": len(kept), "duplicates": n_in - len(kept),
                             "first": kept[0]["id"], "last": kept[-1]["id"]})
    return kept, n_in - len(kept)


def ingest(conn: sa.Connection, caller: Caller, reports: list[ReportIn], *, now_s: float) -> tuple[list[dict], int]:
    """Store the new reports of a checked batch; (the rows stored, the number of duplicates)."""
    return ingest_many(conn, [(caller, reports)], now_s=now_s)[0]


def ingest_many(conn: sa.Connection, jobs: list[tuple[Caller, list[ReportIn]]], *,
                now_s: float) -> list[tuple[list[dict], int]]:
    """Store the new reports of several checked batches in one statement and one audit row; for each
    batch (its rows stored, its duplicates). A (party, id) repeated across the batches is stored
    for the first batch and a duplicate for the later ones."""
    per_job, rows, seen = [], [], set()
    for caller, reports in jobs:
        mine = []
        for r in reports:
            key = (caller.party, r.id)
            if key not in seen:
                seen.add(key)
                mine.append({"party": caller.party, "received_s": now_s,
                             **{k: getattr(r, k) for k in _REPORT_FIELDS}})
        per_job.append(mine)
        rows += mine
    stored = _insert_new(conn, rows)
    out, entries = [], []
    for (caller, reports), mine in zip(jobs, per_job):
        kept = [row for row in mine if (row["party"], row["id"]) in stored]
        out.append((kept, len(reports) - len(kept)))
        if kept:
            entries.append({"party": caller.party, "token": caller.token_id, "accepted": len(kept),
                            "duplicates": len(reports) - len(kept), "first": kept[0]["id"], "last": kept[-1]["id"]})
    if entries:
        parties = sorted({e["party"] for e in entries})
        audit.append(conn, at_s=now_s, party=parties[0] if len(parties) == 1 else None,
                     token_id=entries[0]["token"] if len(entries) == 1 else None, action="reports.ingest",
                     detail={"requests": entries})
    return out


#: PostgreSQL: one short statement over arrays (a 5,000-parameter VALUES list is re-parsed by the
#: driver at every call: ~0.1 s per batch of 500)
_PG_INSERT = sa.text(
    "INSERT INTO reports (party, id, sensor, t_s, range_m, azimuth_deg, elevation_deg, sigma_range_m, "
    "sigma_angle_deg, received_s) SELECT * FROM unnest(CAST(:party AS text[]), CAST(:id AS text[]), "
    "CAST(:sensor AS text[]), CAST(:t_s AS float8[]), CAST(:range_m AS float8[]), CAST(:azimuth_deg AS float8[]), "
    "CAST(:elevation_deg AS float8[]), CAST(:sigma_range_m AS float8[]), CAST(:sigma_angle_deg AS float8[]), "
    "CAST(:received_s AS float8[])) ON CONFLICT (party, id) DO NOTHING RETURNING party, id")


def _insert_new(conn: sa.Connection, rows: list[dict]) -> set[tuple[str, str]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING party, id: the (party, id) that were new."""
    if not rows:
        return set()
    if conn.dialect.name == "postgresql":
        columns = {k: [r[k] for r in rows] for k in rows[0]}
        return {(r.party, r.id) for r in conn.execute(_PG_INSERT, columns)}
    stmt = sqlite.insert(db.reports).on_conflict_do_nothing(index_elements=["party", "id"]) \
        .returning(db.reports.c.party, db.reports.c.id)
    return {(r.party, r.id) for r in conn.execute(stmt, rows)}


def visible_sensors(conn: sa.Connection, caller: Caller, party: str) -> list[str] | None:
    """Which of ``party``'s sensors' raw data the caller may read: None for all (its own party), else
    the ids of the raw-level sensors; 403 for an observer or a party sharing no raw data, 404 for no
    such party."""
    if caller.role == "observer":
        raise Refused(403, "an observer sees the fused picture only (GET /v1/tracks, /v1/alerts, /v1/stream)")
    known = conn.execute(sa.select(db.parties.c.id).where(db.parties.c.id == party)).first()
    if known is None:
        raise Refused(404, f"no party {party!r} in this agreement")
    if party == caller.party:
        return None
    raw = [s.id for s in party_sensors(conn, party) if s.sharing == "raw"]
    if not raw:
        raise Refused(403, f"party {party!r} shares no raw measurements (its sensors share tracks or "
                           "warnings only)")
    return raw


def read_reports(conn: sa.Connection, caller: Caller, party: str, *, since_seq: int = 0, limit: int = 1000,
                 now_s: float) -> list[dict]:
    """The reports of ``party`` the caller may see (its own: all; another's: the raw-level sensors')."""
    return read_rows(conn, caller, party, db.reports, _REPORT_FIELDS, "reports.read", since_seq=since_seq,
                     limit=limit, now_s=now_s)


def read_rows(conn: sa.Connection, caller: Caller, party: str, table: sa.Table, fields, action: str, *,
              since_seq: int, limit: int, now_s: float) -> list[dict]:
    """The rows of ``table`` (reports or lines of sight) of ``party`` the caller may see, paged by
    ``seq``; a read of another party's is audited as ``action``."""
    raw = visible_sensors(conn, caller, party)
    q = sa.select(table).where(table.c.party == party, table.c.seq > since_seq)
    if raw is not None:
        q = q.where(table.c.sensor.in_(raw))
    rows = conn.execute(q.order_by(table.c.seq).limit(limit)).all()
    if party != caller.party:
        audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action=action,
                     detail={"of": party, "since_seq": since_seq, "rows": len(rows)})
    return [{**{k: getattr(r, k) for k in fields}, "party": r.party, "received_s": r.received_s, "seq": r.seq}
            for r in rows]


def all_reports(conn: sa.Connection, *, chunk: int = 20000) -> Iterable[Any]:
    """Every stored report in arrival order (to rebuild the fused picture)."""
    return all_rows(conn, db.reports, chunk=chunk)


def all_rows(conn: sa.Connection, table: sa.Table, *, chunk: int = 20000) -> Iterable[Any]:
    """Every stored row of ``table`` in arrival (``seq``) order, read ``chunk`` rows at a time."""
    last = 0
    while True:
        rows = conn.execute(sa.select(table).where(table.c.seq > last).order_by(table.c.seq).limit(chunk)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def file_notification(conn: sa.Connection, caller: Caller, n: NotificationIn, *, now_s: float) -> dict:
    if caller.role == "observer":
        raise Refused(403, "an observer may not file notifications")
    body = n.model_dump(mode="json")
    key = (db.notifications.c.party == caller.party) & (db.notifications.c.id == n.id)
    old = conn.execute(sa.select(db.notifications.c.body).where(key)).scalar()
    if old is not None:
        if json.loads(old) != body:
            raise Refused(409, f"id: notification {n.id!r} was filed with other contents; use a new id")
        return {"party": caller.party, **body, "created": False}
    conn.execute(db.notifications.insert().values(party=caller.party, id=n.id, body=audit.canonical(body),
                                                  window_end_s=n.window_end_s, created_s=now_s))
    audit.append(conn, at_s=now_s, party=caller.party, token_id=caller.token_id, action="notification.file",
                 detail=body)
    return {"party": caller.party, **body, "created": True}


def notifications(conn: sa.Connection) -> list[dict]:
    rows = conn.execute(sa.select(db.notifications).order_by(db.notifications.c.created_s)).all()
    return [{"party": r.party, **json.loads(r.body)} for r in rows]


def add_alert(conn: sa.Connection, *, track_id: str, kind: str, body: dict, now_s: float) -> bool:
    """Store an alert once per track; False when the track already has one."""
    if conn.execute(sa.select(db.alerts.c.seq).where(db.alerts.c.track_id == track_id)).first() is not None:
        return False
    conn.execute(db.alerts.insert().values(track_id=track_id, kind=kind, body=audit.canonical(body), created_s=now_s))
    audit.append(conn, at_s=now_s, party=None, token_id=None, action=f"alert.{kind}", detail=body)
    return True


def alerted_tracks(conn: sa.Connection) -> set[str]:
    """The ids of the tracks that have their alert."""
    return set(conn.execute(sa.select(db.alerts.c.track_id)).scalars())


def alerts(conn: sa.Connection, *, since_seq: int = 0) -> list[dict]:
    rows = conn.execute(sa.select(db.alerts).where(db.alerts.c.seq > since_seq).order_by(db.alerts.c.seq)).all()
    return [{"seq": r.seq, "kind": r.kind, "track_id": r.track_id, "created_s": r.created_s, **json.loads(r.body)}
            for r in rows]
