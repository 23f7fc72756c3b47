"""Fly-out tables built ahead in worker processes: built at all, and bit for bit the run's own.

The reference is the table the run would build here (``flyout._build_table`` in this process);
a prebuild that silently built nothing (numba refusing a changed NUMBA_NUM_THREADS in the
workers, which went unnoticed for a whole session) fails the first assertion.
"""
import dataclasses

import numpy as np
import pytest

from openbmd.earth.model import earth_model
from openbmd.interceptors import cache, flyout, get_interceptor
from openbmd.interceptors.flyout import band_latitude, clear_flyout_cache, flyout_table
from openbmd.interceptors.prebuild import missing_tables, prebuild_tables

SMALL = dict(azimuth_deg=(0.0, 180.0), n_kicks=8, n_range=21, n_alt=17)  # a table in well under 1 s


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))  # the spawned workers inherit it
    clear_flyout_cache(disk=False)
    yield tmp_path / "cache" / cache.SUBDIR
    clear_flyout_cache(disk=False)


def test_workers_build_the_tables_the_run_would_build(cache_dir, monkeypatch):
    icp = get_interceptor("thaad")
    specs = [(icp, 31.0), (icp, 33.0), (icp, 52.0)]  # 31 and 33 share the 30-35 degree band
    assert len(missing_tables(specs, SMALL)) == 2
    assert prebuild_tables(specs, processes=2, options=SMALL) == 2
    assert len(list(cache_dir.glob("thaad-*.npz"))) == 2 and missing_tables(specs, SMALL) == []

    build = flyout._build_table

    def boom(*args):
        raise AssertionError("the run built a table the workers had built")

    monkeypatch.setattr(flyout, "_build_table", boom)
    for lat in (31.0, 52.0):
        loaded = flyout_table(icp, lat, **SMALL)
        own = build(icp, band_latitude(lat), SMALL["azimuth_deg"], earth_model("wgs84"), True,
                    SMALL["n_kicks"], SMALL["n_range"], SMALL["n_alt"])
        for f in dataclasses.fields(own):
            a, b = getattr(own, f.name), getattr(loaded, f.name)
            if isinstance(a, np.ndarray):
                np.testing.assert_array_equal(a, b, err_msg=f.name)
            else:
                assert a == b, f.name


def test_nothing_missing_starts_no_process(cache_dir):
    icp = get_interceptor("thaad")
    flyout_table(icp, 31.0, **SMALL)
    assert prebuild_tables([(icp, 31.0), (icp, 32.0)], processes=2, options=SMALL) == 0
