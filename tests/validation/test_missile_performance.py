"""Ranges on the rotating Earth, payload-range curves and the near-orbital flag against closed forms.

References: the vacuum Kepler arc (Bate, Mueller & White, *Fundamentals of Astrodynamics*, ch. 6,
via :func:`openbmd.flight.kepler.conic_arc`, itself checked against the integrator in
test_free_flight_conic.py) with the Earth's surface speed omega R cos(lat) added to the burnout
velocity and the ground turning under the arc; the minimum-energy relation q = 2 s / (1 + s) (BMW
eq. 6.2-16); the inertial velocity of a recorded trajectory (an independent path through
:meth:`openbmd.flight.Trajectory.inertial`).
"""
from __future__ import annotations

import numpy as np
import pytest

from openbmd.earth import earth_model
from openbmd.flight import fly
from openbmd.flight.kepler import conic_arc
from openbmd.flight.performance import (NEAR_ORBITAL_SPEED_RATIO, azimuth_table, inertial_speed_ratio, max_ranges,
                                        performance, site_of, vacuum_speed_ratio)
from openbmd.flight.shaping import Launcher, max_range_kick
from openbmd.missiles import load_catalog

CATALOG = load_catalog()
R_M, MU, OMEGA = 6371.0e3, 3.986004418e14, 7.2921159e-5  # mean radius; WGS-84 GM and spin rate


def kepler_east_west_gain_km(missile) -> float:
    """East minus west range (km) by a vacuum Kepler arc: the non-rotating max-range burnout
    state with the ground speed omega R cos(lat) added to (east) or taken from (west) its
    horizontal speed at the same elevation, minus (plus) the ground's travel during the arc."""
    _, lat, lon = site_of(missile)
    launcher = Launcher(missile, lat, lon, earth_model("wgs84", rotation=False), True)
    kick, _ = max_range_kick(launcher, [90.0])
    b = launcher.fly([90.0], kick)
    v, g, h = b.burnout_speed_m_s[0], np.radians(b.burnout_angle_deg[0]), b.burnout_alt_m[0]
    u, c = OMEGA * R_M * np.cos(np.radians(lat)), np.cos(np.radians(lat))
    ranges = []
    for sign in (1.0, -1.0):
        vh, vv = v * np.cos(g) + sign * u, v * np.sin(g)
        arc = conic_arc(R_M + h, np.hypot(vh, vv), np.arctan2(vv, vh), R_M, MU)
        ranges.append(R_M * (arc.range_angle_rad - sign * OMEGA * c * arc.time_of_flight_s))
    return (ranges[0] - ranges[1]) / 1e3


@pytest.mark.parametrize("missile_id", ["shahab-3", "sejjil-2", "iran-irbm-notional", "taepodong-2",
                                        "iran-icbm-notional", "ss-27"])
def test_east_west_gain_against_a_vacuum_kepler_estimate(missile_id):
    """The engine's east-west spread from the reference site matches the Kepler estimate to within
    10-30 % above it: the estimate keeps the non-rotating burnout elevation and leaves out the
    re-optimised steering and the boost flown over a moving ground, which the engine has (its gain
    is 13-21 % larger for these six; a sign or scale error would be far outside)."""
    m = CATALOG[missile_id]
    table = azimuth_table([m])
    east, west = table.range_km[0, 2], table.range_km[0, 6]
    estimate = kepler_east_west_gain_km(m)
    assert estimate > 0
    assert 1.0 <= (east - west) / estimate <= 1.3, (east - west, estimate)


def test_vacuum_speed_ratio_closed_form():
    """sqrt(q), q = 2 s / (1 + s): 0 at no range, 1 at half the globe, 0.98 at 135 deg (~15,010 km)."""
    assert vacuum_speed_ratio(0.0) == pytest.approx(0.0)
    assert vacuum_speed_ratio(np.pi * 6371.0) == pytest.approx(1.0)
    s = np.sin(np.radians(67.5))
    assert vacuum_speed_ratio(np.radians(135.0) * 6371.0) == pytest.approx(np.sqrt(2 * s / (1 + s)))
    assert vacuum_speed_ratio(np.radians(135.0) * 6371.0) == pytest.approx(NEAR_ORBITAL_SPEED_RATIO, abs=2e-3)


@pytest.mark.parametrize("azimuth", [0.0, 90.0, 270.0])
def test_inertial_speed_ratio_matches_the_recorded_trajectory(azimuth):
    """The burnout ratio built from the Earth-relative state and the ground speed equals the
    speed of the trajectory's own inertial velocity at burnout (over sqrt(mu / r)) to 0.2 %."""
    m = CATALOG["ss-27"]
    _, lat, lon = site_of(m)
    result = fly(m, lat, lon, azimuth_deg=azimuth)
    earth = earth_model("wgs84")
    got = inertial_speed_ratio(result.batch, azimuth, earth)[0]
    traj = result.trajectory
    i = int(np.searchsorted(traj.t_s, result.batch.burnout_time_s[0]))
    r, v = traj.inertial()
    want = np.linalg.norm(v[i]) / np.sqrt(earth.mu_m3_s2 / np.linalg.norm(r[i]))
    assert got == pytest.approx(want, rel=2e-3)


def test_near_orbital_flag_marks_eastward_liquid_icbms_only():
    """ss-18 east of Dombarovsky (~19,000 km) is near-orbital; its westward flight and every
    direction of the MRBMs are not; a flagged flight is longer than ~15,000 km."""
    ids = ["ss-18", "shahab-3", "ss-27"]
    t = azimuth_table([CATALOG[i] for i in ids])
    assert t.near_orbital[0, 2] and not t.near_orbital[0, 6]
    assert not t.near_orbital[1].any()
    assert np.all(t.range_km[t.near_orbital] > 15_000.0)


@pytest.mark.parametrize("missile_id", sorted(CATALOG))
def test_payload_range_curve_falls_with_payload(missile_id):
    """Range falls as payload grows, except where the flight is near-orbital (ss-18 with half its
    8.8 t): there the ground track saturates near half the globe and is flagged, not a range."""
    perf = performance([CATALOG[missile_id]])[0]
    assert np.all(np.diff(perf.payload_kg) > 0)
    ballistic = ~perf.curve_median_near_orbital
    assert np.all(np.diff(perf.curve_median_km[ballistic]) < 0), perf.curve_median_km
    # near-orbital only at the light end, and every such "range" is past ~15,000 km
    assert np.all(np.diff(perf.curve_median_near_orbital.astype(int)) <= 0)
    assert np.all(perf.curve_median_km[~ballistic] > 15_000.0)
    assert np.all(perf.curve_min_km <= perf.curve_median_km) and np.all(perf.curve_median_km <= perf.curve_max_km)


def test_shahab3_points_on_its_curve():
    """Calibrated to ACT 2002's 700 kg / 1,300 km (within 3 %); AFP 2003's 1,000 kg / at least 1,300 km
    is not met by this 16 t mass model (the two points cannot both hold for one missile)."""
    perf = performance([CATALOG["shahab-3"]])[0]
    assert perf.calibration.met and perf.calibration.payload_kg == 700.0
    afp = next(p for p in perf.points if p.payload_kg == 1000.0)
    assert not afp.met and afp.engine_km < 1300.0
    # the curve interpolated at 1,000 kg agrees with the point flown at 1,000 kg
    assert np.interp(1000.0, perf.payload_kg, perf.curve_median_km) == pytest.approx(afp.engine_km, rel=0.01)


def test_lanes_of_many_missiles_equal_lanes_flown_alone():
    """One batch of mixed missiles, sites and azimuths gives each lane's range as a batch of its own."""
    a, b = CATALOG["sejjil-2"], CATALOG["nodong"]
    both = max_ranges([a, b], [36.2, 39.8], [55.3, 125.0], [300.0, 45.0])
    alone = max_ranges([b], 39.8, 125.0, 45.0)
    assert both.range_km[1] == pytest.approx(alone.range_km[0], rel=1e-6)


def test_range_ring_flags_the_same_azimuths_as_the_azimuth_table():
    from openbmd.flight import range_ring

    m = CATALOG["ss-18"]
    _, lat, lon = site_of(m)
    ring = range_ring(m, lat, lon, count=8)
    assert np.array_equal(ring.near_orbital, azimuth_table([m]).near_orbital[0])
