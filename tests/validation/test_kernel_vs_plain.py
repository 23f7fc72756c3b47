"""The compiled kernel against a second, plain-numpy transcription of the same
equations (tests/validation/plain_flight.py: written from the missile model,
not from the kernel's packed arrays), integrated by scipy's RK45.  Powered
flights with staging, coasts, pitch-over, gravity turn, drag and rotation must
land at the same time and place, and so must flights that hold their attitude after the
pitch-over."""
import numpy as np
import pytest

from openbmd.earth import WGS84
from openbmd.earth.geodesy import geodesic_inverse, geodetic_to_ecef
from openbmd.flight.lanes import KICK_DURATION_S, powered_lanes, vertical_rise_s
from openbmd.flight.propagate import run_lanes
from openbmd.flight.shaping import Launcher
from openbmd.interceptors import get_interceptor
from openbmd.interceptors.booster import PITCH_OVER_S, VERTICAL_RISE_S
from openbmd.kernels import flight as K
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


@pytest.mark.parametrize("vehicle, lat, lon, az, kick, t_vert, kick_dur, hold", [
    # an interceptor booster held to burnout after its pitch-over (the fly-out's held families)
    ("sm-3-iia", 54.5, 17.1, 60.0, 70.0, VERTICAL_RISE_S, PITCH_OVER_S, np.inf),
    # a two-stage missile held 70 s, through its staging at 60 s, then a gravity turn
    ("sejjil-2", 36.2, 55.3, 320.0, 25.0, None, KICK_DURATION_S, 70.0),
])
def test_kernel_matches_plain_transcription_with_an_attitude_hold(vehicle, lat, lon, az, kick, t_vert, kick_dur,
                                                                   hold):
    # the hold keeps the thrust fixed in inertial space; the plain transcription builds that
    # direction itself (the launch site's tilted vertical, turned with the Earth to the hold's start)
    missile = get_interceptor(vehicle).booster if vehicle.startswith("sm-3") else get_missile(vehicle)
    t_vert = vertical_rise_s(missile) if t_vert is None else t_vert
    lanes = powered_lanes([missile], np.zeros(1, np.int64), lat, lon, 0.0, az, kick, np.inf, WGS84,
                          t_vert_s=t_vert)
    lanes.lane[:, K.L_KICKDUR] = kick_dur
    lanes.lane[:, K.L_HOLD] = hold
    batch = run_lanes(lanes, WGS84, launch_lat_deg=lat, launch_lon_deg=lon)
    plain = PlainFlight(missile, az, kick, t_vert, kick_dur, WGS84, hold_s=hold)
    t, plat, plon = plain.impact(lanes.y0[0], 1e-10, 0.05, 5e-5, 20.0)
    assert batch.status[0] == 0
    assert batch.impact_time_s[0] == pytest.approx(t, abs=0.5)
    assert geodesic_inverse(batch.impact_lat_deg[0], batch.impact_lon_deg[0], plat, plon)[0] < 500.0
    # and the hold changes the flight: the same lane with a gravity turn lands elsewhere
    lanes.lane[:, K.L_HOLD] = 0.0
    turned = run_lanes(lanes, WGS84, launch_lat_deg=lat, launch_lon_deg=lon)
    assert abs(turned.impact_time_s[0] - t) > 10.0
