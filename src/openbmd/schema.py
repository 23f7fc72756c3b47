"""Declared file formats: pydantic models at the boundary, one-line errors out.

A file format is a :class:`Model`: frozen, unknown keys forbidden, strict types
(a number is not a string, ``true`` is not a number), finite floats, and the
unit in every field name (``range_km``, ``burn_time_s``). :func:`load` and
:func:`validate` turn TOML into a model and every problem into one
:class:`~openbmd.errors.InputError` line that names the file, the line, the
key and what is allowed::

    x.toml:12: stages[2].burn_time_s = -5 — must be > 0 s
    x.toml:6: unknown key 'payload' (did you mean 'payload_kg'?); allowed id, name, payload_kg, ...
    x.toml:27: stages[2]: missing required key 'propellant_kg'

Positions count from 1 (``stages[2]`` is the second ``[[stages]]`` block).
A check a field type cannot say raises :class:`InvalidField` (a path under the
model, the value, the rule); the path lets the message point at its line.
"""
from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from openbmd._io import read_utf8
from openbmd._toml import key_lines, syntax_message
from openbmd.errors import InputError

Path = tuple[str | int, ...]
M = TypeVar("M")


class Model(BaseModel):
    """Base of every file format: frozen, extra keys forbidden, strict, finite numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


# ---------------------------------------------------------------- paths and values
def format_path(path: Path) -> str:
    """``("stages", 0, "isp_s")`` -> ``"stages[1].isp_s"`` (positions from 1)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else ("." if text else "") + part
    return text


def format_value(value: Any, limit: int = 60) -> str:
    """A value roughly as written in TOML, cut to ``limit`` characters."""
    text = _format_value(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{...}"
    return str(value)


class InvalidField(InputError):
    """A value that breaks a rule; ``path`` locates it (under the model that raised it)."""

    def __init__(self, path: Path, value: Any, rule: str):
        self.path, self.value, self.rule = tuple(path), value, rule
        super().__init__(f"{format_path(path)} = {format_value(value)} — {rule}")

    def within(self, *prefix: str | int) -> "InvalidField":
        """The same problem, located under ``prefix`` (e.g. a stage)."""
        return InvalidField(prefix + self.path, self.value, self.rule)


@dataclass(frozen=True)
class Where:
    """Turns a key path into ``file:line: message`` (the line of the key, else of its table)."""

    filename: str = "<dict>"
    lines: typing.Mapping[Path, int] | None = None

    def line(self, path: Path) -> int | None:
        lines = self.lines or {}
        for k in range(len(path), 0, -1):
            if tuple(path[:k]) in lines:
                return lines[tuple(path[:k])]
        return None

    def say(self, path: Path, message: str) -> str:
        line = self.line(path)
        return f"{self.filename}:{line}: {message}" if line else f"{self.filename}: {message}"

    def error(self, exc: InvalidField, *prefix: str | int) -> InputError:
        """An InputError for ``exc`` raised by a model read from ``prefix`` of this file."""
        exc = exc.within(*prefix)
        return InputError(self.say(exc.path, str(exc)))


# ---------------------------------------------------------------- reading
def parse_toml(text: str, filename: str = "<string>") -> tuple[dict[str, Any], Where]:
    """The data of TOML ``text`` and a :class:`Where` for its key lines."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(syntax_message(exc, text, filename)) from None
    return data, Where(filename, key_lines(text))


def read_toml(path: str | FsPath, kind: str) -> tuple[dict[str, Any], Where]:
    """The data of the ``kind`` TOML file at ``path`` (e.g. kind="missile") and its :class:`Where`."""
    text, path = read_utf8(path, kind)
    return parse_toml(text, str(path))


def load(schema: type[M], path: str | FsPath, kind: str, **context: Any) -> M:
    """The ``schema`` model of the ``kind`` TOML file at ``path``."""
    data, where = read_toml(path, kind)
    return validate(schema, data, where, **context)


def validate(schema: type[M], data: Any, where: Where | None = None, *, at: Path = (), **context: Any) -> M:
    """``data`` (parsed TOML, found at key path ``at`` of the file) as a ``schema`` model.

    ``context`` reaches the model's validators (``info.context``). Every problem
    is one :class:`~openbmd.errors.InputError` line (see the module's doc).
    """
    where = where or Where()
    try:
        return _adapter(schema).validate_python(_tuples(data), context=context or None)
    except ValidationError as exc:
        raise InputError(error_message(schema, exc, data, where, at)) from None
    except InvalidField as exc:
        raise where.error(exc, *at) from None


@cache
def _adapter(schema: Any) -> TypeAdapter:
    return TypeAdapter(schema)


def _tuples(value: Any) -> Any:
    """TOML arrays as tuples (the models are frozen: every sequence field is a tuple)."""
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


# ---------------------------------------------------------------- messages
def error_message(schema: Any, exc: ValidationError, data: Any, where: Where, at: Path = ()) -> str:
    """One line for pydantic's errors: unknown keys first (all of them), then missing, then values."""
    errors = [dict(e, loc=at + _data_loc(data, e["loc"])) for e in exc.errors()]
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    if unknown:
        paths = sorted((e["loc"] for e in unknown), key=lambda p: where.line(p) or 0)
        return _unknown_message(schema, paths, where, at)
    missing = [e for e in errors if e["type"] == "missing"]
    if missing:
        loc = missing[0]["loc"]
        inside = f"{format_path(loc[:-1])}: " if loc[:-1] else ""
        message = f"{inside}missing required key '{loc[-1]}'"
        return where.say(loc[:-1], message) if loc[:-1] else f"{where.filename}: {message}"
    return _value_message(errors[0], data, where, at)


def _data_loc(data: Any, loc: tuple) -> Path:
    """pydantic's location with its union-branch and validator labels dropped (keys of the data only)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, (list, tuple)) and isinstance(part, int) and part < len(data):
            data = data[part]
        elif isinstance(data, dict) and isinstance(part, str) and not _is_label(part):
            data = None  # a missing key: keep its name
        else:
            continue
        out.append(part)
    return tuple(out)


def _is_label(part: str) -> bool:
    return bool(re.search(r"[\[\]\s(),]", part)) or part.startswith(("function-", "tagged-union"))


def _value_message(error: dict, data: Any, where: Where, at: Path) -> str:
    loc, kind, ctx = error["loc"], error["type"], error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, InvalidField):
        return where.say(loc + cause.path, str(cause.within(*loc)))
    value = _get(data, loc[len(at):])
    if loc and isinstance(loc[-1], int) and kind.endswith("_type"):
        loc, value = loc[:-1], _get(data, loc[len(at):-1])  # a bad element: name the array
        rule = f"must be an array of {_TYPE_NOUN.get(kind, 'values of one type')}"
    else:
        rule = _rule(kind, ctx, str(loc[-1]) if loc else "", error.get("msg", ""))
    text = f"{format_path(loc)} = {format_value(value)} — {rule}" if loc else rule
    return where.say(loc, text)


def _get(data: Any, loc: Path) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_TYPE_RULE = {"float_type": "must be a number", "int_type": "must be a whole number",
              "string_type": "must be a string", "bool_type": "must be true or false",
              "tuple_type": "must be an array", "dict_type": "must be a table",
              "model_type": "must be a table", "model_attributes_type": "must be a table",
              "finite_number": "must be a finite number", "int_from_float": "must be a whole number"}
_TYPE_NOUN = {"float_type": "numbers", "int_type": "whole numbers", "string_type": "strings",
              "bool_type": "true/false values", "dict_type": "tables", "model_type": "tables"}
_BOUND = {"greater_than": ("gt", ">"), "greater_than_equal": ("ge", ">="),
          "less_than": ("lt", "<"), "less_than_equal": ("le", "<=")}


def _rule(kind: str, ctx: dict, key: str, msg: str) -> str:
    if kind in _TYPE_RULE:
        return _TYPE_RULE[kind]
    if kind in _BOUND:
        name, sign = _BOUND[kind]
        return f"must be {sign} {ctx[name]:g} {unit_of(key)}".rstrip()
    if kind == "literal_error":
        return "must be one of " + ctx["expected"].replace("'", "").replace(" or ", ", ")
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} values"
    if kind == "too_long":
        return f"takes at most {ctx['max_length']} values"
    if kind == "string_too_short":
        return "must be a non-empty string"
    return re.sub(r"^(Value|Assertion) error, ", "", msg)


_UNITS = (("_kg_m2", "kg/m^2"), ("_km_s", "km/s"), ("_m_s2", "m/s^2"), ("_m_s", "m/s"), ("_m2", "m^2"),
          ("_kg", "kg"), ("_km", "km"), ("_kn", "kN"), ("_deg", "deg"), ("_db", "dB"), ("_hz", "Hz"),
          ("_s", "s"), ("_m", "m"), ("_g", "g"))


def unit_of(key: str) -> str:
    """The unit a key's name ends with: ``burn_time_s`` -> ``"s"``, ``rv_beta_kg_m2`` -> ``"kg/m^2"``."""
    return next((unit for suffix, unit in _UNITS if key.endswith(suffix)), "")


def _unknown_message(schema: Any, paths: list[Path], where: Where, at: Path) -> str:
    """Every unknown key, each with a suggestion (and its line when there are several)."""
    parts, allowed = [], {}
    for path in paths:
        keys = allowed_keys(schema, path[len(at):-1])
        allowed.setdefault(_scope(path), keys)
        close = difflib.get_close_matches(str(path[-1]), keys, n=1, cutoff=0.6)
        hint = [f"line {where.line(path)}"] if len(paths) > 1 and where.line(path) else []
        hint += [f"did you mean '{close[0]}'?"] if close else []
        parts.append(f"'{format_path(path)}'" + (f" ({'; '.join(hint)})" if hint else ""))
    noun = "key" if len(paths) == 1 else "keys"
    scopes = [("" if len(allowed) == 1 else (f"in {s}: " if s else "at top level: ")) + ", ".join(k)
              for s, k in allowed.items()]
    return where.say(paths[0], f"unknown {noun} {', '.join(parts)}; allowed {'; '.join(scopes)}")


def _scope(path: Path) -> str:
    """The table a key sits in, as written in the file: ``[[stages]]``, ``[command]`` or top level."""
    parent = path[:-1]
    if not parent:
        return ""
    if isinstance(parent[-1], int):
        return f"[[{format_path(parent[:-1])}]]"
    return f"[{format_path(parent)}]"


def allowed_keys(schema: Any, path: Path = ()) -> list[str]:
    """The keys a model allows at ``path`` (a key path in the data), in declaration order."""
    model = _model_at(schema, path)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(tp: Any, path: Path) -> type[BaseModel] | None:
    for part in path:
        tp = _descend(tp, part)
    return _first_model(tp)


def _descend(tp: Any, part: str | int) -> Any:
    model = _first_model(tp)
    if isinstance(part, str) and model is not None and part in _by_key(model):
        return _by_key(model)[part]
    for arg in _args(tp):
        origin = typing.get_origin(arg)
        if origin is dict:
            return typing.get_args(arg)[1]
        if origin in (tuple, list) and isinstance(part, int):
            return typing.get_args(arg)[0]
    return None


def _by_key(model: type[BaseModel]) -> dict[str, Any]:
    return {f.alias or name: f.annotation for name, f in model.model_fields.items()}


def _args(tp: Any) -> list[Any]:
    """``tp`` with unions and Annotated unwrapped into their members."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(tp) for a in _args(arg)]
    if origin is typing.Annotated:
        return _args(typing.get_args(tp)[0])
    return [tp]


def _first_model(tp: Any) -> type[BaseModel] | None:
    return next((a for a in _args(tp) if isinstance(a, type) and issubclass(a, BaseModel)), None)
