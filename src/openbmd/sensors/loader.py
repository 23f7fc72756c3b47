"""Read and write sensor TOML files (radars and space-based infrared).

A sensor file is flat TOML, keys declared in :mod:`openbmd.sensors.fields`
with the unit in the name, plus a free-form ``[sources]`` table
(key -> citation). ``kind`` selects the sensor class registered under it
(:data:`openbmd.sensors.base.SENSOR_KINDS`); the default is a radar. Every problem raises :class:`~openbmd.errors.InputError`
with one line ``file:line: field = value — what is allowed``, as the missile
loader does (whose line finder and TOML writer are reused here).
"""
from __future__ import annotations

import difflib
import math
import tomllib
from pathlib import Path as FsPath
from typing import Any

from openbmd._io import read_utf8
from openbmd.errors import InputError
from openbmd.missiles.loader import _syntax_message, _toml_key, _toml_value, key_lines
from openbmd.missiles.model import InvalidField, format_value
from openbmd.sensors import kinds  # noqa: F401  (registers the built-in sensor classes)
from openbmd.sensors.base import DEFAULT_KIND, SENSOR_KINDS
from openbmd.sensors.fields import Field

_RULE = {"str": "must be a string", "num": "must be a number", "nums": "must be an array of numbers",
         "bool": "must be true or false"}


def load_sensor(path: str | FsPath):
    """Read the sensor file at ``path`` (a :class:`~openbmd.sensors.base.Sensor` of its ``kind``)."""
    text, path = read_utf8(path, "sensor")
    return parse_sensor_toml(text, str(path), source_path=str(path))


def parse_sensor_toml(text: str, filename: str = "<string>", *, source_path: str | None = None):
    """Parse sensor TOML ``text``; ``filename`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_syntax_message(exc, text, filename)) from None
    return sensor_from_dict(data, filename=filename, lines=key_lines(text), source_path=source_path)


def sensor_from_dict(data: dict[str, Any], *, filename: str = "<dict>", lines: dict | None = None,
                     source_path: str | None = None):
    """Build a sensor from parsed TOML ``data`` (as from :func:`sensor_to_toml_dict`)."""
    lines = lines or {}

    def say(key: str, message: str) -> str:
        line = lines.get((key,))
        return f"{filename}:{line}: {message}" if line else f"{filename}: {message}"

    kind = data.get("kind", DEFAULT_KIND)
    if not isinstance(kind, str) or kind not in SENSOR_KINDS:
        raise InputError(say("kind", f"kind = {format_value(kind)} — must be one of {', '.join(SENSOR_KINDS)}"))
    cls = SENSOR_KINDS[kind]
    fields = {f.key: f for f in cls.FIELDS}
    _check_keys(data, fields, say)
    try:
        attrs = {fields[k].attr: _typed(fields[k], v) for k, v in data.items() if k != "sources"}
        attrs = cls.attributes_from_toml(data, attrs, say)
        attrs["sources"] = _sources(data.get("sources", {}))
        return cls(**attrs, source_path=source_path)
    except InvalidField as exc:
        raise InputError(say(str(exc.path[0]), str(exc))) from None


def _check_keys(data: dict, fields: dict[str, Field], say) -> None:
    unknown = [k for k in data if k not in fields and k != "sources"]
    if unknown:
        parts = []
        for key in unknown:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            parts.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        noun = "key" if len(unknown) == 1 else "keys"
        raise InputError(say(unknown[0], f"unknown {noun} {', '.join(parts)}; allowed: "
                             f"{', '.join(list(fields) + ['[sources]'])}"))
    for f in fields.values():
        if f.required and f.key not in data:
            raise InputError(say(f.key, f"missing required key '{f.key}'"))


def _typed(f: Field, value: Any) -> Any:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = {"str": isinstance(value, str), "num": number, "bool": isinstance(value, bool),
          "nums": isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                  for v in value)}[f.kind]
    if not ok or (number and not math.isfinite(value)):
        raise InvalidField((f.key,), value, _RULE[f.kind] if ok is False else "must be finite")
    if f.kind == "num":
        return float(value) * f.scale
    if f.kind == "nums":
        return tuple(float(v) * f.scale for v in value)
    return value


def _sources(raw: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        raise InvalidField(("sources",), raw, "must be a [sources] table of key = \"citation\"")
    for key, value in raw.items():
        if not isinstance(value, str):
            raise InvalidField(("sources",), value, f"sources.{key} must be a string (a citation)")
    return tuple(raw.items())


# ---------------------------------------------------------------- writing
def sensor_to_toml_dict(sensor) -> dict[str, Any]:
    """The TOML keys of a sensor (units in the names); :func:`sensor_from_dict` reads it back."""
    out: dict[str, Any] = {}
    written: set[str] = set()
    for f in type(sensor).FIELDS:  # the first key of an attribute writes it (faces_az_deg, not boresight)
        if f.attr in written or not hasattr(sensor, f.attr):
            continue
        written.add(f.attr)
        value = getattr(sensor, f.attr)
        if value is None or value == "" and not f.required:
            continue
        if f.kind == "num":
            value = value / f.scale
        elif f.kind == "nums":
            value = [v / f.scale for v in value]
        out[f.key] = value
    out = sensor.toml_overrides(out)
    out["sources"] = sensor.sources_dict()
    return out


def _value(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else _toml_value(v)


def sensor_to_toml(sensor) -> str:
    """The TOML text of a sensor file; :func:`parse_sensor_toml` reads it back."""
    data = sensor_to_toml_dict(sensor)
    sources = data.pop("sources")
    lines = [f"{_toml_key(k)} = {_value(v)}" for k, v in data.items()]
    lines += ["", "[sources]"] + [f"{_toml_key(k)} = {_value(v)}" for k, v in sources.items()]
    return "\n".join(lines) + "\n"
