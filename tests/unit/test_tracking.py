"""Unit tests of the tracking filter's pieces, each against an independent reference:
the project's geodesy (itself checked against pyproj), finite differences, Monte Carlo,
the Jacobi integral of the rotating frame, and the information form of the update."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from openbmd.earth.geodesy import aer_to_ecef, ecef_to_aer, geodetic_to_ecef
from openbmd.earth.model import SPHERE, WGS84
from openbmd.errors import InputError
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.measurements import Detections
from openbmd.sensors.tracking import _enu_rows, predict_impact, track, track_many

SITE = (38.349, 37.794, 2085.0)
#: a coasting body ~500 km up, ~900 km east-south-east of the site, moving west at ~3 km/s
X0 = np.concatenate([geodetic_to_ecef(35.0, 47.0, 500e3), [0.0, 0.0, 0.0]])
X0[3:] = -3000.0 * np.array([-np.sin(np.radians(47.0)), np.cos(np.radians(47.0)), 0.0]) + [0, 0, 500.0]


def _site_arrays(k):
    return (np.tile(geodetic_to_ecef(*SITE), (k, 1)), np.tile(_enu_rows(SITE[0], SITE[1]), (k, 1, 1)))


def _truth(t):
    return np.array([tk.propagate(X0[None], np.array([ti]), WGS84)[0] for ti in t])


def _dets(t, seed=0, sigma=(20.0, 1e-3), sensor_id="r1"):
    az, el, rng = ecef_to_aer(_truth(t)[:, :3], *SITE)
    g = np.random.default_rng(seed)
    n = g.standard_normal((3, t.size)) * np.array([sigma[0], sigma[1], sigma[1]])[:, None]
    return Detections(sensor_id=sensor_id, object_id="o", site_lat_deg=SITE[0], site_lon_deg=SITE[1],
                      site_alt_m=SITE[2], t_s=t, range_m=rng + n[0], az_rad=np.radians(az) + n[1],
                      el_rad=np.radians(el) + n[2], snr_db=np.zeros(t.size), sigma_range_m=sigma[0],
                      sigma_angle_rad=sigma[1])


def test_measurement_matches_geodesy_and_its_jacobian_finite_differences():
    r = X0[None, :3] + np.array([[0.0, 0.0, 0.0], [2e5, -1e5, 3e5], [-4e5, 2e5, -1e5]])
    site, rot = _site_arrays(3)
    z, h = tk.measure(r, site, rot)
    az, el, rng = ecef_to_aer(r, *SITE)
    np.testing.assert_allclose(z[:, 0], rng, rtol=1e-12)
    np.testing.assert_allclose(np.degrees(z[:, 1]) % 360.0, az, atol=1e-9)
    np.testing.assert_allclose(np.degrees(z[:, 2]), el, atol=1e-9)
    for j in range(3):
        e = np.zeros(3)
        e[j] = 1.0
        fd = (tk.measure(r + e, site, rot)[0] - tk.measure(r - e, site, rot)[0]) / 2.0
        np.testing.assert_allclose(h[:, :, j], fd, rtol=1e-5, atol=1e-14)


def test_converted_measurement_and_covariance_match_monte_carlo():
    # reference: aer_to_ecef of 200,000 noisy (range, az, el) draws
    z = np.array([900e3, np.radians(100.0), np.radians(25.0)])
    sigma = np.array([30.0, 2e-3, 1e-3])
    site, rot = _site_arrays(1)
    pos, cov = tk.converted(z[None], site, rot, sigma[None])
    ref = aer_to_ecef(np.degrees(z[1]), np.degrees(z[2]), z[0], *SITE)
    np.testing.assert_allclose(pos[0], ref, atol=1e-6)
    d = z + np.random.default_rng(1).standard_normal((200_000, 3)) * sigma
    mc = np.cov(aer_to_ecef(np.degrees(d[:, 1]), np.degrees(d[:, 2]), d[:, 0], *SITE), rowvar=False)
    scale = np.sqrt(np.outer(np.diag(mc), np.diag(mc)))
    np.testing.assert_allclose(cov[0] / scale, mc / scale, atol=0.01)


def test_process_noise_matches_integrated_white_noise():
    # Monte Carlo reference: a double integrator driven by white acceleration of density q,
    # 1,000 small steps over dt, 20,000 paths, one axis
    q, dt, n = 0.5, 4.0, 1000
    g = np.random.default_rng(2)
    h = dt / n
    pos, vel = np.zeros(20_000), np.zeros(20_000)
    for _ in range(n):
        a = g.standard_normal(20_000) * np.sqrt(q / h)
        pos += vel * h + 0.5 * a * h * h
        vel += a * h
    mc = np.cov(np.stack([pos, vel]))
    qm = tk.process_noise(np.array([dt]), q)[0][np.ix_([0, 3], [0, 3])]
    np.testing.assert_allclose(qm, mc, rtol=0.05)


@pytest.mark.parametrize("earth", [SPHERE, WGS84])
def test_prediction_keeps_the_jacobi_integral(earth):
    # in the rotating frame E = v^2/2 - w^2 (x^2 + y^2)/2 + U(r) is constant, U the
    # point-mass + J2 potential -mu/r (1 - J2 (a/r)^2 (3 sin^2(phi) - 1)/2)
    def jacobi(x):
        r = np.linalg.norm(x[:, :3], axis=1)
        s2 = (x[:, 2] / r) ** 2
        u = -earth.mu_m3_s2 / r * (1.0 - earth.j2 * (earth.a_m / r) ** 2 * (1.5 * s2 - 0.5))
        return 0.5 * np.sum(x[:, 3:] ** 2, axis=1) - 0.5 * earth.omega_rad_s**2 * np.sum(x[:, :2] ** 2, axis=1) + u

    x1 = tk.propagate(X0[None], np.array([600.0]), earth)
    assert abs(jacobi(x1)[0] - jacobi(X0[None])[0]) < 1e-9 * abs(jacobi(X0[None])[0])


def test_transition_matrix_matches_finite_differences():
    dt = np.array([10.0])
    x1 = tk.propagate(X0[None], dt, WGS84)
    f = tk.transition(X0[None], x1, dt, WGS84)[0]
    fd = np.empty((6, 6))
    for j, h in enumerate([1.0] * 3 + [1e-3] * 3):
        e = np.zeros(6)
        e[j] = h
        fd[:, j] = (tk.propagate((X0 + e)[None], dt, WGS84) - tk.propagate((X0 - e)[None], dt, WGS84))[0] / (2 * h)
    kinematic = np.eye(6)
    kinematic[:3, 3:] = 10.0 * np.eye(3)
    # the dynamic part (gravity gradient, Coriolis, centrifugal) right to 1 % of its size
    assert np.abs(f - fd).max() < 0.01 * np.abs(fd - kinematic).max()


def test_update_equals_information_form():
    # Joseph-form EKF update == (P^-1 + H^T R^-1 H)^-1 for one linearized update
    g = np.random.default_rng(3)
    a = g.standard_normal((6, 6))
    p = (a @ a.T + 6 * np.eye(6)) * np.array([1e4] * 3 + [1.0] * 3) ** 0.5
    p = 0.5 * (p + p.T)
    site, rot = _site_arrays(1)
    sigma = np.array([[20.0, 1e-3, 1e-3]])
    z, hr = tk.measure(X0[None, :3], site, rot)
    _, p1 = tk.update(X0[None], p[None], z, site, rot, sigma)
    h = np.concatenate([hr[0], np.zeros((3, 3))], axis=1)
    info = np.linalg.inv(p) + h.T @ np.diag(1.0 / sigma[0] ** 2) @ h
    np.testing.assert_allclose(p1[0], np.linalg.inv(info), rtol=1e-6, atol=1e-9)


def test_initiation_recovers_a_noise_free_state():
    # three exact (range, az, el) 5 s apart of a state coasting under the filter's own
    # dynamics: the Gauss-Newton least-squares start must land on it
    t = np.array([0.0, 5.0, 10.0])
    truth = _truth(t)
    az, el, rng = ecef_to_aer(truth[:, :3], *SITE)
    z = np.stack([rng, np.radians(az), np.radians(el)], axis=1)
    site, rot = _site_arrays(3)
    x, p = tk.initiate(t[None], z[None], site[None], rot[None], np.tile([20.0, 1e-3, 1e-3], (1, 3, 1)), WGS84)
    assert np.linalg.norm(x[0, :3] - truth[-1, :3]) < 1e-3
    assert np.linalg.norm(x[0, 3:] - truth[-1, 3:]) < 1e-4
    assert np.all(np.linalg.eigvalsh(p[0]) > 0)


def test_track_is_immutable_and_starts_at_the_third_detection():
    t = track(_dets(np.arange(0.0, 60.0, 2.0)))
    assert t.t_s[0] == 4.0 and len(t) == 28 and t.n_updates[0] == 3 and t.n_updates[-1] == 30
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.firm_time_s = 0.0
    with pytest.raises(ValueError):
        t.state[0, 0] = 0.0
    x, p = t.state_at(t.t_s[-1] + 10.0)
    np.testing.assert_allclose(x, tk.predict(t.state[-1:], t.covariance[-1:], np.array([10.0]), t.q_m2_s3,
                                             WGS84)[0][0])
    assert np.all(np.diag(p) > np.diag(t.covariance[-1]))


@pytest.mark.parametrize("call, match", [
    (lambda d: track([]), "Detections"),
    (lambda d: track(_dets(np.array([0.0, 1.0]))), "at least 3"),
    (lambda d: track(dataclasses.replace(d, sigma_range_m=0.0)), "sigmas"),
    (lambda d: track(d, q_m2_s3=-1.0), "q_m2_s3"),
    (lambda d: track(d, n_init=1), "n_init"),
    (lambda d: track(d, firm_after=0), "firm_after"),
    (lambda d: track(dataclasses.replace(d, t_s=np.zeros(len(d)))), "span"),
    (lambda d: track(dataclasses.replace(d, range_m=np.full(len(d), np.nan))), "finite"),
    (lambda d: track_many(d), "one entry per object"),
    (lambda d: track(d).state_at(-5.0), "before the track starts"),
    (lambda d: predict_impact(np.zeros(5), np.eye(6), 0.0), r"state \(6,\)"),
    (lambda d: predict_impact(X0, np.eye(6), 0.0, samples=1), "samples"),
])
def test_bad_input_is_one_line(call, match):
    with pytest.raises(InputError, match=match) as e:
        call(_dets(np.arange(0.0, 20.0, 2.0)))
    assert "\n" not in str(e.value)


def test_orbital_state_has_no_impact():
    r = geodetic_to_ecef(0.0, 0.0, 700e3)
    v = np.array([0.0, 7504.0, 0.0]) - np.cross([0.0, 0.0, WGS84.omega_rad_s], r)   # circular, inertial
    with pytest.raises(InputError, match="come down"):
        predict_impact(np.concatenate([r, v]), np.eye(6), 0.0, samples=4)


def test_compiled_loop_matches_the_array_functions():
    # the hot loop (numba, one track per thread) against predict()/update() on arrays;
    # detections 3-14 s apart so that some predictions take two RK4 sub-steps
    t = np.cumsum(np.r_[0.0, np.random.default_rng(5).uniform(3.0, 14.0, 25)])
    d = _dets(t, seed=4)
    got = track(d, q_m2_s3=0.01)
    site, rot = _site_arrays(1)
    sig = np.array([[d.sigma_range_m, d.sigma_angle_rad, d.sigma_angle_rad]])
    z = np.stack([d.range_m, d.az_rad, d.el_rad], axis=1)
    x, p = got.state[:1], got.covariance[:1]
    for j in range(3, t.size):
        x, p = tk.predict(x, p, np.array([t[j] - t[j - 1]]), 0.01, WGS84)
        x, p = tk.update(x, p, z[j:j + 1], site, rot, sig)
        np.testing.assert_allclose(got.state[j - 2], x[0], rtol=0, atol=1e-6)
        np.testing.assert_allclose(got.covariance[j - 2], p[0], rtol=1e-8, atol=1e-10)
