"""The command-line contract: `openbmd center init ... --json` prints {"tokens": {party: token}};
bad input is one line on stderr and exit 2."""
from __future__ import annotations

import json
import subprocess
import sys


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "openbmd", "center", *args], capture_output=True, text=True,
                          timeout=120)


def test_init_json_contract_and_tokens_work(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    r = _cli("init", "--db", url, "--party", "nato", "--party", "russia", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert list(out) == ["tokens"] and sorted(out["tokens"]) == ["nato", "russia"]
    assert out["tokens"]["nato"] != out["tokens"]["russia"]
    from fastapi.testclient import TestClient

    from openbmd.center.service import create_app

    with TestClient(create_app(url, fusion=False)) as client:
        for party, token in out["tokens"].items():
            r = client.get("/v1/agreement", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200 and r.json()["founding"] == ["nato", "russia"]
        spec = client.get("/openapi.json").json()
        assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
        contract = {("post", "/v1/sensors"), ("post", "/v1/reports"), ("get", "/v1/reports"), ("get", "/v1/tracks"),
                    ("get", "/v1/stream"), ("post", "/v1/notifications"), ("get", "/v1/alerts"),
                    ("post", "/v1/withdraw"), ("post", "/v1/proposals"), ("post", "/v1/proposals/{pid}/approve")}
        listed = {(m, path) for path, ops in spec["paths"].items() for m in ops}
        assert contract <= listed, contract - listed
    again = _cli("init", "--db", url, "--party", "nato", "--party", "russia", "--json")
    assert again.returncode == 2 and "already holds an agreement" in again.stderr
    assert again.stdout == "" and again.stderr.count("\n") == 1


def test_init_bad_input_one_line_exit_2(tmp_path):
    from openbmd.cli.main import main

    url = f"sqlite:///{tmp_path / 'c.db'}"
    for args in (["--party", "nato"], ["--party", "NATO!", "--party", "russia"],
                 ["--party", "a", "--party", "b", "--withdrawal", "burn"]):
        assert main(["center", "init", "--db", url, *args]) == 2
    assert main(["center", "init", "--db", "oracle://x/y", "--party", "a", "--party", "b"]) == 2
