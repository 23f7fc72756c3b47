"""Several batteries against one threat: layers multiply leakage, magazines cap shots,
and adding a battery never lowers the kill probability."""
import pytest

from openbmd.engagement.doctrine import Doctrine, p_engagement
from openbmd.engagement.engage import engage
from openbmd.engagement.layers import Battery, engage_layers
from openbmd.errors import InputError
from openbmd.interceptors.catalog import get_interceptor
from openbmd.missiles import get_missile
from openbmd.sensors.catalog import get_radar

TABRIZ, ANKARA = (38.08, 46.29), (39.93, 32.86)
SHIP = Battery("ship east med", get_interceptor("sm-3-ia"), 35.0, 33.0, magazine=8)
FAR = Battery("far ship", get_interceptor("sm-3-ia"), 60.0, -20.0, magazine=8)
SHIP2 = Battery("ship black sea", get_interceptor("sm-3-ia"), 42.5, 35.0, magazine=8)
# two batteries under the threat's path: the second can wait for the first's kill assessment
FORWARD = Battery("north-east Turkey", get_interceptor("sm-3-ia"), 41.0, 38.0, magazine=8)
BEHIND = Battery("central Turkey", get_interceptor("sm-3-ia"), 39.5, 34.0, magazine=8)


@pytest.fixture(scope="module")
def radars():
    return [get_radar("an-tpy-2-fbm")]


def _run(batteries, radars, doctrine=Doctrine(first_salvo=1)):
    return engage_layers(get_missile("shahab-3"), TABRIZ, ANKARA, batteries=batteries, radars=radars,
                         doctrine=doctrine)


def test_one_battery_matches_the_single_engagement(radars):
    one = _run([SHIP], radars)
    single = engage(get_missile("shahab-3"), TABRIZ, ANKARA, interceptor=SHIP.interceptor,
                    site=(SHIP.lat_deg, SHIP.lon_deg), radars=radars, doctrine=Doctrine(first_salvo=1))
    assert one.p_kill == pytest.approx(single.p_kill)
    # the same engine on the same samples at the same firm time: the same intercept, exactly
    assert one.firm_track_s == single.timeline.firm_track_s
    assert one.layers[0].earliest_t_s == single.timeline.earliest_intercept_s
    assert one.layers[0].latest_t_s == single.timeline.latest_intercept_s


def test_layers_multiply_leakage_and_adding_never_hurts(radars):
    one = _run([SHIP], radars)
    two = _run([SHIP, SHIP2], radars)
    three = _run([SHIP, SHIP2, FAR], radars)
    assert two.p_kill >= one.p_kill and three.p_kill >= two.p_kill - 1e-12
    ps = [lo.p_kill for lo in two.layers]
    assert two.p_kill == pytest.approx(1 - (1 - ps[0]) * (1 - ps[1]))
    far = [lo for lo in three.layers if lo.battery is FAR][0]
    assert not far.engageable and far.reason == "out of reach"


def test_a_later_layer_that_can_look_spends_only_on_misses(radars):
    """The central-Turkey battery can still intercept after the forward battery's kill
    assessment; the Black Sea ship (earlier test) cannot, so it fires regardless."""
    res = _run([FORWARD, BEHIND], radars, Doctrine(first_salvo=1, look_s=10.0))
    first, second = res.layers
    assert first.engageable and second.engageable
    assert first.earliest_t_s <= second.earliest_t_s          # fired in intercept order
    assert not first.fires_after_look and second.fires_after_look
    assert first.expected_shots == pytest.approx(1.0)
    assert second.expected_shots == pytest.approx(1 - first.p_kill)
    assert res.expected_interceptors == pytest.approx(1.0 + (1 - first.p_kill))


def test_magazine_caps_the_salvo(radars):
    small = Battery("one round left", get_interceptor("sm-3-ia"), 35.0, 33.0, magazine=1)
    empty = Battery("empty", get_interceptor("sm-3-ia"), 35.0, 33.0, magazine=0)
    res = _run([small], radars, Doctrine(first_salvo=2))
    pk = small.interceptor.kill_vehicle.pk_single_shot
    assert res.layers[0].shots_planned == 1
    assert res.p_kill == pytest.approx(float(p_engagement(pk, Doctrine(first_salvo=1))))
    res0 = _run([empty], radars)
    assert res0.p_kill == 0.0 and res0.layers[0].reason == "magazine empty"


def test_bad_input():
    with pytest.raises(InputError, match="at least one battery"):
        _run([], [])
    with pytest.raises(InputError, match="magazine"):
        Battery("x", get_interceptor("sm-3-ia"), 0.0, 0.0, magazine=-1)


def test_a_layer_that_cannot_wait_fires_regardless(radars):
    res = _run([SHIP, SHIP2], radars, Doctrine(first_salvo=1, look_s=10.0))
    assert all(lo.engageable and not lo.fires_after_look for lo in res.layers)
    assert res.expected_interceptors == pytest.approx(2.0)


def test_imperfect_kill_assessment_discounts_the_waiting_layer(radars):
    perfect = _run([FORWARD, BEHIND], radars, Doctrine(first_salvo=1, look_s=10.0, p_ka=1.0))
    blurry = _run([FORWARD, BEHIND], radars, Doctrine(first_salvo=1, look_s=10.0, p_ka=0.5))
    assert blurry.layers[1].p_kill == pytest.approx(0.5 * perfect.layers[1].p_kill)
    assert blurry.p_kill < perfect.p_kill
