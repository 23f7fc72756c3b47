"""Fixtures for the command-line tests: run ``openbmd`` in this process."""
from __future__ import annotations

import pytest

from cli_helpers import Run
from openbmd.cli.main import main


@pytest.fixture
def run(capsys):
    """``run("fly", "--from", ...)`` -> Run(code, out, err), calling main() in this process."""

    def _run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return _run
