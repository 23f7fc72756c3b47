"""Helpers for the command-line tests (a unique module name, importable from each test)."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_subprocess(*args: str, timeout: float = 120) -> Run:
    """``python -m openbmd ARGS`` with the real sys.argv (the console-script path)."""
    env = dict(os.environ, COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "openbmd", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def assert_usage_error(result: Run, *fragments: str) -> None:
    """Exit 2, nothing on stdout, exactly one 'openbmd: error:' line on stderr, no traceback."""
    assert result.code == 2, (result.code, result.err)
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("openbmd: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
