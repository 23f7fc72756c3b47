"""Fly-out table mechanics and the kinematic form's burnout speed."""
import pickle

import numpy as np
import pytest

from openbmd.errors import InputError
from openbmd.flight import fly_batch
from openbmd.flight.shaping import Launcher, max_range_kick
from openbmd.earth.model import earth_model
from openbmd.interceptors import band_latitude, flyout_table, get_interceptor, reference_burnout_speed_m_s
from openbmd.interceptors.flyout import FlyoutTable

CATALOG = ("sm-3-ia", "sm-3-iia", "sm-3-iib", "gbi-3stage", "gbi-2stage", "thaad", "pac-3-mse", "arrow-3")


@pytest.mark.parametrize("iid", CATALOG)
def test_kinematic_form_reaches_its_burnout_speed(iid):
    """The calibration (reference fan) and, independently, the engine's own max-range steering
    (openbmd.flight.shaping: 4-12 s rise, golden/parabolic kick search, non-rotating WGS-84)
    both burn out within 2 % of the stated speed (PAC-3 MSE: 5 %, measured 3.3 % low)."""
    icp = get_interceptor(iid)
    want = icp.burnout_speed_km_s * 1e3
    assert reference_burnout_speed_m_s(icp.booster) == pytest.approx(want, rel=0.02)
    launcher = Launcher(icp.booster, 0.0, 0.0, earth_model("wgs84", rotation=False), True)
    kick = max_range_kick(launcher, 0.0)[0]
    # PAC-3 MSE is endo-atmospheric: its flat max-range path loses 3 % more to drag
    rel = 0.05 if iid == "pac-3-mse" else 0.02
    assert launcher.fly(0.0, kick).burnout_speed_m_s[0] == pytest.approx(want, rel=rel)


def _toy_table():
    t = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3)
    t[1] += 100.0
    return FlyoutTable("toy", 0.0, np.array([0.0, 180.0]), np.array([0.0, 10.0, 20.0]),
                       np.array([0.0, 5.0, 10.0]), t, 2 * t, 20.0, 10.0, min_alt_km=1.0, max_alt_km=9.0,
                       max_range_km=15.0)


def test_bilinear_lookup_broadcasts_and_applies_limits():
    tab = _toy_table()
    # node values: t[a, i, j] = 9a + 3i + j (+100 for a = 1); bilinear is exact for a linear table
    r, h = np.array([[5.0], [12.5]]), np.array([2.5, 7.5])
    got = tab.time_to(r, h, 0.0)
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got, 3 * r / 10 + h / 5)
    np.testing.assert_allclose(tab.time_to(5.0, 2.5, 90.0), 1.5 + 0.5 + 0.5 * (9 + 100))  # halfway in azimuth
    assert tab.time_to(5.0, 2.5) == pytest.approx(1.5 + 0.5 + 109)  # slowest direction
    assert np.isnan(tab.time_to(16.0, 5.0, 0.0)) and np.isfinite(tab.time_to(16.0, 5.0, 0.0, limits=False))
    assert np.isnan(tab.time_to(5.0, 0.5, 0.0)) and np.isnan(tab.time_to(5.0, 9.5, 0.0))
    assert np.isnan(tab.time_to(25.0, 5.0, 0.0, limits=False))  # outside the grid


def test_nan_nodes_poison_only_their_cells():
    tab = _toy_table()
    t = np.array(tab.time_s)
    t[0, 2, 2] = np.nan
    tab2 = FlyoutTable("toy", 0.0, tab.azimuth_deg, tab.range_km, tab.alt_km, t, t, 20.0, 10.0)
    assert np.isnan(tab2.time_to(15.0, 7.5, 0.0))
    assert np.isfinite(tab2.time_to(15.0, 2.5, 0.0)) and np.isfinite(tab2.time_to(10.0, 10.0, 0.0))


def test_battle_space_protocol_and_pickling():
    tab = _toy_table()
    t, v = tab(np.array([5.0]), np.array([2.5]))
    assert v[0] == pytest.approx(2 * t[0])
    again = pickle.loads(pickle.dumps(tab))
    assert again.time_to(5.0, 2.5, 0.0) == tab.time_to(5.0, 2.5, 0.0)


def test_tables_are_cached_per_latitude_band():
    icp = get_interceptor("thaad")
    a = flyout_table(icp, 38.3, azimuth_deg=(0.0, 90.0, 180.0, 270.0))
    b = flyout_table(icp, 36.1, azimuth_deg=(0.0, 90.0, 180.0, 270.0))
    assert a is b and a.site_lat_deg == band_latitude(38.3) == 37.5
    assert band_latitude(90.0) == 87.5 and band_latitude(-90.0) == -87.5
    with pytest.raises(InputError, match="outside"):
        band_latitude(91.0)
    with pytest.raises(InputError, match="evenly spaced"):
        flyout_table(icp, 38.3, azimuth_deg=(0.0, 10.0, 180.0))


def test_earth_rotation_speeds_eastward_flyouts():
    """An eastward launch starts with the ground's 0.46 km/s x cos(lat) and arrives earlier."""
    table = flyout_table(get_interceptor("sm-3-iia"), 0.0, azimuth_deg=(0.0, 90.0, 180.0, 270.0))
    east, west = table.time_to(2000.0, 300.0, 90.0), table.time_to(2000.0, 300.0, 270.0)
    assert east < west - 5.0
