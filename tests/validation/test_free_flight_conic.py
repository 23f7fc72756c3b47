"""Free flight against the closed-form conic.

Reference: Bate, Mueller & White, *Fundamentals of Astrodynamics* (Dover, 1971),
ch. 6 (ballistic missile trajectories): on a spherical, non-rotating Earth
without air, the arc from burnout is a Kepler conic.  The minimum-energy table
is the one in shared/REFERENCE.md (derived there from the same formulas with
mu = 398,600.4418 km^3/s^2, R = 6,371.0 km).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from openbmd.earth import SPHERE
from openbmd.flight import conic_arc, fly_free, max_range_burnout

R = SPHERE.a_m
MU = SPHERE.mu_m3_s2

# range km, burnout speed km/s, angle deg, time of flight min, apogee km (REFERENCE.md, BMW ch. 6)
MIN_ENERGY_TABLE = [
    (300, 1.696, 44.3, 4.2, 74),
    (1000, 3.016, 42.8, 7.9, 240),
    (2000, 4.113, 40.5, 11.7, 459),
    (3000, 4.865, 38.3, 14.9, 655),
    (5500, 6.075, 32.6, 21.9, 1041),
    (10000, 7.198, 22.5, 32.2, 1319),
    (12000, 7.480, 18.0, 35.7, 1265),
]


@pytest.mark.parametrize("range_km, v, gam, tof_min, apo_km", MIN_ENERGY_TABLE)
def test_closed_form_reproduces_min_energy_table(range_km, v, gam, tof_min, apo_km):
    v_min, g_opt = max_range_burnout(range_km * 1e3 / R, R, MU)
    assert v_min / 1e3 == pytest.approx(v, abs=1e-3)
    assert np.degrees(g_opt) == pytest.approx(gam, abs=0.05)
    arc = conic_arc(R, v_min, g_opt, R, MU)
    assert arc.range_angle_rad * R / 1e3 == pytest.approx(range_km, rel=1e-9)
    assert arc.time_of_flight_s / 60 == pytest.approx(tof_min, abs=0.05)
    assert arc.apogee_radius_m / 1e3 - R / 1e3 == pytest.approx(apo_km, abs=0.5)


@pytest.mark.parametrize("range_km, v, gam, tof_min, apo_km", MIN_ENERGY_TABLE)
def test_engine_flies_min_energy_table(range_km, v, gam, tof_min, apo_km):
    v_min, g_opt = max_range_burnout(range_km * 1e3 / R, R, MU)
    res = fly_free(burnout_speed_km_s=v_min / 1e3, burnout_angle_deg=np.degrees(g_opt),
                   launch_lat_deg=10.0, launch_lon_deg=20.0, azimuth_deg=45.0,
                   earth="sphere", rotation=False, drag=False).summary()
    assert res["range_km"] == pytest.approx(range_km, rel=5e-4)
    assert res["time_of_flight_s"] / 60 == pytest.approx(tof_min, abs=0.05)
    assert res["apogee_km"] == pytest.approx(apo_km, abs=0.5)


@settings(deadline=None, max_examples=60)
@given(v=st.floats(1.0, 7.4), gam=st.floats(5.0, 80.0), h=st.floats(0.0, 400.0),
       lat=st.floats(-80.0, 80.0), lon=st.floats(-180.0, 180.0), az=st.floats(0.0, 360.0))
def test_free_flight_matches_conic(v, gam, h, lat, lon, az):
    """Randomized burnout states, including burnout above the impact altitude:
    range and time of flight within 0.05 %, apogee within 0.5 km."""
    res = fly_free(burnout_speed_km_s=v, burnout_angle_deg=gam, burnout_altitude_km=h,
                   launch_lat_deg=lat, launch_lon_deg=lon, azimuth_deg=az,
                   earth="sphere", rotation=False, drag=False).summary()
    arc = conic_arc(R + h * 1e3, v * 1e3, np.radians(gam), R, MU)
    assert res["range_km"] == pytest.approx(arc.range_angle_rad * R / 1e3, rel=5e-4)
    assert res["time_of_flight_s"] == pytest.approx(arc.time_of_flight_s, rel=5e-4)
    assert res["apogee_km"] == pytest.approx(arc.apogee_radius_m / 1e3 - R / 1e3, abs=0.5)


@settings(deadline=None, max_examples=20)
@given(v=st.floats(2.0, 6.0), gam=st.floats(-30.0, -2.0), h=st.floats(150.0, 600.0))
def test_descending_burnout_matches_conic(v, gam, h):
    """A state already past apogee: the apogee is the starting altitude."""
    res = fly_free(burnout_speed_km_s=v, burnout_angle_deg=gam, burnout_altitude_km=h,
                   launch_lat_deg=0.0, launch_lon_deg=0.0, azimuth_deg=90.0,
                   earth="sphere", rotation=False, drag=False).summary()
    arc = conic_arc(R + h * 1e3, v * 1e3, np.radians(gam), R, MU)
    assert res["range_km"] == pytest.approx(arc.range_angle_rad * R / 1e3, rel=5e-4)
    assert res["time_of_flight_s"] == pytest.approx(arc.time_of_flight_s, rel=5e-4)
    assert res["apogee_km"] == pytest.approx(h, abs=0.5)
