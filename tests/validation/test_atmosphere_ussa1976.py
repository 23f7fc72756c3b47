"""The atmosphere against the published U.S. Standard Atmosphere 1976.

Source: U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562 / NASA-TM-X-74335
(U.S. Government Printing Office, 1976): table 4 (layer bases, geopotential
altitude) and table I (properties at geometric altitude). Below 86 km the
model is the standard itself, so tolerances are the tables' rounding
(0.1%); above 86 km it interpolates table I, so off-node values get 2%.
"""
import dataclasses

import numpy as np
import pytest

from openbmd.earth import AtmosphereState, atmosphere, density_kg_m3, speed_of_sound_m_s

R0 = 6356766.0  # m, the standard's r0 for geopotential altitude (eq. 18)


def _geometric(h_geopotential_m):
    return R0 * h_geopotential_m / (R0 - h_geopotential_m)


# Table 4: geopotential base (km), molecular-scale temperature (K), pressure (Pa).
# Density from table 4's companions at those heights (0.36392 at 11 km'; 0.088035 at 20 km').
LAYER_BASES = [
    (0.0, 288.15, 101325.0, 1.2250),
    (11.0, 216.65, 22632.06, 0.36392),
    (20.0, 216.65, 5474.889, 0.088035),
    (32.0, 228.65, 868.0187, None),
    (47.0, 270.65, 110.9063, None),
    (51.0, 270.65, 66.93887, None),
    (71.0, 214.65, 3.956420, None),
]


@pytest.mark.parametrize(("h_km", "t_k", "p_pa", "rho"), LAYER_BASES)
def test_layer_bases(h_km, t_k, p_pa, rho):
    state = atmosphere(_geometric(h_km * 1e3))
    assert state.temperature_k == pytest.approx(t_k, abs=1e-6)
    assert state.pressure_pa == pytest.approx(p_pa, rel=1e-6)
    if rho is not None:
        assert state.density_kg_m3 == pytest.approx(rho, rel=2e-5)


# Table I, geometric altitude: Z (km), T (K), p (Pa), rho (kg/m^3), sound speed (m/s).
TABLE_I = [
    (0.0, 288.15, 1.01325e5, 1.2250, 340.29),
    (11.0, 216.774, 2.2700e4, 3.6480e-1, 295.15),
    (20.0, 216.650, 5.5293e3, 8.8910e-2, 295.07),
    (32.0, 228.490, 8.8906e2, 1.3555e-2, 303.02),
    (50.0, 270.650, 7.9779e1, 1.0269e-3, 329.80),
    (86.0, 186.87, 3.7338e-1, 6.958e-6, 274.10),
]


@pytest.mark.parametrize(("z_km", "t_k", "p_pa", "rho", "c"), TABLE_I)
def test_table_i_below_86_km(z_km, t_k, p_pa, rho, c):
    state = atmosphere(z_km * 1e3)
    assert state.temperature_k == pytest.approx(t_k, rel=1e-4)
    assert state.pressure_pa == pytest.approx(p_pa, rel=1e-4)
    assert state.density_kg_m3 == pytest.approx(rho, rel=1e-4)
    assert state.speed_of_sound_m_s == pytest.approx(c, abs=0.01)


def test_table_i_densities_between_layer_bases():
    """Table I densities at 25, 30, 40, 60, 70, 80 km (also reproduced in
    H. Curtis, Orbital Mechanics for Engineering Students, table of USSA76)."""
    z_km = np.array([25.0, 30.0, 40.0, 60.0, 70.0, 80.0])
    ref = np.array([4.008e-2, 1.841e-2, 3.996e-3, 3.097e-4, 8.283e-5, 1.846e-5])
    np.testing.assert_allclose(density_kg_m3(z_km * 1e3), ref, rtol=1e-3)


def test_table_i_above_86_km_at_nodes():
    z_km = np.array([100.0, 150.0, 200.0, 300.0, 500.0, 1000.0])
    ref = np.array([5.604e-7, 2.076e-9, 2.541e-10, 1.916e-11, 5.215e-13, 3.561e-15])
    np.testing.assert_allclose(density_kg_m3(z_km * 1e3), ref, rtol=1e-3)


def test_table_i_above_86_km_between_nodes():
    """Table I densities at heights that are not interpolation nodes (2%)."""
    z_km = np.array([91.0, 125.0, 135.0, 145.0, 160.0, 170.0, 190.0, 550.0, 650.0, 750.0, 850.0, 950.0])
    ref = np.array([2.860e-6, 1.291e-8, 5.465e-9, 2.781e-9, 1.233e-9, 7.815e-10, 3.581e-10,
                    2.384e-13, 5.712e-14, 1.788e-14, 7.824e-15, 4.453e-15])
    np.testing.assert_allclose(density_kg_m3(z_km * 1e3), ref, rtol=0.02)


def test_table_i_kinetic_temperature_above_86_km():
    z_km = np.array([95.0, 100.0, 110.0, 120.0, 130.0, 150.0, 200.0, 300.0, 500.0, 1000.0])
    ref = np.array([188.42, 195.08, 240.00, 360.00, 469.27, 634.39, 854.56, 976.01, 999.24, 1000.00])
    np.testing.assert_allclose(atmosphere(z_km * 1e3).temperature_k, ref, atol=0.006)


def test_continuous_at_86_km_and_monotone_above():
    z = np.linspace(-5e3, 1000e3, 20001)
    state = atmosphere(z)
    assert state.density_kg_m3[-2] > 0.0
    assert np.all(np.diff(state.density_kg_m3) < 0.0)
    assert np.all(np.diff(state.pressure_pa) < 0.0)
    at = atmosphere(np.array([86e3 - 1e-3, 86e3]))
    np.testing.assert_allclose(at.density_kg_m3[0], at.density_kg_m3[1], rtol=1e-4)
    np.testing.assert_allclose(at.temperature_k[0], at.temperature_k[1], rtol=1e-5)


def test_documented_extensions():
    high = atmosphere(np.array([86e3, 300e3, 1000e3 + 1.0, 5e6]))
    assert np.all(high.speed_of_sound_m_s == high.speed_of_sound_m_s[0])  # held at 86 km
    assert np.all(high.density_kg_m3[2:] == 0.0)
    low = atmosphere(np.array([-5e3, -20e3]))
    assert low.density_kg_m3[0] == low.density_kg_m3[1]  # clamped below -5 km
    # the first layer extended down: T = 288.15 + 6.5 K/km * 5 km' (geopotential)
    assert low.temperature_k[0] == pytest.approx(288.15 - 6.5e-3 * R0 * -5e3 / (R0 - 5e3), abs=1e-9)
    assert np.isnan(density_kg_m3(np.nan))


def test_state_is_frozen_and_shaped():
    state = atmosphere(np.zeros((2, 3)))
    assert isinstance(state, AtmosphereState)
    assert state.pressure_pa.shape == (2, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.density_kg_m3 = None
    assert speed_of_sound_m_s(0.0) == pytest.approx(340.294, abs=1e-3)


def test_against_ussa1976_package():
    """Cross-check with the `ussa1976` package (a re-implementation of the
    standard's diffusion equations above 86 km): exact kinetic
    temperature; its densities sit up to ~7% above table I between 200 and
    700 km, so only gross errors are caught there.  `ussa1976` is a test
    dependency (pyproject's `test` extra): a missing package fails here, it
    does not skip the only independent reference above 86 km."""
    import ussa1976

    z = np.linspace(0.0, 1000e3, 401)
    ref = ussa1976.compute(z=z, variables=["t", "rho"])
    ours = atmosphere(z)
    above = z >= 86e3
    np.testing.assert_allclose(ours.temperature_k[above], ref["t"].values[above], atol=0.1)
    np.testing.assert_allclose(ours.density_kg_m3[~above], ref["rho"].values[~above], rtol=1e-4)
    np.testing.assert_allclose(ours.density_kg_m3[above], ref["rho"].values[above], rtol=0.08)
