"""map_chunks: input order, progress and shared inputs, here and on a LocalCluster; --dask specs."""
from __future__ import annotations

import time

import pytest

from openbmd.errors import InputError
from openbmd.scale.executor import map_chunks, parse_spec


def _slow_square(x, *, offset, delay):
    time.sleep(delay * (5 - x))  # the first chunks finish last on a cluster
    return x * x + offset


def test_results_in_input_order_and_progress_per_chunk(client):
    seen = []
    here = map_chunks(_slow_square, range(5), shared={"offset": 1, "delay": 0.0})
    there = map_chunks(_slow_square, range(5), client=client, shared={"offset": 1, "delay": 0.05},
                       progress=lambda d, n: seen.append((d, n)))
    assert here == there == [1, 2, 5, 10, 17]
    assert seen == [(k, 5) for k in range(1, 6)]


def test_shared_inputs_reach_every_task_once_scattered(client):
    import numpy as np

    big = np.arange(200_000, dtype=float)  # 1.6 MB: scattered once, not pickled per task
    got = map_chunks(_total, [0, 1, 2, 3], client=client, shared={"big": big})
    assert got == [float(big.sum()) + k for k in range(4)]


def _total(k, *, big):
    return float(big.sum()) + k


def test_an_error_in_a_task_reaches_the_caller(client):
    with pytest.raises(ZeroDivisionError):
        map_chunks(_inverse, [1, 0, 2], client=client)


def _inverse(x):
    return 1 / x


@pytest.mark.parametrize("spec, want", [("local:3", ("local", 3)), ("tcp://10.0.0.1:8786", ("address", "tcp://10.0.0.1:8786"))])
def test_specs(spec, want):
    assert parse_spec(spec) == want
    assert parse_spec("local")[0] == "local" and parse_spec("local")[1] >= 1


@pytest.mark.parametrize("spec", ["", "local:0", "local:x", "remote", "http://host:8786", "tcp://"])
def test_bad_specs_are_one_line(spec):
    with pytest.raises(InputError) as e:
        parse_spec(spec)
    assert "\n" not in str(e.value) and ("allowed" in str(e.value) or "local:N" in str(e.value))


def test_without_dask_the_option_is_one_line_exit_2(monkeypatch, capsys):
    import sys

    from openbmd.cli.main import main

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    rc = main(["raid", "-a", "epaa-phase-1", "--raid", "examples/raids/iran-salvo.toml", "--dask", "local:2"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err == "openbmd: error: --dask needs dask.distributed: pip install 'openbmd[dask]'\n"


@pytest.mark.parametrize("value", ["foo", "local:0"])
def test_a_bad_option_value_fails_before_any_work(capsys, value):
    from openbmd.cli.main import main

    rc = main(["coverage", "-a", "no-such-architecture", "--threat", "x", "--from", "Tabriz", "--dask", value])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith(f"openbmd: error: --dask {value!r}") and err.count("\n") == 1
