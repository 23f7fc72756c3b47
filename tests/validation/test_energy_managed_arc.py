"""A lofted or depressed arc to a target with a chosen apogee or burnout angle (energy management).

References:
- Bate, Mueller & White, *Fundamentals of Astrodynamics* (Dover, 1971), ch. 6: on a spherical,
  non-rotating Earth without air the arc from burnout is a Kepler conic, so the burnout radius,
  the free-flight range angle and the apogee radius fix the burnout speed and flight-path angle
  (:func:`openbmd.flight.burnout_for_apogee`, checked here against the BMW minimum-energy table
  of shared/REFERENCE.md and against the forward conic :func:`openbmd.flight.conic_arc`).
- The engine's energy-managed arc on that Earth must show the burnout state the closed form
  gives for the asked apogee; on the rotating WGS-84 Earth with air it must land on the target.
"""
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from openbmd.earth import SPHERE
from openbmd.errors import OutOfReachError
from openbmd.flight import burnout_for_apogee, conic_arc, fly, max_range_burnout
from openbmd.missiles import get_missile

R, MU = SPHERE.a_m, SPHERE.mu_m3_s2
TEHRAN, TEL_AVIV = (35.7, 51.4), (32.0, 35.0)  # 1,570 km apart
SEMNAN, BAGHDAD = (35.23, 53.92), (33.0, 44.4)  # ~870 km apart

# range km, burnout speed km/s, angle deg, apogee km (REFERENCE.md, BMW ch. 6, minimum-energy arcs)
MIN_ENERGY_TABLE = [(300, 1.696, 44.3, 74), (1000, 3.016, 42.8, 240), (3000, 4.865, 38.3, 655),
                    (10000, 7.198, 22.5, 1319)]


def _central_angle(lat1, lon1, lat2, lon2):
    """Great-circle angle (rad) on the sphere (haversine)."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * np.arcsin(np.sqrt(h))


@pytest.mark.parametrize("range_km, v, gam, apo_km", MIN_ENERGY_TABLE)
def test_inverse_reproduces_min_energy_table(range_km, v, gam, apo_km):
    """The published apogee of the minimum-energy arc gives back its burnout speed and angle
    (the table's apogee is rounded to 1 km: speed within 2 m/s, angle within 0.15 deg)."""
    v_c, g_c = burnout_for_apogee(range_km * 1e3 / R, R, R, R + apo_km * 1e3, MU)
    assert v_c / 1e3 == pytest.approx(v, abs=2e-3)
    assert np.degrees(g_c) == pytest.approx(gam, abs=0.15)


@settings(deadline=None, max_examples=80)
@given(v=st.floats(1.5, 7.2), gam=st.floats(10.0, 75.0), h=st.floats(0.0, 300.0))
def test_inverse_undoes_the_conic(v, gam, h):
    """Forward conic (BMW) then the inverse: the burnout speed and angle come back."""
    arc = conic_arc(R + h * 1e3, v * 1e3, np.radians(gam), R, MU)
    v_c, g_c = burnout_for_apogee(arc.range_angle_rad, R + h * 1e3, R, arc.apogee_radius_m, MU)
    assert v_c / 1e3 == pytest.approx(v, abs=1e-6)
    assert np.degrees(g_c) == pytest.approx(gam, abs=1e-6)


def test_lofting_raises_the_angle_above_the_min_energy_one():
    """At a fixed range a higher apogee needs a steeper burnout than BMW eq. 6.2-17's optimum
    (pi - psi) / 4, a lower one a flatter one; both need more speed than the minimum."""
    psi = 2000e3 / R
    v_min, g_opt = max_range_burnout(psi, R, MU)
    apo_min = conic_arc(R, v_min, g_opt, R, MU).apogee_radius_m
    v, g = burnout_for_apogee(psi, R, R, np.array([apo_min - 150e3, apo_min, apo_min + 300e3]), MU)
    assert g[0] < g_opt < g[2] and g[1] == pytest.approx(g_opt, abs=1e-6)
    assert v[0] > v_min and v[2] > v_min and v[1] == pytest.approx(v_min, abs=1e-3)


@pytest.fixture(scope="module")
def sphere_flights():
    m = get_missile("sejjil-2")
    kw = dict(target=TEL_AVIV, earth="sphere", rotation=False, drag=False)
    return {"lofted": fly(m, *TEHRAN, shape="lofted", apogee_km=600.0, **kw),
            "depressed": fly(m, *TEHRAN, shape="depressed", apogee_km=300.0, **kw)}


@pytest.mark.parametrize("shape, apogee_km", [("lofted", 600.0), ("depressed", 300.0)])
def test_engine_burnout_state_is_the_conics(sphere_flights, shape, apogee_km):
    """Vacuum, non-rotating sphere: the engine's burnout state (radius, speed, flight-path angle)
    is the one the closed form needs to climb to the asked apogee and come down on the target
    (free-flight angle measured from the engine's burnout point to the target)."""
    res = sphere_flights[shape]
    b = res.batch
    s = res.summary()
    assert s["miss_km"] < 0.05
    assert s["apogee_km"] == pytest.approx(apogee_km, abs=0.5)
    psi = _central_angle(b.burnout_lat_deg[0], b.burnout_lon_deg[0], *TEL_AVIV)
    v_c, g_c = burnout_for_apogee(psi, R + b.burnout_alt_m[0], R, R + apogee_km * 1e3, MU)
    # 0.5 km of apogee tolerance moves the required speed by ~1 m/s and the angle by ~0.05 deg
    assert b.burnout_speed_m_s[0] == pytest.approx(float(v_c), abs=4.0)
    assert b.burnout_angle_deg[0] == pytest.approx(np.degrees(g_c), abs=0.1)
    assert np.isfinite(res.cutoff_s) and res.cutoff_s < 115.0  # the thrust was cut before burnout


@pytest.mark.parametrize("kw", [dict(shape="depressed", apogee_km=250.0), dict(shape="lofted", burnout_angle_deg=45.0)])
def test_rotating_earth_with_air_lands_on_target(kw):
    """WGS-84, rotating, with drag: the impact within 50 m of the target, the goal met."""
    s = fly(get_missile("sejjil-2"), *TEHRAN, target=TEL_AVIV, **kw).summary()
    assert s["miss_km"] < 0.05
    if "apogee_km" in kw:
        assert s["apogee_km"] == pytest.approx(kw["apogee_km"], abs=0.5)
    else:
        assert s["burnout_angle_deg"] == pytest.approx(kw["burnout_angle_deg"], abs=0.01)


def test_refusal_names_the_interval_between_min_energy_and_full_burn():
    """An apogee below the minimum-energy arc's is refused for a lofted arc; the interval named
    runs from the minimum-energy arc's apogee to the full-burn lofted arc's (each flown apart)."""
    m = get_missile("shahab-3")
    me = fly(m, *SEMNAN, target=BAGHDAD, shape="min-energy").summary()["apogee_km"]
    full = fly(m, *SEMNAN, target=BAGHDAD, shape="lofted").summary()["apogee_km"]
    with pytest.raises(OutOfReachError) as e:
        fly(m, *SEMNAN, target=BAGHDAD, shape="lofted", apogee_km=0.5 * me)
    lo, hi = (float(x.replace(",", "")) for x in
              re.search(r"between ([\d,.]+) km and ([\d,.]+) km", str(e.value)).groups())
    assert lo == pytest.approx(me, abs=3.0)
    assert hi == pytest.approx(full, abs=3.0)
    with pytest.raises(OutOfReachError, match="apogee between"):
        fly(m, *SEMNAN, target=BAGHDAD, shape="depressed", apogee_km=me + 50.0)
