"""The compiled earliest-arrival kernel against the numpy transcription it replaced
(tests/validation/arrival_numpy.py): the same cells, bit for bit up to rounding, on a real fan
(crossings from flown trajectories, NaN where a kick never reaches a range) and on a synthetic
one with ties, equal altitudes and NaN gaps."""
import numpy as np

from arrival_numpy import interp_between_kicks
from openbmd.earth.model import earth_model
from openbmd.interceptors import get_interceptor
from openbmd.interceptors.flyout import _interp_between_kicks, fly_fan


def _crossings(t, rng_km, alt_km, spd, r_nodes):
    """(L, R) altitude, time and speed where each kick first reaches each range node."""
    out = np.full((3, t.shape[0], r_nodes.size), np.nan)
    for ln in range(t.shape[0]):
        ok = np.isfinite(t[ln])
        r = np.maximum.accumulate(rng_km[ln, ok])
        for q, src in enumerate((alt_km, t, spd)):
            inside = r_nodes <= r[-1]
            out[q, ln, inside] = np.interp(r_nodes[inside], r, src[ln, ok])
    return out


def test_kernel_matches_numpy_on_a_flown_fan():
    icp = get_interceptor("sm-3-iia")
    t, rng, alt, spd = fly_fan(icp.booster, 52.5, [90.0], np.linspace(2.0, 80.0, 24), earth_model("wgs84"))
    r_nodes = np.linspace(0.0, 2500.0, 60)
    ht, tt, vt = _crossings(t[0], rng[0] / 1e3, alt[0] / 1e3, spd[0], r_nodes)
    h_nodes = np.linspace(0.0, 1200.0, 50)
    want_t, want_v = interp_between_kicks(ht, tt, vt, h_nodes)
    got_t, got_v = _interp_between_kicks(ht, tt, vt, h_nodes)
    assert np.isfinite(want_t).sum() > 500
    np.testing.assert_allclose(got_t, want_t, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(got_v, want_v, rtol=1e-12, atol=1e-9)


def test_kernel_matches_numpy_on_ties_flat_pairs_and_gaps():
    rng = np.random.default_rng(3)
    ht = np.round(rng.uniform(0.0, 10.0, (12, 9)))  # integers: many equal altitudes and exact ties
    tt = np.round(rng.uniform(0.0, 5.0, (12, 9)))
    vt = rng.uniform(0.0, 1.0, (12, 9))
    ht[rng.random(ht.shape) < 0.15] = np.nan
    tt[rng.random(tt.shape) < 0.1] = np.nan
    h_nodes = np.linspace(0.0, 10.0, 21)
    want = interp_between_kicks(ht, tt, vt, h_nodes)
    got = _interp_between_kicks(ht, tt, vt, h_nodes)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(np.isnan(g), np.isnan(w))
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
