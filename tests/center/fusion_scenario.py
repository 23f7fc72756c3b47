"""Shared by tests/center/test_fusion*.py: threats flown by the engine (openbmd.flight.fly) and
radar returns of them from a few sites with seeded Gaussian noise of known sigma."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from openbmd.center.fusion import Measurement, SensorSite
from openbmd.earth.frames import Site
from openbmd.flight import fly
from openbmd.missiles import get_missile
from openbmd.sensors.observe import hermite

#: the scenario's clock: UNIX seconds of the first launch (2026-12-05 12:00 UTC)
EPOCH_S = 1_796_472_000.0
LAUNCH = (32.5, 53.5)
AZIMUTH_DEG = 285.0
SIGMA_RANGE_M = 25.0
SIGMA_ANGLE_DEG = np.degrees(1.5e-3)
#: three radars along the Sejjil-2's path: ~300 km west of the launch, mid-course, near the end
SENSORS = {
    "r1": SensorSite(id="r1", lat_deg=33.5, lon_deg=50.5, alt_m=1200.0, party="nato"),
    "r2": SensorSite(id="r2", lat_deg=36.5, lon_deg=44.0, alt_m=800.0, party="russia"),
    "r3": SensorSite(id="r3", lat_deg=35.0, lon_deg=40.0, alt_m=500.0, party="nato"),
}


@lru_cache(maxsize=None)
def flight(missile: str = "sejjil-2", lat: float = LAUNCH[0], lon: float = LAUNCH[1], az: float = AZIMUTH_DEG):
    """The engine's flight: (trajectory, burnout s, impact lat, lon, impact time s from launch)."""
    res = fly(get_missile(missile), lat, lon, azimuth_deg=az)
    b = res.batch
    return (res.trajectory, float(b.burnout_time_s[0]), float(b.impact_lat_deg[0]), float(b.impact_lon_deg[0]),
            float(b.impact_time_s[0]))


def truth(traj, t_s):
    """True ECEF positions (N, 3) at times ``t_s`` (s from launch), cubic Hermite as the engine's radars."""
    return hermite(traj.t_s, traj.ecef_m, traj.velocity_m_s, np.atleast_1d(np.asarray(t_s, float)))


def returns(sensor: str, t_s, pos, seed: int, *, tag: str = "", launch_s: float = 0.0,
            max_range_m: float = 3.0e6) -> list[Measurement]:
    """Noisy returns of the positions ``pos`` (N, 3) at times ``t_s`` (s from launch) seen by
    ``sensor`` (above its horizon and within ``max_range_m``)."""
    s = SENSORS[sensor]
    az, el, rng = Site(lat_deg=s.lat_deg, lon_deg=s.lon_deg, alt_m=s.alt_m).aer(pos)
    ok = (el > np.radians(1.0)) & (rng < max_range_m)
    g = np.random.default_rng(seed)
    n = int(ok.sum())
    noise = g.standard_normal((n, 3)) * [SIGMA_RANGE_M, np.radians(SIGMA_ANGLE_DEG), np.radians(SIGMA_ANGLE_DEG)]
    t = np.asarray(t_s, float)[ok]
    return [Measurement(id=f"{sensor}{tag}-{i:04d}", sensor=sensor, party=s.party, t_s=EPOCH_S + launch_s + t[i],
                        range_m=float(rng[ok][i] + noise[i, 0]),
                        azimuth_deg=float(np.degrees(az[ok][i] + noise[i, 1]) % 360.0),
                        elevation_deg=float(np.degrees(el[ok][i] + noise[i, 2])), sigma_range_m=SIGMA_RANGE_M,
                        sigma_angle_deg=float(SIGMA_ANGLE_DEG)) for i in range(n)]


def looks(sensor: str, first_s: float, last_s: float, revisit_s: float, offset_s: float = 0.0):
    """Look times of a radar (s from launch)."""
    return np.arange(first_s + offset_s, last_s, revisit_s)
