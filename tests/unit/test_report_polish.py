"""The assessment report as a reader sees it (issue 14 items 1 and 5): no ``inf`` or Python
reprs in its cells, years as years, pictures linked to their full-size files, the Russian
missiles and the sensors' sites in the tables, the run's commit; the Alaska coverage map
framed on Alaska; where-the-threat-lies notes computed from the cells.

The report is rendered from a small hand-written document (what ``assess`` writes, a few rows of
each section), so the test runs in well under a second.
"""
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from openbmd.report.assessment import write_report
from openbmd.report.html import cell, text

INF = float("inf")


def _doc():
    return {
        "meta": {"openbmd_version": "0.1.0", "started_utc": "2026-12-05T12:00:00+00:00", "seconds": 12.0,
                 "architectures": ["epaa-phase-3", "epaa-phase-4"], "coverage_launch_area": "Tabriz",
                 "map_grid_step_deg": 2.0, "class_missiles": {"MRBM": "sejjil-2", "ICBM": "iran-icbm-notional"},
                 "pacing_launch_areas": ["Tabriz", "Semnan"], "git_commit": "0123abc"},
        "validation": [{"id": "phase-4-us-defence", "claim": "c", "source": "S: x [A12]", "openbmd": "o",
                        "verdict": "agrees", "why": ""}],
        "assumptions": {
            "notional": ["n"],
            "architectures": [{"id": "epaa-phase-3", "name": "Phase 3", "year": 2018, "status": "planned",
                               "description": "d", "command": {"reaction_s": 30.0, "doctrine": "sls", "look_s": 10.0,
                                                               "early_warning": "sbirs", "source": "s"},
                               "sensors": [{"id": "tpy2", "sensor": "an-tpy-2-fbm", "lat_deg": 38.349,
                                            "lon_deg": 37.794, "site": "Kürecik, Turkey", "party": "us",
                                            "source": "s"}],
                               "batteries": [{"id": "redzikowo", "interceptor": "sm-3-iia", "lat_deg": 54.48,
                                              "lon_deg": 17.11, "magazine": 24, "fire_control": "spy",
                                              "engage_on_remote": True, "notional_station": None, "source": "s"},
                                             {"id": "ship-north-sea", "interceptor": "sm-3-iia", "lat_deg": 57.0,
                                              "lon_deg": 3.0, "magazine": 8, "fire_control": "spy",
                                              "engage_on_remote": True, "notional_station": "N: no patrol box given",
                                              "source": "s"}],
                               "sources": {}}],
            "interceptors": [{"id": "gbi-3stage", "burnout_speed_km_s": 7.0, "burnout_speed_spread_km_s": [6.3, 8.5],
                              "min_intercept_alt_km": 120.0, "max_intercept_alt_km": 2000.0, "max_range_km": INF,
                              "pk_single_shot": 0.6, "pk_notional": True, "sources": {"a": "b"}}],
            "missiles": [{"class": "MRBM", "id": "sejjil-2", "country": "Iran", "published_range_km": [1930.0, 2200.0],
                          "notes": "n"},
                         {"class": "ICBM (Russia, icbm-reach)", "id": "rs-24", "country": "Russia",
                          "published_range_km": [11000.0, 12000.0], "notes": "n"}]},
    }


def _pace():
    rows = [{"phase": p, "year": y, "threatened_area_km2": 1.1e6, "defended_area_fraction": f,
             "population_threatened": 289600, "population_defended_fraction": f}
            for p, y, f in (("epaa-phase-3", 2018, 0.0), ("epaa-phase-4", 2020, 0.0))]
    return {"launch_areas": ["Tabriz", "Semnan"], "grid_step_deg": 2.0, "defends_share": 0.5,
            "classes": [{"class": "ICBM", "missile": "iran-icbm-notional", "regions": {"us": rows},
                         "first_phase": {"us": None}, "threatened_in": {"us": {"Alaska": 1.0}}}],
            "notes": ["ICBM (iran-icbm-notional) from Tabriz, Semnan: the threatened area of United States lies in Alaska only."]}


def _reach():
    def site(icp, need):
        return {"battery": "redzikowo", "interceptor": icp, "burnout_speed_km_s": 5.0, "engageable_cases": 0,
                "max_margin_s": None, "slowest_needed_burnout_speed_km_s": need}
    return {"epaa-phase-3": {"sites": [site("sm-3-iia", 6.5)], "cases": []},
            "epaa-phase-4": {"sites": [site("sm-3-iib", 6.75)], "cases": []}}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from matplotlib.figure import Figure

    out = tmp_path_factory.mktemp("report")
    (out / "figures").mkdir()
    png = out / "figures" / "pacing.png"
    Figure(figsize=(2, 1)).savefig(png)
    path = write_report(out / "assessment.html", _doc(), {}, {}, _pace(), png, _reach(), {})
    html = path.read_text(encoding="utf-8")
    return html, re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)


def test_no_inf_or_python_reprs_in_cells(report):
    _, cells = report
    assert cells
    for c in cells:
        assert not re.search(r"\binf\b|\bnan\b|^\[|^\{|\{&#39;|&#39;\]|\[\d", c), c


def test_years_ranges_and_dicts_read_as_text(report):
    html, cells = report
    assert "2018" in cells and "2,018" not in cells
    assert "1,930–2,200" in cells and "6.3–8.5" in cells
    assert "MRBM: sejjil-2; ICBM: iran-icbm-notional" in cells
    assert "none (fly-out bound)" in cells


def test_russian_missiles_sites_and_commit_are_shown(report):
    html, cells = report
    assert "rs-24" in cells and "Kürecik, Turkey" in cells and "38.3" in cells
    assert "git_commit" in cells and "0123abc" in cells


def test_pictures_link_to_their_files(report):
    html, _ = report
    links = re.findall(r'<a href="([^"]+)"[^>]*><img src="data:image/png', html)
    assert links == ["figures/pacing.png"]


def test_where_and_why_are_said(report):
    html, _ = report
    assert "<td>Alaska only</td>" in html  # computed from threatened_in by the report
    assert "redzikowo needs a different speed in different architectures" in html


def test_cell_text_never_shows_reprs():
    assert cell(INF) == ("num", "∞") and cell(float("nan"))[1] == "—"
    assert text([1, 2.5, None]) == "1, 2.5, —" and text({"a": [1, 2]}) == "a: 1, 2"
    assert cell(2011) == ("num", "2,011")  # a count is grouped; a year is passed as text by the report


def test_run_table_says_unknown_without_a_commit(tmp_path):
    from matplotlib.figure import Figure

    doc = _doc()
    del doc["meta"]["git_commit"]
    png = tmp_path / "p.png"
    Figure(figsize=(2, 1)).savefig(png)
    html = write_report(tmp_path / "a.html", doc, {}, {}, None, png, {}, {}).read_text(encoding="utf-8")
    assert "<td>git_commit</td><td>unknown</td>" in html


# ------------------------------------------------------------------ provenance
def test_source_commit_unknown_outside_git(tmp_path, monkeypatch):
    from openbmd import _provenance

    monkeypatch.setattr(_provenance, "_pip_vcs_commit", lambda: None)
    assert _provenance.source_commit(tmp_path) == "unknown"
    monkeypatch.setenv("PATH", str(tmp_path))  # no git program at all: still no crash
    (tmp_path / ".git").mkdir()
    assert _provenance.source_commit(tmp_path) == "unknown"


def test_source_commit_reads_the_checkout(tmp_path):
    from openbmd._provenance import source_commit

    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    try:
        subprocess.run(git[:3] + ["init", "-q"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is not available")
    (tmp_path / "a.txt").write_text("1")
    subprocess.run(git + ["add", "a.txt"], check=True)
    subprocess.run(git + ["commit", "-qm", "x"], check=True)
    ref = (tmp_path / ".git" / "HEAD").read_text().split()[-1]  # "ref: refs/heads/..." read by hand
    head = (tmp_path / ".git" / ref).read_text().strip()
    assert source_commit(tmp_path) == head
    (tmp_path / "a.txt").write_text("2")
    assert source_commit(tmp_path) == head + "+modified"


# ------------------------------------------------------------------ pacing and sources compared
def test_pacing_notes_and_the_phase_4_row_say_only_alaska():
    from openbmd.analyses.pacing import where_notes
    from openbmd.analyses.validation import _where_us

    classes = [{"class": "ICBM", "missile": "m", "threatened_in": {"us": {"Alaska": 1.0}, "nato-europe": {}}}]
    (note,) = where_notes(classes, ("Tabriz",))
    assert "lies in Alaska only" in note and note.startswith("ICBM (m)")
    assert "Alaska only" in _where_us({"Alaska": 1.0}) and "eastern United States" in _where_us({"Alaska": 1.0})
    assert "eastern" not in _where_us({"contiguous United States": 0.7, "Alaska": 0.3})


@pytest.mark.slow  # ~5.5 s: one coarse coverage run (warm fly-out tables)
def test_alaska_coverage_map_is_framed_on_alaska(tmp_path):
    """GMD against the notional Iranian ICBM from Semnan over the US on a 2-degree grid: every
    threatened cell lies in Alaska, and the map's frame holds them, the batteries and Semnan."""
    from openbmd.analyses.coverage import coverage
    from openbmd.geo.parts import part_of
    from openbmd.report.coverage_map import draw_coverage_map, map_frame
    from openbmd.report.framing import contains

    r = coverage("gmd", "iran-icbm-notional", "Semnan", region="us", step_deg=2.0)
    reg, thr = r.region, r.cells.threatened
    assert thr.sum() > 10
    assert set(part_of(reg.country[thr], reg.lat_deg[thr], reg.lon_deg[thr])) == {"Alaska"}
    frame = map_frame(r)
    assert contains(frame, reg.lon_deg[thr], reg.lat_deg[thr]).all()
    pts = np.array([(b.lon_deg, b.lat_deg) for b in r.architecture.batteries] +
                   [(r.launch_lon_deg, r.launch_lat_deg)])
    assert contains(frame, pts[:, 0], pts[:, 1]).all()
    path = draw_coverage_map(r, tmp_path / "us.png", size_px=(800, 650), dpi=80)
    assert Path(path).stat().st_size > 20_000


def test_battery_listing_says_which_station_is_notional(report):
    """issue 13 item 6: the architecture's battery table names a notional station and its reason;
    a sourced site has none."""
    html, cells = report
    table = html.split("<caption>batteries</caption>")[1].split("</table>")[0]
    assert "notional station" in table
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    by_id = {re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[0]: re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
             for r in rows if "<td" in r}
    assert "N: no patrol box given" in by_id["ship-north-sea"]
    assert "N: no patrol box given" not in by_id["redzikowo"]
