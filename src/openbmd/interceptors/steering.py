"""The fly-out's steering families and the kicks flown in each: wide and dense enough that every
point of the table is reached on the best arc the booster can fly.

Every fly-out rises vertically for ``VERTICAL_RISE_S`` (1 s) and pitches over at a constant rate
to a kick angle (from the launch vertical, in the plane of the azimuth).  Then either a gravity
turn (thrust along the Earth-relative velocity) to burnout, or the attitude is held: the thrust
stays along the pitch-over's final direction, fixed in inertial space (what an inertial platform
keeps with no command; :mod:`openbmd.kernels.flight_rhs`), to burnout.  One pitch-over duration
and what follows it give one family of arcs; a high-acceleration booster needs several:

- a 4 s pitch-over, then a gravity turn: the steep arcs;
- pitch-overs through a quarter and a half of the burn, then a gravity turn, kicks up to 1.2 and
  1.4 x 89 deg: flatter arcs (the velocity follows the thrust while it is still slow);
- a pitch-over through the whole burn, to 1.6 x 89 deg: depressed arcs;
- a pitch-over through a quarter of the burn, then held to burnout, kicks to 1.2 x 89 deg: the
  flat arcs of a short burn.  With a gravity turn a 30 s burn's speed is already high before its
  velocity has turned, and the turn keeps it steep (its flattest arcs were 419 m/s over the
  vacuum Lambert bound with 90 m/s of gravity loss, tests/validation/test_flyout_lambert.py);
  held, the thrust keeps pulling the velocity down toward the kick.

Measured (benchmarks/scan_steering_families.py) on SM-3 IIB variants (5.5 km/s; one azimuth,
non-rotating Earth with drag; a 23 x 16 grid to 4,400 x 1,500 km) against a dense scan of 30
families (vertical rises of 1 and 3 s; pitch-overs of 4 s and 0.1-1 of the burn; a gravity turn,
a quarter-burn hold, or a hold to burnout; ~400 kicks each): the four gravity-turn families alone
arrive up to 205 s late with a 30 s burn (1,279 s instead of 1,074 s at 4,000 km, 100 km up),
18 s with 50 s and 49 s with 120 s; with the held family added, 44 s, 14 s and 14 s (what is
left: near-vertical arcs 1,200-1,500 km up that a 3-4 s pitch-over then a hold flies, and
low flat arcs of a half-burn pitch-over then a hold).  The held family cannot REPLACE one of
the four: in place of the quarter-burn gravity turn it leaves the same lateness against the scan,
but on the real tables (52.5 N, 8 azimuths, rotating Earth, the same 121 x 101 grid;
benchmarks/compare_flyout_families.py) 686 cells of SM-3 IIA's get later by over 1 s (up to
655 s) and 34 are lost (IIB: 617, up to 711 s, 73 lost).  So it is a fifth family, and its cost
is paid by a compiled arrival kernel (:mod:`openbmd.kernels.arrival`): added, no cell of the
three real tables is later and none is lost, and the build takes x0.94-0.99 (SM-3 IIA),
x1.01-1.05 (IIB) and x1.12-1.14 (GBI) of the four families' with the numpy arrival (two runs,
best of three builds each, same process).

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
