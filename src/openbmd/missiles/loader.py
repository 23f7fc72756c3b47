"""Read and write missile TOML files.

A missile file has top-level keys (``id``, ``name``, ``payload_kg``, ...), one
``[[stages]]`` table per stage (first to burn first) and a free-form
``[sources]`` table of citations. Every problem raises
:class:`~openbmd.errors.InputError` with one line of the form
``file:line: field = value — what is allowed``. Stage positions count from 1:
``stages[2]`` is the second ``[[stages]]`` block.

The file format is declared once (:class:`MissileFile`, :class:`StageFile`:
keys, types, what is required); :mod:`openbmd.schema` reads it and words the
errors, and :class:`~openbmd.missiles.model.Missile` checks the physics.
"""
from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from openbmd import schema
from openbmd._toml import dumps, key_lines, syntax_message as _syntax_message  # noqa: F401 (sensors)
from openbmd._toml import toml_key as _toml_key, toml_value as _toml_value  # noqa: F401 (sensors)
from openbmd.missiles.model import Missile, Path, Stage
from openbmd.schema import InvalidField, Model


class StageFile(Model):
    """A ``[[stages]]`` table; the physics rules live in :class:`~openbmd.missiles.model.Stage`."""

    propellant_kg: float
    dry_kg: float
    burn_time_s: float
    isp_s: float | None = None
    thrust_kn: float | None = None
    diameter_m: float | None = None
    coast_s: float = 0.0


class MissileFile(Model):
    """A missile file; :meth:`build` checks the physics (:class:`~openbmd.missiles.model.Missile`)."""

    id: str
    name: str
    country: str | None = None
    range_class: str | None = None
    payload_kg: float
    diameter_m: float
    drag_mach: tuple[float, ...]
    drag_cd: tuple[float, ...]
    rv_beta_kg_m2: float | None = None
    rv_rcs_m2: float | None = None
    booster_rcs_m2: float | None = None
    published_range_km: tuple[float, ...] | None = None
    published_tof_s: tuple[float, ...] | None = None
    notes: str = ""
    stages: tuple[StageFile, ...]
    sources: dict[str, str] = {}

    def build(self, source_path: str | None = None) -> Missile:
        fields = self.model_dump(exclude={"stages", "sources"}, exclude_unset=True)
        return Missile(**fields, stages=build_stages(self.stages), sources=tuple(self.sources.items()),
                       source_path=source_path)


def build_stages(stages: tuple[StageFile, ...]) -> tuple[Stage, ...]:
    """The :class:`Stage` models of ``[[stages]]`` tables (a problem located at its stage)."""
    out = []
    for i, stage in enumerate(stages):
        try:
            out.append(Stage(**stage.model_dump(exclude_unset=True)))
        except InvalidField as exc:
            raise exc.within("stages", i) from None
    return tuple(out)


TOP_KEYS = tuple(MissileFile.model_fields)
STAGE_KEYS = tuple(StageFile.model_fields)


# ---------------------------------------------------------------- public API
def load_missile(path: str | FsPath) -> Missile:
    """Read the missile file at ``path``."""
    data, where = schema.read_toml(path, "missile")
    return _build(data, where, source_path=where.filename)


def parse_missile_toml(text: str, filename: str = "<string>", *, source_path: str | None = None) -> Missile:
    """Parse missile TOML ``text``; ``filename`` names it in error messages."""
    data, where = schema.parse_toml(text, filename)
    return _build(data, where, source_path=source_path)


def missile_from_dict(
    data: dict[str, Any], *, filename: str = "<dict>",
    lines: dict[Path, int] | None = None, source_path: str | None = None,
) -> Missile:
    """Build a missile from parsed TOML ``data`` (as from :meth:`Missile.to_toml_dict`).

    ``lines`` (from :func:`key_lines`) lets messages name the line of a field.
    """
    return _build(data, schema.Where(filename, lines), source_path=source_path)


def _build(data: dict[str, Any], where: schema.Where, *, at: Path = (), source_path: str | None = None) -> Missile:
    declared = schema.validate(MissileFile, data, where, at=at)
    try:
        return declared.build(source_path)
    except InvalidField as exc:
        raise where.error(exc, *at) from None


def missile_to_toml(missile: Missile) -> str:
    """The TOML text of a missile file; :func:`parse_missile_toml` reads it back."""
    return dumps(missile.to_toml_dict())
