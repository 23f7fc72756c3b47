"""Read and write sensor TOML files (radars and space-based infrared).

A sensor file is flat TOML, keys declared in :mod:`openbmd.sensors.fields`
with the unit in the name, plus a free-form ``[sources]`` table
(key -> citation). ``kind = "space-ir"`` selects the infrared model; the
default is a radar. Every problem raises :class:`~openbmd.errors.InputError`
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
from openbmd.sensors.fields import KINDS, Field
from openbmd.sensors.radar import Radar
from openbmd.sensors.spaceir import SpaceInfrared

MODELS = {"radar": Radar, "space-ir": SpaceInfrared}
_RULE = {"str": "must be a string", "num": "must be a number", "nums": "must be an array of numbers",
         "bool": "must be true or false"}
_FACE_KEYS = ("faces_az_deg", "boresight_az_deg", "full_circle")


def load_sensor(path: str | FsPath):
    """Read the sensor file at ``path`` (a :class:`Radar` or a :class:`SpaceInfrared`)."""
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

    kind = data.get("kind", "radar")
    if kind not in KINDS:
        raise InputError(say("kind", f"kind = {format_value(kind)} — must be one of {', '.join(KINDS)}"))
    fields = {f.key: f for f in KINDS[kind]}
    _check_keys(data, fields, say)
    try:
        attrs = _attributes(data, fields, kind, say)
        return MODELS[kind](**attrs, source_path=source_path)
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


def _attributes(data: dict, fields: dict[str, Field], kind: str, say) -> dict[str, Any]:
    attrs = {fields[k].attr: _typed(fields[k], v) for k, v in data.items() if k != "sources"}
    if kind == "radar":
        given = [k for k in _FACE_KEYS if k in data and data[k] is not False]
        if len(given) != 1:
            raise InputError(say(given[1] if len(given) > 1 else "id",
                                 f"give exactly one of {', '.join(_FACE_KEYS)} (got "
                                 f"{', '.join(given) if given else 'none'})"))
        if "boresight_az_deg" in data:
            attrs["faces_az_rad"] = (attrs["faces_az_rad"],)
        if given[0] == "full_circle":
            attrs["faces_az_rad"] = ()
        elif "face_half_width_deg" not in data:
            raise InputError(say(given[0], f"{given[0]} needs face_half_width_deg"))
        elif not attrs["faces_az_rad"]:
            raise InvalidField(("faces_az_deg",), [], "must list at least one face (or use full_circle = true)")
        attrs.pop("full_circle", None)
    attrs["sources"] = _sources(data.get("sources", {}))
    return attrs


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
    for f in KINDS[sensor.kind]:
        if f.key in ("boresight_az_deg", "full_circle"):
            continue
        value = getattr(sensor, f.attr)
        if f.key == "faces_az_deg" and not value:
            out["full_circle"] = True
            continue
        if value is None or value == "" and not f.required:
            continue
        if f.kind == "num":
            value = value / f.scale
        elif f.kind == "nums":
            value = [v / f.scale for v in value]
        out[f.key] = value
    if out.get("full_circle"):
        out.pop("face_half_width_deg", None)
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
