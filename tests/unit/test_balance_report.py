"""assess's balance section: the JSON of every architecture, the claim read from icbm-reach's JSON,
and the report section with its chart."""
import json

import pytest

from openbmd._json import jsonable
from openbmd.analyses.balance_assess import balance_all, stopped_share
from openbmd.report.balance_chart import balance_section, draw_balance_charts
from openbmd.report.html import write_html
from test_balance import _reach


@pytest.fixture(scope="module")
def reach():
    return _reach({"fort-greely": [1, 0, 1, 1], "vandenberg": [0, 1, 1, 0]})


def test_balance_all_and_the_claims_reader_agree(reach):
    sec = balance_all({"gmd": reach}, trials=200)
    s = sec["architectures"]["gmd"]
    json.dumps(jsonable(sec), allow_nan=False)
    assert s["interceptors"] == 44
    assert s["warheads"] + s["out_of_reach_warheads"] == sec["force"]["warheads"]  # every warhead counted once
    assert s["sweep"]["current_inventory"] == 44
    b = stopped_share(reach.summary())
    # no decoys in the force file: the claim's expectation is the section's
    assert b["warheads"] - b["expected_stopped"] == pytest.approx(s["expected_arriving"], abs=0.01)


def test_report_section_with_chart(reach, tmp_path):
    sec = balance_all({"gmd": reach}, trials=100)
    pngs = draw_balance_charts(sec, tmp_path)
    assert pngs["gmd"].read_bytes()[:4] == b"\x89PNG"
    html = write_html(tmp_path / "a.html", "t", "s", [balance_section(sec, pngs)]).read_text(encoding="utf-8")
    assert "The offense-defense relationship" in html and "worst case for the attacker" in html
    assert balance_section(None, {}) is None
