"""The U.S. Standard Atmosphere 1976 on arrays of geometric altitude.

Exact to 86 km; above, a documented extension of the standard's tables to
1,000 km (see :mod:`openbmd.kernels.atmosphere`); density 0 above 1,000 km.
"""
from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from openbmd.kernels.atmosphere import ussa76

__all__ = ["AtmosphereState", "atmosphere", "density_kg_m3", "speed_of_sound_m_s"]


@dataclass(frozen=True, kw_only=True)
class AtmosphereState:
    """Air properties at the requested altitudes (arrays of their shape)."""

    density_kg_m3: np.ndarray
    temperature_k: np.ndarray  #: kinetic temperature
    pressure_pa: np.ndarray
    speed_of_sound_m_s: np.ndarray  #: held at its 86 km value above 86 km


@numba.njit(cache=True)
def _ussa76_loop(alt, rho, temp, pres, sound):
    for i in range(alt.size):
        rho[i], temp[i], pres[i], sound[i] = ussa76(alt[i])


def _evaluate(alt_m):
    alt = np.asarray(alt_m, dtype=float)
    flat = np.ascontiguousarray(alt).ravel()
    outs = [np.empty(flat.size) for _ in range(4)]
    _ussa76_loop(flat, *outs)
    return [o.reshape(alt.shape)[()] if alt.ndim == 0 else o.reshape(alt.shape) for o in outs]


def atmosphere(alt_m) -> AtmosphereState:
    """USSA-1976 density, temperature, pressure and speed of sound at ``alt_m``
    (geometric altitude in metres, any shape)."""
    rho, temp, pres, sound = _evaluate(alt_m)
    return AtmosphereState(
        density_kg_m3=rho, temperature_k=temp, pressure_pa=pres, speed_of_sound_m_s=sound
    )


def density_kg_m3(alt_m):
    """USSA-1976 air density (kg/m^3) at geometric altitude ``alt_m`` (m)."""
    return _evaluate(alt_m)[0]


def speed_of_sound_m_s(alt_m):
    """USSA-1976 speed of sound (m/s) at geometric altitude ``alt_m`` (m)."""
    return _evaluate(alt_m)[3]
