"""Gravitational acceleration of an Earth model (point mass plus J2), on arrays.

The field is axisymmetric about the Earth's axis, so positions may be ECEF
or ECI; the result is in the same frame. There is no centrifugal term.
"""
from __future__ import annotations

import numba
import numpy as np

from openbmd.earth.model import WGS84, EarthModel, earth_model
from openbmd.errors import InputError
from openbmd.kernels.geo import gravity_j2

__all__ = ["gravity_m_s2"]


@numba.njit(cache=True)
def _gravity_loop(xyz, mu, j2, a, out):
    for i in range(xyz.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = gravity_j2(xyz[i, 0], xyz[i, 1], xyz[i, 2], mu, j2, a)


def gravity_m_s2(xyz_m, earth: EarthModel | str = WGS84) -> np.ndarray:
    """Acceleration (..., 3) in m/s^2 at positions ``xyz_m`` (..., 3) in metres.

    Gradient of U = -mu/r (1 - J2 (a/r)^2 P2(sin phi)); J2 = 0 gives the
    point mass.
    """
    model = earth_model(earth)
    xyz = np.asarray(xyz_m, dtype=float)
    if xyz.ndim == 0 or xyz.shape[-1] != 3:
        raise InputError(f"xyz_m must have shape (..., 3); got shape {xyz.shape}")
    flat = np.ascontiguousarray(xyz.reshape(-1, 3))
    out = np.empty_like(flat)
    _gravity_loop(flat, model.mu_m3_s2, model.j2, model.a_m, out)
    return out.reshape(xyz.shape)
