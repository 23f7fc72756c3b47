"""The compiled earliest-arrival pass of the fly-out build against its array form, bit for bit.

The reference is the numpy form the build used before (``flyout._interp_between_kicks``): on
the crossings of real fans (every kick family, several azimuths) and on made-up crossings with
the awkward cases (never reached, equal altitudes of two kicks, ties in time, a node on a kick's
own altitude), the two give the same floats; a whole table built either way is the same table.
"""
import dataclasses

import numpy as np
import pytest

from openbmd.earth.model import earth_model
from openbmd.interceptors import flyout, get_interceptor
from openbmd.kernels.flyout_arrival import earliest_between_kicks


def _compiled(ht, tt, vt, h_nodes):
    t = np.empty((ht.shape[1], h_nodes.size))
    v = np.empty_like(t)
    earliest_between_kicks(ht, tt, vt, h_nodes, t, v)
    return t, v


def _same(a, b):
    np.testing.assert_array_equal(a, b)  # NaN where NaN, every other value bit-equal


def test_made_up_crossings_with_the_awkward_cases():
    rng = np.random.default_rng(3)
    L, R = 9, 40
    ht = rng.uniform(0.0, 100.0, (L, R))
    tt = rng.uniform(10.0, 300.0, (L, R))
    vt = rng.uniform(500.0, 4000.0, (L, R))
    ht[rng.random((L, R)) < 0.15] = np.nan  # never reaches that range
    ht[3, :10] = ht[4, :10]  # two kicks cross at the same altitude
    tt[5, 10:20] = tt[6, 10:20]  # and at the same time
    tt[2, 20:25] = np.nan  # a crossing without a time
    h_nodes = np.linspace(0.0, 100.0, 26)
    ht[0, 30:] = h_nodes[7]  # a node on a kick's own altitude
    got = _compiled(ht, tt, vt, h_nodes)
    want = flyout._interp_between_kicks(ht, tt, vt, h_nodes)
    _same(got[0], want[0])
    _same(got[1], want[1])
    assert np.isfinite(got[0]).mean() > 0.5 and np.isnan(got[0]).any()


@pytest.mark.parametrize("icp_id", ["sm-3-iia", "gbi-3stage"])
def test_a_whole_table_is_the_same_either_way(icp_id, monkeypatch):
    icp = get_interceptor(icp_id)
    args = (icp, 42.5, (0.0, 90.0, 180.0, 270.0), earth_model("wgs84"), True, 12, 41, 31)
    new = flyout._build_table(*args)

    def array_form(ht, tt, vt, h_nodes, t_out, v_out):
        t_out[...], v_out[...] = flyout._interp_between_kicks(ht, tt, vt, h_nodes)

    monkeypatch.setattr(flyout, "earliest_between_kicks", array_form)
    old = flyout._build_table(*args)
    for f in dataclasses.fields(new):
        a, b = getattr(new, f.name), getattr(old, f.name)
        if isinstance(a, np.ndarray):
            _same(a, b)
        else:
            assert a == b, f.name
    assert np.isfinite(new.time_s).mean() > 0.3
