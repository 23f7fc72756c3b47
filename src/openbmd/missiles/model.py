"""Missile and stage models: frozen, keyword-only, SI units.

A :class:`Missile` is a stack of :class:`Stage` objects under a payload (the
re-entry vehicle plus anything that stays with it), with a Mach-dependent drag
table on the missile's reference diameter. The models check their own physics
when built; a broken value raises :class:`~openbmd.schema.InvalidField`, an
:class:`~openbmd.errors.InputError` that also carries the field's path, so the
TOML loader can point at the line of the file.

Positions in field paths count from 1 (``stages[1]`` is the first stage), as a
reader of the file counts ``[[stages]]`` blocks.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from openbmd.earth import G0_M_S2
from openbmd.missiles.points import RangePoint, ReferenceSite
from openbmd.schema import InvalidField, format_path, format_value  # noqa: F401 (re-exported)

RANGE_CLASSES = ("SRBM", "MRBM", "IRBM", "ICBM")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_ISP_S = 600.0  # above any chemical rocket (LOX/LH2 vacuum ~450-465 s)

Path = tuple[str | int, ...]


def _positive(name: str, value: float, unit: str) -> None:
    if not value > 0.0:
        raise InvalidField((name,), value, f"must be > 0 {unit}".rstrip())


def _non_negative(name: str, value: float, unit: str) -> None:
    if not value >= 0.0:
        raise InvalidField((name,), value, f"must be >= 0 {unit}".rstrip())


def _finite(name: str, value: Any) -> float:
    """``value`` as a float; rejects bools, strings and inf/nan."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidField((name,), value, "must be a number")
    if not math.isfinite(value):
        raise InvalidField((name,), value, "must be a finite number")
    return float(value)


@dataclass(frozen=True, kw_only=True)
class Stage:
    """One rocket stage; thrust from ``isp_s`` or ``thrust_kn`` (exactly one).

    Thrust is constant over the burn (mean values from open sources); with
    ``isp_s`` given, thrust = isp_s * g0 * propellant_kg / burn_time_s.
    """

    propellant_kg: float  #: propellant burned by this stage
    dry_kg: float  #: structure, engine and residuals dropped at staging
    burn_time_s: float  #: burn duration
    isp_s: float | None = None  #: specific impulse (mean over the trajectory), s
    thrust_kn: float | None = None  #: mean thrust, kN
    diameter_m: float | None = None  #: stage diameter (information; drag uses the missile's)
    coast_s: float = 0.0  #: pause after this stage burns out, before the next ignites

    def __post_init__(self) -> None:
        for name in ("propellant_kg", "dry_kg", "burn_time_s", "coast_s"):
            object.__setattr__(self, name, _finite(name, getattr(self, name)))
        for name in ("isp_s", "thrust_kn", "diameter_m"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _finite(name, getattr(self, name)))
        _positive("propellant_kg", self.propellant_kg, "kg")
        _non_negative("dry_kg", self.dry_kg, "kg")
        _positive("burn_time_s", self.burn_time_s, "s")
        _non_negative("coast_s", self.coast_s, "s")
        if (self.isp_s is None) == (self.thrust_kn is None):
            got = "both" if self.isp_s is not None else "neither"
            raise InvalidField(("isp_s",), self.isp_s, f"give exactly one of isp_s or thrust_kn (got {got})")
        if self.isp_s is not None and not 0.0 < self.isp_s <= MAX_ISP_S:
            raise InvalidField(("isp_s",), self.isp_s, f"must be in (0, {MAX_ISP_S:g}] s")
        if self.thrust_kn is not None:
            _positive("thrust_kn", self.thrust_kn, "kN")
        if self.diameter_m is not None:
            _positive("diameter_m", self.diameter_m, "m")

    @property
    def mass_kg(self) -> float:
        """Propellant plus dry mass."""
        return self.propellant_kg + self.dry_kg

    @property
    def mass_flow_kg_s(self) -> float:
        """Constant propellant mass flow."""
        return self.propellant_kg / self.burn_time_s

    @property
    def thrust_n(self) -> float:
        """Constant thrust: isp_s * g0 * mass flow, or thrust_kn * 1000."""
        if self.isp_s is not None:
            return self.isp_s * G0_M_S2 * self.mass_flow_kg_s
        return self.thrust_kn * 1000.0

    @property
    def exhaust_velocity_m_s(self) -> float:
        """Effective exhaust velocity, thrust / mass flow."""
        return self.thrust_n / self.mass_flow_kg_s

    @property
    def thrust_field(self) -> str:
        """The key that sets the thrust: ``"isp_s"`` or ``"thrust_kn"``."""
        return "isp_s" if self.isp_s is not None else "thrust_kn"

    def to_toml_dict(self) -> dict[str, float]:
        """The ``[[stages]]`` table (keys left out when None)."""
        keys = ("propellant_kg", "dry_kg", "burn_time_s", "isp_s", "thrust_kn", "diameter_m", "coast_s")
        out = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        if out["coast_s"] == 0.0:
            del out["coast_s"]
        return out


def _pair(name: str, value: Any, unit: str) -> tuple[float, float] | None:
    """A published [min, max] interval, 0 < min <= max."""
    if value is None:
        return None
    rule = f"must be [min, max] in {unit} with 0 < min <= max"
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise InvalidField((name,), value, rule)
    lo, hi = (_finite(name, v) for v in value)
    if not 0.0 < lo <= hi:
        raise InvalidField((name,), value, rule)
    return (lo, hi)


def _drag_table(mach: Any, cd: Any) -> tuple[tuple[float, ...], tuple[float, ...]]:
    mach = tuple(_finite("drag_mach", m) for m in mach)
    cd = tuple(_finite("drag_cd", c) for c in cd)
    if len(mach) < 2:
        raise InvalidField(("drag_mach",), mach, "needs at least 2 Mach numbers, starting at 0")
    if mach[0] != 0.0:
        raise InvalidField(("drag_mach", 0), mach[0], "the drag table must start at Mach 0")
    for i in range(1, len(mach)):
        if not mach[i] > mach[i - 1]:
            raise InvalidField(("drag_mach", i), mach[i],
                               f"must be strictly increasing (previous {mach[i - 1]:g})")
    if len(cd) != len(mach):
        raise InvalidField(("drag_cd",), cd, f"must have one value per Mach number ({len(mach)})")
    for i, c in enumerate(cd):
        if not c > 0.0:
            raise InvalidField(("drag_cd", i), c, "must be > 0")
    return mach, cd


@dataclass(frozen=True, kw_only=True)
class Missile:
    """A ballistic missile: stages, payload and drag, with published figures.

    ``payload_kg`` is everything that stays with the re-entry vehicle after the
    last stage burns out. Drag uses ``drag_cd`` (linear in Mach over
    ``drag_mach``) on the area of ``diameter_m`` during boost;
    ``rv_beta_kg_m2`` (ballistic coefficient m / (Cd A)) governs re-entry.
    """

    id: str  #: catalog id: lowercase letters, digits and '-'
    name: str  #: display name
    payload_kg: float  #: payload (RV and post-boost remainder)
    diameter_m: float  #: reference diameter for boost drag
    drag_mach: tuple[float, ...]  #: Mach numbers of the drag table, from 0, increasing
    drag_cd: tuple[float, ...]  #: drag coefficients at drag_mach
    stages: tuple[Stage, ...]  #: stages, first to burn first
    rv_beta_kg_m2: float | None = None  #: re-entry vehicle ballistic coefficient
    rv_rcs_m2: float | None = None  #: radar cross section of the warhead / RV (what radars track)
    booster_rcs_m2: float | None = None  #: radar cross section of the burning or spent booster
    country: str | None = None
    range_class: str | None = None  #: SRBM, MRBM, IRBM or ICBM
    published_range_km: tuple[float, float] | None = None  #: published [min, max] range
    published_tof_s: tuple[float, float] | None = None  #: published [min, max] time of flight
    reference_site: ReferenceSite | None = None  #: where its ranges are measured from
    calibrated_to: RangePoint | None = None  #: the published point the stage figures are held to
    published_points: tuple[RangePoint, ...] = ()  #: other published (payload, range) points
    notes: str = ""
    sources: tuple[tuple[str, str], ...] = ()  #: (key, citation) pairs
    source_path: str | None = field(default=None, compare=False)  #: file it was read from

    def __post_init__(self) -> None:
        for name in ("id", "name"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise InvalidField((name,), getattr(self, name), "must be a non-empty string")
        if not _ID.fullmatch(self.id):
            raise InvalidField(("id",), self.id, "must use lowercase letters, digits and '-'")
        if self.range_class is not None and self.range_class not in RANGE_CLASSES:
            raise InvalidField(("range_class",), self.range_class, f"must be one of {', '.join(RANGE_CLASSES)}")
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen)
        set_("payload_kg", _finite("payload_kg", self.payload_kg))
        set_("diameter_m", _finite("diameter_m", self.diameter_m))
        _non_negative("payload_kg", self.payload_kg, "kg")
        _positive("diameter_m", self.diameter_m, "m")
        mach, cd = _drag_table(self.drag_mach, self.drag_cd)
        set_("drag_mach", mach)
        set_("drag_cd", cd)
        if self.rv_beta_kg_m2 is not None:
            set_("rv_beta_kg_m2", _finite("rv_beta_kg_m2", self.rv_beta_kg_m2))
            _positive("rv_beta_kg_m2", self.rv_beta_kg_m2, "kg/m^2")
        for key in ("rv_rcs_m2", "booster_rcs_m2"):
            if getattr(self, key) is not None:
                set_(key, _finite(key, getattr(self, key)))
                _positive(key, getattr(self, key), "m^2")
        set_("published_range_km", _pair("published_range_km", self.published_range_km, "km"))
        set_("published_tof_s", _pair("published_tof_s", self.published_tof_s, "s"))
        set_("sources", tuple((str(k), str(v)) for k, v in dict(self.sources).items()))
        set_("published_points", tuple(self.published_points))
        if self.calibrated_to is not None and self.calibrated_to.payload_kg is None:
            raise InvalidField(("calibrated_to", "payload_kg"), None, "the calibration point needs its payload")
        set_("stages", tuple(self.stages))
        self._check_stages()

    def _check_stages(self) -> None:
        if not self.stages:
            raise InvalidField(("stages",), [], "needs at least one [[stages]] block")
        last = self.stages[-1]
        if last.coast_s != 0.0:
            raise InvalidField(("stages", len(self.stages) - 1, "coast_s"), last.coast_s,
                               "must be 0 on the last stage (coast_s is the pause before the next stage)")
        first = self.stages[0]
        weight_n = self.launch_mass_kg * G0_M_S2
        ratio = first.thrust_n / weight_n
        if not ratio > 1.0:
            raise InvalidField(
                ("stages", 0, first.thrust_field), getattr(first, first.thrust_field),
                f"thrust-to-weight at lift-off is {ratio:.2f} (thrust {first.thrust_n / 1e3:.1f} kN, "
                f"launch mass {self.launch_mass_kg:.0f} kg); must be > 1 to leave the pad")

    @property
    def launch_mass_kg(self) -> float:
        """Payload plus every stage's propellant and dry mass."""
        return self.payload_kg + sum(s.mass_kg for s in self.stages)

    @property
    def total_burn_time_s(self) -> float:
        """Ignition of the first stage to burnout of the last (burns plus coasts)."""
        return sum(s.burn_time_s + s.coast_s for s in self.stages)

    @property
    def ideal_delta_v_m_s(self) -> float:
        """Rocket-equation speed gain over all stages (no gravity or drag loss)."""
        dv, above_kg = 0.0, self.payload_kg
        for stage in reversed(self.stages):
            m0 = above_kg + stage.mass_kg
            dv += stage.exhaust_velocity_m_s * math.log(m0 / (m0 - stage.propellant_kg))
            above_kg = m0
        return dv

    @property
    def reference_area_m2(self) -> float:
        """Cross-section of ``diameter_m``, the area for boost drag."""
        return math.pi * self.diameter_m**2 / 4.0

    def sources_dict(self) -> dict[str, str]:
        """The ``[sources]`` table: key -> citation."""
        return dict(self.sources)

    def replace_stages(self, stages: tuple[Stage, ...] | list[Stage]) -> "Missile":
        """A new missile with these stages (checked like any other)."""
        return replace(self, stages=tuple(stages))

    def with_payload(self, payload_kg: float) -> "Missile":
        """A new missile carrying ``payload_kg`` (checked like any other)."""
        return replace(self, payload_kg=payload_kg)

    def to_toml_dict(self) -> dict[str, Any]:
        """The catalog-file form: parse it back and get an equal missile.

        Keys whose value is None are left out (TOML has no null).
        """
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        for key in ("country", "range_class"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["payload_kg"] = self.payload_kg
        out["diameter_m"] = self.diameter_m
        out["drag_mach"] = list(self.drag_mach)
        out["drag_cd"] = list(self.drag_cd)
        for key in ("rv_beta_kg_m2", "rv_rcs_m2", "booster_rcs_m2", "published_range_km", "published_tof_s"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        if self.reference_site is not None:
            out["reference_site"] = self.reference_site.to_toml()
        if self.calibrated_to is not None:
            out["calibrated_to"] = self.calibrated_to.to_toml_dict()
        if self.published_points:
            out["published_points"] = [p.to_toml_dict() for p in self.published_points]
        if self.notes:
            out["notes"] = self.notes
        out["stages"] = [s.to_toml_dict() for s in self.stages]
        out["sources"] = self.sources_dict()
        return out
