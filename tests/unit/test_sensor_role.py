"""The sensor role (openbmd.sensors.base): the registry, and the batched methods against a
brute-force scan of every sample and against each other, on real threats."""
import numpy as np
import pytest

from openbmd.earth.model import earth_model
from openbmd.flight.aim_many import aim_many
from openbmd.flight.lanes import Tolerances
from openbmd.flight.samples import sample_flights
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile
from openbmd.sensors import SENSOR_KINDS, Radar, Sensor, SpaceInfrared, get_radar, get_sensor
from openbmd.sensors.radar import UNCUED_VOLUME_RATIO

TABRIZ = (38.08, 46.29)
#: Ankara, Bucharest, Athens, Kürecik area (within sejjil-2's ~2,000 km)
TARGETS = np.array([(39.93, 32.86), (44.43, 26.10), (37.98, 23.73), (38.0, 38.5)])


@pytest.fixture(scope="module")
def flights():
    m = get_missile("sejjil-2")
    L = Launcher(m, *TABRIZ, earth_model("wgs84"), True)
    a = aim_many(L, TARGETS[:, 0], TARGETS[:, 1])
    batch = L.fly(a.azimuth_deg, a.kick_deg, a.cutoff_s, tol=Tolerances(max_step_s=30.0), sample_dt_s=2.0)
    return batch, sample_flights(batch, 2.0)


RADARS = [("an-tpy-2-fbm", None), ("spy-1d", (34.0, 30.0)), ("voronezh-dm-armavir", None), ("spy-1d", (40.0, 20.0))]


def test_every_catalog_sensor_is_a_registered_sensor():
    assert {"radar", "space-ir"} <= set(SENSOR_KINDS)
    for kind, cls in SENSOR_KINDS.items():
        assert issubclass(cls, Sensor) and cls.KIND == kind
    assert isinstance(get_radar("spy-1d"), Sensor) and isinstance(get_sensor("sbirs"), Sensor)


@pytest.mark.parametrize("rid,site", RADARS)
@pytest.mark.parametrize("cued", [True, False])
def test_radar_first_look_equals_a_scan_of_every_sample(flights, rid, site, cued):
    """The coarse-then-fine search finds the same first sample as testing every sample after
    burnout (the threats here stay in view for far longer than the 10 s coarse step)."""
    _, s = flights
    radar = get_radar(rid) if site is None else get_radar(rid).at(site[0], site[1], 0.0)
    rcs = 0.05
    rcs_search = rcs if cued else rcs / UNCUED_VOLUME_RATIO
    X = s.ecef_m
    ok = np.isfinite(X[..., 0])
    seen = np.zeros(ok.shape, bool)
    seen[ok] = radar.visible(X[ok], rcs_m2=rcs_search)
    seen &= s.t_s[None, :] >= s.burnout_s[:, None]
    scan = np.where(seen.any(axis=1), s.t_s[np.argmax(seen, axis=1)], np.inf)
    np.testing.assert_array_equal(radar.first_seen_s(s, rcs, cued=cued), scan)
    first, firm = radar.track_times(s, rcs, cued=cued)
    np.testing.assert_array_equal(first, scan)
    np.testing.assert_array_equal(firm, radar.firm_track_s(s, rcs, cued=cued))
    # a firm track needs three detections: two revisits after the first look at least
    f = np.isfinite(firm)
    assert np.all(firm[f] >= first[f] + 2 * radar.revisit_s - 1e-9)
    assert np.all(np.isfinite(first[f]))


def test_the_comparison_is_not_empty(flights):
    """Some threats are seen and firm, some not: the equalities above test real values."""
    _, s = flights
    radar = get_radar("an-tpy-2-fbm")
    firm = radar.firm_track_s(s, 0.05)
    assert np.isfinite(firm).sum() >= 2
    assert np.all(firm[np.isfinite(firm)] >= s.burnout_s[np.isfinite(firm)])
    # uncued search sees later (or never)
    first_cued, first_uncued = radar.first_seen_s(s, 0.05), radar.first_seen_s(s, 0.05, cued=False)
    assert np.all(first_uncued >= first_cued)


def test_first_seen_before_burnout_is_earlier(flights):
    _, s = flights
    radar = get_radar("an-tpy-2-fbm")
    any_time = radar.first_seen_s(s, 0.05, after_burnout=False)
    post = radar.first_seen_s(s, 0.05)
    assert np.all(any_time <= post)
    assert np.any(any_time < s.burnout_s)  # Kürecik sees Tabriz launches during boost


def test_space_infrared_reports_only_while_the_booster_burns(flights):
    _, s = flights
    sbirs = get_sensor("sbirs")
    assert isinstance(sbirs, SpaceInfrared)
    first = sbirs.first_seen_s(s, None, after_burnout=False)
    burn = s.burnout_s
    np.testing.assert_array_equal(first, np.where(burn >= sbirs.delay_s, sbirs.delay_s, np.inf))
    short = type(s)(s.t_s, s.ecef_m, s.vel_m_s, np.full(len(s), sbirs.delay_s - 1.0), s.impact_s)
    assert np.all(np.isinf(sbirs.first_seen_s(short, None, after_burnout=False)))  # burnt out unseen
    assert np.all(np.isinf(sbirs.first_seen_s(s, None)))  # nothing after burnout
    assert np.all(np.isinf(sbirs.firm_track_s(s, 0.1)))  # no fire-control track


def test_observe_cued_is_uncued_search_until_the_cue(flights):
    """Before the cue a radar's looks are those of uncued search (the radar equation at
    RCS / UNCUED_VOLUME_RATIO, same noise draws); from the cue on it sees at least as far."""
    from openbmd.flight import fly

    res = fly(get_missile("sejjil-2"), *TABRIZ, target=(39.93, 32.86))
    radar = get_radar("an-tpy-2-fbm")
    uncued = radar.observe(res.trajectory, 0.05 / UNCUED_VOLUME_RATIO, np.random.default_rng(3), object_id="t")
    cued = radar.observe(res.trajectory, 0.05, np.random.default_rng(9), object_id="t")
    assert len(cued) >= len(uncued) > 10 and cued.t_s[0] <= uncued.t_s[0]
    for cue in (None, 60.0, 200.0):
        a = radar.observe_cued(res.trajectory, 0.05, np.random.default_rng(3), cue, "t")
        before = a.t_s < (np.inf if cue is None else cue)
        n = int(before.sum())
        for k in ("t_s", "range_m", "az_rad", "el_rad"):
            np.testing.assert_array_equal(getattr(a, k)[:n], getattr(uncued, k)[uncued.t_s < (cue or np.inf)])
        if cue is not None:
            np.testing.assert_array_equal(a.t_s[n:], cued.t_s[cued.t_s >= cue])
    assert len(a) > 10


def test_a_radar_is_still_a_plain_radar():
    r = get_radar("spy-1d")
    assert isinstance(r, Radar) and r.site.lat_deg == r.site_lat_deg
    moved = r.at(10.0, 20.0, 5.0)
    assert moved.site.lat_deg == 10.0 and moved.site.alt_m == 5.0


def test_placed_moves_a_radar_and_leaves_space_sensors():
    r = get_radar("an-tpy-2-fbm").placed(32.0, 35.0, site_name="x")
    assert (r.site_lat_deg, r.site_lon_deg, r.site_alt_m, r.site_name) == (32.0, 35.0, 0.0, "x")
    sbirs = get_sensor("sbirs")
    assert sbirs.placed(1.0, 2.0) is sbirs


def test_one_rcs_per_threat_equals_one_call_per_threat(flights):
    _, s = flights
    radar = get_radar("an-tpy-2-fbm")
    rcs = np.array([1e-3, 1e-4, 1e-2, 1e-5])
    each = [radar.first_seen_s(s, r)[i] for i, r in enumerate(rcs)]
    np.testing.assert_array_equal(radar.first_seen_s(s, rcs), each)
    assert np.isinf(each[1]) and np.isfinite(each[0]) and each[0] > radar.first_seen_s(s, 1e-2)[0]
