"""openbmd held to what open sources state about the EPAA (issue 4 section 3).

Claims and sources as quoted in src/openbmd/analyses/validation.py and
docs/research/architectures.md section 8 (flags: S seen in a stored source, M commonly
quoted).  Launches from Tabriz (the Iranian area closest to Europe); coarse grids
(1 degree for the MRBM, 2 degrees for the IRBM) keep this fast.  Where openbmd and a
source differ, the test holds what openbmd computes and the comment says why.
"""
import numpy as np
import pytest

from openbmd.analyses.coverage import coverage_set
from openbmd.analyses.pacing import class_missiles
from openbmd.analyses.validation import SOUTH_EAST, evaluate_claims
from openbmd.earth.geodesy import geodesic_inverse

TABRIZ = "Tabriz"


@pytest.fixture(scope="module")
def mrbm():
    """EPAA phases 1-3 against the ~2,000 km Iranian MRBM (the iran threat set's longest MRBM)."""
    mid = class_missiles("iran")["MRBM"]
    assert mid == "sejjil-2"
    rs = coverage_set(["epaa-phase-1", "epaa-phase-2", "epaa-phase-3"], mid, TABRIZ, region="nato-europe",
                      step_deg=1.0)
    return {r.architecture.id: r for r in rs}


@pytest.fixture(scope="module")
def irbm():
    (r,) = coverage_set(["epaa-phase-3"], class_missiles("iran")["IRBM"], TABRIZ, region="nato-europe",
                        step_deg=2.0)
    return r


def threatened_share(r):
    a, c = r.region.area_km2, r.cells
    names = np.unique(r.region.country[c.threatened])
    return {str(n): float(a[c.threatened & (r.region.country == n)].sum() / a[r.region.country == n].sum())
            for n in names}


def frac(r, countries=None):
    a, c = r.region.area_km2, r.cells
    m = c.threatened if countries is None else c.threatened & np.isin(r.region.country, list(countries))
    return float(a[m & c.engageable].sum() / a[m].sum())


def capitals(r, defended):
    cr = r.city_results
    return {c.name for i, c in enumerate(r.cities) if c.capital and cr.threatened[i] and cr.engageable[i] == defended}


def test_iranian_mrbm_reaches_the_south_east_only(mrbm):
    # S: Arms Control Association, 18 May 2016 [A6]; seed brief A (2012): Iranian missiles "can now
    # reach Turkey and parts of Greece, Bulgaria and Romania" (~2,000 km)
    share = threatened_share(mrbm["epaa-phase-1"])
    assert set(share) == SOUTH_EAST, share
    # "parts of" Greece, Bulgaria, Romania: not the whole of each (western Greece lies beyond 2,000 km)
    assert share["Greece"] < 1.0
    # V-A2 (docs/research/architectures.md 8.5): not Germany or France
    assert "Germany" not in share and "France" not in share


def test_phase_1_defends_part_of_the_south_east(mrbm):
    # S: MDA map, Aug 2009 (Reuters [A4]): one Mediterranean Aegis ship covers southern Turkey;
    # NATO interim capability, Chicago 2012 [A60]: a partial capability
    r = mrbm["epaa-phase-1"]
    f = frac(r)
    assert 0.1 < f < 0.9, f
    # the ship south of Cyprus defends Ankara (central Turkey); southern Turkey is defended in part
    assert "Ankara" in capitals(r, True)
    south_tr = r.cells.threatened & (r.region.country == "Turkey") & (r.region.lat_deg < 38.5)
    assert (r.cells.engageable & south_tr).any()
    # openbmd: Sofia and Bucharest, ~1,100-1,300 km from the ship, are not defended by Phase 1
    assert {"Sofia", "Bucharest"} <= capitals(r, False)


def test_phase_2_defends_most_of_southern_nato_europe(mrbm):
    # S: NATO Warsaw summit communique, 8-9 July 2016 [A61]: Phase 2 (Rota ships, Kürecik,
    # Deveselu with SM-3 IB) defends "southern NATO Europe".  openbmd: every threatened capital
    # is defended and most (but not all: ~70 % on a 1-degree grid) of the threatened area.  It
    # differs from the communique in the east of Turkey, close to Tabriz: those flights are too
    # short for firm track + reaction + fly-out to the kill vehicle's 100 km minimum altitude
    # (validation.py's distance note), which the communique's map-level claim does not resolve.
    p1, p2 = mrbm["epaa-phase-1"], mrbm["epaa-phase-2"]
    f2 = frac(p2, SOUTH_EAST)
    assert 0.6 <= f2 < 0.9, f2
    assert f2 > frac(p1, SOUTH_EAST) + 0.2
    assert capitals(p2, False) == set() and {"Ankara", "Athens", "Sofia", "Bucharest"} <= capitals(p2, True)
    c = p2.cells
    thr = c.threatened
    d = np.asarray(geodesic_inverse(np.full(thr.sum(), p2.launch_lat_deg), np.full(thr.sum(), p2.launch_lon_deg),
                                    p2.region.lat_deg[thr], p2.region.lon_deg[thr])[0]) / 1e3
    undefended = ~c.engageable[thr]
    assert np.median(d[undefended]) < np.median(d[~undefended]) - 300.0  # the gap is the near zone


def test_phases_add_up(mrbm):
    # the EPAA was planned as phases that add to what stands (White House fact sheet, 17 Sep 2009):
    # every point Phase 1 defends Phase 2 defends, and Phase 3 defends every point Phase 2 does
    e1, e2, e3 = (mrbm[f"epaa-phase-{k}"].cells.engageable for k in (1, 2, 3))
    assert np.all(e2 >= e1) and np.all(e3 >= e2)


def test_phase_3_defends_all_threatened_capitals_against_the_irbm(irbm):
    # S: Washington Post graphic, 31 July 2010 [A7]: Phase 3 "designed to cover the entire
    # European continent by 2018"; NATO Lisbon 2010 [A2]: "full coverage ... for all NATO European
    # populations".  openbmd: every NATO capital the notional IRBM threatens from Tabriz is defended;
    # the area falls just short of "entire" (~94 % on a 2-degree grid: the near zone in eastern Turkey
    # again, see the Phase 2 test), so validation.py grades it "partly".
    assert capitals(irbm, False) == set()
    assert len(capitals(irbm, True)) >= 10
    assert 0.85 <= frac(irbm) < 1.0


def test_validation_verdicts_follow_the_numbers(mrbm, irbm):
    cov = {("epaa-phase-1", "MRBM"): mrbm["epaa-phase-1"], ("epaa-phase-2", "MRBM"): mrbm["epaa-phase-2"],
           ("epaa-phase-3", "IRBM"): irbm}
    claims = {c["id"]: c for c in evaluate_claims(cov, None, {})}
    assert claims["reach-of-iranian-mrbm"]["verdict"] == "agrees"
    assert claims["phase-1-south-east"]["verdict"] == "agrees"
    # the two 'partly' verdicts are the disagreements documented above
    assert claims["phase-2-southern-europe"]["verdict"] == "partly"
    assert claims["phase-3-all-europe-irbm"]["verdict"] == ("agrees" if frac(irbm) >= 0.95 else "partly")
    for c in claims.values():
        assert c["source"] and c["claim"] and c["openbmd"]
        if c["verdict"] != "agrees":
            assert c["why"], c["id"]  # a disagreement says why
