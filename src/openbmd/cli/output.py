"""Where the command line writes: results on stdout, progress and notes on stderr.

With ``--json`` stdout carries exactly one JSON object and nothing else; the
progress bar (drawn only when stderr is a terminal), the stage lines of long
runs (in a terminal or not: :func:`stages`) and notes such as "wrote FILE" go
to stderr.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from openbmd._json import jsonable  # noqa: F401  (re-exported: the commands import it from here)
from openbmd.errors import InputError


def out() -> Console:
    """The console for results (stdout); 120 columns when piped (unless COLUMNS is set)."""
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 120  # pipes and files: room for the catalog table
    return console


def err() -> Console:
    """The console for progress and notes (stderr)."""
    return Console(stderr=True, highlight=False)


def number(value: float, spec: str) -> str:
    """``format(value, spec)`` without a negative zero: -0.0004 at ".3f" prints 0.000, not -0.000."""
    text = format(value, spec)
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def emit_json(obj: Mapping[str, Any]) -> None:
    """Write ``obj`` as one JSON object and a newline on stdout."""
    sys.stdout.write(json.dumps(jsonable(obj), allow_nan=False) + "\n")
    sys.stdout.flush()


def say_written(path: Path, *, json_mode: bool) -> None:
    """Tell the user a file was written: on stdout, or on stderr under ``--json``."""
    (err() if json_mode else out()).print(f"wrote {path}", soft_wrap=True)


def write_file(path: Path, writer: Callable[[Path], Any]) -> None:
    """Run ``writer(path)``, turning an OS failure into a one-line user error."""
    try:
        writer(path)
    except OSError as exc:
        raise InputError(f"--out {path}: cannot write ({exc.strerror or exc})") from exc


@contextmanager
def progress(description: str, *, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a rich bar on stderr.

    A no-op when disabled or when stderr is not a terminal (logs stay clean).
    """
    console = err()
    if not (enabled and console.is_terminal):
        yield lambda done, total: None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                   TimeElapsedColumn(), console=console, transient=True,
                   redirect_stdout=False, redirect_stderr=False)
    task = bar.add_task(description, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def stages(command: str) -> Iterator[Callable[[str, int, int], None]]:
    """A ``report(stage, done, total)`` callback for long runs made of named stages.

    Each new stage prints one line on stderr, in a terminal or not (logs and CI show where a run
    is): ``openbmd assess: coverage 2/3: IRBM (iran-irbm-notional)…``; a stage named after the
    command reads ``openbmd pacing 3/12: …``.  In a terminal a transient bar also shows the
    progress within the stage.
    """
    console = err()
    last: list[str | None] = [None]

    def line(stage: str) -> None:
        if stage != last[0]:
            last[0] = stage
            text = stage if stage.startswith(f"{command} ") else f"{command}: {stage}"
            console.print(f"openbmd {text}…", soft_wrap=True, markup=False)

    if not console.is_terminal:
        yield lambda stage, done, total: line(stage)
        return
    bar = Progress(TextColumn("{task.description:<28}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                   console=console, transient=True, redirect_stdout=False, redirect_stderr=False)
    task = bar.add_task(command, total=None)

    def report(stage: str, done: int, total: int) -> None:
        line(stage)
        bar.update(task, description=stage.split(":")[0], completed=done, total=total or None)

    with bar:
        yield report
