"""The README's console examples are run, and what they print must be what the README shows.

Every ```console block of README.md is a list of ``$ openbmd ...`` commands (a trailing ``\\``
continues a command) each followed by what it prints. Each command runs in this process (the
same ``main()`` the console script calls, 200 columns wide, in a scratch folder where
``examples/`` is the repository's), and:

- a JSON example (the shown output starts with ``{``): every ``"key": value`` the README shows
  must be a leaf of the printed JSON with that key and that value, numbers to the decimals the
  README prints (so the README may shorten the object, never change it);
- any other example: the README's lines, whitespace collapsed, must appear in the output in
  order (so rows may be left out); ``...`` inside a line stands for any text, a line of only
  ``...`` for rows left out;
- a shown ``openbmd: error:`` line means exit status 2, otherwise 0.

The Python example followed by "prints" runs too, and must print exactly what is shown.
A block preceded by ``<!-- readme-test: slow -->`` is marked slow. This is how the README's
numbers are kept from drifting: change the code, and the README must follow.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from openbmd.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


@dataclass(frozen=True)
class Example:
    line: int  #: README line of the command
    argv: tuple
    shown: tuple  #: the lines the README shows after it
    slow: bool

    @property
    def id(self) -> str:
        return f"README:{self.line}:{' '.join(self.argv[:3])}"


def _blocks(text: str, lang: str):
    """(first line number, lines, slow) of each fenced block of ``lang``."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == f"```{lang}":
            j = i + 1
            while lines[j].strip() != "```":
                j += 1
            before = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            yield i + 2, lines[i + 1:j], "readme-test: slow" in before
            i = j
        i += 1


def console_examples(text: str) -> list[Example]:
    out = []
    for first, lines, slow in _blocks(text, "console"):
        k = 0
        while k < len(lines):
            if not lines[k].startswith("$ "):
                raise AssertionError(f"README line {first + k}: a console block must start with '$ '")
            start, cmd = first + k, lines[k][2:]
            while cmd.endswith("\\"):
                k += 1
                cmd = cmd[:-1] + " " + lines[k].strip()
            k += 1
            shown = []
            while k < len(lines) and not lines[k].startswith("$ "):
                shown.append(lines[k])
                k += 1
            argv = tuple(shlex.split(cmd))
            assert argv[0] == "openbmd", f"README line {start}: only openbmd commands run here"
            out.append(Example(start, argv[1:], tuple(shown), slow))
    return out


def python_examples(text: str) -> list[tuple[int, str, str]]:
    """(line, code, printed) for each ```python block followed by 'prints' and a plain block."""
    lines = text.splitlines()
    out = []
    for first, code, _ in _blocks(text, "python"):
        end = first + len(code)  # the closing fence's index
        k = end + 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        if k < len(lines) and lines[k].startswith("prints"):
            m = k + 1
            while lines[m].strip() != "```":
                m += 1
            n = m + 1
            while lines[n].strip() != "```":
                n += 1
            out.append((first, "\n".join(code), "\n".join(lines[m + 1:n])))
    return out


def _run(argv, tmp_path, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.setenv("COLUMNS", "200")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- JSON examples
_PAIR = re.compile(r'"(\w+)":\s*(\[[^\]\[{}]*\]|"[^"]*"|true|false|null|-?\d[\d.eE+-]*)')


def _leaves(obj, key=None):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, k)
    elif isinstance(obj, list) and not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in obj):
        for v in obj:
            yield from _leaves(v, key)
    else:
        yield key, obj


def _decimals(token: str) -> int:
    mant = token.lower().split("e")[0]
    return len(mant.split(".")[1]) if "." in mant else 0


def _same(shown: str, value) -> bool:
    if shown.startswith("["):
        items = [t.strip() for t in shown[1:-1].split(",") if t.strip()]
        return (isinstance(value, list) and len(items) == len(value)
                and all(_same(t, v) for t, v in zip(items, value)))
    if shown.startswith('"'):
        return value == shown[1:-1]
    if shown in ("true", "false", "null"):
        return value == json.loads(shown)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    return round(float(value), _decimals(shown)) == round(float(shown), _decimals(shown))


def check_json(shown_text: str, stdout: str) -> int:
    printed = json.loads(stdout)
    leaves = list(_leaves(printed))
    pairs = _PAIR.findall(shown_text)
    assert pairs, "a JSON example must show at least one key and value"
    for key, token in pairs:
        have = [v for k, v in leaves if k == key]
        assert have, f"the README shows {key!r}, which the command no longer prints"
        assert any(_same(token, v) for v in have), (
            f"the README shows {key}: {token}; the command prints {have[:4]}")
    return len(pairs)


# --------------------------------------------------------------------------- text examples
def _norm(line: str) -> str:
    return " ".join(line.split())


def check_lines(shown: tuple, printed: str) -> int:
    got = [_norm(x) for x in printed.splitlines() if x.strip()]
    at, checked = 0, 0
    for line in shown:
        want = _norm(line)
        if not want or want == "...":
            continue
        pattern = re.compile(".*".join(re.escape(p.strip()) for p in want.split("...")) + r"\Z")
        while at < len(got) and not pattern.match(got[at]):
            at += 1
        assert at < len(got), f"the README shows\n  {want}\nwhich is not printed (in order); printed:\n" + printed
        at += 1
        checked += 1
    return checked


EXAMPLES = console_examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples():
    # the tour shows fly, range-ring, missiles, horizon, engage, architectures, coverage,
    # icbm-reach, pacing and raid: a README that lost its examples fails here
    commands = {e.argv[0] for e in EXAMPLES}
    assert {"fly", "range-ring", "missiles", "engage", "coverage", "icbm-reach", "raid"} <= commands


@pytest.mark.parametrize(
    "example", [pytest.param(e, id=e.id, marks=[pytest.mark.slow] if e.slow else []) for e in EXAMPLES])
def test_readme_console_example(example, tmp_path, monkeypatch):
    code, out, err = _run(example.argv, tmp_path, monkeypatch)
    shown = "\n".join(example.shown)
    error = any(x.startswith("openbmd: error:") for x in example.shown)
    assert code == (2 if error else 0), f"exit {code}: {err[-2000:]}"
    if shown.lstrip().startswith("{"):
        check_json(shown, out)
    else:
        assert check_lines(example.shown, out + err) > 0 or not shown.strip()


@pytest.mark.parametrize("line,code,printed", python_examples(README.read_text(encoding="utf-8")),
                         ids=lambda v: f"README:{v}" if isinstance(v, int) else "")
def test_readme_python_example(line, code, printed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "readme_example"})
    assert out.getvalue().strip() == printed.strip()


# --------------------------------------------------------------------------- the checker itself
def test_checkers_catch_drift():
    # independent of the commands: the rules reject a changed number and accept a shortened view
    assert check_json('{"a": 1.23, "b": [1.0, 2.5], "c": "x"}', '{"a": 1.2349, "b": [1.0, 2.54], "c": "x", "d": 0}') == 3
    with pytest.raises(AssertionError):
        check_json('{"a": 1.24}', '{"a": 1.2349}')
    with pytest.raises(AssertionError):
        check_json('{"z": 1}', '{"a": 1}')
    assert check_lines(("│ a │ 1,174.9 │ km │", "...", "x ... z"), "head\n│ a   │ 1,174.9 │ km   │\nmid\nx y z\n") == 2
    with pytest.raises(AssertionError):
        check_lines(("│ a │ 1,174.8 │ km │",), "│ a │ 1,174.9 │ km │\n")
    with pytest.raises(AssertionError):  # order matters
        check_lines(("b", "a"), "a\nb\n")
