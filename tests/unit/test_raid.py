"""Raids: allocation of finite magazines, expected leakers and the Monte Carlo.

References: the closed forms of independent shots and layers (Wilkening,
"A simple model for calculating ballistic missile defense effectiveness",
Science & Global Security 8 (2000) 183-215) as coded in
openbmd.engagement.doctrine; conservation of interceptors; monotonicity.
"""
import math

import numpy as np
import pytest

from openbmd.analyses.raid import load_raid, raid
from openbmd.engagement.allocation import Pairs, plan, simulate
from openbmd.architectures.loader import parse_architecture
from openbmd.engagement.doctrine import Doctrine, p_engagement, parse_doctrine
from openbmd.errors import InputError

ARCH = """
id = "test-ship"
name = "one Aegis ship in the eastern Mediterranean with a TPY-2"
year = 2018
status = "notional"
description = "test"
[command]
reaction_s = 30.0
doctrine = "{doctrine}"
[[sensor]]
id = "tpy2"
sensor = "an-tpy-2-fbm"
[[sensor]]
id = "spy"
sensor = "spy-1d"
lat_deg = 34.5
lon_deg = 27.0
[[battery]]
id = "ship"
interceptor = "sm-3-iia"
lat_deg = 34.5
lon_deg = 27.0
magazine = {magazine}
fire_control = "spy"
"""


def arch(doctrine="shoot-look-shoot", magazine=8):
    import tomllib

    return parse_architecture(tomllib.loads(ARCH.format(doctrine=doctrine, magazine=magazine)), "test")


def raid_file(tmp_path, body, name="r.toml"):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


ONE = """
[[salvo]]
missile = "shahab-3"
from = "Tabriz"
to = "Ankara"
count = 1
"""


# ------------------------------------------------------------------ against engage_many and the closed form
@pytest.fixture(scope="module")
def single(tmp_path_factory):
    path = raid_file(tmp_path_factory.mktemp("raid"), ONE + ONE.replace("count = 1", "count = 1\nlaunch_time_s = 250"))
    return raid(arch(), path, trials=4000, seed=3)


def test_single_threat_leaks_with_one_minus_p_kill(single):
    from openbmd.architectures.resolve import resolve
    from openbmd.engagement.engine import engage_many
    from openbmd.flight.samples import sample_flights
    from openbmd.flight.api import fly
    from openbmd.missiles import get_missile

    f = fly(get_missile("shahab-3"), 38.08, 46.29, target=(39.93, 32.87))
    res = engage_many(resolve(arch()), sample_flights(f.batch), 0.1)
    b = res.batteries[0]
    assert b.engageable[0], b.reason  # the test needs an engageable case
    closed = p_engagement(0.0 + single.pairs.pk[0], parse_doctrine("shoot-look-shoot"),
                          second_chance=b.opportunities[0] >= 2)
    assert single.plan.p_leak[0] == pytest.approx(1.0 - res.p_defense[0], abs=1e-12)
    assert single.plan.p_leak[0] == pytest.approx(1.0 - closed, abs=1e-12)


def test_a_later_launch_shifts_the_times_only(single):
    p = single.pairs
    assert p.engageable[0, 0] and p.engageable[1, 0]
    assert p.t_first_s[1, 0] - p.t_first_s[0, 0] == pytest.approx(250.0, abs=1e-9)
    assert p.t_last_s[1, 0] - p.t_last_s[0, 0] == pytest.approx(250.0, abs=1e-9)
    assert single.plan.p_leak[0] == single.plan.p_leak[1]


def test_monte_carlo_of_the_engine_agrees_with_the_plan(single):
    s = single.summary()
    lo, hi = s["monte_carlo"]["leakers_95ci"]
    assert lo <= s["expected_leakers"] <= hi
    assert s["threats"] == 2 and s["batteries"][0]["max_used"] <= 8


# ------------------------------------------------------------------ the allocation on synthetic pairs
def synthetic(T=12, B=3, magazine=100, seed=1, pk=(0.7, 0.6, 0.5)):
    rng = np.random.default_rng(seed)
    eng = rng.random((T, B)) < 0.8
    t1 = rng.uniform(200, 600, (T, B))
    t2 = t1 + rng.uniform(0, 150, (T, B))
    return Pairs(eng, np.where(eng, t1, np.inf), np.where(eng, t2, np.inf), eng & (rng.random((T, B)) < 0.5),
                 np.array(pk[:B], float), np.full(B, magazine, np.int64))


SLS = Doctrine(first_salvo=1, second_salvo=1, look=True, look_s=10.0)
SALVO2 = Doctrine(first_salvo=2)


@pytest.mark.parametrize("doctrine", [SLS, SALVO2], ids=["sls", "salvo-2"])
def test_monte_carlo_converges_to_the_expectation_with_ample_magazines(doctrine):
    pairs = synthetic()
    pl = plan(pairs, doctrine)
    # ample: independent layers, the closed form per threat
    leak = np.prod(1.0 - np.where(pairs.engageable, p_engagement(pairs.pk[None, :] * np.ones_like(pairs.second, float),
                                                                 doctrine, pairs.second), 0.0), axis=1)
    np.testing.assert_allclose(pl.p_leak, leak, atol=1e-12)
    n = 20_000
    d = simulate(pairs, doctrine, n, seed=7)
    lk = d.leakers.astype(float)
    half = 1.96 * lk.std(ddof=1) / math.sqrt(n)
    assert abs(lk.mean() - pl.p_leak.sum()) <= half
    for b in range(3):  # the rounds spent, too
        u = d.used[:, b].astype(float)
        assert abs(u.mean() - pl.expected_used[b]) <= 1.96 * u.std(ddof=1) / math.sqrt(n) + 1e-9


@pytest.mark.parametrize("k", [0, 1, 2, 3, 5, 8])
def test_a_magazine_of_k_rounds_engages_at_most_k_over_2_threats_under_salvo_2(k):
    T = 10
    pairs = Pairs(np.ones((T, 1), bool), np.arange(T, dtype=float)[:, None] * 30 + 300,
                  np.arange(T, dtype=float)[:, None] * 30 + 400, np.ones((T, 1), bool), np.array([0.6]),
                  np.array([k]))
    pl = plan(pairs, SALVO2)
    assert pl.assigned.sum() == min(T, k // 2)
    assert pl.denied.sum() == T - min(T, k // 2)
    assert pl.assigned[: k // 2].all()  # the earliest threats get the rounds
    d = simulate(pairs, SALVO2, 500, seed=1)
    assert (d.used <= k).all() and (d.used % 2 == 0).all()
    assert (d.used == 2 * min(T, k // 2)).all()  # salvo-2 always fires both at the only layer
    assert (d.leakers >= T - k // 2).all()


@pytest.mark.parametrize("doctrine", [SLS, SALVO2], ids=["sls", "salvo-2"])
def test_conservation_of_interceptors_in_every_trial(doctrine):
    pairs = synthetic(T=20, magazine=5)
    d = simulate(pairs, doctrine, 2000, seed=2)
    assert (d.used <= pairs.magazine).all() and (d.used >= 0).all()
    assert d.exhausted.any()  # scarce rounds: the test reaches the limit


@pytest.mark.parametrize("doctrine", [SLS, SALVO2], ids=["sls", "salvo-2"])
def test_more_rounds_never_mean_more_leakers(doctrine):
    base = synthetic(T=15, magazine=0)
    exp, mc = [], []
    for k in range(0, 16):
        pairs = Pairs(base.engageable, base.t_first_s, base.t_last_s, base.second, base.pk,
                      np.full(3, k, np.int64))
        exp.append(plan(pairs, doctrine).p_leak.sum())
        mc.append(simulate(pairs, doctrine, 4000, seed=5).leakers.mean())
    assert np.all(np.diff(exp) <= 1e-12), exp
    assert np.all(np.diff(mc) <= 0.02), mc  # Monte Carlo: common random numbers, small noise allowed
    assert exp[0] == pytest.approx(15.0) and exp[-1] < 1.0


def test_more_rounds_in_one_battery_never_mean_more_leakers_per_trial():
    # one battery: the same draws, more rounds -> the same threats engaged, plus more
    T = 8
    pairs = Pairs(np.ones((T, 1), bool), np.arange(T)[:, None] * 20.0 + 300, np.arange(T)[:, None] * 20.0 + 500,
                  np.ones((T, 1), bool), np.array([0.55]), np.array([0]))
    prev = None
    for k in range(0, 14):
        p = Pairs(pairs.engageable, pairs.t_first_s, pairs.t_last_s, pairs.second, pairs.pk, np.array([k]))
        lk = simulate(p, SLS, 300, seed=11).leakers
        if prev is not None:
            assert (lk <= prev).all()
        prev = lk


def test_same_seed_same_draws_other_seed_other_draws():
    pairs = synthetic(T=10, magazine=4)
    a, b, c = (simulate(pairs, SLS, 500, seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.leaked, b.leaked) and np.array_equal(a.used, b.used)
    assert not np.array_equal(a.leaked, c.leaked)


def test_trials_must_be_positive():
    with pytest.raises(InputError, match="trials"):
        simulate(synthetic(), SLS, 0)


# ------------------------------------------------------------------ the raid file
@pytest.mark.parametrize("body, line, fragment", [
    (ONE.replace('"shahab-3"', '"shahab-9"'), 3, "shahab-9"),
    (ONE.replace('"Tabriz"', '"Atlantis"'), 4, "unknown launch area"),
    (ONE.replace("count = 1", "count = 0"), 6, "count = 0"),
    (ONE.replace('"Ankara"', '"95,10"'), 5, "latitude 95"),
    (ONE.replace('"Ankara"', '"40.1,x"'), 5, "LAT,LON"),
    (ONE.replace('"Ankara"', '"Atlantis City"'), 5, "Atlantis City"),
    (ONE + ONE.replace("count = 1", 'count = 1\nshape = "sideways"'), 13, "min-energy"),
    (ONE + "\n[[salvo]]\nmissile = \"shahab-3\"\n", 8, "salvo[2]: missing required key 'from'"),
    (ONE.replace("count = 1", "count = 1\nspeed = 3"), 7, "unknown key 'salvo[1].speed'"),
    (ONE.replace("count = 1", "count = 1 1"), 6, "invalid TOML"),
    ("name = 'x'\n", None, "no [[salvo]]"),
])
def test_parse_errors_name_the_file_and_line(tmp_path, body, line, fragment):
    p = raid_file(tmp_path, body)
    with pytest.raises(InputError) as exc:
        load_raid(p)
    msg = str(exc.value)
    assert "\n" not in msg and str(p) in msg and fragment in msg, msg
    if line is not None:
        assert msg.startswith(f"{p}:{line}:"), msg


def test_out_of_reach_names_the_line(tmp_path):
    p = raid_file(tmp_path, ONE + ONE.replace('"Ankara"', '"Madrid"'))  # the 2nd [[salvo]] is on line 8
    with pytest.raises(InputError, match=rf"{p} line 8: .*beyond the reach"):
        raid(arch(), p, trials=10)


def test_places_resolve_areas_cities_and_coordinates(tmp_path):
    p = raid_file(tmp_path, ONE.replace('"Ankara"', '"ankara"') + ONE.replace('"Tabriz"', '"35.2, 53.9"'))
    r = load_raid(p)
    a, b = r.salvos
    assert (a.from_name, a.to_name) == ("Tabriz", "Ankara") and a.to_lat_deg == pytest.approx(39.93, abs=0.05)
    assert (b.from_lat_deg, b.from_lon_deg) == (35.2, 53.9) and b.line == 8 and r.threats == 2


def test_shipped_example_parses():
    from pathlib import Path

    r = load_raid(Path(__file__).parents[2] / "examples" / "raids" / "iran-salvo.toml")
    assert r.threats == 10 and {s.missile for s in r.salvos} == {"shahab-3", "sejjil-2"}
