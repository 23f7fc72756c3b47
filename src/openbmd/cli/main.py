"""The ``openbmd`` command line: commands, and one place where errors become one line.

Bad input (an :class:`~openbmd.errors.InputError` or a click usage error)
prints ``openbmd: error: <message>`` on stderr and exits with status 2.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

import openbmd
from openbmd.cli import (architectures, assess, balance, center, coverage, engage, exercise, fly, horizon,
                         icbm_reach, interceptors, missiles, observe_test, pacing, radars, raid, range_ring,
                         sensitivity, sweep, threat_map)
from openbmd.cli.argv import join_negative_values, value_options
from openbmd.errors import InputError, UnknownIdError

PROG = "openbmd"
EXIT_USAGE = 2
# click's exceptions: typer >= 0.2x vendors click and raises its own TyperException
# subclasses; older typer raises click.ClickException. Both have format_message and exit_code.
_CLICK_ERRORS: tuple[type[Exception], ...] = tuple(
    e for e in (getattr(typer, "TyperException", None),
                getattr(getattr(typer.main, "click", None), "ClickException", None))
    if isinstance(e, type))

app = typer.Typer(
    name=PROG,
    help="Open, transparent missile-defense analysis from open literature.",
    add_completion=False,
    # click's plain help: wraps at any width (rich's boxed panels truncate option names at 80
    # columns) and prints help text as written (rich markup ate "[[salvo]]")
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("fly")(fly.fly)
app.command("range-ring")(range_ring.range_ring)
app.add_typer(missiles.app, name="missiles")
app.command("threat-map")(threat_map.threat_map)
app.add_typer(radars.app, name="radars")
app.command("horizon")(horizon.horizon)
app.add_typer(interceptors.app, name="interceptors")
app.command("engage")(engage.engage)
app.add_typer(architectures.app, name="architectures")
app.command("coverage")(coverage.coverage)
app.command("icbm-reach")(icbm_reach.icbm_reach)
app.command("observe-test")(observe_test.observe_test)
app.command("exercise")(exercise.exercise)
app.command("pacing")(pacing.pacing)
app.command("raid")(raid.raid)
app.command("sensitivity")(sensitivity.sensitivity)
app.command("assess")(assess.assess)
app.command("balance")(balance.balance)
app.add_typer(center.app, name="center")  # the data-sharing center
app.command("sweep")(sweep.sweep)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {openbmd.__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False
          ) -> None:
    """Open, transparent missile-defense analysis from open literature."""


def one_line(message: str) -> str:
    """Collapse a message onto one line."""
    return " ".join(str(message).split())


#: the listing command of each catalog, named after an unknown id
_LISTING = {"missile": "missiles", "sensor": "radars", "interceptor": "interceptors"}


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    sys.stderr.write(f"{PROG}: error: {one_line(message)}\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    args = join_negative_values(args, value_options(command))
    try:
        rv = command.main(args=args, prog_name=PROG, standalone_mode=False)
    except UnknownIdError as exc:  # the library names the catalog; its users list it with a command
        hint = _LISTING.get(exc.kind)
        return _fail(f"{exc}; see `openbmd {hint}`" if hint else str(exc))
    except InputError as exc:
        return _fail(str(exc))
    except _CLICK_ERRORS as exc:  # usage errors carry exit_code 2
        return _fail(exc.format_message(), exc.exit_code)
    except typer.Abort:
        return _fail("aborted", 1)
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
