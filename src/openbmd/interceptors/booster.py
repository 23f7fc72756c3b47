"""The kinematic form of an interceptor booster, turned into an equivalent single stage.

Open sources give interceptors as a burnout speed, sometimes a burn time and a
launch mass, almost never stage masses.  The trajectory engine flies stages,
so the kinematic form becomes one stage with a notional mass split (N):

- kill vehicle and shroud ``KV_FRACTION`` = 5 % of the launch mass (the payload),
- burnt-out structure ``DRY_FRACTION`` = 10 %, propellant the remaining 85 %
  (final-to-launch mass 0.15: a burnout acceleration of ~15-25 g, the class
  of a multi-stage interceptor's last stage),
- constant thrust over ``burn_time_s``,

and its one free number, the effective Isp, is solved so that the engine's
burnout speed equals the stated one on the *reference fly-out*: the fly-out
steering of :mod:`openbmd.interceptors.flyout` (1 s vertical rise, 4 s
pitch-over) with the kick that flies farthest (best of a 40-kick fan), from the
equator on a non-rotating WGS-84 Earth with drag, i.e. the speed relative to a
non-rotating Earth the literature quotes.  Other kicks burn out a few per cent
faster or slower (less drag when steep, less gravity loss when flat; the test
suite measures the spread).  Isp is a fitting parameter,
not a claim about propellant; the solve refuses when it would pass 600 s.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from openbmd.earth.model import G0_M_S2, earth_model
from openbmd.errors import InputError
from openbmd.flight.lanes import powered_lanes
from openbmd.flight.propagate import run_lanes
from openbmd.flight.shaping import KICK_MIN_DEG
from openbmd.missiles.model import MAX_ISP_S, Missile, Stage

KV_FRACTION = 0.05  #: N: kill vehicle + shroud, fraction of launch mass
DRY_FRACTION = 0.10  #: N: burnt-out structure, fraction of launch mass
#: a generic slender-body zero-lift Cd(Mach) for interceptors without a published table (N):
#: the subsonic/transonic/supersonic shape of the V-2 class curve (Sutton, Rocket Propulsion
#: Elements) scaled down ~30 % for a slender, finned body of fineness ratio ~15-20
GENERIC_DRAG_MACH = (0.0, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 8.0)
GENERIC_DRAG_CD = (0.12, 0.13, 0.25, 0.30, 0.26, 0.22, 0.17, 0.13, 0.11)
#: the calibration stops when the burnout speed is this close (relative)
CALIBRATION_RTOL = 2e-3
#: fly-out steering (N): interceptors leave the launcher (a VLS cell, a silo) vertically and pitch
#: over within about a second; the missiles' 4-12 s rise would keep a high-acceleration
#: interceptor from flying flat.  The pitch-over lasts PITCH_OVER_S (the engine's default).
VERTICAL_RISE_S = 1.0
PITCH_OVER_S = 4.0
FAN_KICK_MAX_DEG = 89.0


def fan_kicks(n: int) -> np.ndarray:
    """Pitch-over kicks (deg) from nearly vertical to flat: geometric near vertical (where the
    arcs change fastest), linear beyond."""
    return np.unique(np.concatenate([np.geomspace(KICK_MIN_DEG, FAN_KICK_MAX_DEG, n // 2),
                                     np.linspace(KICK_MIN_DEG, FAN_KICK_MAX_DEG, n - n // 2)]))


def reference_fan(booster: Missile, n: int = 40):
    """The reference fly-out's fan: (kicks, FlightBatch) on the non-rotating WGS-84 Earth with drag."""
    model = earth_model("wgs84", rotation=False)
    kicks = fan_kicks(n)
    lanes = powered_lanes([booster], np.zeros(kicks.size, np.int64), 0.0, 0.0, 0.0, 0.0, kicks, np.inf,
                          model, t_vert_s=VERTICAL_RISE_S)
    return kicks, run_lanes(lanes, model, launch_lat_deg=0.0, launch_lon_deg=0.0)


def reference_burnout_speed_m_s(booster: Missile) -> float:
    """Burnout speed (m/s) of ``booster`` on the reference fly-out (see module doc)."""
    _, batch = reference_fan(booster)
    rng = np.where(batch.ok, batch.range_m, -np.inf)
    return float(batch.burnout_speed_m_s[int(np.argmax(rng))])


def _stage_booster(iid: str, name: str, isp_s: float, burn_time_s: float, launch_mass_kg: float,
                   diameter_m: float, drag_mach, drag_cd) -> Missile:
    stage = Stage(propellant_kg=(1.0 - KV_FRACTION - DRY_FRACTION) * launch_mass_kg,
                  dry_kg=DRY_FRACTION * launch_mass_kg, burn_time_s=burn_time_s, isp_s=isp_s)
    return Missile(id=f"{iid}-booster", name=f"{name} (equivalent single stage)",
                   payload_kg=KV_FRACTION * launch_mass_kg, diameter_m=diameter_m,
                   drag_mach=tuple(drag_mach), drag_cd=tuple(drag_cd), stages=(stage,))


def _ideal_isp(dv_m_s: float) -> float:
    ratio = 1.0 / (KV_FRACTION + DRY_FRACTION)
    return dv_m_s / (G0_M_S2 * np.log(ratio))


@lru_cache(maxsize=256)
def kinematic_booster(iid: str, name: str, *, burnout_speed_km_s: float, burn_time_s: float,
                      launch_mass_kg: float, diameter_m: float,
                      drag_mach: tuple = GENERIC_DRAG_MACH, drag_cd: tuple = GENERIC_DRAG_CD) -> Missile:
    """The equivalent single-stage booster whose reference burnout speed is ``burnout_speed_km_s``.

    Secant iteration on the effective Isp (each step one maximum-range kick
    search, ~18 flights).  Raises InputError when no Isp up to 600 s reaches
    the speed (too fast for one stage at this mass split).
    """
    want = burnout_speed_km_s * 1e3
    if not want > 0:
        raise InputError(f"burnout_speed_km_s = {burnout_speed_km_s} must be > 0")

    def speed(isp: float) -> float:
        return reference_burnout_speed_m_s(_stage_booster(iid, name, isp, burn_time_s, launch_mass_kg,
                                                          diameter_m, drag_mach, drag_cd))

    # first guess: the rocket equation with 15 % losses; the stage must lift off (T/W > 1)
    isp_min = 1.05 * burn_time_s / (1.0 - KV_FRACTION - DRY_FRACTION)  # lift-off thrust/weight 1.05
    x0 = max(min(_ideal_isp(1.15 * want), MAX_ISP_S), isp_min)
    f0 = speed(x0) - want
    x1 = max(min(x0 * (1.0 - 0.8 * f0 / want), MAX_ISP_S), isp_min)
    for _ in range(12):
        f1 = speed(x1) - want
        if abs(f1) <= CALIBRATION_RTOL * want:
            return _stage_booster(iid, name, x1, burn_time_s, launch_mass_kg, diameter_m, drag_mach, drag_cd)
        if f1 == f0:
            break
        x0, f0, x1 = x1, f1, x1 - f1 * (x1 - x0) / (f1 - f0)
        if x1 > MAX_ISP_S:
            if x0 >= MAX_ISP_S:
                break
            x1 = MAX_ISP_S
        x1 = max(x1, isp_min)
    raise InputError(f"burnout_speed_km_s = {burnout_speed_km_s:g}: an equivalent single stage of "
                     f"{launch_mass_kg:g} kg burning {burn_time_s:g} s cannot reach it with an Isp up to "
                     f"{MAX_ISP_S:g} s; give [[stages]] instead")
