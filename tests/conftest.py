"""Suite-wide settings: the fly-out table cache, the ``slow`` and ``characterization`` marks.

Fly-out tables. A table is built once and then shared: in the process by ``flyout_table``'s
lru_cache, across processes (the CLI subprocesses, later runs) by the disk cache of
``openbmd.interceptors.cache``. The suite uses the same disk cache as the user
(``$OPENBMD_CACHE_DIR``, else ~/.cache/openbmd): a table's key is the SHA-256 of everything it
depends on (the interceptor's full definition, latitude band, azimuths, Earth, drag, grid) and
of the physics code's source text, openbmd's and numpy's versions, so a table read from there is
bit for bit the table the run would build (tests/unit/test_flyout_cache.py proves the round
trip, the invalidation and the recovery from damaged files, each in a fresh folder of its own).
A warm cache saves the ~190 table builds of a cold run (about 255 s of its 578 s on a quiet 2-core
machine, 2026-12-06; most are speed variants); nothing a test asserts depends on whether
a table was built or loaded, nor on which test asked for it first.
``pytest --fresh-flyout-cache`` runs the suite on an empty cache of its own (the cold path,
as on a new machine).

``slow``: the tests listed in SLOW below (each over ~5 s on a quiet 2-core machine, measured with
``--durations``); ``pytest -m "not slow"`` is the quick loop, CI runs everything.
``characterization``: every test under tests/characterization/ (see its README.md).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CACHE_ENV = "OPENBMD_CACHE_DIR"  # openbmd.interceptors.cache.ENV_VAR (not imported: no openbmd import here)

#: node ids (relative to tests/, parameters dropped) marked ``slow``: the tests over 5 s in
#: ``pytest --durations=30`` (2026-12-05, 880 tests in 4 min 52 s on the shared 2-core machine,
#: cold fly-out cache), with the time they took; the three assess tests share one module fixture
SLOW: frozenset[str] = frozenset({
    "cli/test_assess_cli.py::test_writes_html_and_json",  # 101 s (60 s with warm fly-out tables)
    "cli/test_assess_cli.py::test_html_is_self_contained",
    "cli/test_assess_cli.py::test_json_has_the_sections",
    "cli/test_assess_cli.py::test_every_stage_is_a_line_with_a_count",
    "cli/test_progress.py::test_pacing_names_every_stage_and_keeps_its_answer",  # 29 s (loaded machine)
    "cli/test_progress.py::test_monte_carlo_in_chunks_says_so_and_agrees_with_one_call",  # 6 s
    "cli/test_icbm_reach_cli.py::test_json_contract_narrowed_and_charts",  # 43 s (4 s warm)
    "cli/test_icbm_reach_cli.py::test_reaction_sweep_values_and_skipping",  # 5.4 s
    "cli/test_engage_cli.py::test_monte_carlo_adds_one_key_and_is_seeded",  # 6.1 s
    "unit/test_engage_layers.py::test_layers_multiply_leakage_and_adding_never_hurts",  # 6.9 s
    "unit/test_battlespace_kernel.py::test_real_tables_match_reference",  # 6.5 s (sm-3-ia)
    "unit/test_engage.py::test_launch_on_remote_needs_the_own_radar_at_intercept",  # 5.5 s
    "unit/test_observe_test.py::test_needed_speeds_agree_with_the_engines_answer",  # 7.6 s (icbm-reach twice)
})


def pytest_addoption(parser):
    parser.addoption("--fresh-flyout-cache", action="store_true",
                     help="openbmd: build every fly-out table in an empty cache of this session "
                          "(default: share the user's fly-out cache, keyed by the physics code)")


def pytest_configure(config):
    if config.getoption("--fresh-flyout-cache"):
        # set before collection, so modules that build tables at import time see it too; the
        # CLI subprocesses the tests start inherit it
        folder = tempfile.mkdtemp(prefix="openbmd-test-cache-")
        config._openbmd_fresh_cache = (folder, os.environ.get(CACHE_ENV))  # noqa: SLF001
        os.environ[CACHE_ENV] = folder


def pytest_unconfigure(config):
    fresh = getattr(config, "_openbmd_fresh_cache", None)
    if fresh is not None:
        folder, before = fresh
        if before is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = before
        shutil.rmtree(folder, ignore_errors=True)


def _node_id(item) -> str:
    """'unit/test_x.py::test_y' (parameters dropped)."""
    return item.nodeid.split("[", 1)[0].removeprefix("tests/")


def pytest_collection_modifyitems(config, items):
    modules = {}
    for item in items:
        if TESTS / "characterization" in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.characterization)
        node = _node_id(item)
        modules.setdefault(node.split("::", 1)[0], getattr(item, "module", None))
        if node in SLOW:
            item.add_marker(pytest.mark.slow)
    for node in sorted(SLOW):  # a renamed or removed test must leave SLOW too
        path, _, name = node.partition("::")
        module = modules.get(path)
        if module is not None and not hasattr(module, name.split("::", 1)[0]):
            warnings.warn(f"tests/conftest.py: SLOW lists {node}, which {path} no longer defines",
                          pytest.PytestConfigWarning, stacklevel=1)
