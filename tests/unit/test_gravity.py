"""Point-mass + J2 gravity against closed forms and the potential's gradient."""
import math

import numpy as np
import pytest

from openbmd.earth import SPHERE, WGS84, gravity_m_s2
from openbmd.errors import InputError
from openbmd.kernels.geo import gravity_j2

MU, J2, A = WGS84.mu_m3_s2, WGS84.j2, WGS84.a_m
B = WGS84.b_m


def _potential(x, y, z):
    """U = -mu/r (1 - J2 (a/r)^2 P2(sin phi)), P2(s) = (3 s^2 - 1)/2."""
    r = math.sqrt(x * x + y * y + z * z)
    s = z / r
    return -MU / r * (1.0 - J2 * (A / r) ** 2 * (3.0 * s * s - 1.0) / 2.0)


def test_equator_closed_form():
    """On the equator P2 = -1/2, so g = mu/r^2 (1 + 3/2 J2 (a/r)^2), pointing inward."""
    g = gravity_m_s2([A, 0.0, 0.0])
    assert g[0] == pytest.approx(-MU / A**2 * (1.0 + 1.5 * J2), rel=1e-14)
    assert g[1] == g[2] == 0.0


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_pole_closed_form(sign):
    """On the axis P2 = 1, so g = mu/r^2 (1 - 3 J2 (a/r)^2), pointing inward."""
    g = gravity_m_s2([0.0, 0.0, sign * B])
    assert g[2] == pytest.approx(-sign * MU / B**2 * (1.0 - 3.0 * J2 * (A / B) ** 2), rel=1e-14)
    assert g[0] == g[1] == 0.0


def test_near_wgs84_normal_gravity():
    """WGS-84 normal gravity (NGA.STND.0036, 2014, eqs. 4-1..4-2): 9.7803253359 m/s^2
    at the equator, to which the centrifugal omega^2 a = 0.03392 m/s^2 is added back
    (gravitation only); 9.8321849378 m/s^2 at the poles. J4 and higher terms,
    absent here, make up the remaining ~1e-4 m/s^2."""
    g_eq = np.linalg.norm(gravity_m_s2([A, 0.0, 0.0]))
    assert g_eq == pytest.approx(9.7803253359 + WGS84.omega_rad_s**2 * A, abs=1e-4)
    g_pole = np.linalg.norm(gravity_m_s2([0.0, 0.0, B]))
    assert g_pole == pytest.approx(9.8321849378, abs=2e-4)


def test_is_minus_gradient_of_potential():
    """Central finite differences of U (step 1 m) at random points, 0 to 40,000 km up."""
    rng = np.random.default_rng(11)
    h = 1.0
    for _ in range(50):
        direction = rng.normal(size=3)
        p = direction / np.linalg.norm(direction) * rng.uniform(A, A + 4.0e7)
        g = np.array(gravity_j2(p[0], p[1], p[2], MU, J2, A))
        grad = np.empty(3)
        for k in range(3):
            e = np.zeros(3)
            e[k] = h
            grad[k] = (_potential(*(p + e)) - _potential(*(p - e))) / (2 * h)
        np.testing.assert_allclose(g, -grad, rtol=0, atol=1e-8 * np.linalg.norm(g))


def test_j2_zero_is_point_mass():
    p = np.array([3.0e6, -4.0e6, 5.0e6])
    r = np.linalg.norm(p)
    np.testing.assert_allclose(gravity_m_s2(p, SPHERE), -SPHERE.mu_m3_s2 * p / r**3, rtol=1e-15)


def test_axisymmetric_so_frame_rotation_commutes():
    """Rotating the position about z rotates the acceleration (valid in ECEF or ECI)."""
    p = np.array([4.0e6, 2.0e6, 5.5e6])
    c, s = math.cos(0.7), math.sin(0.7)
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(gravity_m_s2(rot @ p), rot @ gravity_m_s2(p), rtol=1e-13, atol=1e-15)


def test_shape_and_input_check():
    xyz = np.full((2, 4, 3), 7.0e6)
    assert gravity_m_s2(xyz).shape == (2, 4, 3)
    with pytest.raises(InputError, match=r"shape \(\.\.\., 3\)"):
        gravity_m_s2(np.zeros(4))
