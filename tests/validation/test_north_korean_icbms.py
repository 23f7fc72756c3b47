"""The catalog's Hwasong ICBMs against the lofted flights North Korea flew (an independent check).

The stage figures of hwasong-15/17/18 are derived and calibrated to a published STANDARD-trajectory
range (docs/catalog.md; each file's ``calibrated_to``).  The lofted test flights are separate
observations: apogee, ground range and flight time, reported by KCNA and matched by the South
Korean and Japanese militaries (sources in each file's ``[sources].lofted_tests``):

- Hwasong-15, 28 Nov 2017: apogee 4,475 km, 950 km, 53 min;   18 Feb 2023: 5,768.5 km, 989 km, 4,015 s;
- Hwasong-17, 18 Nov 2022: apogee 6,040.9 km, 999.2 km, 4,135 s;
- Hwasong-18, 12 Jul 2023: apogee 6,648.4 km, 1,001.2 km, 4,491 s;  18 Dec 2023: 6,518.2 km, 1,002.3 km, 4,415 s.

The payload of a test is not public (D. Wright, UCS, 2017: probably a light mock warhead), so it is
the unknown: the engine flies the catalog missile lofted from Sunan eastward (azimuth 85 deg, into the
Sea of Japan) on the rotating Earth, with the pitch-over that lands it at the reported range, and the
payload is solved so that the arc tops out at the reported apogee.  What must then hold, and could fail:
the time of flight matches the reported one within 60 s (1.5 %); the payload is positive and no more
than the catalog's nominal 1,000 kg (the calibrated missile can fly the test at all); the 2017
Hwasong-15 payload lies in the spread of published payload statements (Elleman: ~150 kg for 13,000 km,
1,000 kg to anywhere in the US); the two 2023 Hwasong-18 flights imply the same payload within 50 kg.
"""
from __future__ import annotations

import numpy as np
import pytest

from openbmd.earth import earth_model
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile
from openbmd.sites import get_launch_area

EARTH = earth_model("wgs84")
AZIMUTH_DEG = 85.0  # N: east into the Sea of Japan, where each flight came down
KICKS_DEG = np.linspace(0.2, 10.0, 99)  # the lofted branch: pitch-over kicks searched
TOF_TOLERANCE_S = 60.0
#: (missile, apogee km, ground range km, flight time s, date) as reported
FLIGHTS = [
    ("hwasong-15", 4475.0, 950.0, 53 * 60.0, "2017-11-28"),
    ("hwasong-15", 5768.5, 989.0, 4015.0, "2023-02-18"),
    ("hwasong-17", 6040.9, 999.2, 4135.0, "2022-11-18"),
    ("hwasong-18", 6648.4, 1001.2, 4491.0, "2023-07-12"),
    ("hwasong-18", 6518.2, 1002.3, 4415.0, "2023-12-18"),
]


def lofted_to(missile, range_km: float) -> tuple[float, float, float]:
    """(apogee km, time of flight s, range km) of the lofted arc that lands ``range_km`` out."""
    site = get_launch_area("Sunan")
    launcher = Launcher(missile, site.lat_deg, site.lon_deg, EARTH, True)
    r = launcher.fly(np.full(KICKS_DEG.shape, AZIMUTH_DEG), KICKS_DEG).range_m / 1e3
    start = int(np.argmin(r))  # below it the Earth turns under a near-vertical flight
    kick = float(np.interp(range_km, r[start:], KICKS_DEG[start:]))
    b = launcher.fly([AZIMUTH_DEG], [kick])
    return float(b.apogee_alt_m[0]) / 1e3, float(b.impact_time_s[0]), float(b.range_m[0]) / 1e3


@pytest.fixture(scope="module")
def solved() -> dict:
    """Per flight: the test payload (bisection on the apogee, which falls as the payload grows) and
    the engine's flight with it."""
    out = {}
    for mid, apogee_km, range_km, _, date in FLIGHTS:
        m = get_missile(mid)
        lo, hi = 1.0, 2.0 * m.payload_kg
        for _ in range(18):
            p = 0.5 * (lo + hi)
            a, t, r = lofted_to(m.with_payload(p), range_km)
            lo, hi = (p, hi) if a > apogee_km else (lo, p)
        out[(mid, date)] = {"payload_kg": p, "apogee_km": a, "tof_s": t, "range_km": r}
    return out


@pytest.mark.parametrize("mid, apogee_km, range_km, tof_s, date", FLIGHTS)
def test_lofted_flight_is_reproduced(solved, mid, apogee_km, range_km, tof_s, date):
    got = solved[(mid, date)]
    assert got["apogee_km"] == pytest.approx(apogee_km, rel=0.005) and got["range_km"] == pytest.approx(range_km,
                                                                                                      abs=15.0)
    assert abs(got["tof_s"] - tof_s) <= TOF_TOLERANCE_S, got
    assert 0.0 < got["payload_kg"] <= get_missile(mid).payload_kg, got


def test_2017_hwasong15_payload_lies_in_the_published_spread(solved):
    """Elleman (IISS) via AP and 38 North, 1 Dec 2017: ~150 kg for 13,000 km; 1,000 kg to the US."""
    assert 150.0 <= solved[("hwasong-15", "2017-11-28")]["payload_kg"] <= 1000.0


def test_the_two_hwasong18_flights_agree(solved):
    a, b = solved[("hwasong-18", "2023-07-12")], solved[("hwasong-18", "2023-12-18")]
    assert abs(a["payload_kg"] - b["payload_kg"]) <= 50.0, (a, b)


def test_2017_hwasong15_with_its_catalog_payload():
    """With the catalog's 1,000 kg (no payload solved) the arc that lands 950 km out must top out within
    12 % of the reported 4,475 km: in the equivalent vertical burnout speed sqrt(2 mu (1/R - 1/(R + h)))
    that is within 4 %, the spread between the engine's lofted-climb losses and Wright's (UCS) model,
    which turned the same flight into 13,000 km on a standard trajectory (the calibration point)."""
    mu_m3_s2, r_m = 3.986004418e14, 6371.0e3
    apogee_km, _, _ = lofted_to(get_missile("hwasong-15"), 950.0)
    assert apogee_km == pytest.approx(4475.0, rel=0.12)

    def speed(h_km):
        return np.sqrt(2.0 * mu_m3_s2 * (1.0 / r_m - 1.0 / (r_m + h_km * 1e3)))

    assert speed(apogee_km) == pytest.approx(speed(4475.0), rel=0.04)
