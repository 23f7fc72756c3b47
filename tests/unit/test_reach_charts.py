"""The reach charts: readable size, a speed axis on every panel, the sweep's floor marked <= (issue 14 item 5).

Drawn from a made-up result (3 targets x 4 fields x 3 shapes), so the test needs no flight.
"""
from types import SimpleNamespace

import numpy as np
from PIL import Image

from openbmd.analyses.icbm_sweeps import ReactionSweep
from openbmd.report.reach_charts import FLOOR_MARK, reach_figure, write_reach_charts

FIELDS = ("Kozelsk", "Uzhur", "Irkutsk", "Teykovo")
TARGETS = ("Washington", "Seattle", "Los Angeles", "Minot", "Boston")
SHAPES = ("min-energy", "lofted", "depressed")
GRID = (3.0, 3.25, 4.0, 5.0, 6.0, 6.3, 7.0, 8.5)


def _result(sweep=True):
    cases = tuple(SimpleNamespace(field=f, target=t, shape=s) for f in FIELDS for t in TARGETS for s in SHAPES)
    rng = np.random.default_rng(3)
    need = rng.choice(np.array(GRID + (np.nan,)), size=len(cases))
    need[0] = 3.0  # one at the floor
    eng = np.nan_to_num(need, nan=99.0) <= 7.0
    rs = ReactionSweep((0.0, 30.0, 60.0), np.stack([eng] * 3), np.stack([need] * 3), GRID) if sweep else None
    b = SimpleNamespace(battery_id="fort-greely", interceptor_id="gbi-3stage", burnout_speed_km_s=7.0,
                        lat_deg=63.95, lon_deg=-145.73, needed_burnout_speed_km_s=need, speeds_km_s=GRID,
                        reaction_sweep=rs, engageable=eng)
    return SimpleNamespace(cases=cases, batteries=(b,), reaction_s=60.0, architecture=SimpleNamespace(id="gmd")), b


def test_one_panel_per_target_each_with_its_speed_axis_and_the_floor_marked():
    result, b = _result()
    fig = reach_figure(result, b)
    axes = fig.get_axes()
    assert len(axes) == len(TARGETS) + 1  # the reaction-time panel and one per target
    panels = [ax for ax in axes if ax.get_title().startswith("to ")]
    assert sorted(ax.get_title()[3:] for ax in panels) == sorted(TARGETS)
    fig.canvas.draw()
    for ax in panels:
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels[0] == f"{FLOOR_MARK}3" and labels[-1] == ">8.5"
        assert all(t.get_visible() for t in ax.get_xticklabels())
        assert ax.get_xlabel()
    # the rows are the fields, labelled on the first panel of each row of panels
    assert [t.get_text() for t in panels[0].get_yticklabels()] == list(FIELDS)
    # the reaction-time panel's speed axis marks its floor too
    top = [ax for ax in axes if ax not in panels][0]
    assert [t.get_text() for t in top.get_yticklabels()][0] == f"{FLOOR_MARK}3"


def test_chart_size_is_sensible(tmp_path):
    result, b = _result()
    (path,) = write_reach_charts(result, tmp_path)
    w, h = Image.open(path).size
    assert 900 <= w <= 1600 and 500 <= h <= 1600, (w, h)
    assert h / w < 1.5  # not the former 990 x 3902 strip


def test_without_a_reaction_sweep_and_with_one_target():
    result, b = _result(sweep=False)
    result.cases = tuple(c for c in result.cases if c.target == "Seattle")
    b.needed_burnout_speed_km_s = b.needed_burnout_speed_km_s[:len(result.cases)]
    fig = reach_figure(result, b)
    assert len(fig.get_axes()) == 1
