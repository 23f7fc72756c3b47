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

Every problem raises InputError with one line ``file:line: field = value — rule``;
unknown keys are named with the close allowed key.
"""
from __future__ import annotations

import difflib
import tomllib
from pathlib import Path as FsPath
from typing import Any

from openbmd._io import read_utf8
from openbmd.errors import InputError
from openbmd.interceptors.booster import GENERIC_DRAG_CD, GENERIC_DRAG_MACH, kinematic_booster
from openbmd.interceptors.model import Interceptor, KillVehicle
from openbmd.missiles.loader import STAGE_KEYS, _sources, _syntax_message, _typed, _Where, key_lines
from openbmd.missiles.loader import missile_from_dict
from openbmd.missiles.model import _ID, InvalidField, format_path

TOP_KEYS = {
    "id": "str", "name": "str", "country": "str", "status": "str", "notes": "str",
    "diameter_m": "num", "drag_mach": "nums", "drag_cd": "nums",
    "burnout_speed_km_s": "num", "burnout_speed_spread_km_s": "nums", "burn_time_s": "num",
    "launch_mass_kg": "num", "payload_kg": "num", "stages": "stages",
    "kill_vehicle": "table", "sources": "sources",
}
KV_KEYS = {
    "divert_delta_v_m_s": "num", "seeker_acquisition_km": "num", "min_intercept_alt_km": "num",
    "max_intercept_alt_km": "num", "min_closing_speed_km_s": "num", "max_range_km": "num",
    "pk_single_shot": "num", "pk_notional": "bool",
}
REQUIRED_TOP = ("id", "name", "diameter_m", "kill_vehicle")
REQUIRED_KV = ("divert_delta_v_m_s", "seeker_acquisition_km", "min_intercept_alt_km",
               "max_intercept_alt_km", "min_closing_speed_km_s", "pk_single_shot")
KINEMATIC_KEYS = ("burnout_speed_km_s", "burn_time_s", "launch_mass_kg")


def load_interceptor(path: str | FsPath) -> Interceptor:
    """Read the interceptor file at ``path``."""
    text, path = read_utf8(path, "interceptor")
    return parse_interceptor_toml(text, str(path), source_path=str(path))


def parse_interceptor_toml(text: str, filename: str = "<string>", *,
                           source_path: str | None = None) -> Interceptor:
    """Parse interceptor TOML ``text``; ``filename`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_syntax_message(exc, text, filename)) from None
    return interceptor_from_dict(data, filename=filename, lines=key_lines(text), source_path=source_path)


def interceptor_from_dict(data: dict[str, Any], *, filename: str = "<dict>", lines=None,
                          source_path: str | None = None) -> Interceptor:
    """Build an interceptor from parsed TOML ``data``."""
    where = _Where(filename, lines or {})
    _check_unknown(data, where)
    _check_required(data, where)
    try:
        top = {k: _typed_any((k,), v, TOP_KEYS[k]) for k, v in data.items()
               if k not in ("stages", "kill_vehicle", "sources")}
        kv_raw = data["kill_vehicle"]
        kv_fields = {k: _typed_any(("kill_vehicle", k), v, KV_KEYS[k]) for k, v in kv_raw.items()}
        try:
            kv = KillVehicle(**kv_fields)
        except InvalidField as exc:
            raise exc.within("kill_vehicle") from None
        if not _ID.fullmatch(top["id"]):
            raise InvalidField(("id",), top["id"], "must use lowercase letters, digits and '-'")
    except InvalidField as exc:
        raise InputError(where.say(exc.path, str(exc))) from None
    booster = _booster(data, top, where)
    try:
        return Interceptor(
            id=top["id"], name=top["name"], booster=booster, kill_vehicle=kv,
            country=top.get("country"), status=top.get("status", "operational"),
            kinematic="stages" not in data, burnout_speed_km_s=top.get("burnout_speed_km_s"),
            burnout_speed_spread_km_s=top.get("burnout_speed_spread_km_s"),
            burn_time_s=top.get("burn_time_s", booster.total_burn_time_s),
            launch_mass_kg=top.get("launch_mass_kg", booster.launch_mass_kg),
            notes=top.get("notes", ""), sources=_sources(data.get("sources", {})),
            source_path=source_path)
    except InvalidField as exc:
        raise InputError(where.say(exc.path, str(exc))) from None


def _typed_any(path, value, kind):
    if kind == "bool":
        if not isinstance(value, bool):
            raise InvalidField(path, value, "must be true or false")
        return value
    if kind == "nums" and path[-1] == "burnout_speed_spread_km_s":
        value = _typed(path, value, kind)
        if len(value) != 2:
            raise InvalidField(path, list(value), "must be [min, max] in km/s")
        return value
    return _typed(path, value, kind)


def _booster(data: dict, top: dict, where: _Where):
    """The booster Missile from ``[[stages]]`` or from the kinematic form."""
    drag = {"drag_mach": list(top.get("drag_mach", GENERIC_DRAG_MACH)),
            "drag_cd": list(top.get("drag_cd", GENERIC_DRAG_CD))}
    if "stages" in data:
        booster = {"id": f"{top['id']}-booster", "name": top["name"], "payload_kg": top["payload_kg"],
                   "diameter_m": top["diameter_m"], **drag, "stages": data["stages"]}
        return missile_from_dict(booster, filename=where.filename, lines=where.lines)
    for key in KINEMATIC_KEYS:
        if not top[key] > 0:
            raise InputError(where.say((key,), f"{key} = {top[key]:g} — must be > 0"))
    try:
        return kinematic_booster(top["id"], top["name"], burnout_speed_km_s=top["burnout_speed_km_s"],
                                 burn_time_s=top["burn_time_s"], launch_mass_kg=top["launch_mass_kg"],
                                 diameter_m=top["diameter_m"], drag_mach=tuple(drag["drag_mach"]),
                                 drag_cd=tuple(drag["drag_cd"]))
    except InputError as exc:
        raise InputError(where.say(("burnout_speed_km_s",), str(exc))) from None


def _check_unknown(data: dict, where: _Where) -> None:
    unknown = [((k,), list(TOP_KEYS)) for k in data if k not in TOP_KEYS]
    if isinstance(data.get("kill_vehicle"), dict):
        unknown += [(("kill_vehicle", k), list(KV_KEYS)) for k in data["kill_vehicle"] if k not in KV_KEYS]
    if isinstance(data.get("stages"), list):
        for i, st in enumerate(data["stages"]):
            if isinstance(st, dict):
                unknown += [(("stages", i, k), list(STAGE_KEYS)) for k in st if k not in STAGE_KEYS]
    if not unknown:
        return
    path, allowed = unknown[0]
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
    scope = {1: "at top level", 2: "in [kill_vehicle]", 3: "in [[stages]]"}[len(path)]
    raise InputError(where.say(path, f"unknown key '{format_path(path)}'{hint}{more}; allowed {scope}: "
                                     f"{', '.join(allowed)}"))


def _check_required(data: dict, where: _Where) -> None:
    for key in REQUIRED_TOP:
        if key not in data:
            raise InputError(f"{where.filename}: missing required key '{key}'")
    if not isinstance(data["kill_vehicle"], dict):
        raise InputError(where.say(("kill_vehicle",), "kill_vehicle must be a [kill_vehicle] table"))
    for key in REQUIRED_KV:
        if key not in data["kill_vehicle"]:
            raise InputError(where.say(("kill_vehicle",), f"[kill_vehicle]: missing required key '{key}'"))
    kin = [k for k in KINEMATIC_KEYS if k in data]
    if "stages" in data:
        bad = [k for k in ("burn_time_s", "launch_mass_kg") if k in data]
        if bad:
            raise InputError(where.say((bad[0],), f"{bad[0]} belongs to the kinematic form; with [[stages]] "
                                                  "the stages set the burn time and mass"))
        if "payload_kg" not in data:
            raise InputError(f"{where.filename}: missing required key 'payload_kg' (the kill vehicle mass "
                             "on top of the [[stages]])")
    else:
        if "payload_kg" in data:
            raise InputError(where.say(("payload_kg",), "payload_kg goes with [[stages]]; the kinematic form "
                                                         "uses burnout_speed_km_s, burn_time_s, launch_mass_kg"))
        missing = [k for k in KINEMATIC_KEYS if k not in kin]
        if missing:
            raise InputError(f"{where.filename}: give [[stages]] or the kinematic form; missing "
                             f"{', '.join(repr(k) for k in missing)}")
