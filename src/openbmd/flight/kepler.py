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
