"""An architecture's batteries as layers against one threat (``engage --architecture``),
cross-checked against the coverage analysis's engine and layer rule at the same aim point."""
import dataclasses
import math

import pytest

from openbmd.analyses.coverage import engage_points
from openbmd.architectures.loader import get_architecture
from openbmd.architectures.resolve import resolve
from openbmd.engagement.doctrine import Doctrine
from openbmd.engagement.layers import engage_architecture
from openbmd.missiles import get_missile

TABRIZ, BUCHAREST = (38.08, 46.29), (44.43, 26.10)


def _resolved(doctrine):
    return dataclasses.replace(resolve(get_architecture("epaa-phase-2")), doctrine=doctrine)


@pytest.fixture(scope="module")
def missile():
    return get_missile("iran-irbm-notional")


@pytest.fixture(scope="module")
def layered(missile):
    """Salvo-1 with a kill assessment that is right half the time: the layers are not saturated."""
    return {p_ka: engage_architecture(missile, TABRIZ, BUCHAREST, _resolved(Doctrine(first_salvo=1, p_ka=p_ka)))
            for p_ka in (1.0, 0.5)}


def test_independent_layers_agree_with_coverage(layered, missile):
    """The coverage analysis aims its own min-energy arc at the point (within 5 km), samples it on
    its own grid and combines the batteries as independent layers: the same batteries engage and
    the same P(defense) comes out."""
    r = _resolved(Doctrine(first_salvo=1, p_ka=1.0))
    cov = engage_points([r], missile, *TABRIZ, [BUCHAREST[0]], [BUCHAREST[1]])[0]
    res = layered[1.0]
    assert {lo.battery.name: lo.engageable for lo in res.layers} == {b: bool(e[0]) for b, e in cov.by_battery.items()}
    assert res.p_kill_independent == pytest.approx(float(cov.p_defense[0]), abs=1e-9)
    assert sum(lo.opportunities for lo in res.layers) == int(cov.opportunities[0])
    assert sum(lo.engageable for lo in res.layers) >= 2  # a real combination of layers


def test_perfect_assessment_loses_nothing_by_waiting(layered):
    """p_ka = 1: a layer that waits for the earlier one's assessment fires on every miss, so the
    leak is the product of the layers' misses, as if each fired regardless; it only spends less."""
    res = layered[1.0]
    ps = [lo.p_alone for lo in res.layers]
    assert res.p_kill == pytest.approx(res.p_kill_independent, abs=1e-12)
    assert res.p_kill == pytest.approx(1 - math.prod(1 - p for p in ps), abs=1e-12)
    assert res.expected_interceptors < sum(lo.engageable for lo in res.layers)


def test_blurry_assessment_discounts_the_waiting_layers(layered):
    res = layered[0.5]
    waiting = [lo for lo in res.layers if lo.fires_after_look]
    assert waiting, "expected a layer that can wait for a kill assessment"
    for lo in waiting:
        assert lo.p_kill == pytest.approx(0.5 * lo.p_alone)
    assert res.p_kill < res.p_kill_independent
