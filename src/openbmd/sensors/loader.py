"""Read and write sensor TOML files (any registered kind: radars, space-based infrared...).

A sensor file is flat TOML, keys declared once per kind in :mod:`openbmd.sensors.fields`
with the unit in the name, plus a free-form ``[sources]`` table (key -> citation).
``kind`` selects the sensor class registered under it
(:data:`openbmd.sensors.base.SENSOR_KINDS`); the default is a radar. The declared
fields become a pydantic model of the file (:mod:`openbmd.schema`: strict types,
unknown keys with a suggestion, missing keys); every problem, there or in the sensor's
own checks, raises :class:`~openbmd.errors.InputError` with one line
``file:line: field = value — what is allowed``.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path as FsPath
from typing import Any

from pydantic import create_model

from openbmd.errors import InputError
from openbmd.missiles.loader import _toml_key, _toml_value
from openbmd.missiles.model import InvalidField as ModelInvalidField
from openbmd.schema import InvalidField, Model, Where, format_value, parse_toml, read_toml, validate
from openbmd.sensors import kinds  # noqa: F401  (registers the built-in sensor classes)
from openbmd.sensors.base import DEFAULT_KIND, SENSOR_KINDS
from openbmd.sensors.fields import Field

_TYPES = {"str": str, "num": float, "nums": tuple[float, ...], "bool": bool}


def load_sensor(path: str | FsPath):
    """Read the sensor file at ``path`` (a :class:`~openbmd.sensors.base.Sensor` of its ``kind``)."""
    data, where = read_toml(path, "sensor")
    return _build(data, where, source_path=str(where.filename))


def parse_sensor_toml(text: str, filename: str = "<string>", *, source_path: str | None = None):
    """Parse sensor TOML ``text``; ``filename`` names it in error messages."""
    data, where = parse_toml(text, filename)
    return _build(data, where, source_path=source_path)


def sensor_from_dict(data: dict[str, Any], *, filename: str = "<dict>", lines: dict | None = None,
                     source_path: str | None = None):
    """Build a sensor from parsed TOML ``data`` (as from :func:`sensor_to_toml_dict`)."""
    return _build(data, Where(filename, lines or {}), source_path=source_path)


@cache
def file_schema(cls) -> type[Model]:
    """The pydantic model of a sensor class's TOML file, built from its declared FIELDS."""
    spec: dict[str, Any] = {}
    for f in cls.FIELDS:
        tp = _TYPES[f.kind]
        spec[f.key] = (tp, ...) if f.required else (tp | None, None)
    spec["sources"] = (dict[str, str], {})
    return create_model(f"{cls.__name__}File", __base__=Model, **spec)


def _build(data: dict[str, Any], where: Where, *, source_path: str | None):
    kind = data.get("kind", DEFAULT_KIND)
    if not isinstance(kind, str) or kind not in SENSOR_KINDS:
        raise InputError(where.say(("kind",), f"kind = {format_value(kind)} — must be one of "
                                              f"{', '.join(SENSOR_KINDS)}"))
    cls = SENSOR_KINDS[kind]
    raw = validate(file_schema(cls), data, where)
    fields = {f.key: f for f in cls.FIELDS}
    given = {k: v for k, v in raw.model_dump(exclude={"sources"}).items() if k in data}
    try:
        attrs = {fields[k].attr: _si(fields[k], v) for k, v in given.items()}
        attrs = cls.attributes_from_toml(data, attrs, lambda key, msg: where.say((key,), msg))
        return cls(**attrs, sources=tuple(raw.sources.items()), source_path=source_path)
    except (InvalidField, ModelInvalidField) as exc:
        raise InputError(where.say(exc.path[:1], str(exc))) from None


def _si(f: Field, value: Any) -> Any:
    """A TOML value in the model's SI unit (``max_range_km`` x 1000)."""
    if f.kind == "num":
        return float(value) * f.scale
    if f.kind == "nums":
        return tuple(float(v) * f.scale for v in value)
    return value


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
