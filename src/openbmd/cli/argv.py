"""Pre-processing of the command line before click sees it.

Click may read a value such as ``-33.9,18.4`` or ``-45`` as an option name.
:func:`join_negative_values` rewrites ``--from -33.9,18.4`` into
``--from=-33.9,18.4`` for every option that takes a value, so negative
coordinates and angles work in both spellings whatever click's version does.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

# A negative number, or a comma-separated list starting with one: -45, -.5, -33.9,18.4
_NEGATIVE = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?(,.*)?$")


def looks_negative_number(token: str) -> bool:
    """True when ``token`` is a negative number or a LAT,LON pair starting with one."""
    return bool(_NEGATIVE.match(token))


def join_negative_values(argv: Sequence[str], value_options: Iterable[str]) -> list[str]:
    """Glue a negative-number value to the option before it: ``--opt -1`` -> ``--opt=-1``.

    Only options in ``value_options`` are touched; everything after ``--`` is
    left alone. Returns a new list.
    """
    options = set(value_options)
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            out.extend(argv[i:])
            break
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if token in options and nxt is not None and looks_negative_number(nxt):
            out.append(f"{token}={nxt}")
            i += 2
        else:
            out.append(token)
            i += 1
    return out


def value_options(command: Any) -> frozenset[str]:
    """Every long option name, anywhere in a click-style command tree, that takes a value.

    Duck-typed (``params``, ``param_type_name``, ``is_flag``, ``commands``) because
    typer >= 0.2x ships its own copy of click's classes.
    """
    names: set[str] = set()
    for param in command.params:
        takes_value = not getattr(param, "is_flag", False) and not getattr(param, "count", False)
        if param.param_type_name == "option" and takes_value:
            names.update(o for o in param.opts if o.startswith("--"))
    for sub in getattr(command, "commands", {}).values():
        names |= value_options(sub)
    return frozenset(names)
