"""U.S. Standard Atmosphere 1976 as a cheap scalar numba kernel.

Source: *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562 (NASA-TM-X-74335),
U.S. Government Printing Office, Washington D.C., October 1976.

- Below 86 km geometric altitude the standard is reproduced exactly: the
  geometric altitude Z is converted to geopotential H = r0 Z / (r0 + Z)
  (eq. 18, r0 = 6,356,766 m), the molecular-scale temperature follows the
  seven layers of table 4, pressure comes from the hydrostatic equations
  (eqs. 33a/33b) with g0 = 9.80665 m/s^2, M0 = 28.9644 kg/kmol,
  R* = 8314.32 J/(kmol K), density from eq. 42, speed of sound from eq. 50
  (gamma = 1.4). Between 80 and 86 km the kinetic temperature is the
  molecular-scale temperature times M/M0 of table 8.
- Below 0 m the first layer is extended down to -5 km; lower altitudes are
  clamped to -5 km.
- Above 86 km (the standard's diffusive region) this is an *extension*:
  kinetic temperature from the standard's exact piecewise formulas
  (eqs. 27-31: isothermal to 91 km, elliptical to 110 km, +12 K/km to
  120 km, exponential to T_inf = 1000 K above), while density and pressure
  are interpolated between the standard's tabulated values (table I,
  geometric altitude) at the nodes below by a natural cubic spline in
  log(density) and log(pressure) (log-linear interpolation would be off by
  up to 5% between the 200/250 km and 600/700 km nodes). The interpolation
  error is below ~1.2% (largest near the 110 km temperature kink), measured
  by interpolating the `ussa1976` package's own node values against its
  fine profile. The speed of sound above 86 km is held at its 86 km
  value (the standard does not define it there). Density and pressure are 0
  above 1,000 km, where the temperature is held at 1,000 K.
"""
from __future__ import annotations

import math

import numba
import numpy as np

# Constants of the 1976 standard (table 2 / section 1.2).
G0 = 9.80665  # m/s^2
M0 = 28.9644  # kg/kmol, sea-level mean molecular weight
R_STAR = 8314.32  # J/(kmol K), the standard's gas constant
R0 = 6356766.0  # m, effective Earth radius for geopotential altitude
GAMMA = 1.4
GMR = G0 * M0 / R_STAR  # K/m, the hydrostatic constant (~0.0341632)
Z_MIN = -5000.0  # m, extension of the first layer downwards
Z_86 = 86000.0
Z_MAX = 1000000.0

# Table 4: base geopotential altitude (m), lapse rate (K/m).
_H_B = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0])
_L_B = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])


def _layer_bases():
    """Base temperatures (K) and pressures (Pa) by continuity from sea level."""
    t_b = [288.15]
    p_b = [101325.0]
    for i in range(len(_H_B) - 1):
        dh = _H_B[i + 1] - _H_B[i]
        t1 = t_b[i] + _L_B[i] * dh
        if _L_B[i] == 0.0:
            p1 = p_b[i] * math.exp(-GMR * dh / t_b[i])
        else:
            p1 = p_b[i] * (t_b[i] / t1) ** (GMR / _L_B[i])
        t_b.append(t1)
        p_b.append(p1)
    return np.array(t_b), np.array(p_b)


# 288.15, 216.65, 216.65, 228.65, 270.65, 270.65, 214.65 K;
# 101325, 22632.06, 5474.889, 868.0187, 110.9063, 66.93887, 3.956420 Pa
# (the standard's table 4 values, reproduced to 7 digits).
_T_B, _P_B = _layer_bases()

# Table 8: M/M0 at geometric altitudes 80.0, 80.5, ..., 86.0 km.
_MRATIO = np.array([
    1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579,
])

# Table I (geometric altitude): Z (km), pressure (Pa), density (kg/m^3).
_Z_HI = 1000.0 * np.array([
    86.0, 90.0, 95.0, 100.0, 110.0, 115.0, 120.0, 130.0, 140.0, 150.0, 175.0,
    180.0, 200.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0, 600.0, 700.0,
    800.0, 900.0, 1000.0,
])
_LOGP_HI = np.log(np.array([
    3.7338e-1, 1.8359e-1, 7.5966e-2, 3.2011e-2, 7.1042e-3, 4.0096e-3,
    2.5382e-3, 1.2505e-3, 7.2028e-4, 4.5422e-4, 1.7936e-4, 1.5271e-4,
    8.4736e-5, 2.4767e-5, 8.7704e-6, 3.4498e-6, 1.4518e-6, 6.4468e-7,
    3.0236e-7, 8.2130e-8, 3.1908e-8, 1.7036e-8, 1.0873e-8, 7.5138e-9,
]))
_LOGRHO_HI = np.log(np.array([
    6.958e-6, 3.416e-6, 1.393e-6, 5.604e-7, 9.708e-8, 4.289e-8, 2.222e-8,
    8.152e-9, 3.831e-9, 2.076e-9, 6.339e-10, 5.194e-10, 2.541e-10, 6.073e-11,
    1.916e-11, 7.014e-12, 2.803e-12, 1.184e-12, 5.215e-13, 1.137e-13,
    3.070e-14, 1.136e-14, 5.759e-15, 3.561e-15,
]))



def _natural_spline(x, y):
    """Per-interval coefficients (c1, c2, c3) of a natural cubic spline.

    On [x_i, x_i+1] with t = x - x_i: y = y_i + c1 t + c2 t^2 + c3 t^3.
    """
    n = x.size
    h = np.diff(x)
    mat = np.zeros((n, n))
    rhs = np.zeros(n)
    mat[0, 0] = mat[-1, -1] = 1.0  # natural ends: zero second derivative
    for i in range(1, n - 1):
        mat[i, i - 1] = h[i - 1]
        mat[i, i] = 2.0 * (h[i - 1] + h[i])
        mat[i, i + 1] = h[i]
        rhs[i] = 6.0 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1])
    m = np.linalg.solve(mat, rhs)  # second derivatives at the nodes
    c1 = np.diff(y) / h - h * (2.0 * m[:-1] + m[1:]) / 6.0
    return c1, m[:-1] / 2.0, np.diff(m) / (6.0 * h)


_RHO_C1, _RHO_C2, _RHO_C3 = _natural_spline(_Z_HI, _LOGRHO_HI)
_P_C1, _P_C2, _P_C3 = _natural_spline(_Z_HI, _LOGP_HI)

# Speed of sound at 86 km (molecular-scale temperature 186.946 K): ~274.1 m/s.
_T_M86 = _T_B[6] + _L_B[6] * (R0 * Z_86 / (R0 + Z_86) - _H_B[6])
C_86 = math.sqrt(GAMMA * R_STAR / M0 * _T_M86)


@numba.njit(cache=True)
def _temperature_above_86(z):
    """Kinetic temperature (K) at geometric altitude z (m), 86-1000 km (eqs. 27-31)."""
    if z < 91000.0:
        return 186.8673
    if z < 110000.0:  # elliptical segment
        x = (z - 91000.0) / -19942.9
        return 263.1905 - 76.3232 * math.sqrt(1.0 - x * x)
    if z < 120000.0:
        return 240.0 + 12.0e-3 * (z - 110000.0)
    xi = (z - 120000.0) * (R0 + 120000.0) / (R0 + z)
    return 1000.0 - 640.0 * math.exp(-0.01875e-3 * xi)


@numba.njit(cache=True)
def _upper(z):
    """(rho, T, p, c) for 86 km <= z <= 1000 km: the documented extension."""
    lo = 0
    hi = _Z_HI.size - 1
    while hi - lo > 1:  # bisection over the table nodes
        mid = (lo + hi) // 2
        if _Z_HI[mid] <= z:
            lo = mid
        else:
            hi = mid
    t = z - _Z_HI[lo]
    rho = math.exp(_LOGRHO_HI[lo] + t * (_RHO_C1[lo] + t * (_RHO_C2[lo] + t * _RHO_C3[lo])))
    p = math.exp(_LOGP_HI[lo] + t * (_P_C1[lo] + t * (_P_C2[lo] + t * _P_C3[lo])))
    return rho, _temperature_above_86(z), p, C_86


@numba.njit(cache=True)
def ussa76(h_m):
    """US Standard Atmosphere 1976 at geometric altitude h_m (m).

    Returns (density kg/m^3, kinetic temperature K, pressure Pa, speed of
    sound m/s). Exact to 86 km; above, the log-linear table extension
    described in the module docstring; density 0 above 1,000 km.
    """
    if h_m >= Z_86:
        if h_m > Z_MAX:
            return 0.0, 1000.0, 0.0, C_86
        return _upper(h_m)
    z = Z_MIN if h_m < Z_MIN else h_m  # NaN passes through to NaN outputs
    h = R0 * z / (R0 + z)  # geopotential altitude
    i = 6
    while i > 0 and h < _H_B[i]:
        i -= 1
    lapse = _L_B[i]
    t_m = _T_B[i] + lapse * (h - _H_B[i])
    if lapse == 0.0:
        p = _P_B[i] * math.exp(-GMR * (h - _H_B[i]) / _T_B[i])
    else:
        p = _P_B[i] * (_T_B[i] / t_m) ** (GMR / lapse)
    rho = p * M0 / (R_STAR * t_m)
    c = math.sqrt(GAMMA * R_STAR / M0 * t_m)
    t = t_m
    if z > 80000.0:  # kinetic T = T_M * M/M0 (table 8), linear in 0.5 km steps
        u = (z - 80000.0) / 500.0
        k = min(int(u), 11)
        t = t_m * (_MRATIO[k] + (u - k) * (_MRATIO[k + 1] - _MRATIO[k]))
    return rho, t, p, c
