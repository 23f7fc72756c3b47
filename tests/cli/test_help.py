"""Every command and group has --help; --version prints the installed version."""
import re
from importlib.metadata import version

import pytest

from cli_helpers import run_subprocess

COMMANDS = [[], ["fly"], ["range-ring"], ["missiles"], ["missiles", "show"], ["threat-map"]]


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "openbmd")
def test_help_exits_zero_with_usage(run, words):
    result = run(*words, "--help")
    assert result.code == 0, result.err
    assert "Usage: openbmd" in result.out
    assert result.err == ""


def test_help_lists_every_command(run):
    text = run("--help").out
    for name in ("fly", "range-ring", "missiles", "threat-map"):
        assert re.search(rf"\b{name}\b", text)


def test_bare_openbmd_prints_help(run):
    result = run()
    assert result.code == 0 and "Usage: openbmd" in result.out


def test_version_in_process_and_as_module(run):
    expected = f"openbmd {version('openbmd')}\n"
    assert run("--version").out == expected
    result = run_subprocess("--version")
    assert (result.code, result.out, result.err) == (0, expected, "")
