"""The on-disk fly-out cache: a second process loads the table it would otherwise fly again.

The reference for every loaded table is the table computed afresh in the same
run (identical arrays, bit for bit); "a second process" is simulated by
clearing the in-process lru_cache.
"""
import dataclasses
import logging
import sys
import time

import numpy as np
import pytest

from openbmd.earth.model import earth_model
from openbmd.interceptors import cache, flyout, get_interceptor
from openbmd.interceptors.flyout import clear_flyout_cache, flyout_table

SMALL = dict(azimuth_deg=(0.0, 180.0), n_kicks=8, n_range=21, n_alt=17)  # a table in well under 1 s
LAT = 38.3


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    clear_flyout_cache(disk=False)
    yield tmp_path / "cache" / cache.SUBDIR
    clear_flyout_cache(disk=False)


@pytest.fixture
def builds(monkeypatch):
    """Count calls of the expensive builder."""
    calls = []
    real = flyout._build_table

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(flyout, "_build_table", counting)
    return calls


def _forbid_building(monkeypatch):
    def boom(*args):
        raise AssertionError("the table was built, not loaded from disk")

    monkeypatch.setattr(flyout, "_build_table", boom)


def _assert_same(a, b):
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)  # NaN == NaN here, values bit-equal
        else:
            assert type(x) is type(y) and x == y, f.name


def test_second_process_loads_identical_table_fast(fresh_cache, monkeypatch):
    icp = get_interceptor("thaad")
    t0 = time.perf_counter()
    built = flyout_table(icp, LAT, **SMALL)
    t_build = time.perf_counter() - t0
    files = list(fresh_cache.glob("*.npz"))
    assert len(files) == 1 and files[0].name.startswith("thaad-")
    assert not list(fresh_cache.glob(".*.tmp"))  # the temporary file was moved into place

    clear_flyout_cache(disk=False)
    _forbid_building(monkeypatch)
    t0 = time.perf_counter()
    loaded = flyout_table(icp, LAT, **SMALL)
    t_load = time.perf_counter() - t0
    assert loaded is not built
    _assert_same(built, loaded)
    assert t_load < 0.2 and t_load < t_build
    t = loaded.time_to(100.0, 80.0, 0.0)  # inside THAAD's 40-150 km band and 200 km cap
    assert np.isfinite(t) and t == built.time_to(100.0, 80.0, 0.0)
    assert not loaded.time_s.flags.writeable  # still a frozen bundle


def test_in_process_cache_stays_in_front(fresh_cache, builds):
    icp = get_interceptor("thaad")
    a = flyout_table(icp, LAT, **SMALL)
    for f in fresh_cache.glob("*.npz"):
        f.unlink()
    assert flyout_table(icp, LAT, **SMALL) is a and len(builds) == 1  # disk not even looked at


def _key(icp, **over):
    kw = dict(lat_deg=37.5, azimuth_deg=(0.0, 180.0), earth=earth_model("wgs84"), drag=True,
              n_kicks=8, n_range=21, n_alt=17, code="code-v1")
    kw.update(over)
    return cache.table_key(icp, **kw)


def test_key_covers_every_input():
    icp = get_interceptor("thaad")
    base = _key(icp)
    assert _key(icp) == base and len(base) == 64
    faster = dataclasses.replace(icp, burnout_speed_km_s=icp.burnout_speed_km_s + 0.1)
    stage = dataclasses.replace(icp.booster.stages[0], burn_time_s=icp.booster.stages[0].burn_time_s * 1.01)
    rebooster = dataclasses.replace(icp, booster=icp.booster.replace_stages((stage,) + icp.booster.stages[1:]))
    kv = dataclasses.replace(icp, kill_vehicle=dataclasses.replace(icp.kill_vehicle, max_range_km=150.0))
    drag = dataclasses.replace(icp, booster=dataclasses.replace(
        icp.booster, drag_cd=tuple(c * 1.1 for c in icp.booster.drag_cd)))
    others = [_key(faster), _key(rebooster), _key(kv), _key(drag), _key(get_interceptor("sm-3-iia")),
              _key(icp, code="code-v2"), _key(icp, lat_deg=42.5), _key(icp, azimuth_deg=(90.0, 270.0)),
              _key(icp, earth=earth_model("sphere")), _key(icp, earth=earth_model("wgs84", rotation=False)),
              _key(icp, drag=False), _key(icp, n_kicks=9), _key(icp, n_range=22), _key(icp, n_alt=18)]
    assert len({base, *others}) == len(others) + 1
    # where the file was read from is not part of the definition
    assert _key(dataclasses.replace(icp, source_path="/elsewhere/thaad.toml")) == base


def test_code_fingerprint_covers_the_physics_sources():
    texts = cache.physics_sources()
    for name in ("kernels/flight.py", "kernels/flight_rhs.py", "kernels/arrival.py", "kernels/flight_events.py", "kernels/atmosphere.py",
                 "kernels/geo.py", "flight/lanes.py", "flight/aim_many.py",
                 "flight/propagate.py", "interceptors/flyout.py", "interceptors/booster.py",
                 "earth/geodesy.py"):
        assert texts[name], name
    base = cache.source_fingerprint(texts)
    edited = dict(texts)
    edited["kernels/flight.py"] = texts["kernels/flight.py"] + b"\n"  # one byte more
    assert cache.source_fingerprint(edited) != base
    assert len(cache.code_fingerprint()) == 64


def test_code_change_invalidates_old_tables(fresh_cache, monkeypatch, builds):
    icp = get_interceptor("thaad")
    flyout_table(icp, LAT, **SMALL)
    clear_flyout_cache(disk=False)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "physics edited")
    flyout_table(icp, LAT, **SMALL)
    assert len(builds) == 2 and len(list(fresh_cache.glob("*.npz"))) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong_key"])
def test_damaged_file_is_recomputed(fresh_cache, builds, damage, caplog, monkeypatch):
    icp = get_interceptor("thaad")
    built = flyout_table(icp, LAT, **SMALL)
    (path,) = fresh_cache.glob("*.npz")
    raw = path.read_bytes()
    if damage == "wrong_key":  # a whole, valid file that holds another key's table
        cache.store("0" * 64, built, "thaad").replace(path)
    else:
        path.write_bytes({"garbage": b"not a zip file at all", "truncated": raw[: len(raw) // 2],
                          "empty": b""}[damage])
    clear_flyout_cache(disk=False)
    with caplog.at_level(logging.DEBUG, logger="openbmd.interceptors.cache"):
        again = flyout_table(icp, LAT, **SMALL)
    assert len(builds) == 2 and "ignoring unreadable" in caplog.text
    _assert_same(built, again)
    clear_flyout_cache(disk=False)  # the recomputed table was written back whole
    _forbid_building(monkeypatch)
    _assert_same(built, flyout_table(icp, LAT, **SMALL))


def test_unusable_cache_dir_still_gives_a_table(tmp_path, monkeypatch, builds, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")  # mkdir under a file fails even for root
    monkeypatch.setenv(cache.ENV_VAR, str(blocker))
    icp = get_interceptor("thaad")
    with caplog.at_level(logging.DEBUG, logger="openbmd.interceptors.cache"):
        table = flyout_table(icp, LAT, **SMALL)
    assert table.time_s.shape == (2, 21, 17) and np.isfinite(table.time_s).any()
    assert "cannot write" in caplog.text and len(builds) == 1


def test_clear_removes_files(fresh_cache):
    flyout_table(get_interceptor("thaad"), LAT, **SMALL)
    assert clear_flyout_cache() == 1 and not list(fresh_cache.glob("*.npz"))


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG rules are Linux's")
def test_cache_dir_follows_env_and_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine" / "flyout"
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "openbmd" / "flyout"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "openbmd" / "flyout"
