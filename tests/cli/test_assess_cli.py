"""`openbmd assess` on one small architecture: a self-contained HTML report and one JSON file.

Measured ~50-100 s on this machine (coverage, pacing over both regions and icbm-reach for
the one architecture); pyproject declares no `slow` marker, so it runs with the suite.
"""
import contextlib
import io
import json
import re

import pytest

from cli_helpers import assert_usage_error
from openbmd import __version__


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from openbmd.cli.main import main

    out = tmp_path_factory.mktemp("assess") / "out"
    err = io.StringIO()  # rich's stderr console writes to sys.stderr of the moment: not a terminal
    with contextlib.redirect_stderr(err):
        code = main(["assess", "epaa-phase-1", "--step-deg", "2", "--pacing-step-deg", "2", "--out", str(out)])
    (out.parent / "stderr.txt").write_text(err.getvalue(), encoding="utf-8")
    return code, out


def test_writes_html_and_json(report):
    code, out = report
    assert code == 0
    assert (out / "assessment.html").is_file() and (out / "assessment.json").is_file()


def test_html_is_self_contained(report):
    _, out = report
    html = (out / "assessment.html").read_text(encoding="utf-8")
    # nothing fetched from outside: no src/href to http(s) resources (plain links in text are fine)
    assert not re.search(r"""\bsrc\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"""<link[^>]+href\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"""@import\s+url\(\s*["']?(https?:)?//""", html, re.I)
    imgs = re.findall(r"""<img[^>]+src\s*=\s*["']([^"']+)""", html, re.I)
    assert imgs and all(s.startswith("data:image/") for s in imgs)
    assert __version__ in html


def test_every_stage_is_a_line_with_a_count(report):
    """Outside a terminal too: each coverage class (the IRBM and ICBM stages were once dropped by a
    de-duplication on the first word), each pacing run, icbm-reach, sensitivity, the maps."""
    from openbmd.architectures.loader import get_threat_set

    _, out = report
    stderr = (out.parent / "stderr.txt").read_text(encoding="utf-8")
    lines = [ln for ln in stderr.splitlines() if ln.startswith("openbmd ")]
    doc = json.loads((out / "assessment.json").read_text(encoding="utf-8"))
    classes = doc["meta"]["class_missiles"]
    assert set(classes) == set(dict(get_threat_set("iran").classes).values())
    for k, (cls, mid) in enumerate(classes.items(), start=1):
        assert f"openbmd assess: coverage {k}/{len(classes)}: {cls} ({mid}) from Tabriz…" in lines
    runs = len(classes) * 2 * len(doc["meta"]["pacing_launch_areas"])  # classes x regions x areas
    pacing = [ln for ln in lines if ln.startswith("openbmd assess: pacing ")]
    assert [ln.split(":")[1].split()[1] for ln in pacing] == [f"{k}/{runs}" for k in range(1, runs + 1)]
    for stage in ("icbm-reach: 1 architecture", "sensitivity: epaa-phase-1", "maps"):
        assert sum(ln.startswith(f"openbmd assess: {stage}") for ln in lines) == 1, stage
    assert len(lines) == len(set(lines))  # one line per stage


def test_json_has_the_sections(report):
    _, out = report
    doc = json.loads((out / "assessment.json").read_text(encoding="utf-8"))
    assert set(doc) == {"meta", "coverage", "pacing", "icbm_reach", "balance", "north_korea", "validation",
                        "sensitivity", "assumptions"}
    assert doc["meta"]["openbmd_version"] == __version__
    assert doc["meta"]["architectures"] == ["epaa-phase-1"]
    assert "epaa-phase-1" in doc["icbm_reach"]
    assert any(k.startswith("epaa-phase-1/") for k in doc["coverage"])
    for c in doc["validation"]:
        assert c["verdict"] in ("agrees", "partly", "disagrees", "not evaluated") and c["source"]


def test_sensitivity_section(report):
    _, out = report
    doc = json.loads((out / "assessment.json").read_text(encoding="utf-8"))
    sens = doc["sensitivity"]
    assert sens["architectures"] == ["epaa-phase-1"]  # none of phase 3-4 or gmd in the run: its own
    assert sens["figures"] and sens["nominal"]["reach"]["epaa-phase-1"]["engageable_cases"] == sum(
        c["engageable"] for c in doc["icbm_reach"]["epaa-phase-1"]["cases"]
        if c["field"] in sens["case_set"]["fields"] and c["target"] in sens["case_set"]["targets"])
    assert (out / "figures" / "sensitivity.png").is_file()
    html = (out / "assessment.html").read_text(encoding="utf-8")
    assert "What the answers rest on" in html and "warhead-rcs" in html


def test_unknown_architecture_is_one_line(run, tmp_path):
    assert_usage_error(run("assess", "epaa-phase-9", "--out", str(tmp_path / "x")), "epaa-phase-9")
    assert not (tmp_path / "x").exists()  # a failed run leaves no empty folder behind
    kept = tmp_path / "mine"
    (kept / "notes.txt").parent.mkdir()
    (kept / "notes.txt").write_text("a user's file")
    assert_usage_error(run("assess", "epaa-phase-9", "--out", str(kept)), "epaa-phase-9")
    assert (kept / "notes.txt").read_text() == "a user's file"  # a folder that was there stays
