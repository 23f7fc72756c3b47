"""Shot doctrine arithmetic against exact combinatorics (enumeration of every shot outcome)
and against shot-by-shot Monte Carlo."""
import itertools

import numpy as np
import pytest

from openbmd.engagement import (Doctrine, expected_shots, p_engagement, p_layers, p_salvo,
                                parse_doctrine, simulate)
from openbmd.errors import InputError


def _enumerate(pk, doctrine: Doctrine, second_chance=True):
    """Exact P(kill) and E[shots] by summing over every outcome of every shot and assessment."""
    p_kill = 0.0
    e_shots = 0.0
    n1, n2 = doctrine.first_salvo, doctrine.second_salvo if (doctrine.look and second_chance) else 0
    for first in itertools.product([True, False], repeat=n1):
        pf = np.prod([pk if h else 1 - pk for h in first])
        if any(first) or n2 == 0:
            p_kill += pf * any(first)
            e_shots += pf * n1
            continue
        for looked in (True, False):      # the assessment reports the miss, or wrongly a kill
            pl = doctrine.p_ka if looked else 1 - doctrine.p_ka
            if not looked:
                e_shots += pf * pl * n1
                continue
            for second in itertools.product([True, False], repeat=n2):
                ps = np.prod([pk if h else 1 - pk for h in second])
                p_kill += pf * pl * ps * any(second)
                e_shots += pf * pl * ps * (n1 + n2)
    return p_kill, e_shots


@pytest.mark.parametrize("pk", [0.0, 0.3, 0.55, 0.8, 1.0])
@pytest.mark.parametrize("doctrine", [
    Doctrine(first_salvo=1), Doctrine(first_salvo=2), Doctrine(first_salvo=4),
    Doctrine(first_salvo=1, second_salvo=1, look=True),
    Doctrine(first_salvo=2, second_salvo=2, look=True, p_ka=0.9),
    Doctrine(first_salvo=1, second_salvo=3, look=True, p_ka=0.7),
])
def test_closed_forms_match_enumeration(pk, doctrine):
    exact_p, exact_n = _enumerate(pk, doctrine)
    assert float(p_engagement(pk, doctrine)) == pytest.approx(exact_p, abs=1e-12)
    assert float(expected_shots(pk, doctrine)) == pytest.approx(exact_n, abs=1e-12)


def test_no_second_chance_is_the_first_salvo_alone():
    d = Doctrine(first_salvo=1, second_salvo=2, look=True)
    assert float(p_engagement(0.6, d, second_chance=False)) == pytest.approx(0.6)
    exact_p, exact_n = _enumerate(0.6, d, second_chance=False)
    assert float(expected_shots(0.6, d, second_chance=False)) == pytest.approx(exact_n)


def test_salvo_and_shoot_look_shoot_trade_shots_for_time():
    """Same two interceptors: a perfect look gives the same kill probability as a salvo of two,
    while spending fewer interceptors on average (1 + (1-pk))."""
    pk = 0.7
    salvo = Doctrine(first_salvo=2)
    sls = Doctrine(first_salvo=1, second_salvo=1, look=True)
    assert float(p_engagement(pk, sls)) == pytest.approx(float(p_salvo(pk, 2)))
    assert float(expected_shots(pk, sls)) == pytest.approx(1 + (1 - pk))
    assert float(expected_shots(pk, salvo)) == 2.0


def test_layers_multiply_leakage():
    assert float(p_layers([0.8, 0.5])) == pytest.approx(1 - 0.2 * 0.5)
    many = p_layers(np.array([[0.8, 0.5], [0.0, 0.0], [1.0, 0.3]]))
    assert np.allclose(many, [0.9, 0.0, 1.0])


def test_vectorized_over_uncertain_pk():
    pk = np.linspace(0, 1, 11)
    d = Doctrine(first_salvo=2)
    assert np.allclose(p_engagement(pk, d), 1 - (1 - pk) ** 2)
    assert np.all(np.diff(p_engagement(pk, d)) >= 0)


@pytest.mark.parametrize("doctrine", [Doctrine(first_salvo=2),
                                      Doctrine(first_salvo=1, second_salvo=2, look=True, p_ka=0.8)])
def test_monte_carlo_converges_to_the_closed_form(doctrine):
    n = 200_000
    killed, shots = simulate(0.6, doctrine, n, seed=7)
    p = float(p_engagement(0.6, doctrine))
    assert abs(killed.mean() - p) < 4 * np.sqrt(p * (1 - p) / n)
    assert shots.mean() == pytest.approx(float(expected_shots(0.6, doctrine)), abs=0.01)


def test_monte_carlo_is_reproducible_with_a_seed():
    d = Doctrine(first_salvo=1, second_salvo=1, look=True)
    a = simulate(0.5, d, 1000, seed=3)
    b = simulate(0.5, d, 1000, seed=3)
    c = simulate(0.5, d, 1000, seed=4)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("text, first, look, second", [
    ("salvo-2", 2, False, 1), ("Salvo-1", 1, False, 1), ("shoot-look-shoot", 1, True, 1),
    ("shoot-look-shoot-2-1", 2, True, 1)])
def test_parse_doctrine(text, first, look, second):
    d = parse_doctrine(text)
    assert (d.first_salvo, d.look) == (first, look)
    if look:
        assert d.second_salvo == second


@pytest.mark.parametrize("text", ["salvo-0", "salvo", "shoot-shoot", "shoot-look-shoot-0-1", ""])
def test_bad_doctrines_are_one_line_errors(text):
    with pytest.raises(InputError, match="allowed: salvo-N"):
        parse_doctrine(text)


def test_bad_probabilities_are_rejected():
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        p_salvo(1.2, 2)
    with pytest.raises(InputError, match="kill-assessment probability"):
        Doctrine(first_salvo=1, look=True, p_ka=1.5)
