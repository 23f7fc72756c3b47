"""TOML text: where each key sits, syntax errors as ``file:line:col``, and writing.

tomllib reports no positions for keys, so :func:`key_lines` scans the (already
valid) text for the line of each key and table header; the schema loader uses
it to point an error at its line. Writing goes through tomli-w.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from typing import Any

import tomli_w

Path = tuple[str | int, ...]


def syntax_message(exc: tomllib.TOMLDecodeError, text: str, filename: str) -> str:
    """``file:line:col: invalid TOML: reason`` from tomllib's message."""
    message = str(exc)
    found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if found:
        return f"{filename}:{found[1]}:{found[2]}: invalid TOML: {message[:found.start()]}"
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    return f"{filename}:{max(last_line, 1)}: invalid TOML: {message}"



_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key_lines(text: str) -> dict[Path, int]:
    """Line (from 1) of every key and table header in valid TOML ``text``.

    Paths are tuples as in the parsed data, with the index of an array-of-tables
    element (from 0): ``("stages", 1, "isp_s")``; ``("stages", 1)`` is the line
    of the second ``[[stages]]`` header. Keys inside inline tables are not
    listed (a lookup falls back to the enclosing key).
    """
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line_at = lambda pos: bisect.bisect_right(starts, pos)  # noqa: E731
    lines: dict[Path, int] = {}
    counts: dict[Path, int] = {}
    table: Path = ()
    i, n = 0, len(text)
    while i < n:
        i = _skip_blank(text, i)
        if i >= n:
            break
        if text[i] == "#":
            i = _end_of_line(text, i)
        elif text[i] == "[":
            double = text.startswith("[[", i)
            parts, i = _read_key(text, i + (2 if double else 1))
            head = _resolve(parts[:-1], counts) + (parts[-1],)
            if double:
                counts[head] = counts.get(head, -1) + 1
                lines.setdefault(head, line_at(i))
                head += (counts[head],)
            table = head
            lines.setdefault(table, line_at(i))
            i = _end_of_line(text, i)
        else:
            parts, i = _read_key(text, i)
            for k in range(1, len(parts) + 1):
                lines.setdefault(table + parts[:k], line_at(i))
            i = _skip_value(text, text.index("=", i) + 1)
    return lines


def _resolve(parts: tuple[str, ...], counts: dict[Path, int]) -> Path:
    """Insert the current element index after each array-of-tables name."""
    out: Path = ()
    for part in parts:
        out += (part,)
        if out in counts:
            out += (counts[out],)
    return out


def _skip_blank(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _end_of_line(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j + 1


def _read_key(text: str, i: int) -> tuple[tuple[str, ...], int]:
    """A (dotted) key starting at ``i``; returns its parts and the end."""
    parts = []
    while True:
        while text[i] in " \t":
            i += 1
        if text[i] in "\"'":
            end = _skip_string(text, i)
            parts.append(tomllib.loads(f"k = {text[i:end]}")["k"])
            i = end
        else:
            match = _BARE.match(text, i)
            parts.append(match[0])
            i = match.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return tuple(parts), i


def _skip_string(text: str, i: int) -> int:
    """End of the string literal starting at ``i`` (any of the four kinds)."""
    quote = text[i]
    delim = quote * 3 if text.startswith(quote * 3, i) else quote
    j = i + len(delim)
    while True:
        if quote == '"' and text[j] == "\\":
            j += 2
        elif text.startswith(delim, j):
            end = j + len(delim)
            while delim != quote and end < len(text) and text[end] == quote:
                end += 1  # up to two quotes may end a multi-line string's content
            return end
        else:
            j += 1


def _skip_value(text: str, i: int) -> int:
    """End of the value starting at ``i`` (arrays may span lines)."""
    depth = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = _skip_string(text, i)
            continue
        if ch == "#":
            j = text.find("\n", i)
            if j < 0:
                return len(text)
            i = j
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "\n" and depth == 0:
            return i + 1
        i += 1
    return i


# ---------------------------------------------------------------- writing
def dumps(data: dict[str, Any]) -> str:
    """TOML text of ``data`` (tuples written as arrays; None values left out, TOML has no null)."""
    return tomli_w.dumps(_plain(data))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
