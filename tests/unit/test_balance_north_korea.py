"""North Korea in assess (issue 12): the data (targets, the Hwasong ICBMs, the force), the Pacific
filter, the report section, and (slow) the run for GMD."""
import json

import numpy as np
import pytest

from openbmd._json import jsonable
from openbmd.analyses.balance_force import get_force, parse_force
from openbmd.analyses.north_korea import FORCES, TARGET_SET, THREAT_SETS, in_pacific, north_korea
from openbmd.architectures.places import load_cities
from openbmd.architectures.loader import find_area, get_architecture, get_target_set, get_threat_set
from openbmd.errors import InputError
from openbmd.report.html import write_html
from openbmd.report.north_korea import north_korea_section


def _country(t) -> str:
    """'US' for a US target (data/cities.csv spells it 'United States'), else the target's country."""
    return {"US": "US", "United States": "US", "JP": "Japan"}.get(t.country, t.country)


def test_targets_have_sources_and_sit_where_their_country_is():
    tg = get_target_set(TARGET_SET)
    boxes = {"Japan": ((24, 46), (122, 146)), "Guam": ((13.2, 13.7), (144.6, 145.0)),
             "US": ((18, 72), (-180, -60))}
    for t in tg.targets:
        (la0, la1), (lo0, lo1) = boxes[_country(t)]
        assert la0 <= t.lat_deg <= la1 and lo0 <= t.lon_deg <= lo1, t.name
        # a city of data/cities.csv carries GeoNames as its source, the others their own
        assert t.source.startswith(("S", "M", "GeoNames via data/cities.csv")), t.name


def test_threat_sets_and_force():
    for ts in THREAT_SETS:
        s = get_threat_set(ts)
        for a in s.areas:
            assert find_area(a.name)[1].lat_deg == a.lat_deg  # one home for positions
    f, regional = (get_force(x) for x in FORCES)
    assert f.warheads == 10 and f.threat_set == "north-korea-icbm" and f.target_set == TARGET_SET
    assert all(g.targets and all(_country(get_target_set(TARGET_SET).target(t)) == "US" for t in g.targets)
               for g in f.groups)
    assert regional.warheads == 12 and regional.threat_set == "north-korea"
    assert {_country(get_target_set(TARGET_SET).target(t)) for g in regional.groups for t in g.targets} == \
        {"Japan", "Guam"}


def test_force_targets_are_checked():
    text = ('id="x"\nthreat_set="north-korea-icbm"\ntarget_set="north-korea-targets"\n[[group]]\nfield="Sunan"\n'
            'missile="hwasong-15"\nmissiles=1\nwarheads_per_missile=1\ntargets=["Atlantis"]\nsource="N"\n')
    with pytest.raises(InputError, match=r"x.toml:9: group\[1\].targets\[1\]"):
        parse_force(text, "x.toml")


def test_only_pacific_architectures_are_analysed():
    assert in_pacific(get_architecture("gmd"))
    assert in_pacific(get_architecture("japan-guam-2024"))
    assert not any(in_pacific(get_architecture(a)) for a in ("epaa-phase-1", "epaa-phase-3", "third-site-2007"))
    r = north_korea(["epaa-phase-3"], regional=())
    s = r.summary()
    assert s["architectures"] == [] and s["skipped_no_pacific_battery"] == ["epaa-phase-3"]
    assert s["cases"] == [] and s["raid"] == {}
    sec = north_korea_section(s)
    assert "No architecture of this run has a battery in the Pacific" in sec["blocks"][0][1]


@pytest.mark.slow
def test_gmd_against_north_korea(tmp_path):
    """~10 s warm, ~90 s cold: GMD engages the Hwasong ICBMs toward US targets and nothing bound for
    Japan or Guam (its fields lie 4,000+ km from those tracks); the raids conserve rounds."""
    r = north_korea(["gmd"], regional=(), trials=300)
    s = r.summary()
    json.dumps(jsonable(s), allow_nan=False)
    rows = s["cases"]
    assert {c["battery"] for c in rows} == {"fort-greely", "vandenberg"}
    japan_guam = [c for c in rows if _country(get_target_set(TARGET_SET).target(c["target"])) != "US"]
    assert japan_guam and not any(c["engageable"] for c in japan_guam)
    us = [c for c in rows if c["missile"].startswith("hwasong-") and c["target"] in ("Seattle", "Anchorage")]
    assert any(c["engageable"] for c in us)
    for c in rows:
        assert (c["margin_s"] is not None) == c["engageable"] and (c["margin_s"] is None or c["margin_s"] >= 0)
    cov = {(c["region"], c["threat"]): c["defended_area_fraction"] for c in s["coverage"]}
    assert cov[("Japan", "nodong")] == 0.0 and 0.0 <= cov[("United States", "hwasong-15")] <= 1.0
    japan = [c for c in s["coverage"] if c["region"] == "Japan"]
    assert japan and all(c["population_in_region"] == sum(x.population for x in load_cities()
                                                          if x.country_code == "JP") for c in japan)
    for force, by_d in s["raid"]["gmd"].items():
        for d, b in by_d.items():
            assert b["worst_case_arriving"] <= b["expected_arriving"] <= b["warheads"]
            assert sum(x["expected_rounds_used"] for x in b["batteries"]) <= 44 + 1e-9
        arr = [by_d[d]["expected_arriving"] for d in ("0", "1", "3")]
        assert np.all(np.diff(arr) >= -1e-9)  # decoys never help the defence
    assert s["raid"]["gmd"]["north-korea-regional-2024"]["0"]["engageable_share"] == 0.0
    html = write_html(tmp_path / "a.html", "t", "s", [north_korea_section(s)]).read_text(encoding="utf-8")
    assert "North Korea" in html and "margin" in html
