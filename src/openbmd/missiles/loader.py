"""Read and write missile TOML files.

A missile file has top-level keys (``id``, ``name``, ``payload_kg``, ...), one
``[[stages]]`` table per stage (first to burn first) and a free-form
``[sources]`` table of citations. Every problem raises
:class:`~openbmd.errors.InputError` with one line of the form
``file:line: field = value — what is allowed``. Stage positions count from 1:
``stages[2]`` is the second ``[[stages]]`` block.

tomllib reports no positions for keys, so :func:`key_lines` scans the (already
valid) text for the line of each key and table header.
"""
from __future__ import annotations

import bisect
import difflib
import json
import re
import tomllib
from pathlib import Path as FsPath
from typing import Any

from openbmd._io import read_utf8
from openbmd.errors import InputError
from openbmd.missiles.model import InvalidField, Missile, Path, Stage, format_path, format_value

# key -> kind; the order here is the order of the "allowed" lists in messages
TOP_KEYS = {
    "id": "str", "name": "str", "country": "str", "range_class": "str",
    "payload_kg": "num", "diameter_m": "num", "drag_mach": "nums", "drag_cd": "nums",
    "rv_beta_kg_m2": "num", "rv_rcs_m2": "num", "booster_rcs_m2": "num",
    "published_range_km": "nums", "published_tof_s": "nums", "notes": "str", "stages": "stages", "sources": "sources",
}
STAGE_KEYS = {
    "propellant_kg": "num", "dry_kg": "num", "burn_time_s": "num", "isp_s": "num",
    "thrust_kn": "num", "diameter_m": "num", "coast_s": "num",
}
REQUIRED_TOP = ("id", "name", "payload_kg", "diameter_m", "drag_mach", "drag_cd", "stages")
REQUIRED_STAGE = ("propellant_kg", "dry_kg", "burn_time_s")
_KIND_RULE = {"str": "must be a string", "num": "must be a number", "nums": "must be an array of numbers"}


# ---------------------------------------------------------------- public API
def load_missile(path: str | FsPath) -> Missile:
    """Read the missile file at ``path``."""
    text, path = read_utf8(path, "missile")
    return parse_missile_toml(text, str(path), source_path=str(path))


def parse_missile_toml(text: str, filename: str = "<string>", *, source_path: str | None = None) -> Missile:
    """Parse missile TOML ``text``; ``filename`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_syntax_message(exc, text, filename)) from None
    return missile_from_dict(data, filename=filename, lines=key_lines(text), source_path=source_path)


def missile_from_dict(
    data: dict[str, Any], *, filename: str = "<dict>",
    lines: dict[Path, int] | None = None, source_path: str | None = None,
) -> Missile:
    """Build a missile from parsed TOML ``data`` (as from :meth:`Missile.to_toml_dict`).

    ``lines`` (from :func:`key_lines`) lets messages name the line of a field.
    """
    where = _Where(filename, lines or {})
    _check_unknown(data, where)
    _check_required(data, where)
    try:
        stages = tuple(_stage(i, raw, where) for i, raw in enumerate(data["stages"]))
        fields = {k: _typed((k,), v, TOP_KEYS[k]) for k, v in data.items() if k not in ("stages", "sources")}
        return Missile(**fields, stages=stages, sources=_sources(data.get("sources", {})),
                       source_path=source_path)
    except InvalidField as exc:
        raise InputError(where.say(exc.path, str(exc))) from None


def missile_to_toml(missile: Missile) -> str:
    """The TOML text of a missile file; :func:`parse_missile_toml` reads it back."""
    data = missile.to_toml_dict()
    tables = {k: data.pop(k) for k in ("stages", "sources")}
    out = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()]
    for stage in tables["stages"]:
        out += ["", "[[stages]]"] + [f"{k} = {_toml_value(v)}" for k, v in stage.items()]
    out += ["", "[sources]"] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in tables["sources"].items()]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- checks
class _Where:
    """Turns a field path into ``file:line: message``."""

    def __init__(self, filename: str, lines: dict[Path, int]):
        self.filename, self.lines = filename, lines

    def line(self, path: Path) -> int | None:
        for k in range(len(path), 0, -1):
            if path[:k] in self.lines:
                return self.lines[path[:k]]
        return None

    def say(self, path: Path, message: str) -> str:
        line = self.line(path)
        return f"{self.filename}:{line}: {message}" if line else f"{self.filename}: {message}"


def _check_unknown(data: dict[str, Any], where: _Where) -> None:
    """One message naming every unknown key, each with its line and a suggestion."""
    unknown: list[tuple[Path, list[str]]] = [((k,), list(TOP_KEYS)) for k in data if k not in TOP_KEYS]
    stages = data.get("stages")
    if isinstance(stages, list):
        for i, stage in enumerate(stages):
            if isinstance(stage, dict):
                unknown += [(("stages", i, k), list(STAGE_KEYS)) for k in stage if k not in STAGE_KEYS]
    if not unknown:
        return
    parts, scopes = [], set()
    for path, allowed in unknown:
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
        hint = [f"line {where.line(path)}"] if len(unknown) > 1 and where.line(path) else []
        hint += [f"did you mean '{close[0]}'?"] if close else []
        parts.append(f"'{format_path(path)}'" + (f" ({'; '.join(hint)})" if hint else ""))
        scopes.add(len(path))
    allowed = []
    if 1 in scopes:
        allowed.append(("at top level: " if len(scopes) > 1 else "") + ", ".join(TOP_KEYS))
    if 3 in scopes:
        allowed.append("in [[stages]]: " + ", ".join(STAGE_KEYS))
    noun = "key" if len(unknown) == 1 else "keys"
    raise InputError(where.say(unknown[0][0], f"unknown {noun} {', '.join(parts)}; allowed {'; '.join(allowed)}"))


def _check_required(data: dict[str, Any], where: _Where) -> None:
    for key in REQUIRED_TOP:
        if key not in data:
            raise InputError(f"{where.filename}: missing required key '{key}'")
    stages = data["stages"]
    if not isinstance(stages, list) or not stages or not all(isinstance(s, dict) for s in stages):
        rule = "must be one or more [[stages]] tables"
        raise InputError(where.say(("stages",), f"stages = {format_value(stages)} — {rule}"))
    for i, stage in enumerate(stages):
        for key in REQUIRED_STAGE:
            if key not in stage:
                message = f"{format_path(('stages', i))}: missing required key '{key}'"
                raise InputError(where.say(("stages", i), message))
        if ("isp_s" in stage) == ("thrust_kn" in stage):
            got = "both" if "isp_s" in stage else "neither"
            message = f"{format_path(('stages', i))}: give exactly one of isp_s or thrust_kn (got {got})"
            raise InputError(where.say(("stages", i, "isp_s") if got == "both" else ("stages", i), message))


def _typed(path: Path, value: Any, kind: str) -> Any:
    """``value`` if it has the TOML type of ``kind``, else InvalidField."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = {
        "str": isinstance(value, str),
        "num": number,
        "nums": isinstance(value, list)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value),
    }[kind]
    if not ok:
        raise InvalidField(path, value, _KIND_RULE[kind])
    return tuple(value) if kind == "nums" else value


def _stage(i: int, raw: dict[str, Any], where: _Where) -> Stage:
    fields = {k: _typed(("stages", i, k), v, STAGE_KEYS[k]) for k, v in raw.items()}
    try:
        return Stage(**fields)
    except InvalidField as exc:
        raise exc.within("stages", i) from None


def _sources(raw: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        raise InvalidField(("sources",), raw, "must be a [sources] table of key = \"citation\"")
    for key, value in raw.items():
        if not isinstance(value, str):
            raise InvalidField(("sources", key), value, "must be a string (a citation)")
    return tuple(raw.items())


def _syntax_message(exc: tomllib.TOMLDecodeError, text: str, filename: str) -> str:
    """``file:line:col: invalid TOML: reason`` from tomllib's message."""
    message = str(exc)
    found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if found:
        return f"{filename}:{found[1]}:{found[2]}: invalid TOML: {message[:found.start()]}"
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    return f"{filename}:{max(last_line, 1)}: invalid TOML: {message}"


# ---------------------------------------------------------------- key lines
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
def _toml_key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, str):  # JSON escapes are valid TOML basic-string escapes
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)
