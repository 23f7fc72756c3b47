"""The offense-defense balance: allocation against closed forms, Monte Carlo against the mean field,
the force file, the targeting spread over icbm-reach's cases, and the sweep."""
import numpy as np
import pytest

from openbmd.analyses.balance import Engagement, engagement
from openbmd.analyses.balance_alloc import Classes, fewest_arriving, mean_field, scaled_counts, simulate
from openbmd.analyses.balance_force import get_force, parse_force
from openbmd.analyses.balance_sweep import arriving, needed_inventory, sweep
from openbmd.engagement.doctrine import Doctrine, expected_shots, p_engagement, parse_doctrine
from openbmd.errors import InputError


def one_class(w, d=0, batteries=1):
    return Classes(np.array([w]), np.array([d]), np.ones((1, batteries), bool))


def mc_mean_ci(draws):
    return draws.mean(), 4.0 * draws.std(ddof=1) / np.sqrt(len(draws))  # 4 sigma: a seeded test, no flake


@pytest.mark.parametrize("n, w, s, p", [(44, 100, 2, 0.6), (44, 15, 2, 0.6), (60, 1000, 3, 0.8), (10, 10, 1, 0.5)])
def test_expected_kills_closed_form_and_monte_carlo(n, w, s, p):
    """Every warhead engageable, n interceptors, salvo s, Pk p: kills = min(n/s, W) (1 - (1-p)^s)."""
    cl, doc = one_class(w), Doctrine(first_salvo=s)
    closed = min(n / s, w) * (1 - (1 - p) ** s)
    kills, used = mean_field(cl, [n], [p], doc)
    assert kills.sum() == pytest.approx(closed, rel=1e-12)
    assert used[0] == pytest.approx(min(n, w * s))
    draws = simulate(cl, [n], [p], doc, trials=4000, seed=3)
    mean, half = mc_mean_ci(w - draws)
    assert abs(mean - closed) < half


def test_decoys_dilute_interceptors_hypergeometric():
    """No discrimination: n single shots of Pk 1 on W warheads hidden among D decoys kill n W / (W + D)."""
    cl = one_class(100, 300)
    kills, _ = mean_field(cl, [40], [1.0], Doctrine(first_salvo=1), q=0.0)
    assert kills.sum() == pytest.approx(40 * 100 / 400)
    draws = simulate(cl, [40], [1.0], Doctrine(first_salvo=1), q=0.0, trials=4000, seed=1)
    mean, half = mc_mean_ci(100 - draws)
    assert abs(mean - 10.0) < half
    # perfect discrimination: the decoys cost nothing
    assert mean_field(cl, [40], [1.0], Doctrine(first_salvo=1), q=1.0)[0].sum() == pytest.approx(40)


def test_discrimination_monotone():
    cl = Classes(np.array([300, 200]), np.array([600, 100]), np.array([[True, False], [True, True]]))
    doc = parse_doctrine("salvo-2")
    arr = [cl.total - mean_field(cl, [40, 4], [0.6, 0.6], doc, q)[0].sum() for q in np.linspace(0, 1, 6)]
    assert all(a >= b - 1e-9 for a, b in zip(arr, arr[1:]))


def test_shoot_look_shoot_matches_doctrine_closed_forms():
    doc = parse_doctrine("shoot-look-shoot")
    cl = one_class(50)
    kills, used = mean_field(cl, [10_000], [0.7], doc)
    assert kills.sum() == pytest.approx(50 * float(p_engagement(0.7, doc)))
    assert used[0] == pytest.approx(50 * float(expected_shots(0.7, doc)))
    draws = simulate(cl, [10_000], [0.7], doc, trials=3000, seed=2)
    mean, half = mc_mean_ci(50 - draws)
    assert abs(mean - kills.sum()) < half


def test_worst_case_is_a_matching_by_hand():
    """A-only 10, B-only 5, both 20; magazines A 12, B 10: A kills 10 + 2, B kills 5 + 5 -> 13 arrive."""
    cl = Classes(np.array([10, 5, 20, 7]), np.zeros(4, int),
                 np.array([[True, False], [False, True], [True, True], [False, False]]))
    assert fewest_arriving(cl, [12, 10]) == pytest.approx(42 - 22)
    assert cl.engageable == 35


def test_monte_carlo_agrees_with_mean_field_with_two_batteries():
    cl = Classes(np.array([30, 40, 50]), np.zeros(3, int), np.array([[True, False], [True, True], [False, False]]))
    doc = parse_doctrine("salvo-2")
    kills, used = mean_field(cl, [40, 20], [0.6, 0.8], doc)
    assert used.tolist() == [40, 20]
    draws = simulate(cl, [40, 20], [0.6, 0.8], doc, trials=4000, seed=5)
    mean, half = mc_mean_ci(cl.total - draws)
    assert abs(mean - kills.sum()) < half
    assert draws.min() >= 50  # the unengageable class always arrives


def test_bad_discrimination_and_scaling():
    with pytest.raises(InputError, match="discrimination"):
        mean_field(one_class(3), [2], [0.5], Doctrine(), q=1.5)
    c = scaled_counts([3.3, 1.1, 5.6], 1550)
    assert c.sum() == 1550 and np.all(c >= 0)


def test_russia_2024_force_file():
    f = get_force("russia-2024")
    assert f.warheads == sum(g.missiles * g.warheads_per_missile for g in f.groups)
    assert 1000 <= f.warheads <= 1300  # the commonly quoted 2024 ICBM range (M: ~1,100-1,250)
    assert all(g.source.strip() for g in f.groups)
    assert "new_start" in dict(f.sources) and "1,550" in dict(f.sources)["new_start"]


@pytest.mark.parametrize("text, fragment", [
    ('id="x"\n[[group]]\nfield="Paris"\nmissile="rs-24"\nmissiles=1\nwarheads_per_missile=1\nsource="N"\n',
     "x.toml:3: group[1].field"),
    ('id="x"\n[[group]]\nfield="Uzhur"\nmissile="rs-24"\nmissiles=1\nwarheads_per_missile=1\nsource="N"\n',
     "x.toml:4: group[1].missile"),
    ('id="x"\n[[group]]\nfield="Uzhur"\nmissile="ss-18"\nmissiles=-1\nwarheads_per_missile=1\nsource="N"\n',
     "x.toml:5: group[1].missiles"),
    ('id="x"\n[[group]]\nfield="Uzhur"\nmissile="ss-18"\nmissiles=1\nwarheads_per_missile=1\n', "source"),
])
def test_bad_force_file_is_one_line(text, fragment):
    with pytest.raises(InputError) as exc:
        parse_force(text, "x.toml")
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def _reach(engageable):
    """An icbm-reach result over two fields x two targets (min-energy), batteries' verdicts given."""
    from openbmd.analyses.icbm_reach import BatteryReach, Case, IcbmReachResult
    from openbmd.architectures.loader import get_architecture

    cases = [Case(f, t, "min-energy", m, 0, 0, 0, 0, 1800.0) for f, m in (("Uzhur", "ss-18"), ("Kozelsk", "rs-24"))
             for t in ("Washington", "Seattle")]
    bats = []
    for bid, eng in engageable.items():
        e = np.array(eng, bool)
        nan, margin = np.full(len(cases), np.nan), np.where(e, 100.0, np.nan)
        bats.append(BatteryReach(bid, "gbi-3stage", 7.0, 0, 0, e, margin, nan, (None,) * len(cases), ()))
    return IcbmReachResult(get_architecture("gmd"), tuple(cases), tuple(bats), (), 60.0, 0.0)


def test_warheads_spread_over_targets_into_classes():
    """Uzhur 10 x 10 = 100 warheads over 2 targets, Kozelsk 5 x 4 = 20: the classes by hand."""
    force = parse_force('id="t"\n[[group]]\nfield="Uzhur"\nmissile="ss-18"\nmissiles=10\nwarheads_per_missile=10\n'
                        'source="N"\n[[group]]\nfield="Kozelsk"\nmissile="rs-24"\nmissiles=5\n'
                        'warheads_per_missile=4\ndecoys_per_warhead=2\nsource="N"\n', "t.toml")
    reach = _reach({"fort-greely": [1, 0, 1, 1], "vandenberg": [0, 0, 1, 0]})
    e = engagement(reach, force)
    got = {tuple(m): (int(w), int(d)) for m, w, d in zip(e.classes.mask, e.classes.warheads, e.classes.decoys)}
    assert got == {(True, False): (50 + 10, 20), (False, False): (50, 0), (True, True): (10, 20)}
    assert e.by_battery == {"fort-greely": 70, "vandenberg": 10}
    assert e.magazine.tolist() == [40, 4] and e.doctrine.first_salvo == 2


def _engagement(w=1000, mag=(44,)):
    cl = one_class(w, 0, len(mag))
    return Engagement(classes=cl, batteries=tuple(f"b{i}" for i in range(len(mag))),
                      interceptors=("gbi-3stage",) * len(mag), magazine=np.array(mag), pk=np.full(len(mag), 0.6),
                      doctrine=Doctrine(first_salvo=2), out_of_reach=0, by_battery={})


def test_needed_inventory_closed_form():
    """All engageable, salvo 2, Pk 0.6: arriving = W - N/2 * 0.84 < X  =>  N > 2 (W - X) / 0.84."""
    e = _engagement()
    n = needed_inventory(e, e.classes, 400, q=1.0)
    assert n == pytest.approx(2 * (1000 - 400) / 0.84, abs=1.0)
    # beyond the leak floor (16 % of the warheads survive a full engagement) it is never
    assert needed_inventory(e, e.classes, 150, q=1.0) is None
    assert arriving(e, e.classes, 1e6, 1.0) == pytest.approx(1000 * 0.16)


def test_sweep_monotone():
    e = _engagement(1224, (40, 4))
    s = sweep(e, discrimination=0.5, warheads=(1550, 800, 200), inventories=(44, 200, 1000), decoys=(0.0, 3.0))
    g = np.array(s["expected_arriving"])
    assert np.all(np.diff(g, axis=1) <= 1e-9) and np.all(np.diff(g, axis=0) <= 1e-9)
    for r in s["needed_inventory"]:
        got = [n for n in r["inventory"] if n is not None]
        assert got == sorted(got, reverse=True)  # fewer warheads, fewer interceptors needed


def test_engagement_from_the_json_summary_is_the_same():
    """assess's claims read icbm-reach's JSON: the same classes as from the result itself."""
    reach = _reach({"fort-greely": [1, 0, 1, 1], "vandenberg": [0, 1, 1, 0]})
    force = get_force("russia-2024")
    a = engagement(reach, force)
    b = engagement(reach.summary(), force)
    assert a.classes.mask.tolist() == b.classes.mask.tolist()
    assert a.classes.warheads.tolist() == b.classes.warheads.tolist()
    assert a.batteries == b.batteries and a.magazine.tolist() == b.magazine.tolist()


def test_needed_inventory_by_doctrine_closed_form():
    """Salvo s, Pk p, all engageable: N = s (W - X) / (1 - (1-p)^s) for every variant of the sweep."""
    e = _engagement(1000)
    s = sweep(e, discrimination=1.0, warheads=(1000,), inventories=(44,), thresholds=(400,), decoys=(0.0,))
    got = {r["variant"]: r["inventory"][0] for r in s["needed_inventory_by_doctrine"]}
    for n in (1, 2, 4):
        assert got[f"salvo-{n}"] == pytest.approx(n * 600 / (1 - 0.4 ** n), abs=1.0)
    for p in (0.5, 0.8):
        assert got[f"salvo-2, Pk {p:g}"] == pytest.approx(2 * 600 / (1 - (1 - p) ** 2), abs=1.0)
