"""Closed-form free flight on a spherical, non-rotating Earth without air.

Bate, Mueller & White, *Fundamentals of Astrodynamics* (Dover, 1971), ch. 6:
the ballistic arc from burnout is a conic.  Used to validate the integrator
and to seed searches.  Vectorized over burnout states.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ConicArc:
    """Free-flight arc from burnout to the impact radius (arrays, SI)."""

    range_angle_rad: np.ndarray  #: central angle burnout -> impact
    time_of_flight_s: np.ndarray  #: burnout -> impact
    apogee_radius_m: np.ndarray  #: highest radius reached after burnout
    eccentricity: np.ndarray
    semi_major_axis_m: np.ndarray


def conic_arc(r_bo_m, v_bo_m_s, gamma_rad, r_impact_m, mu_m3_s2) -> ConicArc:
    """The ballistic arc from burnout (radius, speed, flight-path angle) down to ``r_impact_m``.

    Valid for elliptic arcs (v^2 < 2 mu / r) that reach ``r_impact_m`` on the
    way down; other entries are NaN.
    """
    r, v, g, ri = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                        (r_bo_m, v_bo_m_s, gamma_rad, r_impact_m)))
    q = v * v * r / mu_m3_s2
    cg2 = np.cos(g) ** 2
    e = np.sqrt(1.0 + q * (q - 2.0) * cg2)
    a = r / (2.0 - q)
    p = r * q * cg2  # semi-latus rectum h^2/mu
    nu0 = np.arctan2(q * np.sin(g) * np.cos(g), q * cg2 - 1.0)
    with np.errstate(invalid="ignore"):
        nu1 = 2.0 * np.pi - np.arccos((p / ri - 1.0) / e)
    nu0 = np.mod(nu0, 2.0 * np.pi)
    psi = nu1 - nu0
    t = np.sqrt(a ** 3 / mu_m3_s2) * (_mean_anomaly(nu1, e) - _mean_anomaly(nu0, e))
    apo = np.where(nu0 < np.pi, a * (1.0 + e), r)
    bad = (q >= 2.0) | ~np.isfinite(psi) | (psi <= 0)
    nan = np.where(bad, np.nan, 1.0)
    return ConicArc(psi * nan, t * nan, apo * nan, e, a)


def _mean_anomaly(nu, e):
    """Mean anomaly in [0, 2 pi) for true anomaly nu in [0, 2 pi)."""
    ecc_anom = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2.0), np.sqrt(1.0 + e) * np.cos(nu / 2.0))
    ecc_anom = np.mod(ecc_anom, 2.0 * np.pi)
    return ecc_anom - e * np.sin(ecc_anom)


def max_range_burnout(range_angle_rad, r_m, mu_m3_s2):
    """Minimum burnout speed (m/s) and its flight-path angle (rad) for a symmetric arc
    of central angle psi (BMW eq. 6.2-16 and 6.2-17)."""
    s = np.sin(np.asarray(range_angle_rad, float) / 2.0)
    q = 2.0 * s / (1.0 + s)
    return np.sqrt(q * mu_m3_s2 / r_m), (np.pi - range_angle_rad) / 4.0


def burnout_for_apogee(range_angle_rad, r_bo_m, r_impact_m, r_apogee_m, mu_m3_s2, iters: int = 80):
    """Burnout speed (m/s) and flight-path angle (rad) of the conic that climbs from radius
    ``r_bo_m`` to the apogee radius ``r_apogee_m`` and comes down to ``r_impact_m`` after the
    central angle ``range_angle_rad``: the inverse of :func:`conic_arc` for a given apogee.

    With x = 1 - e, the orbit equation at apogee (r_a = p / (1 - e)), burnout and impact gives
    cos(angle from apogee) = (1 - x r_a / r) / (1 - x) at each end; the two angles add up to the
    range angle, an equation in x alone solved by bisection (on a symmetric arc, r_bo = r_impact,
    x = (1 - cos(psi/2)) / (r_a/r - cos(psi/2)) in closed form).  Then vis-viva gives the speed
    and h = sqrt(mu p) = r v cos(gamma) the angle.  NaN where no ellipse fits.
    """
    psi, rb, ri, ra = np.broadcast_arrays(*(np.asarray(v, float) for v in
                                            (range_angle_rad, r_bo_m, r_impact_m, r_apogee_m)))
    A, B = ra / rb, ra / ri

    def angle_sum(x):
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.arccos(np.clip((1 - A * x) / (1 - x), -1, 1))
                    + np.arccos(np.clip((1 - B * x) / (1 - x), -1, 1)))

    lo = np.zeros(psi.shape)
    hi = np.minimum(2.0 / (A + 1.0), 2.0 / (B + 1.0))
    ok = (A >= 1) & (B >= 1) & (angle_sum(hi) >= psi) & (psi > 0)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        below = angle_sum(mid) < psi
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    x = 0.5 * (lo + hi)
    e, p = 1.0 - x, ra * x
    a = ra / (1.0 + e)
    v = np.sqrt(mu_m3_s2 * (2.0 / rb - 1.0 / a))
    gamma = np.arccos(np.clip(np.sqrt(mu_m3_s2 * p) / (rb * v), -1.0, 1.0))
    nan = np.where(ok, 1.0, np.nan)
    return v * nan, gamma * nan
