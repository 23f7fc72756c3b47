"""Variants of a kinematic-form interceptor at another burnout speed (the speed sweeps).

The catalog interceptor's booster is one equivalent stage (:mod:`openbmd.interceptors.booster`):
a kill vehicle of 5 % of the launch mass, a burnt-out structure of 10 %, propellant 85 %, and an
effective Isp calibrated so that the reference fly-out burns out at the stated speed.  A variant
is the same interceptor with another burnout speed, built by the rule that keeps it the same
missile as far as it can (N, a modelling choice; stated in ``icbm-reach``'s assumptions):

- **slower** than the catalog speed: the same booster with its **burn cut short** (thrust
  termination, or energy management as in the boost tests of a test program): the catalog
  stage's launch mass, Isp, thrust and steering kept, the motor stopped once the reference
  fly-out reaches the speed; the unburnt propellant stays aboard as dead mass and is dropped
  with the structure (:func:`cut_booster`, regula falsi on the fraction of the burn).  Up to its
  cut the variant flies exactly as the catalog interceptor, so a faster variant is never behind
  a slower one anywhere along its fly-out and the needed speed is monotone, which the bisection
  of :func:`openbmd.analyses.icbm_sweeps.needed_speeds` assumes.  Rejected: lowering the Isp at
  the full load (the former rule) drops the lift-off thrust-to-weight towards 1 (the GBI failed
  below 6.0 km/s: the sweep's 3-5.75 km/s were silently left out); off-loading propellant makes
  the slower variant lighter, hence *quicker* over the first seconds than the catalog
  interceptor (a GBI off-loaded to 5.75 km/s engaged a depressed Irkutsk-Seattle flight that the
  6.0-8.5 km/s variants could not).
- **faster**: the catalog's kinematic rule re-calibrated at the new speed (same propellant load,
  burn time and launch mass, a higher effective Isp: a better motor of the same size,
  :func:`openbmd.interceptors.booster.kinematic_booster`); refused past an Isp of 600 s.

Either way the kill vehicle's two kinematic caps (``max_range_km``, ``max_intercept_alt_km``: a
free-flight range and a ballistic ceiling, each ~v^2) scale with ``(v / v_catalog)^2``; at the
catalog speed the variant IS the catalog interceptor.  This module is deliberately outside the
fly-out cache's code fingerprint (:data:`openbmd.interceptors.cache.PHYSICS_SOURCES`): a variant
enters the cache key through its stage figures, which are all it changes.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from openbmd.errors import InputError
from openbmd.interceptors.booster import CALIBRATION_RTOL, reference_burnout_speed_m_s
from openbmd.missiles.model import Missile

#: the burn is never cut shorter than this fraction (a booster of a few hundred m/s)
MIN_BURN_FRACTION = 0.02
CUT_MAX_ITER = 40
#: at a switch of the reference arc between two kicks, the closer side is taken within this (relative)
JUMP_RTOL = 0.012


def _cut(booster: Missile, burn: float) -> Missile:
    """``booster`` (one stage) burning ``burn`` (0-1] of its burn time at its own thrust and Isp; the
    propellant left unburnt is carried as dead mass (launch mass unchanged) and dropped at burnout."""
    st = booster.stages[0]
    unburnt = st.propellant_kg * (1.0 - burn)
    stage = replace(st, propellant_kg=st.propellant_kg - unburnt, dry_kg=st.dry_kg + unburnt,
                    burn_time_s=st.burn_time_s * burn)
    return replace(booster, stages=(stage,), name=f"{booster.name.split(' (')[0]} (burn cut to {burn:.3f})")


@lru_cache(maxsize=512)
def cut_booster(booster: Missile, burnout_speed_km_s: float) -> tuple[Missile, float]:
    """(booster, burn): the single-stage ``booster`` with its burn cut so that its reference fly-out
    burns out at ``burnout_speed_km_s`` (slower than it), and the fraction of the burn kept.

    Bisection on the fraction between :data:`MIN_BURN_FRACTION` and 1 (the burnout speed grows with
    it: the motor pushes harder than gravity and drag hold back; a flight that never gets going
    counts as too slow) to :data:`openbmd.interceptors.booster.CALIBRATION_RTOL`, as the catalog
    calibration.  The reference arc is the kick that flies farthest; where it switches from one
    kick of the fan to the next the burnout speed jumps by up to ~1 % (the kicks' spread), and a
    speed inside the jump is met by the closer side (within :data:`JUMP_RTOL`)."""
    if len(booster.stages) != 1 or booster.stages[0].isp_s is None:
        raise InputError(f"{booster.id}: cutting the burn needs the equivalent single stage of the kinematic form")
    want = float(burnout_speed_km_s) * 1e3

    def f(burn: float) -> float:
        d = reference_burnout_speed_m_s(_cut(booster, burn)) - want
        return d if d == d else -want  # NaN: no flight, too slow

    lo, hi = MIN_BURN_FRACTION, 1.0
    f_lo, f_hi = f(lo), f(hi)
    if not (f_hi > 0.0 and f_lo < 0.0):
        raise InputError(f"burnout_speed_km_s = {burnout_speed_km_s:g}: cutting the burn of {booster.id} (to "
                         f"between {MIN_BURN_FRACTION:g} and all of it) does not bracket it")
    for _ in range(CUT_MAX_ITER):
        x = 0.5 * (lo + hi)
        fx = f(x)
        if abs(fx) <= CALIBRATION_RTOL * want:
            return _cut(booster, x), x
        lo, f_lo, hi, f_hi = (x, fx, hi, f_hi) if fx < 0.0 else (lo, f_lo, x, fx)
        if hi - lo < 1e-6:  # a jump of the reference arc
            x, fx = (lo, f_lo) if -f_lo < f_hi else (hi, f_hi)
            if abs(fx) <= JUMP_RTOL * want:
                return _cut(booster, x), x
            break
    raise InputError(f"burnout_speed_km_s = {burnout_speed_km_s:g}: cutting the burn of {booster.id} did not "
                     "reach it")


def interceptor_at_speed(icp, speed_km_s: float):
    """The interceptor ``icp`` (kinematic form) at another burnout speed (see the module doc);
    the catalog one at its own speed.  InputError when it cannot be built."""
    from openbmd.interceptors.booster import kinematic_booster

    v0 = icp.burnout_speed_km_s
    if not (speed_km_s == speed_km_s and 0.0 < speed_km_s < 1e3):
        raise InputError(f"burnout speed {speed_km_s!r} km/s must be a positive number")
    if v0 is not None and abs(speed_km_s - v0) < 1e-9:
        return icp
    if not icp.kinematic or v0 is None:
        raise InputError(f"interceptor {icp.id!r} is given by [[stages]]; a burnout-speed sweep needs the "
                         "kinematic form (burnout_speed_km_s, burn_time_s, launch_mass_kg)")
    f = (speed_km_s / v0) ** 2
    kv = icp.kill_vehicle
    kv = replace(kv, max_range_km=kv.max_range_km * f, max_intercept_alt_km=kv.max_intercept_alt_km * f)
    bst = icp.booster
    if speed_km_s < v0:
        booster, _ = cut_booster(bst, float(speed_km_s))
        return replace(icp, booster=booster, kill_vehicle=kv, burnout_speed_km_s=float(speed_km_s),
                       burnout_speed_spread_km_s=None, burn_time_s=booster.stages[0].burn_time_s)
    booster = kinematic_booster(icp.id, icp.name, burnout_speed_km_s=float(speed_km_s),
                                burn_time_s=icp.burn_time_s, launch_mass_kg=icp.launch_mass_kg,
                                diameter_m=bst.diameter_m, drag_mach=tuple(bst.drag_mach), drag_cd=tuple(bst.drag_cd))
    return replace(icp, booster=booster, kill_vehicle=kv, burnout_speed_km_s=float(speed_km_s),
                   burnout_speed_spread_km_s=None)
