"""The fly-out's steering families and the kicks flown in each: wide and dense enough that every
point of the table is reached on the best arc the booster can fly.

Every fly-out rises vertically for ``VERTICAL_RISE_S`` (1 s), pitches over at a constant rate
to a kick angle (from the launch vertical, in the plane of the azimuth), then flies a gravity
turn (thrust along the Earth-relative velocity) to burnout.  One pitch-over duration gives one
family of arcs; a high-acceleration booster needs several:

- a 4 s pitch-over: the steep arcs (a 30 s burn's flattest burnout is ~42 deg above the
  horizontal: its speed is high before the velocity has turned, and the gravity turn keeps it);
- pitch-overs through a quarter and a half of the burn: the flat arcs of a short burn
  (the velocity follows the thrust while it is still slow), kicks up to 1.2 and 1.4 x 89 deg;
- a pitch-over through the whole burn, to 1.6 x 89 deg: depressed arcs.

Measured on SM-3 IIB variants (5.5 km/s; one azimuth, non-rotating Earth; a 23 x 16 grid to
4,400 x 1,500 km): against a scan of 12 families (two vertical rises, six pitch-over durations,
200 kicks each), the two families of 64 kicks this replaces arrived up to 439 s late with a 30 s
burn (a lofted arc where a flat one exists: 1,380 s instead of 941 s at 3,400 km, 400 km up)
and 112 s with 120 s; these four families of 48 kicks stay within 1 s (30 s) and 6 s (50 s).

Kicks: the burnout flight-path angle changes with the kick very unevenly (a 120 s burn goes
from vertical to flat between kicks of 0.2 and 32 deg, and crashes beyond), so a fixed list
of kicks leaves holes the interpolation between neighbouring kicks fills with slow, lofted
arcs.  :func:`arc_kicks` flies a coarse scan to burnout first (cheap: it stops there) and
places the kicks evenly in burnout angle, from the most vertical to the flattest arc that
clears the ground, plus the first kick that does not.
"""
from __future__ import annotations

import numpy as np

from openbmd.earth.model import EarthModel
from openbmd.flight.lanes import Tolerances, earth_array, powered_lanes
from openbmd.flight.shaping import KICK_MIN_DEG
from openbmd.interceptors.booster import FAN_KICK_MAX_DEG, PITCH_OVER_S, VERTICAL_RISE_S
from openbmd.kernels import flight as K

#: a family (N, chosen by the measurement above): (fraction of the burn the pitch-over lasts,
#: its shortest duration s, largest kick as a multiple of FAN_KICK_MAX_DEG, attitude hold after
#: it as a fraction of the burn: 0 a gravity turn at once, inf held to burnout); fraction 0: PITCH_OVER_S
GRAVITY_TURN_FAMILIES = ((0.0, PITCH_OVER_S, 1.0, 0.0), (0.25, 2.0 * PITCH_OVER_S, 1.2, 0.0),
                         (0.5, 2.0 * PITCH_OVER_S, 1.4, 0.0), (1.0, 2.0 * PITCH_OVER_S, 1.6, 0.0))
HELD_FAMILY = (0.25, 2.0 * PITCH_OVER_S, 1.2, np.inf)
FAMILIES = GRAVITY_TURN_FAMILIES + (HELD_FAMILY,)
SCAN_KICKS = 48  #: coarse kicks per family and azimuth flown to burnout to place the fan's kicks


def pitch_over_durations_s(booster, families=None) -> tuple[tuple[float, float, float], ...]:
    """(pitch-over duration s, largest kick deg, attitude hold s) of each family for ``booster``
    (``families`` as :data:`FAMILIES`, the default)."""
    tb = booster.total_burn_time_s
    return tuple((max(floor, frac * tb), scale * FAN_KICK_MAX_DEG, hold * tb)
                 for frac, floor, scale, hold in (FAMILIES if families is None else families))


def pitch_over_families(booster, kicks, families=None) -> tuple[tuple[float, np.ndarray, float], ...]:
    """The families with a given kick list (0 to FAN_KICK_MAX_DEG, scaled to each family's
    largest kick): (pitch-over duration s, kicks deg, attitude hold s)."""
    k = np.asarray(kicks, float)
    return tuple((dur, k * kmax / FAN_KICK_MAX_DEG, hold)
                 for dur, kmax, hold in pitch_over_durations_s(booster, families))


def burnout_angles_deg(booster, lat_deg: float, azimuths, kicks, model: EarthModel, drag: bool,
                       kick_dur_s: float, hold_s: float = 0.0) -> np.ndarray:
    """(A, L) burnout flight-path angle (deg above the horizontal) of each (azimuth, kick), flown
    only to burnout; NaN where the flight hits the ground first."""
    az = np.repeat(np.asarray(azimuths, float), len(kicks))
    kk = np.tile(np.asarray(kicks, float), len(azimuths))
    lanes = powered_lanes([booster], np.zeros(az.size, np.int64), lat_deg, 0.0, 0.0, az, kk, np.inf, model)
    lanes.lane[:, K.L_TMAX] = booster.total_burn_time_s + VERTICAL_RISE_S
    lanes.lane[:, K.L_TVERT] = VERTICAL_RISE_S
    lanes.lane[:, K.L_KICKDUR] = kick_dur_s
    lanes.lane[:, K.L_HOLD] = hold_s
    out = np.full((az.size, K.NO), np.nan)
    K.fly_batch(lanes.y0, lanes.lane, lanes.stage, lanes.mach, lanes.cd, lanes.nk, earth_array(model, drag),
                Tolerances(max_step_s=2.0).array(), out, np.zeros((az.size, 0, 7)), np.zeros(az.size, np.int64))
    gam = np.where(out[:, K.O_STATUS] == K.STATUS_BOOST_IMPACT, np.nan, np.degrees(out[:, K.O_GAMBO]))
    return gam.reshape(len(azimuths), len(kicks))


def even_in_angle(kicks: np.ndarray, gamma_deg: np.ndarray, n: int) -> np.ndarray:
    """``n`` kicks evenly spaced in burnout angle along the scan (kicks ascending, gamma NaN from
    the first crash on): from the first kick to the last that clears the ground, plus the first crash."""
    good = np.isfinite(gamma_deg)
    end = int(np.argmin(good)) if not good.all() else good.size  # first crash (or none)
    if end < 2:
        return np.linspace(kicks[0], kicks[min(1, kicks.size - 1)], max(n, 2))
    s = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(gamma_deg[:end])))])
    k = np.interp(np.linspace(0.0, s[-1], max(n - 1, 2)), s, kicks[:end]) if s[-1] > 0 else kicks[:end]
    if end < kicks.size:
        k = np.append(k, kicks[end])
    return np.unique(k)


def arc_kicks(booster, lat_deg: float, azimuths, model: EarthModel, drag: bool, n: int, families=None):
    """Per family: (pitch-over duration s, kicks (A, n) deg, attitude hold s), ``n`` kicks per
    azimuth placed by :func:`even_in_angle` on a burnout scan of SCAN_KICKS kicks (padded by
    repeating the last kick when fewer distinct ones remain)."""
    fams = []
    for dur, kmax, hold in pitch_over_durations_s(booster, families):
        scan = np.linspace(KICK_MIN_DEG, kmax, SCAN_KICKS)
        gam = burnout_angles_deg(booster, lat_deg, azimuths, scan, model, drag, dur, hold)
        rows = []
        for a in range(len(azimuths)):
            k = even_in_angle(scan, gam[a], n)
            rows.append(np.concatenate([k, np.full(max(n - k.size, 0), k[-1])])[:n])
        fams.append((dur, np.array(rows), hold))
    return tuple(fams)
