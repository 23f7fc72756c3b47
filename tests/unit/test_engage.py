"""The engagement chain end to end: detect, track, launch, intercept."""
import pytest

from openbmd.engagement.doctrine import Doctrine, p_engagement
from openbmd.engagement.engage import engage
from openbmd.interceptors.catalog import get_interceptor
from openbmd.missiles import get_missile
from openbmd.sensors.catalog import get_radar

TABRIZ, ANKARA, EAST_MED = (38.08, 46.29), (39.93, 32.86), (35.0, 33.0)


@pytest.fixture(scope="module")
def base():
    return dict(interceptor=get_interceptor("sm-3-ia"), site=EAST_MED, radars=[get_radar("an-tpy-2-fbm")])


def _run(base, **kw):
    args = dict(base)
    args.update(kw)
    return engage(get_missile("shahab-3"), TABRIZ, ANKARA, **args)


def test_timeline_is_ordered_and_consistent(base):
    r = _run(base, reaction_s=30.0)
    tl = r.timeline
    assert r.engageable
    assert 0 < tl.first_detection_s <= tl.firm_track_s < tl.first_launch_s
    assert tl.first_launch_s == pytest.approx(tl.firm_track_s + 30.0, abs=1e-6)
    assert tl.first_launch_s < tl.earliest_intercept_s <= tl.latest_intercept_s < tl.impact_s
    s = r.summary()
    assert set(s) == {"engageable", "first_launch_s", "earliest_intercept", "latest_intercept", "window_s",
                      "shots_possible", "p_kill"}
    assert set(s["earliest_intercept"]) == {"t_s", "altitude_km", "lat_deg", "lon_deg", "closing_speed_km_s"}
    kv = base["interceptor"].kill_vehicle
    for key in ("earliest_intercept", "latest_intercept"):
        assert kv.min_intercept_alt_km <= s[key]["altitude_km"] <= kv.max_intercept_alt_km


def test_no_radar_means_never_in_track(base):
    s = _run(base, radars=[]).summary()
    assert s["engageable"] is False and s["reason"] == "never in track" and s["p_kill"] == 0.0


def test_slower_reaction_never_helps(base):
    fast = _run(base, reaction_s=10.0)
    slow = _run(base, reaction_s=120.0)
    assert slow.timeline.first_launch_s > fast.timeline.first_launch_s
    assert slow.battlespace.earliest_t_s[0] >= fast.battlespace.earliest_t_s[0]
    assert slow.battlespace.window_s[0] <= fast.battlespace.window_s[0]


def test_p_kill_follows_the_doctrine(base):
    """Shoot-look-shoot gets its second shot only if an interceptor launched after the kill
    assessment (first intercept + look time) can still intercept: from the eastern
    Mediterranean it cannot, from north-east Turkey (under the threat's path) it can."""
    d = Doctrine(first_salvo=1, second_salvo=1, look=True, look_s=10.0)
    pk = base["interceptor"].kill_vehicle.pk_single_shot
    far = _run(base, doctrine=d)
    assert far.shots_possible == 1 and far.p_kill == pytest.approx(pk)
    near = _run(dict(base, site=(41.0, 38.0)), doctrine=d)
    assert near.shots_possible >= 2
    assert near.p_kill == pytest.approx(float(p_engagement(pk, d)))


def test_the_track_starts_in_boost_as_the_engines(base):
    """issue 13: the radars see the burning booster (its signature's RCS) and the track runs
    through boost (constant acceleration, then ballistic), as the batched engine's expected
    (noiseless) track: the noisy timeline agrees with radar.track_times on the same signature
    within a revisit for every seed. Seen after burnout only (boost=False) the track is firm
    after burnout, as engage was before (README example: firm track 114 s -> 101 s)."""
    radar = base["radars"][0]
    for seed in range(4):
        r = _run(base, seed=seed)
        bo = float(r.threat.batch.burnout_time_s[0])
        first, firm = radar.track_times(r.lane.samples, r.signature, cued=False)
        assert r.timeline.first_detection_s < bo and r.timeline.firm_track_s < bo  # in boost
        assert abs(r.timeline.first_detection_s - first[0]) <= radar.revisit_s
        assert abs(r.timeline.firm_track_s - firm[0]) <= 3 * radar.revisit_s
    late = _run(base, boost=False)
    assert late.timeline.first_detection_s >= bo and late.timeline.firm_track_s >= bo
    assert late.timeline.firm_track_s > r.timeline.firm_track_s
    # seeing the booster never launches later
    assert late.timeline.first_launch_s >= r.timeline.first_launch_s


def test_same_seed_same_result(base):
    a, b = _run(base, seed=4).summary(), _run(base, seed=4).summary()
    assert a == b


def test_space_based_warning_comes_during_boost(base):
    from openbmd.sensors.catalog import get_sensor

    sbirs = get_sensor("sbirs")
    r = _run(base, early_warning=sbirs)
    tl = r.timeline
    assert tl.early_warning_s is not None
    assert tl.early_warning_s >= sbirs.delay_s
    assert tl.early_warning_s <= float(r.threat.batch.burnout_time_s[0])


def test_launch_on_remote_needs_the_own_radar_at_intercept(base):
    """Engage-on-remote (no fire-control radar) uses the remote TPY-2 track through the
    intercept; with the ship's own SPY-1D as fire control the intercept must lie where that
    radar sees the threat.  Against a small (0.002 m^2) warhead the SPY-1D's reach (~300 km)
    falls short of the whole engage-on-remote battle space."""
    from openbmd.sensors.catalog import get_sensor

    cue = get_sensor("sbirs")                       # cued radars: full range against the small RV
    eor = _run(base, rcs_m2=0.002, early_warning=cue)
    assert eor.engageable
    own = get_radar("spy-1d").at(35.0, 33.0)
    big = _run(base, fire_control=own)             # 0.1 m^2: the own radar sees the intercepts
    assert big.engageable and big.battlespace.window_s[0] <= _run(base).battlespace.window_s[0] + 1e-9
    small = _run(base, fire_control=own, rcs_m2=0.002, early_warning=cue)
    assert not small.engageable and "fire-control" in small.reason


def test_threat_rcs_comes_from_the_command_line_or_the_missile_file(base):
    from dataclasses import replace

    from openbmd.sensors.horizon import threat_rcs_m2
    from openbmd.sensors.horizon import DEFAULT_RCS_M2

    m = get_missile("shahab-3")
    assert threat_rcs_m2(m) == DEFAULT_RCS_M2
    small = replace(m, rv_rcs_m2=0.002)
    assert threat_rcs_m2(small) == 0.002 and threat_rcs_m2(small, 0.5) == 0.5
    # a stealthier warhead seen after burnout only is seen later
    seen_late = engage(small, TABRIZ, ANKARA, boost=False, **base)
    seen_early = engage(m, TABRIZ, ANKARA, boost=False, **base)
    assert seen_late.timeline.first_detection_s > seen_early.timeline.first_detection_s
    # with the booster seen (the same 1 m^2 for both), the first detection is the booster's
    assert engage(small, TABRIZ, ANKARA, **base).timeline.first_detection_s == \
        engage(m, TABRIZ, ANKARA, **base).timeline.first_detection_s


def test_a_space_based_cue_lets_radars_see_earlier(base):
    """Uncued search reaches 10^(-1/4) of the cued range: against a small warhead the cue
    (SBIRS first report during boost) brings the first detection forward."""
    from openbmd.sensors.radar import UNCUED_VOLUME_RATIO
    from openbmd.sensors.catalog import get_sensor

    # the warhead alone (boost=False): the 1 m^2 booster is seen at the horizon, cued or not
    uncued = _run(base, rcs_m2=0.01, boost=False)
    cued = _run(base, rcs_m2=0.01, early_warning=get_sensor("sbirs"), boost=False)
    assert cued.timeline.first_detection_s < uncued.timeline.first_detection_s
    radar = base["radars"][0]
    ratio = radar.detection_range_m(0.01 / UNCUED_VOLUME_RATIO) / radar.detection_range_m(0.01)
    assert ratio == pytest.approx(UNCUED_VOLUME_RATIO ** -0.25, rel=1e-9)


def test_divert_must_cover_the_handover_error(base):
    """The kill vehicle's divert (notional 300 m/s for the SM-3 IA) removes a handover error d found
    at seeker acquisition (300 km) only while d x closing / 300 km <= 300 m/s: an error that caps
    the closing speed just above the nominal earliest intercept's keeps that intercept and can only
    shorten the window; one that caps it below both ends' closing speeds leaves none."""
    icp = base["interceptor"]
    nominal = _run(base)
    kv = icp.kill_vehicle
    e, lt = nominal.summary()["earliest_intercept"], nominal.summary()["latest_intercept"]
    d_keep = kv.divert_delta_v_m_s * kv.seeker_acquisition_km / (1.01 * e["closing_speed_km_s"])
    kept = _run(base, handover_error_m=d_keep)
    s = kept.summary()
    assert kept.engageable and s["earliest_intercept"]["t_s"] == pytest.approx(e["t_s"])
    assert s["window_s"] <= nominal.summary()["window_s"] + 1e-9
    assert s["latest_intercept"]["closing_speed_km_s"] <= s["divert"]["max_closing_speed_km_s"] + 1e-3
    assert s["divert"]["needed_divert_at_earliest_m_s"] == pytest.approx(kv.divert_delta_v_m_s / 1.01)
    slow = min(e["closing_speed_km_s"], lt["closing_speed_km_s"])
    lost = _run(base, handover_error_m=kv.divert_delta_v_m_s * kv.seeker_acquisition_km / (0.5 * slow))
    assert not lost.engageable
    assert lost.reason == "closing speed too high: the divert cannot cover the handover error"
    assert "divert" not in nominal.summary()  # not checked without an error
