"""The debate's claims as data: data/debate_claims.toml read, checked against its evaluators,
and its thresholds applied as written (the verdicts read them from the file, not from code)."""
import pytest

from openbmd.analyses import validation as V
from openbmd.errors import InputError


def test_every_evaluator_has_one_claim_with_a_flagged_source():
    claims = V.claims()
    assert sorted(c.id for c in claims) == sorted(V.EVALUATORS)
    for c in claims:
        assert c.source.startswith(("S:", "M:")), c.id  # flags of docs/research/architectures.md
        assert c.claim.endswith("."), c.id


def test_south_east_is_the_four_countries_of_the_quote():
    assert V.south_east_countries() == ("Turkey", "Greece", "Bulgaria", "Romania")
    assert V.SOUTH_EAST == {"Turkey", "Greece", "Bulgaria", "Romania"}


def reach_with(n_engageable, n_cases):
    return {"cases": [{"engageable": i < n_engageable, "battery": "b", "shape": "lofted"} for i in range(n_cases)]}


def verdict(cid, reach):
    (c,) = [c for c in V.evaluate_claims({}, None, reach) if c["id"] == cid]
    return c["verdict"]


def test_phase_4_vs_russian_icbms_follows_the_file_thresholds():
    c = next(c for c in V.claims() if c.id == "phase-4-vs-russian-icbms")
    n = 1000
    below_agree = int(c["agrees_below"] * n) - 1       # just under the "agrees" share
    at_agree = int(round(c["agrees_below"] * n))       # exactly at it: no longer "agrees"
    at_partly = int(round(c["partly_below"] * n))      # at the "partly" limit: "disagrees"
    arch = c["architecture"]
    assert verdict(c.id, {arch: reach_with(below_agree, n)}) == "agrees"
    assert verdict(c.id, {arch: reach_with(at_agree, n)}) == "partly"
    assert verdict(c.id, {arch: reach_with(at_partly, n)}) == "disagrees"


def test_a_claim_whose_run_lacks_its_inputs_is_left_out_or_not_evaluated():
    got = V.evaluate_claims({}, None, {})
    assert [c["id"] for c in got] == ["reach-of-iranian-mrbm"] and got[0]["verdict"] == "not evaluated"


GOOD = {"id": "third-site-tail-chase", "source": "S: a source", "claim": "A claim.", "architecture": "x"}


@pytest.mark.parametrize("patch,match", [
    ({"id": "no-such-claim"}, "no evaluator"),
    ({"source": ""}, "source"),
    ({"architecture": None}, "missing architecture"),
    ({"agrees_below": 0.1}, "unknown agrees_below"),
])
def test_bad_claim_entry_is_one_line(patch, match):
    entry = {k: v for k, v in {**GOOD, **patch}.items() if v is not None}
    with pytest.raises(InputError, match=match) as e:
        V.check_claim(entry, "debate_claims.toml claim 1")
    assert "\n" not in str(e.value)


def test_a_share_outside_zero_one_is_refused():
    entry = {"id": "phase-4-vs-russian-icbms", "source": "S: s", "claim": "C.", "architecture": "x",
             "agrees_below": 5, "partly_below": 0.25}
    with pytest.raises(InputError, match=r"agrees_below must be a share in \[0, 1\]"):
        V.check_claim(entry, "claim 1")
