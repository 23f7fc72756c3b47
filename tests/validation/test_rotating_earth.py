"""Rotating-Earth flight checked two independent ways.

1. The engine integrates in the inertial frame.  Here scipy integrates the
   same free flight in the Earth-fixed (rotating) frame, with the Coriolis and
   centrifugal terms written out (e.g. Vallado, *Fundamentals of Astrodynamics
   and Applications*, 4th ed., sec. 3.7; Zipfel, *Modeling and Simulation of
   Aerospace Vehicle Dynamics*, ch. 10), and the impact points must agree
   within 1 km.
2. Conservation laws in vacuum: in the inertial frame energy and angular
   momentum are constant for a point-mass Earth; with J2 the energy (with the
   J2 potential) and the polar component of angular momentum are constant.
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from openbmd.earth import SPHERE, WGS84
from openbmd.earth.atmosphere import density_kg_m3
from openbmd.earth.geodesy import ecef_to_geodetic, geodesic_inverse, geodetic_to_ecef
from openbmd.earth.gravity import gravity_m_s2
from openbmd.flight import fly_free

W = np.array([0.0, 0.0, WGS84.omega_rad_s])


def _rotating_frame_impact(lat, lon, h_m, az, v, gam, beta):
    """Impact (lat, lon) of a free flight integrated in ECEF with scipy."""
    la, lo, a, g = np.radians([lat, lon, az, gam])
    east = np.array([-np.sin(lo), np.cos(lo), 0.0])
    north = np.array([-np.sin(la) * np.cos(lo), -np.sin(la) * np.sin(lo), np.cos(la)])
    up = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    r0 = geodetic_to_ecef(lat, lon, h_m, WGS84)
    v0 = v * (np.cos(g) * (np.sin(a) * east + np.cos(a) * north) + np.sin(g) * up)

    def rhs(t, y):
        r, u = y[:3], y[3:]
        acc = gravity_m_s2(r, WGS84) - 2 * np.cross(W, u) - np.cross(W, np.cross(W, r))
        if beta:
            alt = ecef_to_geodetic(r, WGS84)[2]
            acc = acc - 0.5 * density_kg_m3(alt) * np.linalg.norm(u) * u / beta
        return np.concatenate([u, acc])

    def ground(t, y):
        return ecef_to_geodetic(y[:3], WGS84)[2] + (0.0 if t > 1.0 else 1.0)

    ground.terminal, ground.direction = True, -1
    sol = solve_ivp(rhs, (0, 6000), np.concatenate([r0, v0]), method="DOP853", rtol=1e-11,
                    atol=1e-4, events=ground)
    lat_i, lon_i, _ = ecef_to_geodetic(sol.y_events[0][0][:3], WGS84)
    return float(lat_i), float(lon_i), float(sol.t_events[0][0])


@pytest.mark.parametrize("lat, lon, h_km, az, v, gam, beta", [
    (35.0, 53.0, 60.0, 300.0, 3.0, 40.0, 0.0),       # MRBM-class, westward
    (55.0, 40.0, 200.0, 10.0, 6.8, 25.0, 0.0),       # ICBM-class over the pole
    (-33.9, 18.4, 100.0, 90.0, 5.0, 30.0, 0.0),      # southern hemisphere, eastward
    (40.0, 127.0, 80.0, 60.0, 4.0, 35.0, 3000.0),    # with drag on re-entry
])
def test_impact_matches_rotating_frame_integration(lat, lon, h_km, az, v, gam, beta):
    res = fly_free(burnout_speed_km_s=v, burnout_angle_deg=gam, burnout_altitude_km=h_km,
                   launch_lat_deg=lat, launch_lon_deg=lon, azimuth_deg=az, earth="wgs84",
                   drag=bool(beta), rv_beta_kg_m2=beta or 5000.0).summary()
    lat_r, lon_r, t_r = _rotating_frame_impact(lat, lon, h_km * 1e3, az, v * 1e3, gam, beta)
    miss_m = geodesic_inverse(res["impact_lat_deg"], res["impact_lon_deg"], lat_r, lon_r)[0]
    assert miss_m < 1000.0
    assert res["time_of_flight_s"] == pytest.approx(t_r, abs=0.5)


def _energy_momentum(traj, earth):
    r, v = traj.inertial()
    rn = np.linalg.norm(r, axis=1)
    sin_phi = r[:, 2] / rn
    p2 = 0.5 * (3 * sin_phi ** 2 - 1)
    potential = -earth.mu_m3_s2 / rn * (1 - earth.j2 * (earth.a_m / rn) ** 2 * p2)
    energy = 0.5 * np.sum(v * v, axis=1) + potential
    return energy, np.cross(r, v)


def test_vacuum_point_mass_conserves_energy_and_angular_momentum():
    res = fly_free(burnout_speed_km_s=6.5, burnout_angle_deg=25.0, burnout_altitude_km=150.0,
                   launch_lat_deg=50.0, launch_lon_deg=30.0, azimuth_deg=330.0, earth="sphere",
                   drag=False)
    energy, h = _energy_momentum(res.trajectory, SPHERE)
    assert len(energy) > 20
    assert np.ptp(energy) / abs(energy[0]) < 1e-8
    assert np.max(np.linalg.norm(h - h[0], axis=1)) / np.linalg.norm(h[0]) < 1e-8


def test_vacuum_j2_conserves_energy_and_polar_angular_momentum():
    res = fly_free(burnout_speed_km_s=7.0, burnout_angle_deg=20.0, burnout_altitude_km=200.0,
                   launch_lat_deg=62.0, launch_lon_deg=40.0, azimuth_deg=350.0, earth="wgs84",
                   drag=False)
    energy, h = _energy_momentum(res.trajectory, WGS84)
    assert np.ptp(energy) / abs(energy[0]) < 1e-8
    assert np.ptp(h[:, 2]) / np.linalg.norm(h[0]) < 1e-8
    # J2 does torque the orbit plane: the in-plane components are not conserved
    assert np.max(np.linalg.norm(h[:, :2] - h[0, :2], axis=1)) / np.linalg.norm(h[0]) > 1e-6


def test_drag_dissipates_energy():
    res = fly_free(burnout_speed_km_s=4.0, burnout_angle_deg=35.0, burnout_altitude_km=80.0,
                   launch_lat_deg=35.0, launch_lon_deg=50.0, azimuth_deg=300.0, drag=True,
                   rv_beta_kg_m2=2000.0)
    energy, _ = _energy_momentum(res.trajectory, WGS84)
    assert np.all(np.diff(energy) <= 1e-3)
    assert energy[-1] < energy[0] - 1e5  # re-entry bleeds off > 0.1 MJ/kg
