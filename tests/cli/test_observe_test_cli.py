"""openbmd observe-test: the JSON contract, the sweep chart, one-line errors."""
import json

from cli_helpers import assert_usage_error

BASE = ("observe-test", "--interceptor", "sm-3-iia", "--site", "aegis-ashore-deveselu")


def test_json_contract_and_reach(run):
    r = run(*BASE, "--observer", "voronezh-dm-armavir", "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert {"burnout_speed_km_s", "sigma_km_s", "true_burnout_speed_km_s", "observer", "could_engage"} <= set(d)
    assert d["observer"]["radar"] == "voronezh-dm-armavir" and not d["observer"]["moved"]
    assert abs(d["burnout_speed_km_s"] - d["true_burnout_speed_km_s"]) < 3 * d["sigma_km_s"]
    c = d["could_engage"]
    assert c["architecture"] == "epaa-as-built" and c["cases"] == 8
    # a faster reading can only engage more cases
    assert c["cases_at_estimate"] <= c["cases_at_estimate_plus_2_sigma"]
    assert len(c["engageable"]) == c["cases_at_estimate"]


def test_sweep_writes_a_chart(run, tmp_path):
    png = tmp_path / "sweep.png"
    r = run(*BASE, "--observer", "an-tpy-2-fbm@46,26", "--no-reach", "--sweep", "--out", str(png), "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["could_engage"] is None
    assert {row["radar"] for row in d["sweep"]} == {"voronezh-dm-armavir", "don-2n", "an-tpy-2-fbm"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_is_one_line(run):
    assert_usage_error(run("observe-test", "--interceptor", "sm-3-iiz", "--site", "44,24", "--observer", "don-2n"),
                       "sm-3-iiz")
    assert_usage_error(run(*BASE, "--observer", "no-such-radar"), "no-such-radar")
    assert_usage_error(run("observe-test", "--interceptor", "sm-3-iia", "--site", "44,x", "--observer", "don-2n"),
                       "site")
    assert_usage_error(run(*BASE, "--observer", "don-2n@95,3"), "observer")
    assert_usage_error(run(*BASE, "--observer", "don-2n@75,24.4", "--no-reach"), "sees nothing")
    assert_usage_error(run(*BASE, "--observer", "don-2n", "--out", "x.png"), "--sweep")
