"""Site (openbmd.earth.frames): its local frame against PROJ's topocentric conversion, round
trips and broadcasting over leading dimensions."""
import numpy as np
import pyproj
import pytest

from openbmd.earth.frames import Site
from openbmd.earth.geodesy import geodetic_to_ecef
from openbmd.errors import InputError

SITES = [(38.349, 37.794, 2085.0), (-33.9, 151.2, 0.0), (89.9, -120.0, 100.0)]


def _proj_enu(site: Site, ecef):
    """PROJ's +proj=topocentric (ECEF -> east, north, up at a geodetic origin), an independent reference."""
    t = pyproj.Transformer.from_pipeline(
        f"+proj=topocentric +ellps=WGS84 +lat_0={site.lat_deg} +lon_0={site.lon_deg} +h_0={site.alt_m}")
    return np.stack(t.transform(ecef[:, 0], ecef[:, 1], ecef[:, 2]), axis=-1)


@pytest.mark.parametrize("lat,lon,alt", SITES)
def test_enu_matches_proj_topocentric(lat, lon, alt):
    site = Site(lat_deg=lat, lon_deg=lon, alt_m=alt)
    rng = np.random.default_rng(1)
    pts = geodetic_to_ecef(lat + rng.uniform(-20, 20, 50).clip(-90 - lat, 90 - lat), lon + rng.uniform(-30, 30, 50),
                           rng.uniform(0, 1.5e6, 50))
    np.testing.assert_allclose(site.enu(pts), _proj_enu(site, pts), atol=1e-3)  # 1 mm


def test_aer_of_known_directions():
    site = Site(lat_deg=10.0, lon_deg=20.0, alt_m=0.0)
    for az_deg, el_deg in [(0, 0), (90, 30), (225, 60), (300, -5)]:
        az, el = np.radians(az_deg), np.radians(el_deg)
        enu = 1e5 * np.array([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)])
        a, e, r = site.aer(site.ecef(enu))
        assert a == pytest.approx(az % (2 * np.pi), abs=1e-12)
        assert e == pytest.approx(el, abs=1e-12) and r == pytest.approx(1e5, rel=1e-12)


def test_broadcasts_over_leading_dimensions():
    site = Site(lat_deg=45.0, lon_deg=-70.0, alt_m=30.0)
    pts = geodetic_to_ecef(np.linspace(40, 50, 24).reshape(2, 3, 4), -70.0, 1e5)
    enu = site.enu(pts)
    assert enu.shape == (2, 3, 4, 3)
    np.testing.assert_allclose(site.ecef(enu), pts, atol=1e-6)
    az, el, rng = site.aer(pts)
    assert az.shape == el.shape == rng.shape == (2, 3, 4)
    np.testing.assert_allclose(site.enu(pts[1, 2]), enu[1, 2])
    np.testing.assert_allclose(np.linalg.norm(site.line_of_sight(pts), axis=-1), 1.0)


def test_site_is_immutable_and_hashable():
    a, b = Site(lat_deg=1.0, lon_deg=2.0), Site(lat_deg=1.0, lon_deg=2.0)
    assert a == b and hash(a) == hash(b)
    np.testing.assert_allclose(a.rotation @ a.rotation.T, np.eye(3), atol=1e-15)
    with pytest.raises(ValueError):
        a.rotation[0, 0] = 2.0
    with pytest.raises(InputError, match="latitude"):
        Site(lat_deg=91.0, lon_deg=0.0)


def test_a_trajectory_in_a_sites_frame():
    from openbmd.flight import fly
    from openbmd.missiles import get_missile

    tr = fly(get_missile("shahab-3"), 38.08, 46.29, target=(39.93, 32.86)).trajectory
    site = Site(lat_deg=38.349, lon_deg=37.794, alt_m=2085.0)
    np.testing.assert_array_equal(tr.enu(site), tr.enu(38.349, 37.794, 2085.0))
    np.testing.assert_allclose(tr.enu(site), _proj_enu(site, tr.ecef_m), atol=1e-3)
