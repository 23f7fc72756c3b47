"""Each icbm-reach answer at each disputed burnout speed (issue 13 item 4)."""
from openbmd.analyses.icbm_sweeps import figures_km_s, sweep_speeds
from openbmd.interceptors import get_interceptor


def test_gbi_figures_are_the_fit_the_choice_and_the_claim():
    gbi = get_interceptor("gbi-3stage")
    lo, hi = gbi.burnout_speed_spread_km_s
    assert figures_km_s(gbi) == (lo, gbi.burnout_speed_km_s, hi)
    assert lo <= 6.3 and hi >= 8.5  # the 2003 Kepler fit and the Lewis & Postol claim are both inside


def test_sweep_grid_holds_every_figure():
    icp = get_interceptor("sm-3-iib")
    grid, variants = sweep_speeds(icp, (5.0, 5.5))
    assert set(figures_km_s(icp)) <= set(grid) and set(grid) == set(variants)
