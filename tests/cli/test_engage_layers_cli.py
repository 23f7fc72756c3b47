"""``openbmd engage`` with layers: --battery (repeatable) and --architecture."""
import json
import math

import pytest

from cli_helpers import assert_usage_error

THREAT = ["engage", "--threat", "shahab-3", "--from", "Tabriz", "--to", "39.93,32.86"]


@pytest.mark.parametrize("args, fragments", [
    ([], ["give the shooters one way"]),
    (["--interceptor", "sm-3-ia", "--battery", "sm-3-ia@35,33"], ["give the shooters one way"]),
    (["--interceptor", "sm-3-ia"], ["both --interceptor ID and --site"]),
    (["--architecture", "epaa-phase-2", "--radar", "an-tpy-2-fbm"], ["--architecture brings its own sensors"]),
    (["--battery", "sm-3-ia@35,33", "--monte-carlo", "10"], ["--monte-carlo", "not with layers"]),
    (["--battery", "sm-3-ia"], ["--battery 'sm-3-ia'", "INTERCEPTOR@LAT,LON|PLACE[:MAGAZINE]"]),
    (["--battery", "sm-3-ia@35,33:x"], ["magazine after ':'", "whole number"]),
    (["--battery", "sm-3-ia@95,33"], ["latitude 95"]),
    (["--battery", "sm-3-zz@35,33"], ["unknown interceptor 'sm-3-zz'"]),
    (["--battery", "sm-3-ia@35,33", "--handover-error-km", "5"], ["--handover-error-km", "not with layers"]),
    (["--interceptor", "sm-3-ia", "--site", "35,33", "--handover-error-km", "-1"], ["--handover-error-km", ">= 0"]),
])
def test_bad_layer_options(run, args, fragments):
    assert_usage_error(run(*THREAT, *args), *fragments)


def test_two_batteries_combine_as_layers(run):
    r = run(*THREAT, "--radar", "an-tpy-2-fbm", "--doctrine", "salvo-1", "--battery", "sm-3-ia@41,38:8",
            "--battery", "sm-3-ia@39.5,34:8", "--json")
    assert r.code == 0, r.err
    s = json.loads(r.out)
    layers = s["layers"]
    assert [lo["engageable"] for lo in layers] == [True, True]
    assert all(lo["shot_opportunities"] >= 1 for lo in layers)
    assert layers[0]["earliest_intercept_s"] <= layers[1]["earliest_intercept_s"]
    assert s["p_kill"] == pytest.approx(1 - math.prod(1 - lo["p_kill"] for lo in layers))
    # perfect kill assessment (the default): waiting costs no P(kill), only interceptors
    assert s["p_kill"] == pytest.approx(s["p_kill_independent_layers"])
