"""Monte Carlo of an engagement: reproducible, consistent with the nominal run, and
moving the right way when the inputs get worse."""
import numpy as np
import pytest

from openbmd.engagement.doctrine import Doctrine
from openbmd.engagement.engage import engage
from openbmd.engagement.montecarlo import Uncertainty, monte_carlo
from openbmd.errors import InputError
from openbmd.interceptors.catalog import get_interceptor
from openbmd.missiles import get_missile
from openbmd.sensors.catalog import get_radar

TABRIZ, ANKARA, EAST_MED = (38.08, 46.29), (39.93, 32.86), (35.0, 33.0)


@pytest.fixture(scope="module")
def setup():
    kw = dict(interceptor=get_interceptor("sm-3-ia"), site=EAST_MED, radars=[get_radar("an-tpy-2-fbm")])
    nominal = engage(get_missile("shahab-3"), TABRIZ, ANKARA, reaction_s=30.0,
                     doctrine=Doctrine(first_salvo=1, second_salvo=1, look=True), **kw)
    return nominal, kw


@pytest.mark.parametrize("zero_width", [False, True], ids=["none", "zero-width"])
def test_no_uncertainty_is_the_nominal_engagement(setup, zero_width):
    """The trials are rows of the nominal engagement's engine call: with every input at its
    nominal value (no range, or ranges of zero width) each trial is the nominal run, exactly."""
    nominal, kw = setup
    icp = kw["interceptor"]
    pk, v = icp.kill_vehicle.pk_single_shot, icp.burnout_speed_km_s
    u = (Uncertainty(pk_single_shot=(pk, pk), reaction_s=(30.0, 30.0), detection_range_scale=(1.0, 1.0),
                     burnout_speed_km_s=(v, v)) if zero_width else Uncertainty(detection_range_scale=None))
    mc = monte_carlo(nominal, n=50, seed=1, reaction_s=30.0, uncertainty=u, **kw)
    assert nominal.engageable and mc.engageable.all()
    assert np.all(mc.p_kill == nominal.p_kill)
    assert np.all(mc.first_launch_s == nominal.timeline.first_launch_s)
    assert np.all(mc.window_s == nominal.summary()["window_s"])


def test_same_seed_same_trials(setup):
    nominal, kw = setup
    u = Uncertainty(pk_single_shot=(0.5, 0.9), reaction_s=(10, 200), burnout_speed_km_s=(2.7, 3.3))
    a = monte_carlo(nominal, n=300, seed=5, reaction_s=30.0, uncertainty=u, **kw)
    b = monte_carlo(nominal, n=300, seed=5, reaction_s=30.0, uncertainty=u, **kw)
    c = monte_carlo(nominal, n=300, seed=6, reaction_s=30.0, uncertainty=u, **kw)
    assert np.array_equal(a.killed, b.killed) and np.array_equal(a.p_kill, b.p_kill)
    assert not np.array_equal(a.p_kill, c.p_kill)


def test_worse_inputs_never_help(setup):
    nominal, kw = setup
    quick = monte_carlo(nominal, n=400, seed=2, reaction_s=30.0,
                        uncertainty=Uncertainty(reaction_s=(10, 60)), **kw)
    slow = monte_carlo(nominal, n=400, seed=2, reaction_s=30.0,
                       uncertainty=Uncertainty(reaction_s=(200, 400)), **kw)
    assert slow.mean_p_kill <= quick.mean_p_kill
    assert np.nanmean(slow.window_s) <= np.nanmean(quick.window_s)
    fast_ic = monte_carlo(nominal, n=200, seed=3, reaction_s=30.0,
                          uncertainty=Uncertainty(burnout_speed_km_s=(3.3, 3.4)), **kw)
    slow_ic = monte_carlo(nominal, n=200, seed=3, reaction_s=30.0,
                          uncertainty=Uncertainty(burnout_speed_km_s=(2.0, 2.1)), **kw)
    assert slow_ic.p_engageable <= fast_ic.p_engageable


def test_draws_follow_the_probabilities(setup):
    nominal, kw = setup
    mc = monte_carlo(nominal, n=20000, seed=4, reaction_s=30.0,
                     uncertainty=Uncertainty(pk_single_shot=(0.3, 0.9)), **kw)
    s = mc.summary()
    assert abs(s["kill_fraction"] - s["mean_p_kill"]) < 4 * np.sqrt(0.25 / 20000)
    lo, hi = s["kill_fraction_95ci"]
    assert lo <= s["kill_fraction"] <= hi


def test_bad_ranges(setup):
    nominal, kw = setup
    with pytest.raises(InputError, match="low <= high"):
        monte_carlo(nominal, n=10, reaction_s=30.0, uncertainty=Uncertainty(reaction_s=(50, 10)), **kw)
    with pytest.raises(InputError, match=">= 1 trial"):
        monte_carlo(nominal, n=0, reaction_s=30.0, **kw)


def test_monte_carlo_keeps_the_fire_control_restriction(setup):
    nominal, kw = setup
    blind = engage(get_missile("shahab-3"), TABRIZ, ANKARA, reaction_s=30.0,
                   fire_control=get_radar("spy-1d").at(-30.0, 150.0, 0.0), **kw)
    assert not blind.engageable
    mc = monte_carlo(blind, n=100, seed=1, reaction_s=30.0, **kw)
    assert mc.p_engageable == 0.0 and mc.mean_p_kill == 0.0


def test_wilson_interval_keeps_width_at_the_edges():
    from openbmd.engagement.montecarlo import wilson_interval

    lo, hi = wilson_interval(1.0, 100)
    assert hi == pytest.approx(1.0) and 0.95 < lo < 0.97          # 0.963 for 100/100
    lo, hi = wilson_interval(0.5, 10000)
    assert lo == pytest.approx(0.5 - 1.96 * 0.005, abs=2e-4) and hi == pytest.approx(0.5 + 1.96 * 0.005, abs=2e-4)
