"""The intercept solver against a closed form and against brute force.

Closed form: a constant-speed, straight-line interceptor against a known ballistic
arc (free flight on the non-rotating sphere).  The earliest intercept solves
t - |X(t) - S| / v = t_launch exactly (scipy brentq on the densely interpolated arc);
the solver, working on 2 s samples, must agree within 0.05 s.

Brute force: the same feasibility test evaluated on a 0.02 s grid for randomized
sites, launch times, speeds and kill-vehicle limits (the latest intercept, bisected
between the 2 s samples, within that grid's step).
"""
import numpy as np
import pytest
from scipy.interpolate import CubicHermiteSpline
from scipy.optimize import brentq

from openbmd.earth import SPHERE
from openbmd.earth.geodesy import geodetic_to_ecef
from openbmd.engagement.battlespace import KillVehicleLimits, battle_space
from openbmd.flight import fly_free

R_KM = SPHERE.a_m / 1e3
EARTH = SPHERE.without_rotation()


def _arc():
    res = fly_free(burnout_speed_km_s=4.5, burnout_angle_deg=38.0, burnout_altitude_km=100.0,
                   launch_lat_deg=35.0, launch_lon_deg=50.0, azimuth_deg=300.0, earth="sphere",
                   rotation=False, drag=False)
    tr = res.trajectory
    return CubicHermiteSpline(tr.t_s, tr.ecef_m, tr.velocity_m_s), tr.t_s[-1]


def _sampled(spline, t_end, dt):
    t = np.arange(0.0, t_end, dt)
    return t, spline(t)[None], spline(t, 1)[None]


def _straight_line(v_m_s):
    def flyout(rng_km, alt_km):
        theta = rng_km / R_KM
        d = np.sqrt(R_KM ** 2 + (R_KM + alt_km) ** 2 - 2 * R_KM * (R_KM + alt_km) * np.cos(theta)) * 1e3
        return d / v_m_s, np.full(np.shape(d), v_m_s)
    return flyout


@pytest.mark.parametrize("site, v, t_launch", [((38.0, 40.0), 3000.0, 120.0),
                                               ((42.0, 36.0), 4500.0, 300.0),
                                               ((33.0, 30.0), 2000.0, 60.0)])
def test_earliest_intercept_matches_closed_form(site, v, t_launch):
    spline, t_end = _arc()
    S = geodetic_to_ecef(site[0], site[1], 0.0, EARTH)
    slack = lambda t: t - np.linalg.norm(spline(t) - S) / v - t_launch  # noqa: E731
    grid = np.linspace(0, t_end, 4000)
    s = np.array([slack(x) for x in grid])
    i = int(np.argmax(s >= 0))
    assert s[i] >= 0 and i > 0
    exact = brentq(slack, grid[i - 1], grid[i], xtol=1e-9)
    t, X, V = _sampled(spline, t_end, 2.0)
    bs = battle_space(t, X, V, site[0], site[1], _straight_line(v), t_launch, earth=EARTH)
    assert bs.engageable[0]
    assert bs.earliest_t_s[0] == pytest.approx(exact, abs=0.05)
    # the launch time of the earliest intercept is the earliest allowed launch
    assert bs.earliest_launch_s[0] == pytest.approx(t_launch, abs=0.1)


def _brute(spline, t_end, site, flyout, t_launch, lim):
    """Feasibility on a 0.02 s grid, geometry written out independently (spherical Earth)."""
    t = np.arange(0.0, t_end, 0.02)
    X = spline(t)
    r = np.linalg.norm(X, axis=1)
    alt = r / 1e3 - R_KM
    S = geodetic_to_ecef(site[0], site[1], 0.0, EARTH)
    ground = np.arccos(np.clip(X @ S / (r * np.linalg.norm(S)), -1, 1)) * R_KM
    tau, _ = flyout(ground, alt)
    ok = (t - tau - t_launch >= 0) & (alt >= lim.min_alt_km) & (alt <= lim.max_alt_km) \
        & (ground <= lim.max_range_km)
    return (t[ok][0], t[ok][-1]) if ok.any() else (None, None)


def test_against_brute_force_on_randomized_cases():
    spline, t_end = _arc()
    rng = np.random.default_rng(11)
    t, X, V = _sampled(spline, t_end, 2.0)
    checked = 0
    for _ in range(40):
        site = (rng.uniform(30, 45), rng.uniform(25, 50))
        v = rng.uniform(1500, 5000)
        t_launch = rng.uniform(0, 400)
        lim = KillVehicleLimits(min_alt_km=rng.uniform(0, 120), max_alt_km=rng.uniform(150, 900),
                                max_range_km=rng.uniform(300, 2500))
        flyout = _straight_line(v)
        bs = battle_space(t, X, V, site[0], site[1], flyout, t_launch, lim, earth=EARTH)
        lo, hi = _brute(spline, t_end, site, flyout, t_launch, lim)
        assert bs.engageable[0] == (lo is not None)
        if lo is None:
            assert bs.reason[0] is not None
            continue
        checked += 1
        # earliest: refined inside a sample when time binds, else on a sample: within one sample
        assert bs.earliest_t_s[0] == pytest.approx(lo, abs=2.0)
        assert bs.earliest_t_s[0] >= lo - 0.1
        # latest: bisected between the 2 s samples; the brute force's last feasible point is on its
        # 0.02 s grid, so the boundary lies in [hi, hi + 0.02)
        assert hi - 0.005 <= bs.latest_t_s[0] <= hi + 0.025
    assert checked >= 10


def test_reasons():
    spline, t_end = _arc()
    t, X, V = _sampled(spline, t_end, 2.0)
    fly = _straight_line(3000.0)
    never = battle_space(t, X, V, 38.0, 40.0, fly, np.inf, earth=EARTH)
    assert not never.engageable[0] and never.reason[0] == "never in track"
    far = battle_space(t, X, V, -30.0, -60.0, fly, 0.0, KillVehicleLimits(max_range_km=500), earth=EARTH)
    assert far.reason[0] == "out of reach"
    high = battle_space(t, X, V, 38.0, 40.0, fly, 0.0, KillVehicleLimits(min_alt_km=5000), earth=EARTH)
    assert high.reason[0] == "below minimum intercept altitude"
    late = battle_space(t, X, V, 38.0, 40.0, fly, t_end - 1.0, earth=EARTH)
    assert late.reason[0].startswith("too late")


def test_many_pairs_equal_single_pairs():
    spline, t_end = _arc()
    t, X, V = _sampled(spline, t_end, 2.0)
    sites = np.array([[38.0, 40.0], [42.0, 36.0], [33.0, 30.0], [36.0, 45.0]])
    fly = _straight_line(3500.0)
    many = battle_space(t, np.repeat(X, 4, axis=0), np.repeat(V, 4, axis=0), sites[:, 0], sites[:, 1],
                        fly, [100.0, 200.0, 50.0, 400.0], earth=EARTH)
    for i, (la, lo) in enumerate(sites):
        one = battle_space(t, X, V, la, lo, fly, [100.0, 200.0, 50.0, 400.0][i], earth=EARTH)
        assert one.engageable[0] == many.engageable[i]
        if one.engageable[0]:
            assert one.earliest_t_s[0] == pytest.approx(many.earliest_t_s[i])
            assert one.latest_t_s[0] == pytest.approx(many.latest_t_s[i])
            assert many.intercept(i)["t_s"] == pytest.approx(many.earliest_t_s[i])


@pytest.mark.parametrize("lim", [KillVehicleLimits(min_alt_km=70.0),  # the floor ends the battle space
                                 KillVehicleLimits(max_range_km=900.0)])  # the kill vehicle's range does
def test_latest_intercept_refined_inside_its_bracket_and_converging(lim):
    """On 8, 4, 2 and 1 s samples: the refined latest intercept lies between the last feasible
    sample (the unrefined answer) and the next, and the four agree within 0.01 s (and with the
    0.02 s brute force) while the unrefined ones spread over the sample steps."""
    spline, t_end = _arc()
    site, v, t_launch = (36.0, 42.0), 3500.0, 150.0
    flyout = _straight_line(v)
    _, hi = _brute(spline, t_end, site, flyout, t_launch, lim)
    refined, raw = [], []
    for dt in (8.0, 4.0, 2.0, 1.0):
        t, X, V = _sampled(spline, t_end, dt)
        bs = battle_space(t, X, V, site[0], site[1], flyout, t_launch, lim, earth=EARTH)
        on_grid = battle_space(t, X, V, site[0], site[1], flyout, t_launch, lim, earth=EARTH, refine_latest=False)
        assert bs.engageable[0] and on_grid.engageable[0]
        assert on_grid.latest_t_s[0] <= bs.latest_t_s[0] <= on_grid.latest_t_s[0] + dt
        # the other latest-intercept fields follow the refined time (altitude falls toward the floor)
        if lim.min_alt_km > 0:
            assert bs.latest_alt_km[0] == pytest.approx(lim.min_alt_km, abs=0.01)
        refined.append(bs.latest_t_s[0])
        raw.append(on_grid.latest_t_s[0])
    assert np.ptp(refined) < 0.01
    assert refined[-1] == pytest.approx(hi, abs=0.025)
    assert np.ptp(raw) > 1.0  # what the refinement removes


def _brute_closing(spline, t_end, site, v, t_launch, cap_km_s):
    """The straight-line fly-out's feasibility with a closing-speed cap, on a 0.02 s grid: the
    interceptor flies at v along the chord from the site, so the closing velocity is V - v u."""
    t = np.arange(0.0, t_end, 0.02)
    X, V = spline(t), spline(t, 1)
    S = geodetic_to_ecef(0.0 + site[0], site[1], 0.0, EARTH)
    chord = X - S
    d = np.linalg.norm(chord, axis=1)
    closing = np.linalg.norm(V - v * chord / d[:, None], axis=1) / 1e3
    ok = (t - d / v - t_launch >= 0) & (closing <= cap_km_s) & (np.linalg.norm(X, axis=1) > SPHERE.a_m)
    return (t[ok][0], t[ok][-1]) if ok.any() else (None, None)


@pytest.mark.parametrize("handover_error_km", [40.0, 50.0, 60.0, 200.0])
def test_divert_caps_the_closing_speed_against_brute_force(handover_error_km):
    """A 500 m/s divert acquiring at 400 km removes a handover error d only while
    d x closing / 400 km <= 500 m/s: the battle space under that cap is the brute force's with
    the closing speed (written out from the chord) held below divert x R_acq / d."""
    from openbmd.engagement.battlespace import divert_max_closing_km_s

    spline, t_end = _arc()
    site, v, t_launch = (36.0, 42.0), 3500.0, 100.0
    cap = divert_max_closing_km_s(500.0, 400.0, handover_error_km * 1e3)
    assert cap == pytest.approx(500.0 * 400.0 / (handover_error_km * 1e3))
    # the impulse that removes d in the time to go at the cap is the whole divert
    assert handover_error_km * 1e3 / (400.0 / cap) == pytest.approx(500.0)
    t, X, V = _sampled(spline, t_end, 2.0)
    bs = battle_space(t, X, V, site[0], site[1], _straight_line(v), t_launch,
                      KillVehicleLimits(max_closing_km_s=cap), earth=EARTH)
    lo, hi = _brute_closing(spline, t_end, site, v, t_launch, cap)
    assert bs.engageable[0] == (lo is not None)
    if lo is None:
        assert bs.reason[0] == "closing speed too high: the divert cannot cover the handover error"
        return
    assert bs.earliest_t_s[0] == pytest.approx(lo, abs=2.0)
    hi = min(hi, t[-1])  # nothing is sampled after the last sample before impact
    assert hi - 0.005 <= bs.latest_t_s[0] <= hi + 0.025
    assert np.all(bs.earliest_closing_km_s <= cap + 1e-3) and np.all(bs.latest_closing_km_s <= cap + 1e-3)


def test_no_error_or_no_divert_means_no_cap():
    from openbmd.engagement.battlespace import divert_max_closing_km_s

    assert divert_max_closing_km_s(300.0, 300.0, 0.0) == np.inf  # nothing to remove
    assert divert_max_closing_km_s(0.0, 20.0, 1e3) == np.inf  # aerodynamic interceptor: not modelled
