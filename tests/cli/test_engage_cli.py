"""`openbmd engage`: the JSON contract and one-line errors."""
import json
import subprocess
import sys

ARGS = ["engage", "--threat", "shahab-3", "--from", "38.08,46.29", "--to", "39.93,32.86",
        "--interceptor", "sm-3-ia", "--site", "35.0,33.0"]
KEYS = {"engageable", "first_launch_s", "earliest_intercept", "latest_intercept", "window_s",
        "shots_possible", "p_kill"}


def _run(*extra):
    return subprocess.run([sys.executable, "-m", "openbmd", *ARGS, *extra], capture_output=True, text=True)


def test_engage_json_contract(tmp_path):
    out = tmp_path / "t.csv"
    r = _run("--radar", "an-tpy-2-fbm@38.35,37.79", "--doctrine", "shoot-look-shoot", "--json", "--out", str(out))
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert set(obj) == KEYS and obj["engageable"] is True
    assert 0 < obj["p_kill"] <= 1 and obj["shots_possible"] >= 1
    assert "firm track" in out.read_text()


def test_not_engageable_is_an_answer_not_an_error():
    r = _run("--json")
    assert r.returncode == 0
    obj = json.loads(r.stdout)
    assert obj["engageable"] is False and obj["reason"] == "never in track"


def test_bad_input_is_one_line():
    for extra in (["--doctrine", "salvo-0"], ["--radar", "tpy-9"], ["--reaction-s", "-5"]):
        r = _run(*extra)
        assert r.returncode == 2, (extra, r.stderr)
        assert r.stderr.startswith("openbmd: error:") and len(r.stderr.strip().splitlines()) == 1
        assert "Traceback" not in r.stderr


def test_monte_carlo_adds_one_key_and_is_seeded():
    args = ("--radar", "an-tpy-2-fbm", "--monte-carlo", "300", "--seed", "2", "--json")
    a, b = _run(*args), _run(*args)
    assert a.returncode == 0, a.stderr
    obj = json.loads(a.stdout)
    assert set(obj) == KEYS | {"monte_carlo"}
    mc = obj["monte_carlo"]
    assert mc["trials"] == 300 and 0 <= mc["mean_p_kill"] <= 1
    assert json.loads(b.stdout) == obj


def test_out_czml_writes_a_cesium_scene(tmp_path):
    out = tmp_path / "scene.czml"
    r = _run("--radar", "an-tpy-2-fbm", "--json", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["engageable"] is True
    ids = [p["id"] for p in json.loads(out.read_text())]
    assert ids[0] == "document"
    assert {"threat", "interceptor", "intercept-earliest", "intercept-latest", "battery", "radar-0-coverage-0"} <= set(ids)


def test_fire_control_and_early_warning_options():
    r = _run("--radar", "an-tpy-2-fbm", "--fire-control", "spy-1d@35.0,33.0", "--rcs-m2", "0.002", "--json")
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["engageable"] is False and obj["reason"].startswith("no fire-control track")
    bad = _run("--fire-control", "spy-9")
    assert bad.returncode == 2 and "did you mean" in bad.stderr
