"""Helpers of the center's tests (imported by conftest.py and the test modules)."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

import pytest

PG_ENV = "OPENBMD_TEST_POSTGRES_URL"
T0 = 1_900_000_000.0  #: the tests' clock starts here (2030-03-17), UNIX seconds


class Clock:
    """A clock the test moves: ``clock()`` is the time, ``clock.advance(s)``."""

    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def pg_database():
    import sqlalchemy as sa

    base = os.environ.get(PG_ENV)
    if not base and os.environ.get("OPENBMD_REQUIRE_POSTGRES"):
        pytest.fail(f"{PG_ENV} is not set but OPENBMD_REQUIRE_POSTGRES is: .ci/run must start PostgreSQL")
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against (.ci/run starts one)")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"obmd_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def found(url: str, parties=("nato", "russia"), *, now: float = T0, **kwargs) -> dict[str, str]:
    """Found an agreement in ``url``; the heads' tokens."""
    from openbmd.center import agreement, db

    engine = db.engine_from_url(url)
    db.migrate(engine)
    with engine.begin() as conn:
        tokens = agreement.found(conn, list(parties), now_s=now, **kwargs)
    engine.dispose()
    return tokens


@dataclass
class Center:
    """A running center in a TestClient: ``client``, the clock, the heads' tokens, and helpers."""

    client: object
    clock: Clock
    url: str
    tokens: dict[str, str]
    extra: dict = field(default_factory=dict)

    def h(self, who: str) -> dict[str, str]:
        """Authorization headers of ``who`` (a party's head, or a name in ``extra``)."""
        token = self.tokens.get(who) or self.extra[who]
        return {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, who: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {}) | (self.h(who) if who else {})
        return self.client.request(method, path, headers=headers, **kwargs)

    def token(self, head: str, role: str) -> str:
        r = self.call("POST", "/v1/tokens", head, json={"role": role})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def sensor(self, who: str, sid: str, sharing: str, sensor: str = "an-tpy-2-fbm",
               lat_deg: float = 38.35, lon_deg: float = 37.79):
        r = self.call("POST", "/v1/sensors", who, json={"id": sid, "sensor": sensor, "lat_deg": lat_deg,
                                                         "lon_deg": lon_deg, "sharing": sharing})
        assert r.status_code in (200, 201), r.text
        return r


def report(rid: str, sensor: str, t_s: float = T0 - 10.0, **over) -> dict:
    """A plausible report (a target 1,000 km out at 10 deg elevation), fields overridable."""
    base = {"id": rid, "sensor": sensor, "t_s": t_s, "range_m": 1.0e6, "azimuth_deg": 90.0, "elevation_deg": 10.0,
            "sigma_range_m": 50.0, "sigma_angle_deg": 0.05}
    return base | over
