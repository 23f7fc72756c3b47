"""Pack missiles, steering and initial states into the flight kernel's plain arrays.

This is the edge between the friendly models and :mod:`openbmd.kernels.flight`:
everything here is numpy over lanes (one lane = one trajectory), SI inside.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from openbmd.earth.model import G0_M_S2, EarthModel
from openbmd.earth.geodesy import enu_rotation, geodetic_to_ecef
from openbmd.kernels import flight as K

#: default maximum flight time (s); a lane still flying then is reported as not impacting
T_MAX_S = 3.0 * 3600.0
#: steering defaults: vertical rise and pitch-over (kick) duration (s)
KICK_DURATION_S = 4.0


@dataclass(frozen=True)
class Tolerances:
    """Step-size control of the Dormand-Prince integrator."""

    rtol: float = 1e-9
    atol_pos_m: float = 0.5
    atol_vel_m_s: float = 5e-4
    max_step_s: float = 60.0

    def array(self) -> np.ndarray:
        return np.array([self.rtol, self.atol_pos_m, self.atol_vel_m_s, self.max_step_s])


def vertical_rise_s(missile) -> float:
    """Default vertical-rise time: 5 % of the first-stage burn, kept within 4-12 s."""
    return float(np.clip(0.05 * missile.stages[0].burn_time_s, 4.0, 12.0))


def earth_array(earth: EarthModel, drag: bool) -> np.ndarray:
    return np.array([earth.a_m, earth.e2, earth.mu_m3_s2, earth.j2, earth.omega_rad_s,
                     1.0 if drag else 0.0])


def _drag_tables(missiles: Sequence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    kmax = max(len(m.drag_mach) for m in missiles)
    mach = np.zeros((len(missiles), kmax))
    cd = np.zeros((len(missiles), kmax))
    nk = np.zeros(len(missiles), dtype=np.int64)
    for i, m in enumerate(missiles):
        k = len(m.drag_mach)
        mach[i, :k] = m.drag_mach
        cd[i, :k] = m.drag_cd
        mach[i, k:] = m.drag_mach[-1]
        cd[i, k:] = m.drag_cd[-1]
        nk[i] = k
    return mach, cd, nk


def _stage_table(missile) -> np.ndarray:
    """(S, 6) per-stage: burn, coast, mdot, thrust, propellant+dry, area."""
    rows = []
    for st in missile.stages:
        d = st.diameter_m if st.diameter_m is not None else missile.diameter_m
        rows.append((st.burn_time_s, st.coast_s, st.propellant_kg / st.burn_time_s,
                     st.thrust_n, st.propellant_kg + st.dry_kg, 0.25 * np.pi * d * d))
    return np.array(rows, dtype=float)


@dataclass(frozen=True)
class Lanes:
    """Everything the kernel needs, one row per lane (plain arrays)."""

    y0: np.ndarray
    lane: np.ndarray
    stage: np.ndarray
    mach: np.ndarray
    cd: np.ndarray
    nk: np.ndarray

    @property
    def n(self) -> int:
        return self.y0.shape[0]


def powered_lanes(missiles: Sequence, which: np.ndarray, lat_deg, lon_deg, alt_m, azimuth_deg,
                  kick_deg, cutoff_s, earth: EarthModel, t_vert_s=None) -> Lanes:
    """Lanes launched from rest on the ground.

    ``which[i]`` picks the missile of lane i; ``cutoff_s`` is the thrust
    termination time (inf for a full burn).  All per-lane inputs broadcast.
    """
    which = np.asarray(which, dtype=np.int64)
    n = which.shape[0]
    lat, lon, alt, az, kick, cut = (np.broadcast_to(np.asarray(v, float), (n,)) for v in
                                    (lat_deg, lon_deg, alt_m, azimuth_deg, kick_deg, cutoff_s))
    smax = max(len(m.stages) for m in missiles)
    tables = np.zeros((len(missiles), smax, 6))
    nst = np.array([len(m.stages) for m in missiles])
    payload = np.array([m.payload_kg for m in missiles])
    beta = np.array([m.rv_beta_kg_m2 or 0.0 for m in missiles])
    tvert_m = np.array([vertical_rise_s(m) for m in missiles])
    for i, m in enumerate(missiles):
        tables[i, :nst[i]] = _stage_table(m)
    tab = tables[which]                                   # (n, S, 6)
    burn, coast, mdot, thrust, mstage, area = np.moveaxis(tab, -1, 0)
    t_ign = np.concatenate([np.zeros((n, 1)), np.cumsum(burn + coast, axis=1)[:, :-1]], axis=1)
    t_bo = np.clip(np.minimum(t_ign + burn, cut[:, None]), t_ign, None)
    m_ign = payload[which][:, None] + np.cumsum(mstage[:, ::-1], axis=1)[:, ::-1]
    stage = np.zeros((n, smax, K.NS))
    stage[..., K.S_TIGN] = t_ign
    stage[..., K.S_TBO] = t_bo
    stage[..., K.S_MDOT] = mdot
    stage[..., K.S_THRUST] = thrust
    stage[..., K.S_MIGN] = m_ign
    stage[..., K.S_AREA] = area
    valid = (np.arange(smax)[None, :] < nst[which][:, None]) & (t_bo > t_ign)
    last = np.where(valid.any(axis=1), smax - 1 - np.argmax(valid[:, ::-1], axis=1), 0)
    rows = np.arange(n)
    lane = np.zeros((n, K.NL))
    lane[:, K.L_NSTAGE] = nst[which]
    lane[:, K.L_TVERT] = tvert_m[which] if t_vert_s is None else t_vert_s
    lane[:, K.L_KICK] = np.radians(kick)
    lane[:, K.L_KICKDUR] = KICK_DURATION_S
    lane[:, K.L_HOLD] = 0.0  # no attitude hold: the gravity turn follows the pitch-over
    lane[:, K.L_AZ] = np.radians(az)
    lane[:, K.L_BETA] = beta[which]
    lane[:, K.L_MEND] = m_ign[rows, last] - mdot[rows, last] * (t_bo[rows, last] - t_ign[rows, last])
    lane[:, K.L_AEND] = area[rows, last]
    lane[:, K.L_TFINAL] = t_bo[rows, last]
    lane[:, K.L_TMAX] = T_MAX_S
    east, north, up = _enu_vectors(lat, lon)
    azr = np.radians(az)[:, None]
    lane[:, K.L_UPX:K.L_UPZ + 1] = up
    lane[:, K.L_HX:K.L_HZ + 1] = np.sin(azr) * east + np.cos(azr) * north
    r0 = geodetic_to_ecef(lat, lon, alt, earth)
    v0 = np.cross(np.array([0.0, 0.0, earth.omega_rad_s]), r0)
    mach, cd, nk = _drag_tables(missiles)
    return Lanes(np.concatenate([r0, v0], axis=1), lane, stage, mach[which], cd[which], nk[which])


def _enu_vectors(lat_deg, lon_deg):
    R = enu_rotation(lat_deg, lon_deg)
    return R[..., 0, :], R[..., 1, :], R[..., 2, :]


def free_lanes(lat_deg, lon_deg, alt_m, azimuth_deg, speed_m_s, angle_deg, earth: EarthModel,
               rv_beta_kg_m2=0.0) -> Lanes:
    """Unpowered lanes starting from an Earth-relative burnout state at t = 0.

    ``rv_beta_kg_m2`` (scalar or per lane) is the body's ballistic coefficient."""
    lat, lon, alt, az, v, gam = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, float)) for x in
                                                      (lat_deg, lon_deg, alt_m, azimuth_deg, speed_m_s,
                                                       angle_deg)))
    n = lat.shape[0]
    east, north, up = _enu_vectors(lat, lon)
    a, g = np.radians(az)[:, None], np.radians(gam)[:, None]
    v_rel = v[:, None] * (np.cos(g) * (np.sin(a) * east + np.cos(a) * north) + np.sin(g) * up)
    r0 = geodetic_to_ecef(lat, lon, alt, earth)
    v0 = v_rel + np.cross(np.array([0.0, 0.0, earth.omega_rad_s]), r0)
    lane = np.zeros((n, K.NL))
    lane[:, K.L_BETA] = rv_beta_kg_m2
    lane[:, K.L_TMAX] = T_MAX_S
    lane[:, K.L_MEND] = 1.0
    return Lanes(np.concatenate([r0, v0], axis=1), lane, np.zeros((n, 1, K.NS)),
                 np.array([[0.0, 1.0]] * n), np.array([[0.0, 0.0]] * n), np.full(n, 2, np.int64))
