"""Measurement: how late is the fly-out table of each set of steering families, against a dense
scan of many families?  The numbers quoted in :mod:`openbmd.interceptors.steering` come from here.

For SM-3 IIB variants (5.5 km/s, burns of 30, 50 and 120 s; the kinematic booster), from the
equator toward one azimuth on the non-rotating WGS-84 Earth with drag, on a 23 x 16 grid of
ground range (0-4,400 km) and altitude (0-1,500 km):

- the reference: the earliest arrival over a dense scan of families (vertical rises of 1 and
  3 s; pitch-overs of 4 s and 0.1, 0.25, 0.5, 0.75 and 1 burn; attitude holds of 0, a quarter
  of the burn and to burnout), each flown with ~400 kicks (geometric, linear and evenly spaced
  in burnout angle, to 1.6 x 89 deg);
- each candidate set of families, built as the table builds it (``steering.arc_kicks``, 48
  kicks per family), on the same grid.

Printed per candidate and burn: the largest lateness (s) over the cells both reach, where it
is, the cells the reference reaches and the candidate does not, and the candidate's build time
relative to the current set's (the same process).  Minutes of work.

    python benchmarks/scan_steering_families.py [--burns 30,50,120]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from openbmd.earth.model import earth_model
from openbmd.flight.shaping import KICK_MIN_DEG
from openbmd.interceptors import get_interceptor, steering
from openbmd.interceptors.booster import FAN_KICK_MAX_DEG, PITCH_OVER_S, kinematic_booster
from openbmd.interceptors.flyout import earliest_arrival, fly_fan

P, INF = PITCH_OVER_S, np.inf
R_NODES_KM = np.linspace(0.0, 4400.0, 23)
H_NODES_KM = np.linspace(0.0, 1500.0, 16)
AZ = (90.0,)
MODEL = earth_model("wgs84", rotation=False)
#: candidate family sets: (pitch-over fraction of the burn, shortest pitch-over s, largest kick
#: as a multiple of 89 deg, attitude hold as a fraction of the burn)
GT4, GT_QUARTER, GT_HALF, GT_WHOLE = steering.GRAVITY_TURN_FAMILIES
HOLD_QUARTER, HOLD_HALF = (0.25, 2 * P, 1.2, INF), (0.5, 2 * P, 1.4, INF)
CANDIDATES = {
    "4 gravity-turn families (before)": (GT4, GT_QUARTER, GT_HALF, GT_WHOLE),
    "before + quarter pitch-over held": (GT4, GT_QUARTER, GT_HALF, GT_WHOLE, HOLD_QUARTER),
    "quarter held in place of the quarter": (GT4, HOLD_QUARTER, GT_HALF, GT_WHOLE),
    "quarter and half held": (GT4, HOLD_QUARTER, HOLD_HALF, GT_WHOLE),
    "half held in place of the whole": (GT4, GT_QUARTER, GT_HALF, HOLD_HALF),
    "quarter held in place of the whole": (GT4, GT_QUARTER, GT_HALF, HOLD_QUARTER),
}


def booster(burn_s: float):
    icp = get_interceptor("sm-3-iib")
    b = icp.booster
    return kinematic_booster(icp.id, icp.name, burnout_speed_km_s=5.5, burn_time_s=burn_s,
                             launch_mass_kg=icp.launch_mass_kg, diameter_m=b.diameter_m,
                             drag_mach=tuple(b.drag_mach), drag_cd=tuple(b.drag_cd))


def _grid(t_vert_s, dur_s, hold_s, kicks, bst):
    t, rng, alt, spd = fly_fan(bst, 0.0, AZ, kicks, MODEL, True, t_vert_s=t_vert_s, kick_dur_s=dur_s, hold_s=hold_s)
    return earliest_arrival(t[0], rng[0] / 1e3, alt[0] / 1e3, spd[0], R_NODES_KM, H_NODES_KM)[0]


def dense_reference(bst) -> np.ndarray:
    tb = bst.total_burn_time_s
    kmax = 1.6 * FAN_KICK_MAX_DEG
    scan = np.linspace(KICK_MIN_DEG, kmax, 400)
    best = np.full((R_NODES_KM.size, H_NODES_KM.size), np.inf)
    for t_vert in (1.0, 3.0):
        for dur in sorted({P, 0.1 * tb, 0.25 * tb, 0.5 * tb, 0.75 * tb, tb}):
            for hold in ((0.0,) if dur >= tb else (0.0, 0.25 * tb, INF)):
                gam = steering.burnout_angles_deg(bst, 0.0, AZ, scan, MODEL, True, dur, hold)[0]
                kicks = np.unique(np.concatenate([np.geomspace(KICK_MIN_DEG, kmax, 120), np.linspace(KICK_MIN_DEG, kmax, 160),
                                                  steering.even_in_angle(scan, gam, 160)]))
                t = _grid(t_vert, dur, hold, kicks, bst)
                best = np.fmin(best, t)
    best[~np.isfinite(best)] = np.nan
    return best


def candidate(bst, families) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    best = np.full((R_NODES_KM.size, H_NODES_KM.size), np.inf)
    for dur, kk, hold in steering.arc_kicks(bst, 0.0, AZ, MODEL, True, 48, families):
        best = np.fmin(best, _grid(steering.VERTICAL_RISE_S, dur, hold, kk, bst))
    best[~np.isfinite(best)] = np.nan
    return best, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--burns", default="30,50,120")
    burns = [float(x) for x in ap.parse_args().burns.split(",")]
    for tb in burns:
        bst = booster(tb)
        ref = dense_reference(bst)
        print(f"--- {tb:.0f} s burn: the dense scan reaches {np.isfinite(ref).sum()} of {ref.size} cells")
        base_s = before = None
        for name, fams in CANDIDATES.items():
            got, dt = candidate(bst, fams)
            if base_s is None:
                base_s, before = dt, got
            late = got - ref
            both = np.isfinite(late)
            i = np.unravel_index(np.nanargmax(np.where(both, late, -np.inf)), late.shape)
            missed = int((np.isfinite(ref) & ~np.isfinite(got)).sum())
            worse = got - before  # against the first candidate (the set before)
            lost = int((np.isfinite(before) & ~np.isfinite(got)).sum())
            print(f"{name:42s} late by up to {late[i]:6.1f} s (at {R_NODES_KM[i[0]]:5.0f} km, "
                  f"{H_NODES_KM[i[1]]:5.0f} km up: {got[i]:6.0f} s against {ref[i]:6.0f} s), "
                  f"{missed} cells missed; later than before by up to {np.nanmax(np.append(worse, 0.0)):5.1f} s, "
                  f"{lost} cells lost; build x{dt / base_s:.2f}")


if __name__ == "__main__":
    main()
