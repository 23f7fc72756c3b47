"""The ballistic motion model with drag against a re-entry flown by the flight engine.

Truth: a Sejjil-2 aimed from Shahrud (36.20 N, 55.30 E) at Tel Aviv, flown by
``openbmd.flight.fly`` (WGS-84, J2, rotation, USSA-1976 drag on the re-entry vehicle of the
catalog's ballistic coefficient, 7,324 kg/m^2). Detections: its descent from 150 km to
10 km seen every second from a notional site near the target (31.9 N, 34.9 E, 50 m) with
seeded Gaussian noise of 10 m and 0.5 mrad, built here from the truth (scipy's Hermite
spline through the engine's samples), independently of the radar model.

The same generic extended Kalman filter (openbmd.sensors.ekf) runs with the drag-free
ballistic model (today's tracker) and with drag on the true ballistic coefficient: the
drag-free track lags low down by far more than its own sigma; the drag model does not.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import CubicHermiteSpline

from openbmd.earth.frames import Site
from openbmd.earth.geodesy import ecef_to_geodetic
from openbmd.earth.model import WGS84
from openbmd.flight import fly
from openbmd.missiles import get_missile
from openbmd.sensors import ekf
from openbmd.sensors import tracking_kernels as tk
from openbmd.sensors.models import RangeAzEl
from openbmd.sensors.motion import Ballistic

SITE = Site(lat_deg=31.9, lon_deg=34.9, alt_m=50.0)
SIGMA = np.array([10.0, 5e-4, 5e-4])  # m, rad, rad
BANDS_KM = ((40.0, 60.0), (20.0, 40.0), (10.0, 20.0))


@pytest.fixture(scope="module")
def reentry():
    missile = get_missile("sejjil-2")
    tr = fly(missile, 36.20, 55.30, target=(32.08, 34.78)).trajectory
    spline = CubicHermiteSpline(tr.t_s, tr.ecef_m, tr.velocity_m_s, axis=0)
    after_apogee = np.arange(tr.t_s.size) > np.argmax(tr.alt_m)
    t = np.arange(np.ceil(tr.t_s[after_apogee & (tr.alt_m < 150e3)][0]),
                  tr.t_s[after_apogee & (tr.alt_m < 10e3)][0], 1.0)
    pos = spline(t)
    az, el, rng = SITE.aer(pos)
    noise = np.random.default_rng(5).standard_normal((t.size, 3)) * SIGMA
    z = np.stack([rng, az, el], axis=1) + noise
    return missile, t, z, pos


def _errors(motion, t, z, pos):
    n0 = 3
    x0, p0 = tk.initiate(t[None, :n0], z[None, :n0], np.broadcast_to(SITE.ecef_m, (1, n0, 3)),
                         np.broadcast_to(SITE.rotation, (1, n0, 3, 3)), np.broadcast_to(SIGMA, (1, n0, 3)), WGS84)
    model = RangeAzEl(site_m=SITE.ecef_m, rotation=SITE.rotation, sigma_range_m=SIGMA[0], sigma_angle_rad=SIGMA[1])
    steps = [ekf.Step(t[j:j + 1], z[j:j + 1], model) for j in range(n0, t.size)]
    xs, ps, _ = ekf.run(motion, x0, p0, t[n0 - 1:n0], steps)
    err = np.linalg.norm(xs[:, 0, :3] - pos[n0:], axis=1)
    sigma = np.sqrt(np.trace(ps[:, 0, :3, :3], axis1=1, axis2=2))
    alt_km = ecef_to_geodetic(pos[n0:])[2] / 1e3
    return {band: (np.sqrt(np.mean(err[(alt_km >= band[0]) & (alt_km < band[1])] ** 2)),
                   np.mean(sigma[(alt_km >= band[0]) & (alt_km < band[1])])) for band in BANDS_KM}


def test_drag_model_removes_the_low_altitude_lag(reentry):
    missile, t, z, pos = reentry
    free = _errors(Ballistic(), t, z, pos)
    drag = _errors(Ballistic(beta_kg_m2=missile.rv_beta_kg_m2), t, z, pos)
    # measured (RMS position error, m): drag-free 29 / 225 / 1,314, with drag 24 / 15 / 10 in the
    # 40-60, 20-40 and 10-20 km bands; the filter's own sigma there ~20 / 14 / 9 m
    for band in ((20.0, 40.0), (10.0, 20.0)):
        err_free, sigma = free[band]
        err_drag, _ = drag[band]
        assert err_free > 5.0 * sigma, (band, err_free, sigma)  # the drag-free track lags
        assert err_drag < 2.0 * sigma, (band, err_drag, sigma)  # the drag model's error is its noise
        assert err_drag < err_free / 5.0
    # above ~60 km drag hardly acts: the two agree within their noise
    assert abs(drag[(40.0, 60.0)][0] - free[(40.0, 60.0)][0]) < 2.0 * drag[(40.0, 60.0)][1]
