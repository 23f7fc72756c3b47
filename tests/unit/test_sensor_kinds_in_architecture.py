"""A new sensor kind joins an architecture as data: the STSS-class infrared tracking satellites
(one class, openbmd.sensors.irtrack, plus its TOML) cue a battery through the same engine as radars.

examples/architectures/deveselu-stss.toml holds two batteries at Deveselu that differ only in the
sensor that may cue them (its own SPY-1, or the satellites phased over Tabriz at launch)."""
from pathlib import Path

import numpy as np
import pytest

from openbmd.architectures.loader import get_architecture
from openbmd.architectures.resolve import resolve
from openbmd.earth.geodesy import ecef_to_geodetic
from openbmd.earth.model import earth_model
from openbmd.engagement.engine import engage_many
from openbmd.errors import InputError
from openbmd.flight.aim_many import aim_many
from openbmd.flight.lanes import Tolerances
from openbmd.flight.samples import sample_flights
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile
from openbmd.sensors.irtrack import InfraredTracker

EXAMPLE = Path(__file__).parents[2] / "examples" / "architectures" / "deveselu-stss.toml"
TABRIZ = (38.08, 46.29)
#: Bucharest, Sofia, Ankara, Istanbul
TARGETS = np.array([(44.43, 26.10), (42.70, 23.32), (39.93, 32.86), (41.01, 28.98)])


@pytest.fixture(scope="module")
def outcome():
    r = resolve(get_architecture(str(EXAMPLE)))
    L = Launcher(get_missile("sejjil-2"), *TABRIZ, earth_model("wgs84"), True)
    a = aim_many(L, TARGETS[:, 0], TARGETS[:, 1])
    s = sample_flights(L.fly(a.azimuth_deg, a.kick_deg, a.cutoff_s, tol=Tolerances(max_step_s=30.0),
                             sample_dt_s=2.0), 2.0)
    res = engage_many(r, s, 0.1)
    return r, s, {b.battery_id: b for b in res.batteries}


def test_the_constellation_is_placed_over_the_launch_area(outcome):
    r, _, _ = outcome
    stss = r.radars["stss"]
    assert isinstance(stss, InfraredTracker) and stss.site is None
    lat, lon, alt = ecef_to_geodetic(stss.positions_m(np.array([0.0]))[0, 0])
    # `over` phases on the geocentric latitude: the sub-satellite point is within 0.2 deg of Tabriz
    assert abs(lat - TABRIZ[0]) < 0.2 and abs(lon - TABRIZ[1]) < 0.01
    assert abs(alt - stss.altitude_m) < 25e3  # the circular orbit over the ellipsoid


def test_satellite_cueing_tracks_earlier_and_never_engages_less(outcome):
    _, s, b = outcome
    own, sat = b["own-radar"], b["stss-cued"]
    assert np.all(np.isfinite(sat.firm_track_s))
    assert np.all(sat.firm_track_s >= s.burnout_s)  # the ballistic filter starts after burnout
    assert np.all(sat.firm_track_s <= own.firm_track_s)
    assert np.any(sat.firm_track_s < own.firm_track_s - 60.0)  # stereo angles beat the radar horizon
    # an earlier allowed launch keeps every intercept of a later one
    assert np.all(sat.battlespace.engageable >= own.battlespace.engageable)
    assert sat.battlespace.engageable.sum() > own.battlespace.engageable.sum()
    assert np.all(sat.launch_s == sat.firm_track_s + 30.0)  # the architecture's reaction


def _with(text: str, old: str, new: str, tmp_path) -> str:
    p = tmp_path / "arch.toml"
    assert old in text
    p.write_text(text.replace(old, new, 1))
    return str(p)


def test_a_warning_sensor_cannot_cue_and_a_satellite_is_no_fire_control(tmp_path):
    text = EXAMPLE.read_text()
    warn = _with(text, 'sensor = "stss-demo"', 'sensor = "sbirs"', tmp_path)
    with pytest.raises(InputError, match=r"'sbirs' \(space-ir\) gives warning, not tracks"):
        resolve(get_architecture(warn))
    fc = _with(text, 'fire_control = "spy-deveselu"\ncued_by = ["stss"]', 'fire_control = "stss"\ncued_by = ["stss"]',
               tmp_path)
    with pytest.raises(InputError, match=r"fire_control 'stss' is a space-ir-track sensor"):
        resolve(get_architecture(fc))
    far = _with(text, "lat_deg = 38.08", "lat_deg = 70.0", tmp_path)
    with pytest.raises(InputError, match="inclination"):
        resolve(get_architecture(far))
