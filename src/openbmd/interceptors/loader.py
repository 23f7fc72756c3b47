"""Read interceptor TOML files (the conventions of the missile files).

An interceptor file has top-level keys, a booster in one of two forms, a
``[kill_vehicle]`` table and a ``[sources]`` table::

    id = "sm-3-ia"
    name = "SM-3 Block IA"
    status = "operational"          # operational | planned | cancelled | retired
    diameter_m = 0.343              # drag reference
    # drag_mach = [...]; drag_cd = [...]   optional (default: a generic slender body)

    # kinematic form (turned into an equivalent single stage, see booster.py) ...
    burnout_speed_km_s = 3.0
    burnout_speed_spread_km_s = [2.7, 3.3]   # optional
    burn_time_s = 45.0
    launch_mass_kg = 1500.0
    # ... or stages exactly like a missile file: payload_kg = ... and [[stages]] blocks
    # (burnout_speed_km_s then optional: a published figure, not an input)

    [kill_vehicle]
    divert_delta_v_m_s = 300.0
    seeker_acquisition_km = 300.0
    min_intercept_alt_km = 100.0
    max_intercept_alt_km = 500.0
    min_closing_speed_km_s = 2.0
    max_range_km = 900.0            # optional cap
    pk_single_shot = 0.8
    pk_notional = true

    [sources]
    burnout_speed_km_s = "M: ..."   # each citation starts with its flag S, M, D or N

The format is declared once (:class:`InterceptorFile`); :mod:`openbmd.schema`
reads it and every problem is one line ``file:line: field = value — rule``.
Reading a kinematic-form file flies nothing: the booster is calibrated on first
use (:class:`~openbmd.interceptors.model.KinematicForm`).
"""
from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated, Any

from pydantic import Field, model_validator

from openbmd import schema
from openbmd.interceptors.booster import GENERIC_DRAG_CD, GENERIC_DRAG_MACH
from openbmd.interceptors.model import Interceptor, KillVehicle, KinematicForm
from openbmd.missiles.loader import StageFile, build_stages
from openbmd.missiles.model import Missile
from openbmd.schema import InvalidField, KeyProblem, Model

Positive = Annotated[float, Field(gt=0)]
KINEMATIC_KEYS = ("burnout_speed_km_s", "burn_time_s", "launch_mass_kg")


class KillVehicleFile(Model):
    """The ``[kill_vehicle]`` table; :class:`~openbmd.interceptors.model.KillVehicle` checks the values."""

    divert_delta_v_m_s: float
    seeker_acquisition_km: float
    min_intercept_alt_km: float
    max_intercept_alt_km: float
    min_closing_speed_km_s: float
    max_range_km: float | None = None
    pk_single_shot: float
    pk_notional: bool = True


class InterceptorFile(Model):
    """An interceptor file: the booster as ``[[stages]]`` (with ``payload_kg``) or in the kinematic form."""

    id: str
    name: str
    country: str | None = None
    status: str = "operational"
    notes: str = ""
    diameter_m: Positive
    drag_mach: tuple[float, ...] = GENERIC_DRAG_MACH
    drag_cd: tuple[float, ...] = GENERIC_DRAG_CD
    burnout_speed_km_s: Positive | None = None
    burnout_speed_spread_km_s: tuple[float, ...] | None = None
    burn_time_s: Positive | None = None
    launch_mass_kg: Positive | None = None
    payload_kg: float | None = None
    stages: tuple[StageFile, ...] | None = None
    kill_vehicle: KillVehicleFile
    sources: dict[str, str] = {}

    @model_validator(mode="after")
    def _one_booster_form(self):
        spread = self.burnout_speed_spread_km_s
        if spread is not None and len(spread) != 2:
            raise InvalidField(("burnout_speed_spread_km_s",), list(spread), "must be [min, max] in km/s")
        if self.stages is not None:
            for key in ("burn_time_s", "launch_mass_kg"):
                if getattr(self, key) is not None:
                    raise KeyProblem((key,), "belongs to the kinematic form; with [[stages]] the stages set "
                                             "the burn time and mass")
            if self.payload_kg is None:
                raise ValueError("missing required key 'payload_kg' (the kill vehicle mass on top of the [[stages]])")
            return self
        if self.payload_kg is not None:
            raise KeyProblem(("payload_kg",), "goes with [[stages]]; the kinematic form uses "
                                              "burnout_speed_km_s, burn_time_s, launch_mass_kg")
        missing = [repr(k) for k in KINEMATIC_KEYS if getattr(self, k) is None]
        if missing:
            raise ValueError(f"give [[stages]] or the kinematic form; missing {', '.join(missing)}")
        return self

    def build(self, source_path: str | None = None) -> Interceptor:
        """The interceptor (its kinematic booster calibrated later, on first use)."""
        try:
            kv = KillVehicle(**self.kill_vehicle.model_dump(exclude_none=True))
        except InvalidField as exc:
            raise exc.within("kill_vehicle") from None
        booster, form = self._booster(), None
        if booster is None:
            form = KinematicForm(burnout_speed_km_s=self.burnout_speed_km_s, burn_time_s=self.burn_time_s,
                                 launch_mass_kg=self.launch_mass_kg, diameter_m=self.diameter_m,
                                 drag_mach=self.drag_mach, drag_cd=self.drag_cd)
            form.check()
        return Interceptor(
            id=self.id, name=self.name, booster=booster, kinematic_form=form, kill_vehicle=kv,
            country=self.country, status=self.status, kinematic=form is not None,
            burnout_speed_km_s=self.burnout_speed_km_s, burnout_speed_spread_km_s=self.burnout_speed_spread_km_s,
            burn_time_s=self.burn_time_s if form else booster.total_burn_time_s,
            launch_mass_kg=self.launch_mass_kg if form else booster.launch_mass_kg,
            notes=self.notes, sources=tuple(self.sources.items()), source_path=source_path)

    def _booster(self) -> Missile | None:
        if self.stages is None:
            return None
        return Missile(id=f"{self.id}-booster", name=self.name, payload_kg=self.payload_kg,
                       diameter_m=self.diameter_m, drag_mach=self.drag_mach, drag_cd=self.drag_cd,
                       stages=build_stages(self.stages))


def load_interceptor(path: str | FsPath) -> Interceptor:
    """Read the interceptor file at ``path``."""
    data, where = schema.read_toml(path, "interceptor")
    return _build(data, where, where.filename)


def parse_interceptor_toml(text: str, filename: str = "<string>", *,
                           source_path: str | None = None) -> Interceptor:
    """Parse interceptor TOML ``text``; ``filename`` names it in error messages."""
    data, where = schema.parse_toml(text, filename)
    return _build(data, where, source_path)


def interceptor_from_dict(data: dict[str, Any], *, filename: str = "<dict>", lines=None,
                          source_path: str | None = None) -> Interceptor:
    """Build an interceptor from parsed TOML ``data``."""
    return _build(data, schema.Where(filename, lines), source_path)


def _build(data: dict[str, Any], where: schema.Where, source_path: str | None) -> Interceptor:
    declared = schema.validate(InterceptorFile, data, where)
    try:
        return declared.build(source_path)
    except InvalidField as exc:
        raise where.error(exc) from None
