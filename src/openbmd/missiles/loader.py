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
from typing import Any, Literal

from openbmd import schema
from openbmd._toml import dumps, key_lines, syntax_message as _syntax_message  # noqa: F401 (sensors)
from openbmd._toml import toml_key as _toml_key, toml_value as _toml_value  # noqa: F401 (sensors)
from openbmd.missiles.model import Missile, Path, Stage
from openbmd.missiles.points import BOUNDS, RangePoint, ReferenceSite
from openbmd.schema import InvalidField, Lat, Lon, Model


class StageFile(Model):
    """A ``[[stages]]`` table; the physics rules live in :class:`~openbmd.missiles.model.Stage`."""

    propellant_kg: float
    dry_kg: float
    burn_time_s: float
    isp_s: float | None = None
    thrust_kn: float | None = None
    diameter_m: float | None = None
    coast_s: float = 0.0


class RangePointFile(Model):
    """A published range with its convention (:class:`~openbmd.missiles.points.RangePoint`)."""

    range_km: float | tuple[float, float]
    payload_kg: float | None = None
    azimuth_deg: float | Literal["any"] = "any"
    bound: Literal[BOUNDS] = "about"  # type: ignore[valid-type]
    source: str = ""

    def build(self) -> RangePoint:
        return RangePoint(range_km=self.range_km, payload_kg=self.payload_kg,
                          azimuth_deg=None if self.azimuth_deg == "any" else self.azimuth_deg,
                          bound=self.bound, source=self.source)


class CalibrationPointFile(RangePointFile):
    """``calibrated_to``: a range point whose payload must be given."""

    payload_kg: float


class SiteFile(Model):
    """A reference launch site given by position (when it is no shipped launch area)."""

    name: str
    lat_deg: Lat
    lon_deg: Lon
    source: str = ""


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
    reference_site: str | SiteFile | None = None
    calibrated_to: CalibrationPointFile | None = None
    published_points: tuple[RangePointFile, ...] = ()
    notes: str = ""
    stages: tuple[StageFile, ...]
    sources: dict[str, str] = {}

    def build(self, source_path: str | None = None) -> Missile:
        fields = self.model_dump(exclude={"stages", "sources", "reference_site", "calibrated_to",
                                          "published_points"}, exclude_unset=True)
        points = []
        for i, p in enumerate(self.published_points):
            try:
                points.append(p.build())
            except InvalidField as exc:
                raise exc.within("published_points", i) from None
        try:
            calibrated = self.calibrated_to.build() if self.calibrated_to else None
        except InvalidField as exc:
            raise exc.within("calibrated_to") from None
        return Missile(**fields, stages=build_stages(self.stages), sources=tuple(self.sources.items()),
                       reference_site=build_site(self.reference_site), calibrated_to=calibrated,
                       published_points=tuple(points), source_path=source_path)


def build_site(site: str | SiteFile | None) -> ReferenceSite | None:
    """A reference site: a shipped launch area by name, or the position given in the file."""
    if site is None:
        return None
    if isinstance(site, SiteFile):
        return ReferenceSite(name=site.name, lat_deg=site.lat_deg, lon_deg=site.lon_deg, source=site.source,
                             area=False)
    from openbmd.errors import InputError
    from openbmd.sites import get_launch_area

    try:
        area = get_launch_area(site)
    except InputError as exc:
        raise InvalidField(("reference_site",), site, str(exc).split("; ", 1)[-1]) from None
    return ReferenceSite(name=area.name, lat_deg=area.lat_deg, lon_deg=area.lon_deg, source=area.source)


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
