"""Radar measurements of a flight: look at the revisit rate, keep what is detected, add noise.

The trajectory is interpolated to the look times with cubic Hermite
polynomials (positions and Earth-relative velocities, both ECEF, so the
derivative matches); each look that :meth:`Radar.visible` accepts becomes a
measurement of range, azimuth and elevation with independent Gaussian noise
of the radar's ``sigma_range_m`` and ``sigma_angle_rad`` (the same angle sigma
on azimuth and on elevation).
"""
from __future__ import annotations

import numpy as np

from openbmd.errors import InputError
from openbmd.sensors.measurements import Detections


def hermite(t_s, ecef_m, velocity_m_s, t_new_s) -> np.ndarray:
    """Positions (M, 3) at ``t_new_s`` from samples (N,), (N, 3), (N, 3) by cubic Hermite."""
    t = np.asarray(t_s, dtype=float)
    tn = np.asarray(t_new_s, dtype=float)
    i = np.clip(np.searchsorted(t, tn, side="right") - 1, 0, len(t) - 2)
    h = t[i + 1] - t[i]
    u = ((tn - t[i]) / h)[:, None]
    h = h[:, None]
    h00, h10 = 2 * u**3 - 3 * u**2 + 1, u**3 - 2 * u**2 + u
    h01, h11 = -2 * u**3 + 3 * u**2, u**3 - u**2
    return (h00 * ecef_m[i] + h10 * h * velocity_m_s[i] + h01 * ecef_m[i + 1] + h11 * h * velocity_m_s[i + 1])


def look_times(t_first_s: float, t_last_s: float, revisit_s: float, t0_s: float | None = None) -> np.ndarray:
    """Look times ``t0 + k revisit`` inside [t_first, t_last] (t0 defaults to t_first)."""
    t0 = t_first_s if t0_s is None else float(t0_s)
    k0 = np.ceil((t_first_s - t0) / revisit_s - 1e-9)
    k1 = np.floor((t_last_s - t0) / revisit_s + 1e-9)
    return t0 + revisit_s * np.arange(k0, k1 + 1)


def observe(radar, trajectory, rcs_m2=0.1, rng: np.random.Generator | None = None, *,
            object_id: str = "object-1", t0_s: float | None = None, epoch_s: float = 0.0) -> Detections:
    """Detections of ``trajectory`` (an :class:`openbmd.flight.Trajectory`) by ``radar``.

    ``rcs_m2``: a number, or an array over the trajectory's samples
    (interpolated linearly to the look times). ``rng``: a numpy Generator
    (``np.random.default_rng(seed)``); None draws from a fresh unseeded one.
    Looks fall at ``t0_s + k * revisit_s`` (trajectory time; default the first
    sample). Measurement times are ``epoch_s`` + trajectory time.
    """
    t = np.asarray(trajectory.t_s, dtype=float)
    if t.size < 2:
        raise InputError("a trajectory needs at least two samples to be observed")
    rng = np.random.default_rng() if rng is None else rng
    looks = look_times(t[0], t[-1], radar.revisit_s, t0_s)
    pos = hermite(t, trajectory.ecef_m, trajectory.velocity_m_s, looks)
    rcs = np.asarray(rcs_m2, dtype=float)
    if rcs.ndim:
        if rcs.shape != t.shape:
            raise InputError(f"rcs_m2 must be a number or one value per trajectory sample ({t.size}), "
                             f"got shape {rcs.shape}")
        rcs = np.interp(looks, t, rcs)
    seen = radar.visible(pos, rcs_m2=rcs)
    az, el, rng_m = radar.aer(pos[seen])
    rcs_seen = rcs[seen] if rcs.ndim else rcs
    n = int(seen.sum())
    return Detections(
        sensor_id=radar.id, object_id=object_id, site_lat_deg=radar.site_lat_deg,
        site_lon_deg=radar.site_lon_deg, site_alt_m=radar.site_alt_m, t_s=looks[seen] + epoch_s,
        range_m=rng_m + rng.normal(0.0, radar.sigma_range_m, n),
        az_rad=(az + rng.normal(0.0, radar.sigma_angle_rad, n)) % (2.0 * np.pi),
        el_rad=el + rng.normal(0.0, radar.sigma_angle_rad, n),
        snr_db=np.broadcast_to(radar.snr_db(rng_m, rcs_seen), (n,)),
        sigma_range_m=radar.sigma_range_m, sigma_angle_rad=radar.sigma_angle_rad, earth=radar.earth)


def observe_cued(radar, trajectory, rcs_m2: float, rng, cue_s: float | None, object_id: str = "object-1"):
    """Detections of a radar that searches uncued until ``cue_s`` (None: never cued), then
    looks where the space-based warning points it (its full, cued range).

    Uncued search is modelled as a smaller effective RCS (range ~ RCS^(1/4)): the radar
    equation's range falls by UNCUED_VOLUME_RATIO^(-1/4) (:meth:`Radar.search_rcs_m2`)."""
    uncued = radar.observe(trajectory, radar.search_rcs_m2(rcs_m2, False), rng, object_id=object_id)
    if cue_s is None:
        return uncued
    cued = radar.observe(trajectory, rcs_m2, rng, object_id=object_id)
    return uncued.where(uncued.t_s < cue_s).joined(cued.where(cued.t_s >= cue_s))
