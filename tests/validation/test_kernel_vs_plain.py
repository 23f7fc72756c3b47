"""The compiled kernel against a second, plain-numpy transcription of the same
equations (tests/validation/plain_flight.py: written from the missile model,
not from the kernel's packed arrays), integrated by scipy's RK45.  Powered
flights with staging, coasts, pitch-over, gravity turn, drag and rotation must
land at the same time and place."""
import numpy as np
import pytest

from openbmd.earth import WGS84
from openbmd.earth.geodesy import geodesic_inverse, geodetic_to_ecef
from openbmd.flight.lanes import KICK_DURATION_S, vertical_rise_s
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile
from plain_flight import PlainFlight


@pytest.mark.parametrize("missile_id, lat, lon, az, kick", [
    ("scud-b", 33.0, 44.0, 200.0, 30.0),
    ("shahab-3", 35.2, 53.9, 300.0, 15.0),
    ("sejjil-2", 36.2, 55.3, 320.0, 30.0),
])
def test_kernel_matches_plain_transcription(missile_id, lat, lon, az, kick):
    missile = get_missile(missile_id)
    launcher = Launcher(missile, lat, lon, WGS84)
    batch = launcher.fly(az, kick)
    r0 = geodetic_to_ecef(lat, lon, 0.0, WGS84)
    y0 = np.concatenate([r0, np.cross([0.0, 0.0, WGS84.omega_rad_s], r0)])  # at rest on the ground
    plain = PlainFlight(missile, az, kick, vertical_rise_s(missile), KICK_DURATION_S, WGS84)
    t, plat, plon = plain.impact(y0, 1e-10, 0.05, 5e-5, 20.0)
    assert batch.status[0] == 0
    assert batch.impact_time_s[0] == pytest.approx(t, abs=0.5)
    miss = geodesic_inverse(batch.impact_lat_deg[0], batch.impact_lon_deg[0], plat, plon)[0]
    assert miss < 500.0
