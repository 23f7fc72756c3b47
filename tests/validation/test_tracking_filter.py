"""The tracking filter against a simulated ballistic flight from the flight engine.

Truth: a Sejjil-2 aimed from Shahrud (36.20 N, 55.30 E) at Tel Aviv, flown by
``openbmd.flight.fly`` (WGS-84, J2, rotation, drag).  Detections: the truth seen
from the Kürecik TPY-2 site (38.349 N, 37.794 E, 2,085 m; REFERENCE.md) with
seeded Gaussian noise (notional 20 m in range, 1 mrad in each angle), built here,
independently of the radar model.  References: the chi-square distribution of the
normalized estimation error squared (Bar-Shalom, Li & Kirubarajan, "Estimation
with Applications to Tracking and Navigation", 2001, sec. 5.4), the least-squares
straight-line fit, and the engine's own trajectory.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from openbmd.earth.geodesy import ecef_to_aer, ecef_to_enu, geodetic_to_ecef
from openbmd.earth.model import WGS84, earth_model
from openbmd.flight import fly
from openbmd.missiles import get_missile
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.measurements import Detections
from openbmd.sensors.tracking import predict_impact, track, track_many

KURECIK = (38.349, 37.794, 2085.0)
SIGMA_R_M, SIGMA_A_RAD = 20.0, 1e-3
#: the exo-atmospheric part of the flight (above 100 km from ~114 s to ~694 s), every 5 s
TIMES_S = np.arange(200.0, 690.0, 5.0)


@pytest.fixture(scope="module")
def flight():
    return fly(get_missile("sejjil-2"), 36.20, 55.30, target=(32.08, 34.78))


def truth(tr, t):
    """Truth (position, velocity) at times ``t``: cubic Hermite interpolation of the
    engine's samples (<= 5 s apart; interpolation error well under a metre)."""
    i = np.clip(np.searchsorted(tr.t_s, t) - 1, 0, len(tr.t_s) - 2)
    h = (tr.t_s[i + 1] - tr.t_s[i])[:, None]
    s = (t[:, None] - tr.t_s[i][:, None]) / h
    p0, p1 = tr.ecef_m[i], tr.ecef_m[i + 1]
    m0, m1 = tr.velocity_m_s[i] * h, tr.velocity_m_s[i + 1] * h
    pos = (2 * s**3 - 3 * s**2 + 1) * p0 + (s**3 - 2 * s**2 + s) * m0 + (3 * s**2 - 2 * s**3) * p1 \
        + (s**3 - s**2) * m1
    vel = ((6 * s**2 - 6 * s) * (p0 - p1) + (3 * s**2 - 4 * s + 1) * m0 + (3 * s**2 - 2 * s) * m1) / h
    return pos, vel


def detections(tr, t, seed, site=KURECIK, sensor_id="tpy2", sigma_r=SIGMA_R_M, sigma_a=SIGMA_A_RAD):
    """Noisy (range, az, el) of the truth from ``site``, seeded."""
    az, el, rng = ecef_to_aer(truth(tr, t)[0], *site)
    g = np.random.default_rng(seed)
    noise = g.standard_normal((3, t.size))
    return Detections(sensor_id=sensor_id, object_id="rv", site_lat_deg=site[0], site_lon_deg=site[1],
                      site_alt_m=site[2], t_s=t, range_m=rng + sigma_r * noise[0],
                      az_rad=np.radians(az) + sigma_a * noise[1], el_rad=np.radians(el) + sigma_a * noise[2],
                      snr_db=np.full(t.size, 20.0), sigma_range_m=sigma_r, sigma_angle_rad=sigma_a)


def nees(tracks, tr):
    pos, vel = truth(tr, tracks[0].t_s)
    x = np.concatenate([pos, vel], axis=1)
    return np.array([np.einsum("ni,ni->n", t.state - x, np.linalg.solve(t.covariance, (t.state - x)[..., None])[..., 0])
                     for t in tracks])


def test_motion_model_matches_the_flight_engine(flight):
    # the engine integrates in the inertial frame (Dormand-Prince); the filter's RK4 in the
    # rotating frame with Coriolis and centrifugal terms: 400 s of coast must agree to < 1 m
    tr = flight.trajectory
    i, j = np.searchsorted(tr.t_s, [250.0, 650.0])
    x0 = np.concatenate([tr.ecef_m[i], tr.velocity_m_s[i]])[None]
    x1 = tk.propagate(x0, np.array([tr.t_s[j] - tr.t_s[i]]), WGS84)[0]
    assert np.linalg.norm(x1[:3] - tr.ecef_m[j]) < 1.0
    assert np.linalg.norm(x1[3:] - tr.velocity_m_s[j]) < 1e-3
    # and leaving the rotation out is tens of kilometres off: the test can tell
    x_norot = tk.propagate(x0, np.array([tr.t_s[j] - tr.t_s[i]]), earth_model("wgs84", rotation=False))[0]
    assert np.linalg.norm(x_norot[:3] - tr.ecef_m[j]) > 10e3


def test_nees_within_chi_square_band(flight):
    # model-matched (q = 0: the truth coasts with no manoeuvre): the mean NEES over S seeds,
    # times S, is chi-square with 6 S dof; 95 % two-sided band, at >= 90 % of the update times
    s = 100
    tracks = track_many([detections(flight.trajectory, TIMES_S, seed) for seed in range(s)], q_m2_s3=0.0)
    mean = nees(tracks, flight.trajectory).mean(axis=0)
    lo, hi = chi2.ppf([0.025, 0.975], 6 * s) / s
    assert np.mean((mean > lo) & (mean < hi)) >= 0.9
    assert lo < mean.mean() < hi


def test_default_process_noise_is_conservative(flight):
    # with the default q the filter may be pessimistic, not overconfident: the mean NEES
    # exceeds the band's upper edge at no more of the times than chance (2.5 %, say 5 %)
    s = 50
    mean = nees(track_many([detections(flight.trajectory, TIMES_S, seed) for seed in range(s)]),
                flight.trajectory).mean(axis=0)
    assert np.mean(mean > chi2.ppf(0.975, 6 * s) / s) <= 0.05
    assert mean.mean() < 6.0


def test_position_error_shrinks_as_one_over_root_n(flight):
    # 40 detections 1 s apart near closest approach (a nearly straight 120 km segment);
    # least-squares line fit: endpoint sigma^2 = 2 (2n - 1) / (n (n + 1)) sigma_1^2, ~ 4 / n
    tr = flight.trajectory
    t = np.arange(600.0, 640.0, 1.0)
    tracks = track_many([detections(tr, t, seed) for seed in range(300)], q_m2_s3=0.0)
    pos = truth(tr, tracks[0].t_s)[0]
    rms = np.sqrt(np.mean([np.sum((x.position_m - pos) ** 2, axis=1) for x in tracks], axis=0))
    n = tracks[0].n_updates
    pick = (n >= 10) & (n <= 40)
    slope = np.polyfit(np.log(n[pick]), np.log(rms[pick]), 1)[0]
    assert -0.62 < slope < -0.40                      # the LS line's own slope here is -0.46
    # and the filter's own sigma tells the size of the error (300 seeds: ~4 % sampling error)
    np.testing.assert_allclose(rms[pick], tracks[0].position_sigma_m[pick], rtol=0.1)


def test_track_many_equals_single_tracks(flight):
    # ragged lengths and a two-sensor object: the batch must reproduce each single track
    tr = flight.trajectory
    objs = [detections(tr, TIMES_S[:40], 1), detections(tr, TIMES_S[5:], 2),
            [detections(tr, TIMES_S[::2], 3), detections(tr, TIMES_S[1::2] + 1.0, 4,
                                                          site=(31.0, 34.9, 500.0), sensor_id="negev")]]
    batch = track_many(objs)
    for b, o in zip(batch, objs):
        single = track(o)
        np.testing.assert_array_equal(b.t_s, single.t_s)
        np.testing.assert_allclose(b.state, single.state, rtol=0, atol=1e-6)
        np.testing.assert_allclose(b.covariance, single.covariance, rtol=1e-9, atol=1e-9)
        assert b.firm_time_s == single.firm_time_s
    assert batch[2].sensors == ("tpy2", "negev")
    assert np.all(np.diff(batch[2].t_s) >= 0)


def test_second_sensor_sharpens_the_track(flight):
    tr = flight.trajectory
    one = track(detections(tr, TIMES_S, 7))
    two = track([detections(tr, TIMES_S, 7), detections(tr, TIMES_S + 2.5, 8, site=(31.0, 34.9, 500.0),
                                                          sensor_id="negev")])
    assert two.position_sigma_m[-1] < 0.8 * one.position_sigma_m[-1]
    assert two.firm_time_s <= one.firm_time_s


def test_firm_time_follows_its_definition(flight):
    t = track(detections(flight.trajectory, TIMES_S, 9), firm_after=8, firm_sigma_m=600.0)
    i = int(np.searchsorted(t.t_s, t.firm_time_s))
    assert t.position_sigma_m[i] < 600.0 and t.n_updates[i] >= 8
    assert not np.any((t.position_sigma_m[:i] < 600.0) & (t.n_updates[:i] >= 8))
    assert track(detections(flight.trajectory, TIMES_S, 9), firm_sigma_m=1.0).firm_time_s is None


# ------------------------------------------------------------------ impact prediction
def _impact_error(pred, lat, lon):
    e = ecef_to_enu(geodetic_to_ecef(lat, lon, 0.0), pred.lat_deg, pred.lon_deg, 0.0)[:2] / 1e3
    return e @ np.linalg.solve(pred.covariance_km2, e)


def test_impact_of_the_true_state_is_the_true_impact(flight):
    # a nearly exact state at 300 s flown by the predictor lands where the engine's flight did
    tr, b = flight.trajectory, flight.batch
    i = np.searchsorted(tr.t_s, 300.0)
    x = np.concatenate([tr.ecef_m[i], tr.velocity_m_s[i]])
    pred = predict_impact(x, np.diag([1.0] * 3 + [1e-4] * 3), tr.t_s[i], samples=20,
                          rv_beta_kg_m2=get_missile("sejjil-2").rv_beta_kg_m2)
    miss = ecef_to_enu(geodetic_to_ecef(b.impact_lat_deg[0], b.impact_lon_deg[0], 0.0),
                       pred.lat_deg, pred.lon_deg, 0.0)
    assert np.hypot(*miss[:2]) < 50.0
    assert abs(pred.time_s - b.impact_time_s[0]) < 0.5


def test_predicted_impact_covers_the_truth_and_tightens(flight):
    tr, b = flight.trajectory, flight.batch
    beta = get_missile("sejjil-2").rv_beta_kg_m2
    tracks = track_many([detections(tr, TIMES_S, seed) for seed in range(12)], q_m2_s3=0.0)
    d2 = {k: [] for k in (5, 20, 60)}
    cep = {k: [] for k in d2}
    for t in tracks:
        for k in d2:
            p = t.predict_impact(index=k, samples=200, seed=k, rv_beta_kg_m2=beta)
            d2[k].append(_impact_error(p, b.impact_lat_deg[0], b.impact_lon_deg[0]))
            cep[k].append(p.cep_km)
    for k in d2:
        assert np.max(d2[k]) < chi2.ppf(0.997, 2)          # every mean within ~3 sigma
        assert 0.8 < np.mean(d2[k]) < 3.5                    # chi-square(2): mean 2
    c = [np.median(cep[k]) for k in (5, 20, 60)]
    assert c[0] > 3 * c[1] > 9 * c[2]


def test_impact_ellipse_axes_match_its_covariance(flight):
    t = track(detections(flight.trajectory, TIMES_S, 3))
    p = t.predict_impact(index=10, samples=400, seed=1)
    ev = np.linalg.eigvalsh(p.covariance_km2)
    assert p.semi_major_km == pytest.approx(np.sqrt(ev[1])) and p.semi_minor_km == pytest.approx(np.sqrt(ev[0]))
    az = np.radians(p.orientation_deg)
    u = np.array([np.sin(az), np.cos(az)])
    assert u @ p.covariance_km2 @ u == pytest.approx(ev[1], rel=1e-9)
    # CEP of the bivariate normal with these axes: median radius of 10^6 seeded draws
    # (sampling error of the 400-sample CEP itself is ~ 5 %)
    z = np.random.default_rng(0).standard_normal((1_000_000, 2)) * [p.semi_major_km, p.semi_minor_km]
    assert p.cep_km == pytest.approx(np.median(np.hypot(*z.T)), rel=0.12)
