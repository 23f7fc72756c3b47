"""The flight equations written plainly in numpy, one state at a time.

This is the "plain per-trajectory" baseline of benchmarks/bench_flight.py and,
being a second, independent transcription of the same physics (J2 gravity, thrust
with linear mass flow, vertical rise / pitch-over / attitude hold / gravity turn, drag of the
co-rotating USSA-1976 air, separated RV ballistic coefficient), a cross-check
of the compiled kernel: both must give the same impact time.
"""
from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from openbmd.earth.atmosphere import atmosphere
from openbmd.earth.geodesy import ecef_to_geodetic
from openbmd.earth.gravity import gravity_m_s2
from openbmd.earth.model import EarthModel


def _rot_z(angle, v):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]])


def _enu(lat_rad, lon_rad):
    """East, north and up (ECEF unit vectors) at a geodetic latitude and longitude."""
    cl, sl, co, so = np.cos(lat_rad), np.sin(lat_rad), np.cos(lon_rad), np.sin(lon_rad)
    return np.array([-so, co, 0.0]), np.array([-sl * co, -sl * so, cl]), np.array([cl * co, cl * so, sl])


class PlainFlight:
    """Right-hand side of one lane, from the missile model (not from the packed kernel arrays)."""

    def __init__(self, missile, azimuth_deg, kick_deg, t_vert_s, kick_dur_s, earth: EarthModel, hold_s=0.0):
        self.m, self.earth = missile, earth
        self.az, self.kick = np.radians(azimuth_deg), np.radians(kick_deg)
        self.t_vert, self.kick_dur, self.hold = t_vert_s, kick_dur_s, hold_s
        self.held = None  # the inertial thrust direction of the hold (set from the launch site)
        self.w = np.array([0.0, 0.0, earth.omega_rad_s])
        t, self.events = 0.0, []
        for i, st in enumerate(missile.stages):
            self.events.append((t, t + st.burn_time_s, i))
            t += st.burn_time_s + st.coast_s
        self.t_final = self.events[-1][1]
        ends = {t_vert_s, t_vert_s + kick_dur_s, t_vert_s + kick_dur_s + hold_s}
        self.breaks = sorted({b for b in ends if np.isfinite(b)} | {x for e in self.events for x in e[:2]})

    def _mass_area_thrust(self, t, phase_t):
        """Mass, reference area and thrust; which stage burns is fixed by the segment start."""
        st_all = self.m.stages
        for t0, t1, i in reversed(self.events):
            if phase_t >= t0:
                st = st_all[i]
                above = self.m.payload_kg + sum(s.propellant_kg + s.dry_kg for s in st_all[i + 1:])
                burnt = st.propellant_kg / st.burn_time_s * (min(t, t1) - t0)
                d = st.diameter_m or self.m.diameter_m
                thrust = st.thrust_n if phase_t < t1 else 0.0
                return above + st.propellant_kg + st.dry_kg - burnt, np.pi * d * d / 4, thrust
        raise AssertionError("time before launch")

    def rhs(self, t, y, phase_t):
        """phase_t: the start of the current step segment (phase fixed within a segment)."""
        r, v = y[:3], y[3:]
        e = self.earth
        acc = gravity_m_s2(r, e)
        v_rel = v - np.cross(self.w, r)
        r_ecef = _rot_z(-e.omega_rad_s * t, r)
        lat, lon, h = (float(x) for x in ecef_to_geodetic(r_ecef, e))
        vr = np.linalg.norm(v_rel)
        post = phase_t >= self.t_final
        m, area, thrust = self._mass_area_thrust(t if not post else self.t_final, phase_t)
        air = atmosphere(h)
        rho = float(air.density_kg_m3)
        if rho > 0 and vr > 0:
            if post and self.m.rv_beta_kg_m2:
                acc = acc - 0.5 * rho * vr * v_rel / self.m.rv_beta_kg_m2
            else:
                cd = np.interp(vr / float(air.speed_of_sound_m_s), self.m.drag_mach, self.m.drag_cd)
                acc = acc - 0.5 * rho * vr * cd * area / m * v_rel
        if not post and thrust > 0:
            acc = acc + thrust / m * self._direction(t, phase_t, lat, lon, v_rel, vr)
        return np.concatenate([v, acc])

    def _direction(self, t, phase_t, lat, lon, v_rel, vr):
        t_hold = self.t_vert + self.kick_dur
        if phase_t >= t_hold + self.hold and vr >= 1.0:
            return v_rel / vr
        if t_hold <= phase_t < t_hold + self.hold:  # held: the final pitch-over direction, fixed among the stars
            return self.held
        east, north, up = _enu(np.radians(lat), np.radians(lon))
        if phase_t >= self.t_vert:
            th = self.kick * min(1.0, (t - self.t_vert) / self.kick_dur)
            horiz = np.sin(self.az) * east + np.cos(self.az) * north
            up = np.cos(th) * up + np.sin(th) * horiz
        return _rot_z(self.earth.omega_rad_s * t, up)

    def impact(self, y0, rtol, atol_pos, atol_vel, max_step, t_max=10800.0):
        """Integrate segment by segment (phases fixed) to the ground: (time_s, lat_deg, lon_deg)."""
        e = self.earth

        def ground(t, y, *_):
            r_ecef = _rot_z(-e.omega_rad_s * t, y[:3])
            return float(ecef_to_geodetic(r_ecef, e)[2]) + (1.0 if t < 1.0 else 0.0)

        ground.terminal, ground.direction = True, -1
        t, y = 0.0, np.asarray(y0, float)
        east, north, up = _enu(*(np.radians(float(x)) for x in ecef_to_geodetic(y[:3], e)[:2]))
        tilted = np.cos(self.kick) * up + np.sin(self.kick) * (np.sin(self.az) * east + np.cos(self.az) * north)
        self.held = _rot_z(e.omega_rad_s * (self.t_vert + self.kick_dur), tilted)
        for tb in [b for b in self.breaks if b > 0] + [t_max]:
            sol = solve_ivp(self.rhs, (t, tb), y, args=(t,), method="RK45", rtol=rtol,
                            atol=[atol_pos] * 3 + [atol_vel] * 3, max_step=max_step, events=ground)
            if sol.t_events[0].size:
                ti = float(sol.t_events[0][0])
                lat, lon, _ = ecef_to_geodetic(_rot_z(-e.omega_rad_s * ti, sol.y_events[0][0][:3]), e)
                return ti, float(lat), float(lon)
            t, y = sol.t[-1], sol.y[:, -1]
        return float("nan"), float("nan"), float("nan")
