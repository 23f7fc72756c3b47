"""Where a radar first sees a target at a given altitude: the horizon or the radar equation.

``horizon_range_km`` is the ground range at which a target at H km rises above
the radar's minimum elevation (closed form on a sphere of the local radius of
curvature, optionally the 4/3 Earth; :mod:`openbmd.sensors.geometry`);
``detection_range_km`` is the radar-equation slant range against the RCS
(capped at the instrumented range). ``limit`` names the binding one: the
horizon binds when the slant range to the target as it rises is within the
detection range, otherwise the detection range binds.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from openbmd.errors import InputError
from openbmd.sensors import geometry as geo
from openbmd.sensors.radar import Radar, _positive_rcs

#: Default threat RCS (m^2): a warhead seen from ahead. Order of magnitude only (flag M/D):
#: docs/research/sensors.md 2.1 (NRC 2012's ~1,500 km AN/TPY-2 circles match ~0.1 m^2, D) and
#: 2.6 (RV at UHF 0.1-1 m^2, M); Lewis & Postol 2012 take 0.01 m^2 as the stressing X-band case.
DEFAULT_RCS_M2 = 0.1
#: Default body RCS of a burning ICBM/IRBM booster (m^2). Notional (N), plausible range 0.5-10 m^2:
#: open boost-phase analyses take boosters as ~1-10 m^2 bodies against ~0.01-0.1 m^2 for a
#: re-entry vehicle (APS, *Report of the APS Study Group on Boost-Phase Intercept Systems for
#: National Missile Defense*, Rev. Mod. Phys. 76, S1, 2004 (the 2003 study); Wilkening and Postol
#: on the third site use the same orders of magnitude: M, the figures not seen here). A 1.5-2.5 m
#: diameter, 10-20 m long body seen off its nose is square metres at UHF and X band (physical
#: optics of a cylinder of that size). 1 m^2, the low end, is the conservative default; the
#: sensitivity sweep covers the range. A missile file's ``booster_rcs_m2`` overrides it.
DEFAULT_BOOSTER_RCS_M2 = 1.0
#: the plausible range of DEFAULT_BOOSTER_RCS_M2 (m^2), for sweeps
BOOSTER_RCS_RANGE_M2 = (0.5, 10.0)


class HorizonRange(NamedTuple):
    horizon_range_km: float  #: ground range at which the target rises above the minimum elevation
    detection_range_km: float  #: radar-equation slant range (capped at the instrumented range)
    limit: str  #: "horizon" or "detection": the binding one


def horizon_geometry(radar: Radar, target_alt_km: float, *, refraction: bool | None = None,
                     azimuth_deg: float | None = None) -> tuple[float, float]:
    """(ground range km, slant range km) at which a target at ``target_alt_km`` rises above
    the minimum elevation; (0, nan) if it never does. ``azimuth_deg`` picks Euler's radius
    of curvature along that azimuth (default: the Gaussian mean radius at the site)."""
    h = _altitude_m(target_alt_km)
    k = geo.K_REFRACTION if (radar.refraction if refraction is None else refraction) else 1.0
    radius = float(geo.local_radius_m(radar.site_lat_deg, radar.earth, azimuth_deg))
    psi = float(geo.horizon_central_angle_rad(radar.site_alt_m, h, radar.el_min_rad, radius, k))
    if math.isnan(psi):
        return 0.0, math.nan
    slant = float(geo.slant_range_m(radar.site_alt_m, h, psi, radius, k))
    return radius * psi / 1e3, slant / 1e3


def horizon_range(radar: Radar, target_alt_km: float, rcs_m2: float = DEFAULT_RCS_M2, *,
                  refraction: bool | None = None, azimuth_deg: float | None = None) -> HorizonRange:
    """(horizon_range_km, detection_range_km, limit) of ``radar`` against a target at
    ``target_alt_km`` with ``rcs_m2``. ``refraction`` overrides the radar's own flag."""
    ground_km, slant_km = horizon_geometry(radar, target_alt_km, refraction=refraction,
                                           azimuth_deg=azimuth_deg)
    detect_km = float(radar.detection_range_km(_positive_rcs(rcs_m2)))
    binds_horizon = math.isnan(slant_km) or slant_km <= detect_km  # nan: never rises above the limit
    return HorizonRange(ground_km, detect_km, "horizon" if binds_horizon else "detection")


def _altitude_m(target_alt_km: float) -> float:
    h = float(target_alt_km)
    if not (math.isfinite(h) and 0.0 <= h <= 1e5):
        raise InputError(f"target altitude {target_alt_km} km is not allowed; it must be in [0, 100000] km")
    return h * 1e3


def threat_rcs_m2(missile, rcs_m2: float | None = None) -> float:
    """The RCS radars see: the given one, else the missile's ``rv_rcs_m2``, else the
    project's default warhead RCS (openbmd.sensors.horizon.DEFAULT_RCS_M2)."""
    if rcs_m2 is not None:
        if not (np.isfinite(rcs_m2) and rcs_m2 > 0):
            raise InputError(f"radar cross section {rcs_m2} m^2 must be > 0")
        return float(rcs_m2)
    return float(getattr(missile, "rv_rcs_m2", None) or DEFAULT_RCS_M2)


def threat_signature(missile, rcs_m2: float | None = None, booster_rcs_m2: float | None = None, *,
                     boost: bool = True):
    """What radars see of ``missile`` over its flight (:class:`openbmd.sensors.signature.Signature`):
    the warhead's RCS (:func:`threat_rcs_m2`) after burnout and, with ``boost``, the booster's
    before (the given one, else the missile's ``booster_rcs_m2``, else DEFAULT_BOOSTER_RCS_M2)."""
    from openbmd.sensors.signature import Signature

    rv = threat_rcs_m2(missile, rcs_m2)
    if not boost:
        return Signature(rv_rcs_m2=rv)
    booster = booster_rcs_m2 if booster_rcs_m2 is not None else getattr(missile, "booster_rcs_m2", None)
    return Signature(rv_rcs_m2=rv, booster_rcs_m2=booster or DEFAULT_BOOSTER_RCS_M2)
