"""The many-threat engine against the single-threat paths it replaces.

- aim_many (table + batch corrections) vs the scalar nested solver openbmd.flight.aim.aim;
- the Hermite resampling of a coarse-step flight vs a 1 s-step flight history;
- the deterministic firm track (first post-burnout detection + (FIRM_AFTER-1) revisits)
  vs the Kalman tracker fed noisy detections, as engagement/engage.py does;
- engage_many vs engage (noisy detections, Kalman track) on the same threat and battery.
"""
import numpy as np
import pytest
from scipy.interpolate import CubicHermiteSpline

from openbmd.earth.geodesy import geodesic_inverse
from openbmd.earth.model import earth_model
from openbmd.engagement.engage import after, threat_rcs_m2
from openbmd.engagement.many import engage_many, first_seen_s, firm_track_s, sample_flights
from openbmd.errors import InputError
from openbmd.flight.aim import aim
from openbmd.flight.aim_many import aim_many
from openbmd.flight.lanes import Tolerances
from openbmd.flight.shaping import Launcher
from openbmd.missiles import get_missile
from openbmd.sensors import get_radar
from openbmd.sensors.tracking import track

TABRIZ = (38.08, 46.29)
#: Ankara, Bucharest, Athens, Sofia, Kürecik area, Istanbul (all within sejjil-2's ~2,000 km)
TARGETS = np.array([(39.93, 32.86), (44.43, 26.10), (37.98, 23.73), (42.70, 23.32), (38.0, 38.5), (41.01, 28.98)])


@pytest.fixture(scope="module")
def sejjil():
    m = get_missile("sejjil-2")
    return m, Launcher(m, *TABRIZ, earth_model("wgs84"), True)


@pytest.fixture(scope="module")
def aimed(sejjil):
    _, L = sejjil
    return aim_many(L, TARGETS[:, 0], TARGETS[:, 1])


@pytest.fixture(scope="module")
def fine(sejjil, aimed):
    """The aimed flights with a 1 s integration step and full histories (the reference)."""
    _, L = sejjil
    return L.fly(aimed.azimuth_deg, aimed.kick_deg, aimed.cutoff_s, history=True, tol=Tolerances(max_step_s=1.0))


def test_aim_many_hits_every_target(sejjil, aimed, fine):
    assert aimed.reachable.all()
    assert np.all(aimed.miss_m < 2000.0)
    # independent check of the miss: the impact of the 1 s-step re-flight, by geodesic distance
    miss = np.asarray(geodesic_inverse(fine.impact_lat_deg, fine.impact_lon_deg, TARGETS[:, 0], TARGETS[:, 1])[0])
    assert np.all(miss < 2000.0), miss


@pytest.mark.parametrize("k", [0, 1, 2])
def test_aim_many_agrees_with_the_scalar_solver(sejjil, aimed, k):
    _, L = sejjil
    ref = aim(L, TARGETS[k, 0], TARGETS[k, 1], "min-energy")
    daz = (aimed.azimuth_deg[k] - ref.azimuth_deg + 180.0) % 360.0 - 180.0
    assert abs(daz) < 0.1  # deg (measured ~0.01-0.04)
    assert aimed.cutoff_s[k] == pytest.approx(ref.cutoff_s, abs=0.5)  # s (measured < 0.02)
    assert aimed.kick_deg[k] == pytest.approx(ref.kick_deg, abs=0.5)  # deg; range is flat about the optimum


def test_unreachable_targets_are_flagged():
    m = get_missile("shahab-3")
    L = Launcher(m, *TABRIZ, earth_model("wgs84"), True)
    # Lisbon (~4,800 km: beyond shahab-3's ~1,240 km) and a point 4 km away (shorter than its
    # shortest min-energy arc, ~20 km with cut-off at 30 % of the first stage); Baghdad (~780 km) is fine
    lat = np.array([38.72, TABRIZ[0], 33.31])
    lon = np.array([-9.14, TABRIZ[1] - 0.05, 44.37])
    a = aim_many(L, lat, lon)
    assert a.reachable.tolist() == [False, False, True]
    for i in (0, 1):  # the scalar solver refuses the same targets
        with pytest.raises(InputError):
            aim(L, lat[i], lon[i], "min-energy")


def test_hermite_samples_match_a_fine_history(sejjil, aimed, fine):
    _, L = sejjil
    dt = 2.0
    coarse = L.fly(aimed.azimuth_deg, aimed.kick_deg, aimed.cutoff_s, tol=Tolerances(max_step_s=30.0),
                   sample_dt_s=dt)
    t, X, V = coarse.samples
    assert np.allclose(np.diff(t), dt) and X.shape == (len(TARGETS), t.size, 3) == V.shape
    for i, tr in enumerate(fine.trajectories):
        n = np.searchsorted(t, tr.t_s[-1], side="right")
        ref = CubicHermiteSpline(tr.t_s, tr.ecef_m, tr.velocity_m_s, axis=0)  # 1 s nodes: interpolation error ~mm
        dx = np.linalg.norm(X[i, :n] - ref(t[:n]), axis=-1)
        dv = np.linalg.norm(V[i, :n] - ref(t[:n], 1), axis=-1)
        alt = np.linalg.norm(ref(t[:n]), axis=-1) - 6.371e6
        exo = alt > 60e3
        # measured <= ~60 m: mostly the coarse integration itself (burnout velocity differs by ~0.1 m/s
        # between 1 s and 30 s steps and the gap grows along the flight), not the interpolation
        assert dx.max() < 150.0, (i, dx.max())
        assert dv[exo].max() < 1.0, (i, dv[exo].max())
        assert dv.max() < 15.0  # re-entry: deceleration in dense air, sampled across 30 s steps
        # NaN after impact, finite before
        assert np.isfinite(X[i, :n - 1]).all()
        assert np.isnan(X[i, n + 1:]).all() and np.isnan(V[i, n + 1:]).all()


def test_hermite_is_exact_at_a_step_size_it_resolves(sejjil, aimed):
    """Same integration, sampled vs recorded: the resampler alone (cubic Hermite through r and v)."""
    _, L = sejjil
    tol = Tolerances(max_step_s=30.0)
    s = L.fly(aimed.azimuth_deg[:2], aimed.kick_deg[:2], aimed.cutoff_s[:2], tol=tol, sample_dt_s=2.0)
    h = L.fly(aimed.azimuth_deg[:2], aimed.kick_deg[:2], aimed.cutoff_s[:2], tol=tol, history=True)
    t, X, _ = s.samples
    for i, tr in enumerate(h.trajectories):
        # the recorded nodes are samples of the same flight: where the grid hits a node, equal
        on = np.isin(np.round(tr.t_s, 9), t)
        j = np.searchsorted(t, tr.t_s[on])
        assert on.sum() >= 1
        assert np.allclose(X[i, j], tr.ecef_m[on], atol=1e-3)


# ---- firm track: deterministic timeline vs the Kalman tracker ------------------------------------

RADARS = [
    ("an-tpy-2-fbm", None),  # measured: identical to the second (108 s vs 108 s)
    # the deterministic firm time runs the same Kalman filter without noise: SPY-1D's and the UHF
    # Voronezh's firm tracks come many revisits after the first detection (a simple count of
    # FIRM_AFTER revisits was 13 s early for SPY-1D and ~360 s early for Voronezh-DM)
    ("spy-1d", (34.0, 30.0)),
    ("voronezh-dm-armavir", None),
]


@pytest.mark.parametrize("rid,site", RADARS)
def test_firm_track_matches_the_kalman_tracker(sejjil, fine, rid, site):
    m, _ = sejjil
    rcs = threat_rcs_m2(m)
    radar = get_radar(rid)
    if site is not None:
        radar = radar.at(site[0], site[1], 0.0)
    s = sample_flights(fine, 1.0)
    det = firm_track_s(radar, s, rcs, cued=True)
    compared = 0
    for i, tr in enumerate(fine.trajectories):
        d = after(radar.observe(tr, rcs, np.random.default_rng(i), object_id="t"), float(fine.burnout_time_s[i]))
        if len(d) < 3:
            continue  # never in view after burnout: no track to compare
        kal = track([d]).firm_time_s
        compared += 1
        if kal is None:  # the noisy track never became firm: neither may the expected one
            assert not np.isfinite(det[i]), (rid, i, det[i])
            continue
        assert np.isfinite(det[i]), (rid, i)
        assert abs(det[i] - kal) <= 3 * radar.revisit_s, (rid, i, det[i], kal)
        # the first detection after burnout agrees within a revisit
        assert abs(first_seen_s(radar, s, rcs)[i] - d.t_s[0]) <= radar.revisit_s + 1.0
    assert compared >= 1


# ---- engage_many vs engage ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def phase1():
    from openbmd.architectures.loader import get_architecture
    from openbmd.architectures.resolve import resolve

    return resolve(get_architecture("epaa-phase-1"))


@pytest.mark.parametrize("target", [(39.93, 32.86), (44.43, 26.10), (37.98, 23.73)])
def test_engage_many_agrees_with_engage(phase1, target):
    from openbmd.engagement.engage import engage

    m = get_missile("sejjil-2")
    b = phase1.batteries[0]
    radars = [r for _, r, _ in b.cues]
    single = engage(m, TABRIZ, target, interceptor=b.interceptor, site=(b.entry.lat_deg, b.entry.lon_deg),
                    radars=radars, reaction_s=phase1.arch.command.reaction_s, doctrine=phase1.doctrine,
                    early_warning=phase1.early_warning, fire_control=b.fire_control, seed=1)
    s = sample_flights(single.threat.batch, 2.0)
    many = engage_many(phase1, s, threat_rcs_m2(m))
    out = many.batteries[0]
    assert bool(out.engageable[0]) == single.engageable, (target, single.reason, out.reason)
    if single.engageable:
        assert abs(out.earliest_t_s[0] - single.timeline.earliest_intercept_s) <= 10.0
        assert 0 < many.p_defense[0] <= 1
    else:
        assert many.p_defense[0] == 0
