"""Every command with --dask gives the JSON it gives without (timing fields aside), on a small case.

The commands run in this process through ``openbmd.cli.main.main``; with ``--dask`` they connect
to the module's LocalCluster by its scheduler address (the ADDRESS form of the option; the
``local:N`` form starts the same kind of cluster: test_executor.py and the benchmark use it).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
RAID = str(ROOT / "examples" / "raids" / "iran-salvo.toml")


def strip_timing(doc):
    """``doc`` without the wall-clock fields (``seconds``, ``flights_s``, ``engagement_s``, the run's
    start time and command line): everything else must be equal to the last digit."""
    drop = {"seconds", "flights_s", "engagement_s", "started_utc", "command"}
    if isinstance(doc, dict):
        return {k: strip_timing(v) for k, v in doc.items() if k not in drop}
    if isinstance(doc, list):
        return [strip_timing(v) for v in doc]
    return doc


def _json(capsys, argv):
    from openbmd.cli.main import main

    capsys.readouterr()
    assert main(argv) == 0
    return strip_timing(json.loads(capsys.readouterr().out))


def _both(capsys, client, argv):
    here = _json(capsys, argv)
    there = _json(capsys, [*argv, "--dask", client.scheduler.address])
    return here, there


def test_coverage(capsys, client):
    here, there = _both(capsys, client, ["coverage", "-a", "epaa-phase-2", "--threat", "shahab-3", "--from",
                                         "Tabriz", "--region", "36,42,30,44", "--step-deg", "0.5", "--json"])
    assert here == there
    assert here["cells"] > 200 and 0 < here["defended_area_fraction"] < 1  # a case with something to decide


def test_coverage_in_more_chunks_than_workers(client):
    """Chunks of 25 trajectories: ~12 tasks on 2 workers, finishing in any order."""
    import numpy as np

    from openbmd.analyses.coverage import engage_points
    from openbmd.architectures.resolve import resolve
    from openbmd.architectures.loader import get_architecture
    from openbmd.missiles import get_missile

    r = [resolve(get_architecture("epaa-phase-2"))]
    m = get_missile("shahab-3")
    lat, lon = np.meshgrid(np.arange(36.0, 42.0, 0.5), np.arange(30.0, 44.0, 0.5))
    args = (r, m, 38.08, 46.29, lat.ravel(), lon.ravel())
    a = engage_points(*args, chunk=25)[0]
    b = engage_points(*args, chunk=25, client=client)[0]
    for f in ("threatened", "engageable", "opportunities", "p_defense", "flight_time_s"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert a.by_battery.keys() == b.by_battery.keys()
    for k in a.by_battery:
        np.testing.assert_array_equal(a.by_battery[k], b.by_battery[k])


def test_raid(capsys, client):
    here, there = _both(capsys, client, ["raid", "-a", "epaa-phase-3", "--raid", RAID, "--trials", "3000",
                                         "--seed", "7", "--json"])
    assert here == there
    assert here["monte_carlo"]["trials"] == 3000


def test_icbm_reach(capsys, client):
    here, there = _both(capsys, client, ["icbm-reach", "-a", "epaa-phase-4", "--field", "kozelsk", "--target",
                                         "washington", "--target", "minot", "--reaction-sweep", "0,60", "--json"])
    assert here == there
    assert len(here["sites"]) == 5 and here["reaction_sweep"]


def test_pacing(capsys, client):
    here, there = _both(capsys, client, ["pacing", "epaa-phase-1", "epaa-phase-3", "--from", "Tabriz",
                                         "--step-deg", "4", "--json"])
    assert here == there


@pytest.mark.slow  # ~35 s here and again on the cluster
def test_assess(capsys, client, tmp_path):
    argv = ["assess", "epaa-phase-1", "--step-deg", "4", "--pacing-step-deg", "4", "--no-sensitivity", "--json"]
    here = _json(capsys, [*argv, "--out", str(tmp_path / "a")])
    there = _json(capsys, [*argv, "--out", str(tmp_path / "b"), "--dask", client.scheduler.address])
    assert here == there


def test_sensitivity(capsys, client):
    here, there = _both(capsys, client, ["sensitivity", "-a", "epaa-phase-3", "--figure", "reaction-time",
                                         "--figure", "firm-track-looks", "--field", "Kozelsk", "--target",
                                         "Washington", "--no-coverage", "--json"])
    assert here == there
    assert [f["name"] for f in here["figures"]] == ["reaction-time", "firm-track-looks"]
