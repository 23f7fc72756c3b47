"""Run the flight kernel on packed lanes and wrap its numbers in a FlightBatch."""
from __future__ import annotations

import numpy as np

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.earth.model import EarthModel
from openbmd.flight.lanes import Lanes, Tolerances, earth_array
from openbmd.flight.results import FlightBatch, Trajectory
from openbmd.kernels import flight as K

#: capacity of a recorded time history (steps)
HISTORY_CAPACITY = 20000
#: capacity when histories are only resampled (steps; the caller sets a coarser max_step_s)
SAMPLED_CAPACITY = 3000
#: ground-track angle beyond which the range is the track length (90 % of half a great circle)
FAR_TRACK_RAD = 0.9 * np.pi


def run_lanes(lanes: Lanes, earth: EarthModel, *, drag: bool = True, tol: Tolerances | None = None,
              history: bool = False, names=None, launch_lat_deg=None, launch_lon_deg=None,
              sample_dt_s: float | None = None) -> FlightBatch:
    """Fly every lane and return the batch of results.

    ``launch_lat_deg``/``launch_lon_deg`` are the points ranges are measured
    from (the launch point, or the point under a free-flight burnout state).
    With ``sample_dt_s`` the histories are not returned as Trajectory objects
    but resampled onto one grid of that step (Hermite, see
    :mod:`openbmd.kernels.resample`): ``batch.samples = (t_s (N,), ecef_m (n, N, 3),
    vel_m_s (n, N, 3))``, NaN after each impact — the fast path for many flights.
    """
    # a recorded history is sampled at least every 5 s so exported tracks are smooth
    tol = tol or (Tolerances(max_step_s=5.0) if history else Tolerances())
    n = lanes.n
    out = np.full((n, K.NO), np.nan)
    sampled = sample_dt_s is not None
    cap = (SAMPLED_CAPACITY if sampled else HISTORY_CAPACITY) if (history or sampled) else 0
    hist = np.zeros((n if cap else 0, cap, 7))
    hist_n = np.zeros(n, dtype=np.int64)
    K.fly_batch(lanes.y0, lanes.lane, lanes.stage, lanes.mach, lanes.cd, lanes.nk,
                earth_array(earth, drag), tol.array(), out, hist, hist_n)
    samples = None
    if sampled:
        from openbmd.kernels.resample import hermite_resample

        if np.any(hist_n >= cap):
            raise RuntimeError(f"a flight took more than {cap} steps; raise SAMPLED_CAPACITY or max_step_s")
        t_end = np.nanmax(out[:, K.O_TIMP]) if np.isfinite(out[:, K.O_TIMP]).any() else 0.0
        t_grid = np.arange(0.0, t_end + sample_dt_s, sample_dt_s)
        X = np.empty((n, t_grid.size, 3))
        V = np.empty((n, t_grid.size, 3))
        hermite_resample(hist, hist_n, t_grid, float(earth.omega_rad_s), X, V)
        samples = (t_grid, X, V)
        history = False
    status = out[:, K.O_STATUS].astype(int)
    lat0 = np.broadcast_to(np.asarray(launch_lat_deg, float), (n,))
    lon0 = np.broadcast_to(np.asarray(launch_lon_deg, float), (n,))
    lat_i, lon_i = np.degrees(out[:, K.O_LATIMP]), np.degrees(out[:, K.O_LONIMP])
    rng = np.full(n, np.nan)
    hit = ~np.isnan(lat_i)
    if hit.any():
        rng[hit] = geodesic_inverse(lat0[hit], lon0[hit], lat_i[hit], lon_i[hit], earth)[0]
    # past ~18,000 km the shortest surface distance turns back toward zero (the antipode):
    # there the ground-track length is the range, so a longer flight always counts as longer
    track = np.where(status == 0, out[:, K.O_TRACK], np.nan)
    far = track > FAR_TRACK_RAD
    rng[far] = np.fmax(track[far] * earth.a_m, rng[far])
    trajs = ()
    if history:
        trajs = tuple(_trajectory(hist[i, :hist_n[i]], earth, names[i] if names else f"lane-{i}")
                      for i in range(n))
    return FlightBatch(
        status=status, launch_lat_deg=lat0, launch_lon_deg=lon0, range_m=rng,
        impact_time_s=out[:, K.O_TIMP], impact_lat_deg=lat_i, impact_lon_deg=lon_i,
        impact_speed_m_s=out[:, K.O_VIMP], burnout_time_s=out[:, K.O_TBO],
        burnout_alt_m=out[:, K.O_HBO], burnout_speed_m_s=out[:, K.O_VBO],
        burnout_angle_deg=np.degrees(out[:, K.O_GAMBO]), apogee_alt_m=out[:, K.O_HAPO],
        apogee_time_s=out[:, K.O_TAPO], steps=out[:, K.O_NSTEP],
        track_angle_rad=track, trajectories=trajs, samples=samples,
        burnout_lat_deg=np.degrees(out[:, K.O_LATBO]), burnout_lon_deg=np.degrees(out[:, K.O_LONBO]))


def _trajectory(rows: np.ndarray, earth: EarthModel, name: str) -> Trajectory:
    """Inertial samples (t, r, v) -> Earth-fixed positions and Earth-relative velocities."""
    t = rows[:, 0]
    ang = earth.omega_rad_s * t
    c, s = np.cos(ang), np.sin(ang)
    r, v = rows[:, 1:4], rows[:, 4:7]
    w = np.array([0.0, 0.0, earth.omega_rad_s])
    v_rel = v - np.cross(w, r)

    def to_ecef(u):
        return np.stack([c * u[:, 0] + s * u[:, 1], -s * u[:, 0] + c * u[:, 1], u[:, 2]], axis=1)

    return Trajectory(name=name, t_s=t, ecef_m=to_ecef(r), velocity_m_s=to_ecef(v_rel), earth=earth)
