"""Interceptor models: a booster (a :class:`~openbmd.missiles.Missile`) and a kill vehicle.

An interceptor is a missile too: its booster flies on the same trajectory engine.
The booster is given either as ``[[stages]]`` exactly like a missile file, or in
the kinematic form (burnout speed, burn time, launch mass) that
:mod:`openbmd.interceptors.booster` turns into an equivalent single stage.
The kill vehicle carries the limits the engagement engine honours.

Frozen keyword-only dataclasses, SI-with-unit-names as in the catalog files.
A broken value raises :class:`~openbmd.missiles.InvalidField` (an InputError
that carries the field's path for the loader's ``file:line`` messages).
"""
from __future__ import annotations

import math
from dataclasses import InitVar, dataclass, field

from openbmd.errors import InputError
from openbmd.missiles.model import _ID, MAX_ISP_S, InvalidField, Missile, _finite
from openbmd.schema import KeyProblem

STATUSES = ("operational", "planned", "cancelled", "retired")
SOURCE_FLAGS = ("S", "M", "D", "N")  #: seen / commonly quoted / derived / notional


def _check(path: tuple, value, ok: bool, rule: str) -> None:
    if not ok:
        raise InvalidField(path, value, rule)


@dataclass(frozen=True, kw_only=True)
class KillVehicle:
    """What the kill vehicle can do at the end of the fly-out (all policy-level figures)."""

    divert_delta_v_m_s: float  #: divert capability; 0 for aerodynamic (endo) interceptors
    seeker_acquisition_km: float  #: range at which the seeker acquires the target
    min_intercept_alt_km: float  #: lowest altitude the kill vehicle can intercept at
    max_intercept_alt_km: float  #: highest intercept altitude (kinematic, sensor or operational)
    min_closing_speed_km_s: float  #: slowest closing speed for a kinetic kill
    pk_single_shot: float  #: single-shot kill probability
    pk_notional: bool = True  #: True when no public kill probability exists (a chosen value)
    max_range_km: float = math.inf  #: ground-range cap where sources give one (inf: fly-out decides)

    def __post_init__(self) -> None:
        for name in ("divert_delta_v_m_s", "seeker_acquisition_km", "min_intercept_alt_km",
                     "max_intercept_alt_km", "min_closing_speed_km_s", "pk_single_shot"):
            v = _finite(name, getattr(self, name))
            object.__setattr__(self, name, v)
            _check((name,), v, v >= 0.0, "must be >= 0")
        if not isinstance(self.pk_notional, bool):
            raise InvalidField(("pk_notional",), self.pk_notional, "must be true or false")
        mr = self.max_range_km
        if isinstance(mr, bool) or not isinstance(mr, (int, float)) or math.isnan(mr):
            raise InvalidField(("max_range_km",), mr, "must be a number")
        object.__setattr__(self, "max_range_km", float(mr))
        _check(("max_range_km",), mr, mr > 0.0, "must be > 0 km")
        _check(("pk_single_shot",), self.pk_single_shot, self.pk_single_shot <= 1.0,
               "must be a probability in [0, 1]")
        _check(("max_intercept_alt_km",), self.max_intercept_alt_km,
               self.max_intercept_alt_km > self.min_intercept_alt_km,
               f"must be above min_intercept_alt_km ({self.min_intercept_alt_km:g})")


@dataclass(frozen=True, kw_only=True)
class KinematicForm:
    """A booster as open sources give it: burnout speed, burn time, launch mass (and drag).

    :meth:`booster` turns it into the equivalent single stage by flying the
    reference fly-out (:func:`openbmd.interceptors.booster.kinematic_booster`,
    ~100 trajectories, cached); :meth:`check` refuses at once a speed no Isp up
    to 600 s could give even without gravity and drag losses.
    """

    burnout_speed_km_s: float
    burn_time_s: float
    launch_mass_kg: float
    diameter_m: float
    drag_mach: tuple[float, ...]
    drag_cd: tuple[float, ...]

    def check(self) -> None:
        from openbmd.earth import G0_M_S2
        from openbmd.interceptors.booster import DRY_FRACTION, KV_FRACTION

        ideal_km_s = MAX_ISP_S * G0_M_S2 * math.log(1.0 / (KV_FRACTION + DRY_FRACTION)) / 1e3
        if self.burnout_speed_km_s > ideal_km_s:
            raise InvalidField(("burnout_speed_km_s",), self.burnout_speed_km_s,
                               f"an equivalent single stage of {self.launch_mass_kg:g} kg cannot reach it "
                               f"(ideal speed {ideal_km_s:.1f} km/s at Isp {MAX_ISP_S:g} s); give [[stages]] instead")

    def booster(self, iid: str, name: str) -> Missile:
        from openbmd.interceptors.booster import kinematic_booster

        return kinematic_booster(iid, name, burnout_speed_km_s=self.burnout_speed_km_s,
                                 burn_time_s=self.burn_time_s, launch_mass_kg=self.launch_mass_kg,
                                 diameter_m=self.diameter_m, drag_mach=self.drag_mach, drag_cd=self.drag_cd)


class _LazyBooster:
    """The ``booster`` field: given (stage form, variants), or built from the kinematic form on
    first use and kept, so reading a file flies no trajectory."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return None  # the field's default: build from kinematic_form
        booster = obj.__dict__.get("booster")
        if booster is None:
            try:
                booster = obj.__dict__["_kinematic_form"].booster(obj.id, obj.name)
            except InputError as exc:
                raise InputError(f"{obj.source_path or 'interceptor ' + repr(obj.id)}: {exc}") from None
            obj.__dict__["booster"] = booster
        return booster

    def __set__(self, obj, value) -> None:
        obj.__dict__["booster"] = value


@dataclass(frozen=True, kw_only=True)
class Interceptor:
    """An interceptor: booster, kill vehicle, and where its figures come from.

    ``burnout_speed_km_s`` is the stated burnout speed (the kinematic form's
    input; for a stage-form booster an optional published figure).  With the
    kinematic form the booster is the equivalent single stage calibrated so
    that the engine reaches that speed (see :mod:`openbmd.interceptors.booster`),
    on first use of ``booster`` (reading the file flies nothing).
    """

    id: str  #: catalog id: lowercase letters, digits and '-'
    name: str
    booster: Missile = _LazyBooster()  #: what the trajectory engine flies (None: from kinematic_form)
    kill_vehicle: KillVehicle
    country: str | None = None
    status: str = "operational"  #: operational | planned | cancelled | retired
    kinematic: bool = False  #: booster built from the kinematic form
    burnout_speed_km_s: float | None = None  #: stated burnout speed
    burnout_speed_spread_km_s: tuple[float, float] | None = None  #: published spread (Monte Carlo range)
    burn_time_s: float | None = None  #: total boost time of the kinematic form
    launch_mass_kg: float | None = None  #: launch mass of the kinematic form
    notes: str = ""
    sources: tuple[tuple[str, str], ...] = ()  #: (key, citation) pairs, each citation flagged S/M/D/N
    source_path: str | None = field(default=None, compare=False)
    #: the kinematic form the booster is calibrated from on first use (None: the booster is given);
    #: not a field: a copy (dataclasses.replace) carries the booster itself
    kinematic_form: InitVar[KinematicForm | None] = None

    def __post_init__(self, kinematic_form: KinematicForm | None) -> None:
        if self.__dict__.get("booster") is None and kinematic_form is None:
            raise KeyProblem(("booster",), "give a booster or its kinematic form")
        self.__dict__["_kinematic_form"] = kinematic_form
        for name in ("id", "name"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise InvalidField((name,), getattr(self, name), "must be a non-empty string")
        _check(("id",), self.id, bool(_ID.fullmatch(self.id)), "must use lowercase letters, digits and '-'")
        _check(("status",), self.status, self.status in STATUSES, f"must be one of {', '.join(STATUSES)}")
        if self.burnout_speed_spread_km_s is not None:
            lo, hi = self.burnout_speed_spread_km_s
            _check(("burnout_speed_spread_km_s",), [lo, hi], 0.0 < lo <= hi,
                   "must be [min, max] in km/s with 0 < min <= max")
            object.__setattr__(self, "burnout_speed_spread_km_s", (float(lo), float(hi)))
        object.__setattr__(self, "sources", tuple((str(k), str(v)) for k, v in dict(self.sources).items()))

    @property
    def max_range_km(self) -> float:
        """The kill vehicle's ground-range cap (inf when the fly-out decides)."""
        return self.kill_vehicle.max_range_km

    def sources_dict(self) -> dict[str, str]:
        return dict(self.sources)
