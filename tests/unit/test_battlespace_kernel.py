"""The compiled battle-space kernel gives the numpy reference's answer, pair for pair.

The reference is :func:`openbmd.engagement.battlespace._solve_block_numpy`, which
every fly-out callable that is not a FlyoutTable still takes; the same table
wrapped in a plain callable therefore runs the reference on identical inputs.
Agreement is required to 1e-9 relative (the two differ only in the order of a
few floating-point sums and in libm vs numpy transcendentals, ~1e-15), and
exactly for feasibility and the reason given.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from openbmd.earth import WGS84
from openbmd.engagement.battlespace import REASONS, KillVehicleLimits, _compiled, battle_space
from openbmd.engagement.shooter import kill_vehicle_limits
from openbmd.flight.samples import sample_flights
from openbmd.flight.shaping import Launcher
from openbmd.interceptors import get_interceptor
from openbmd.interceptors.flyout import FlyoutTable, flyout_table
from openbmd.missiles import get_missile

FIELDS = ("earliest_t_s", "latest_t_s", "earliest_launch_s", "latest_launch_s", "earliest_alt_km",
          "latest_alt_km", "earliest_lat_deg", "earliest_lon_deg", "latest_lat_deg", "latest_lon_deg",
          "earliest_closing_km_s", "latest_closing_km_s", "earliest_crossing_deg", "latest_crossing_deg")
SEMNAN = (35.23, 53.92)
#: sites within one 5-degree latitude band (one table per interceptor): Romania, Thrace, Adriatic,
#: central Turkey, and Portugal (out of reach of anything from Iran for an SM-3)
SITES = ((44.0, 24.4), (40.5, 26.0), (42.0, 16.0), (39.5, 33.0), (41.5, -8.0))


def reference(table):
    """The same table as a plain callable: the numpy path."""
    f = functools.partial(table.__call__)
    f.takes_azimuth = True
    return f


def assert_same(a, b):
    np.testing.assert_array_equal(a.engageable, b.engageable)
    assert a.reason == b.reason
    for k in FIELDS:
        x, y = getattr(a, k), getattr(b, k)
        np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=k)
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-9, err_msg=k)


def solve_both(s, site, table, t_launch, limits, **kw):
    args = (s.t_s, s.ecef_m, s.vel_m_s, site[0], site[1])
    k = battle_space(*args, table, t_launch, limits, **kw)
    r = battle_space(*args, reference(table), t_launch, limits, **kw)
    assert_same(k, r)
    return k


@pytest.fixture(scope="module")
def threats():
    """Shahab-3 (2 s samples) and ICBM (5 s) fans from Semnan toward Europe."""
    rng = np.random.default_rng(11)
    out = {}
    for mid, n, dt in (("shahab-3", 40, 2.0), ("iran-icbm-notional", 40, 5.0)):
        L = Launcher(get_missile(mid), *SEMNAN, WGS84, True)
        b = L.fly(rng.uniform(280, 340, n), rng.uniform(5, 45, n), sample_dt_s=dt)
        out[mid] = sample_flights(b)
    return out


def test_dispatch():
    table = flyout_table(get_interceptor("sm-3-ia"), 42.0)
    assert _compiled(table) and not _compiled(reference(table)) and not _compiled(lambda r, h: (r, h))


@pytest.mark.parametrize("icp_id", ["sm-3-ia", "sm-3-iia", "gbi-3stage"])
def test_real_tables_match_reference(threats, icp_id):
    icp = get_interceptor(icp_id)
    table = flyout_table(icp, 42.0)
    limits = kill_vehicle_limits(icp)
    rng = np.random.default_rng(hash(icp_id) % 2**32)
    seen = set()
    n_eng = 0
    for mid, s in threats.items():
        T = len(s)
        for site in SITES:
            t_launch = rng.uniform(60.0, 900.0, T)
            t_launch[:3] = (np.inf, np.nan, -np.inf)  # never in track; launch whenever
            bs = solve_both(s, site, table, t_launch, limits)
            seen |= set(bs.reason)
            n_eng += int(bs.engageable.sum())
            # fire-control masks and per-pair fly-out time scales (the Monte Carlo's speed draws)
            allowed = rng.random(s.ecef_m.shape[:2]) < 0.7
            scale = rng.uniform(0.7, 1.4, T)
            bs2 = solve_both(s, site, table, t_launch, limits, allowed=allowed, flyout_time_scale=scale)
            seen |= set(bs2.reason)
            # a divert that covers a handover error only below some closing speed (kill_vehicle_limits)
            capped = kill_vehicle_limits(icp, handover_error_m=rng.uniform(5e3, 60e3))
            seen |= set(solve_both(s, site, table, t_launch, capped).reason)
    assert n_eng > 0
    assert {None, "never in track", "out of reach"} <= seen


def test_every_reason_and_the_options_are_honoured(threats):
    """Limits chosen to produce each reason; allowed and the time scale change the answer the same way."""
    s = threats["iran-icbm-notional"]
    icp = get_interceptor("sm-3-iia")
    table = flyout_table(icp, 42.0)
    site = SITES[0]
    T = len(s)
    t_launch = np.full(T, 200.0)
    t_launch[0] = np.inf  # never in track
    base = kill_vehicle_limits(icp)
    seen = set()
    for lim in (base,
                KillVehicleLimits(min_alt_km=5000.0, max_alt_km=6000.0, max_range_km=2400.0),  # below
                KillVehicleLimits(min_alt_km=0.0, max_alt_km=1.0, max_range_km=2400.0),  # above
                KillVehicleLimits(min_alt_km=100.0, max_alt_km=1200.0, max_range_km=2400.0,
                                  min_closing_km_s=50.0),  # closing speed too low
                KillVehicleLimits(min_alt_km=100.0, max_alt_km=1200.0, max_range_km=2400.0,
                                  max_closing_km_s=0.5)):  # too fast for the divert
        seen |= set(solve_both(s, site, table, t_launch, lim).reason)
    none_allowed = np.zeros(s.ecef_m.shape[:2], bool)
    seen |= set(solve_both(s, site, table, t_launch, base, allowed=none_allowed).reason)
    seen |= set(solve_both(s, site, table, np.full(T, 5000.0), base).reason)  # too late
    assert seen == set(REASONS) | {None}
    # the fly-out time scale is honoured: slower interceptors launch earlier for the same point
    fast = solve_both(s, site, table, t_launch, base, flyout_time_scale=0.8)
    slow = solve_both(s, site, table, t_launch, base, flyout_time_scale=1.25)
    both = fast.engageable & slow.engageable
    assert both.any()
    assert np.all(fast.earliest_t_s[both] <= slow.earliest_t_s[both])
    assert slow.engageable.sum() <= fast.engageable.sum()


def test_random_table_with_holes_matches_reference(threats):
    """A synthetic table (straight-line fly-out at 3 km/s, 20 % NaN cells, 6 azimuths) against
    random sites, launch times, scales and masks over the Shahab-3 fan."""
    rng = np.random.default_rng(7)
    r = np.linspace(0.0, 1500.0, 61)
    h = np.linspace(0.0, 600.0, 41)
    az = np.arange(0.0, 360.0, 60.0)
    R, H = np.meshgrid(r, h, indexing="ij")
    d_km = np.hypot(R, H)
    time_s = np.stack([d_km / (3.0 + 0.2 * np.cos(np.radians(a))) for a in az])
    speed = np.stack([np.full(R.shape, 3000.0 + 200.0 * np.cos(np.radians(a))) for a in az])
    holes = rng.random(time_s.shape) < 0.2
    time_s[holes] = np.nan
    speed[holes] = np.nan
    table = FlyoutTable("synthetic", 42.0, az, r, h, time_s, speed, 1500.0, 600.0,
                        min_alt_km=20.0, max_alt_km=550.0, max_range_km=1400.0)
    s = threats["shahab-3"]
    T = len(s)
    P = 400
    which = rng.integers(0, T, P)
    lat, lon = rng.uniform(30.0, 45.0, P), rng.uniform(30.0, 55.0, P)
    t_launch = rng.uniform(0.0, 600.0, P)
    t_launch[rng.random(P) < 0.05] = np.inf
    limits = KillVehicleLimits(min_alt_km=30.0, max_alt_km=500.0, max_range_km=1300.0, min_closing_km_s=1.0)
    allowed = rng.random(s.ecef_m.shape[:2]) < 0.8
    kw = dict(pair_threat=which, allowed=allowed, flyout_time_scale=rng.uniform(0.5, 2.0, P))
    args = (s.t_s, s.ecef_m, s.vel_m_s, lat, lon)
    k = battle_space(*args, table, t_launch, limits, **kw)
    ref = battle_space(*args, reference(table), t_launch, limits, block=64, **kw)
    assert_same(k, ref)
    assert 0.1 < k.engageable.mean() < 0.9


def test_no_pairs_give_an_empty_battle_space():
    """Zero (threat, battery) pairs are a valid question with an empty answer (was an IndexError)."""
    import numpy as np

    from openbmd.engagement.battlespace import battle_space

    t = np.arange(0.0, 10.0)
    X = np.zeros((0, t.size, 3))
    bs = battle_space(t, X, X, 40.0, 20.0, lambda r, h: (r * 0 + 1.0, r * 0 + 1.0), np.zeros(0))
    assert bs.engageable.shape == (0,) and bs.reason == () and bs.window_s.shape == (0,)
