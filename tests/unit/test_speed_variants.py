"""Every speed of the icbm-reach sweep builds for every catalog interceptor and burns out at it.

Independent checks of a variant (issue 14 item 2):

- the fly-out's own record: :func:`openbmd.interceptors.flyout.fly_fan` (the trajectory histories
  the fly-out tables are made of, not the calibration's burnout output) sampled at the stage's
  burn time on the range-maximising kick of the reference fan;
- the rocket equation: without drag, flown (nearly) vertically, the burnout speed lies between
  the ideal ``Isp g0 ln(m0 / mf)`` and the ideal less the largest possible gravity loss
  ``g t_burn`` (gravity never takes more than g per second of burn);
- a slower variant is the same booster with its burn cut short: launch mass, Isp, thrust and
  kill vehicle equal to the catalog's, the propellant it does not burn carried as dead mass.
"""
import numpy as np
import pytest

from openbmd.analyses.icbm_reach import DEFAULT_SPEEDS_KM_S
from openbmd.analyses.icbm_sweeps import figures_km_s, sweep_speeds
from openbmd.earth.model import G0_M_S2, earth_model
from openbmd.interceptors import get_interceptor
from openbmd.interceptors.booster import fan_kicks
from openbmd.interceptors.catalog import interceptor_ids
from openbmd.interceptors.flyout import fly_fan
from openbmd.interceptors.variants import interceptor_at_speed

NON_ROTATING = earth_model("wgs84", rotation=False)
G_MAX_M_S2 = 9.833  # WGS-84 normal gravity at the pole, the largest at the surface


def _burnout_speeds_m_s(booster, drag: bool, vertical: bool = False) -> np.ndarray:
    """Speeds at the end of the burn (fly_fan's record) on the longest-range kicks of the reference
    fan (the calibration's arc: every kick within 0.5 % of the longest range, since two neighbours
    of the fan can fly equally far), or on its most nearly vertical one (no steering loss: the
    thrust stays along the velocity, so only gravity and drag take speed)."""
    t, rng, _, spd = fly_fan(booster, 0.0, [90.0], fan_kicks(40), NON_ROTATING, drag=drag)
    reach = np.nanmax(rng[0], axis=1)
    ks = [0] if vertical else np.flatnonzero(reach >= 0.995 * np.nanmax(reach))
    out = []
    for k in ks:
        ok = np.isfinite(t[0, k])
        out.append(float(np.interp(booster.stages[0].burn_time_s, t[0, k][ok], spd[0, k][ok])))
    return np.array(out)


def _check_every_speed(iid: str) -> None:
    icp = get_interceptor(iid)
    grid, variants = sweep_speeds(icp, DEFAULT_SPEEDS_KM_S)
    want = sorted(set(DEFAULT_SPEEDS_KM_S) | set(figures_km_s(icp)))
    assert list(grid) == want, f"{iid}: speeds not built: {sorted(set(want) - set(grid))}"
    cat = icp.booster.stages[0]
    for v in grid:
        var = variants[v]
        assert var.burnout_speed_km_s == v
        st = var.booster.stages[0]
        measured = _burnout_speeds_m_s(var.booster, drag=True)
        assert np.min(np.abs(measured / (v * 1e3) - 1.0)) <= 0.012, (iid, v, measured)
        m0 = var.booster.payload_kg + st.dry_kg + st.propellant_kg
        ideal = st.isp_s * G0_M_S2 * np.log(m0 / (m0 - st.propellant_kg))
        free = _burnout_speeds_m_s(var.booster, drag=False, vertical=True)[0]
        assert ideal - G_MAX_M_S2 * st.burn_time_s <= free <= ideal, (iid, v)
        assert _burnout_speeds_m_s(var.booster, drag=True, vertical=True)[0] < free  # drag only takes speed
        if v < icp.burnout_speed_km_s:  # the burn cut: the same booster and launch mass, less burnt
            assert st.isp_s == cat.isp_s and st.burn_time_s < cat.burn_time_s
            assert st.propellant_kg / st.burn_time_s == pytest.approx(cat.propellant_kg / cat.burn_time_s)
            assert m0 == pytest.approx(icp.launch_mass_kg) and var.launch_mass_kg == icp.launch_mass_kg
            assert st.dry_kg - cat.dry_kg == pytest.approx(cat.propellant_kg - st.propellant_kg)
            assert var.kill_vehicle.divert_delta_v_m_s == icp.kill_vehicle.divert_delta_v_m_s
        elif v > icp.burnout_speed_km_s:  # the same load at a higher effective Isp
            assert st.propellant_kg == cat.propellant_kg and st.isp_s > cat.isp_s
        else:
            assert var is icp


def test_every_speed_of_the_sweep_builds_for_the_gbi():
    _check_every_speed("gbi-3stage")


@pytest.mark.slow
@pytest.mark.parametrize("iid", [i for i in interceptor_ids() if i != "gbi-3stage"])
def test_every_speed_of_the_sweep_builds_for_every_interceptor(iid):
    _check_every_speed(iid)


def test_slower_variants_burn_less_propellant_in_order():
    """The cut comes earlier as the speed falls (the burnout speed grows with the burn)."""
    icp = get_interceptor("gbi-3stage")
    loads = [interceptor_at_speed(icp, v).booster.stages[0].propellant_kg for v in (3.0, 4.0, 5.0, 6.0, 7.0)]
    assert np.all(np.diff(loads) > 0)


def test_a_bad_speed_is_one_line_without_nan():
    from openbmd.errors import InputError

    icp = get_interceptor("gbi-3stage")
    for bad in (float("nan"), -1.0, 0.0):
        with pytest.raises(InputError, match="must be a positive number") as e:
            interceptor_at_speed(icp, bad)
        assert "\n" not in str(e.value)
