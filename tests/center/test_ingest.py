"""Ingest: idempotent by report id, all-or-nothing batches, and the plausibility refusals, each a 4xx
naming the report id and the field."""
from __future__ import annotations

import pytest
from center_helpers import T0, report

# AN/TPY-2 (terminal mode) is instrumented to 1,000 km in the catalog (sensors/catalog/an-tpy-2-tm.toml)
TPY2_TM_MAX_M = 1.0e6


def _count(c, who="nato", party="nato") -> list[str]:
    return [r["id"] for r in c.call("GET", f"/v1/reports?party={party}&limit=10000", who).json()["reports"]]


def test_idempotent_by_report_id(center):
    c = center
    c.sensor("nato", "tpy2", "raw")
    batch = {"reports": [report(f"r{i}", "tpy2", t_s=T0 - 100 + i) for i in range(5)]}
    assert c.call("POST", "/v1/reports", "nato", json=batch).json() == {"accepted": 5, "duplicates": 0}
    assert c.call("POST", "/v1/reports", "nato", json=batch).json() == {"accepted": 0, "duplicates": 5}
    overlap = {"reports": [report("r4", "tpy2"), report("r5", "tpy2"), report("r5", "tpy2")]}
    assert c.call("POST", "/v1/reports", "nato", json=overlap).json() == {"accepted": 1, "duplicates": 2}
    assert sorted(_count(c)) == [f"r{i}" for i in range(6)]
    # the same id from another party is that party's own report, not a duplicate
    c.sensor("russia", "don", "raw", sensor="don-2n", lat_deg=56.17, lon_deg=37.77)
    assert c.call("POST", "/v1/reports", "russia", json={"reports": [report("r0", "don")]}).json() == \
        {"accepted": 1, "duplicates": 0}


CASES = [
    ("range_m", -5.0, "range_m must be > 0 m"),
    ("range_m", TPY2_TM_MAX_M + 1000.0, "beyond the instrumented range of an-tpy-2-tm (1000000 m)"),
    ("elevation_deg", -2.5, "elevation_deg must be in [-2, 90] deg"),
    ("elevation_deg", 90.5, "elevation_deg must be in [-2, 90] deg"),
    ("azimuth_deg", 360.0, "azimuth_deg must be in [0, 360) deg"),
    ("sigma_range_m", -1.0, "sigma_range_m must be > 0 m"),
    ("sigma_angle_deg", 0.0, "sigma_angle_deg must be in (0, 10] deg"),
    ("t_s", T0 + 60.0, "t_s 1900000060.000 is 60.0 s in the future"),
    ("sensor", "nope", "sensor 'nope' is not registered to party 'nato'"),
]


def test_implausible_report_refused_naming_id_and_field(center):
    c = center
    c.sensor("nato", "tpy2", "raw", sensor="an-tpy-2-tm")
    for field, value, says in CASES:
        batch = {"reports": [report("good-1", "tpy2"), report("bad-7", "tpy2") | {field: value}]}
        r = c.call("POST", "/v1/reports", "nato", json=batch)
        assert r.status_code == 422, (field, value, r.text)
        detail = r.json()["detail"]
        assert detail.startswith("report 'bad-7': ") and says in detail and field in detail, detail
    assert _count(c) == []  # all or nothing: the good report of a refused batch is not stored
    ok = {"reports": [report("edge", "tpy2", range_m=TPY2_TM_MAX_M, elevation_deg=-2.0, azimuth_deg=359.9,
                             t_s=T0 + 4.0)]}
    assert c.call("POST", "/v1/reports", "nato", json=ok).json() == {"accepted": 1, "duplicates": 0}


def test_non_finite_numbers_refused(center):
    c = center
    c.sensor("nato", "tpy2", "raw")
    for token in ("NaN", "Infinity", "-Infinity"):
        _refuse_non_finite(c, token)


def _refuse_non_finite(c, token: str) -> None:
    body = ('{"reports": [{"id": "nf-1", "sensor": "tpy2", "t_s": 1899999990, "range_m": 1000000, '
            '"azimuth_deg": 10, "elevation_deg": 5, "sigma_range_m": %s, "sigma_angle_deg": 0.1}]}' % token)
    r = c.call("POST", "/v1/reports", "nato", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("report 'nf-1': sigma_range_m must be a finite number")


def test_schema_errors_name_the_field(center):
    c = center
    c.sensor("nato", "tpy2", "raw")
    missing = report("m-1", "tpy2")
    del missing["range_m"]
    r = c.call("POST", "/v1/reports", "nato", json={"reports": [missing]})
    assert r.status_code == 422 and "range_m" in r.json()["detail"]
    r = c.call("POST", "/v1/reports", "nato", json={"reports": [report("x", "tpy2") | {"range_km": 3}]})
    assert r.status_code == 422 and "range_km" in r.json()["detail"]
    r = c.call("POST", "/v1/reports", "nato", json={"reports": []})
    assert r.status_code == 422 and "reports" in r.json()["detail"]
    from openbmd.center.models import MAX_BATCH

    big = {"reports": [report(f"b{i}", "tpy2") for i in range(MAX_BATCH + 1)]}
    r = c.call("POST", "/v1/reports", "nato", json=big)
    assert r.status_code == 422 and f"at most {MAX_BATCH}" in r.json()["detail"]
    r = c.call("POST", "/v1/reports", "nato", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_sensor_registration_rules(center):
    c = center
    c.sensor("nato", "tpy2", "raw")
    r = c.call("POST", "/v1/sensors", "nato", json={"id": "tpy2", "sensor": "an-tpy-2-fbm", "lat_deg": 40.0,
                                                     "lon_deg": 37.79, "sharing": "raw"})
    assert r.status_code == 409 and r.json()["detail"].startswith("lat_deg:")
    r = c.call("POST", "/v1/sensors", "nato", json={"id": "tpy2", "sensor": "an-tpy-2-fbm", "lat_deg": 38.35,
                                                     "lon_deg": 37.79, "sharing": "warning"})
    assert r.status_code == 200 and r.json()["sharing"] == "warning"  # a party may change what it shares
    r = c.call("POST", "/v1/sensors", "nato", json={"id": "ir", "sensor": "sbirs", "lat_deg": 0, "lon_deg": 0,
                                                     "sharing": "raw"})
    assert r.status_code == 422 and "sbirs" in r.json()["detail"] and "allowed:" in r.json()["detail"]
    r = c.call("POST", "/v1/sensors", "nato", json={"id": "x", "sensor": "an-tpy-2-fbm", "lat_deg": 91,
                                                     "lon_deg": 0, "sharing": "raw"})
    assert r.status_code == 422 and r.json()["detail"].startswith("lat_deg:")
