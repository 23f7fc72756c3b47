"""Read architecture, threat-set and target-set TOML files; the shipped catalog.

Layout of the shipped catalog (``architectures/catalog``)::

    architectures/<id>.toml   [[sensor]], [[battery]], [command], [data_center], [sources]
    threats/<id>.toml         [[area]] with the missiles launched there, [classes]
    targets/<id>.toml         [[target]] (a city may take its population from data/cities.csv)

Every error is one line naming the file, the entry and what is allowed.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from openbmd.architectures.model import (Architecture, BatteryEntry, Command, DataCenter, SensorEntry,
                                         Target, TargetSet, ThreatArea, ThreatSet, _finite, _fold)
from openbmd.errors import InputError

CATALOG_DIR = Path(__file__).with_name("catalog")
KINDS = {"architecture": "architectures", "threat set": "threats", "target set": "targets"}


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"file {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path.name}: not valid TOML ({exc})") from None


def _keys(where: str, entry: dict, required: tuple, optional: tuple) -> None:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a table, got {type(entry).__name__}")
    missing = [k for k in required if k not in entry]
    extra = sorted(set(entry) - set(required) - set(optional))
    if missing:
        raise InputError(f"{where}: missing key(s) {', '.join(missing)}")
    if extra:
        raise InputError(f"{where}: unknown key(s) {', '.join(extra)}; allowed: "
                         f"{', '.join(required + optional)}")


def _str(where, entry, key, default=None) -> str | None:
    v = entry.get(key, default)
    if v is not None and not isinstance(v, str):
        raise InputError(f"{where}: {key} must be a string, got {v!r}")
    return v


def _strs(where, entry, key) -> tuple[str, ...]:
    v = entry.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise InputError(f"{where}: {key} must be a list of strings, got {v!r}")
    return tuple(v)


def _latlon(where, entry) -> tuple[float, float]:
    return (_finite(where, "lat_deg", entry["lat_deg"], -90, 90, "deg"),
            _finite(where, "lon_deg", entry["lon_deg"], -180, 360, "deg"))


def parse_architecture(doc: dict, name: str = "<architecture>", source_path: str | None = None) -> Architecture:
    _keys(name, doc, ("id", "name", "year", "status", "description"),
          ("sensor", "battery", "command", "data_center", "sources"))
    sensors = []
    for i, s in enumerate(doc.get("sensor", [])):
        where = f"{name}: [[sensor]] #{i + 1} ({s.get('id', '?') if isinstance(s, dict) else '?'})"
        _keys(where, s, ("id", "sensor"), ("lat_deg", "lon_deg", "party", "source"))
        lat = lon = None
        if ("lat_deg" in s) != ("lon_deg" in s):
            raise InputError(f"{where}: give both lat_deg and lon_deg, or neither (the catalog site)")
        if "lat_deg" in s:
            lat, lon = _latlon(where, s)
        sensors.append(SensorEntry(id=_str(where, s, "id"), sensor=_str(where, s, "sensor"), lat_deg=lat,
                                   lon_deg=lon, party=_str(where, s, "party", "us"),
                                   source=_str(where, s, "source", "")))
    batteries = []
    for i, b in enumerate(doc.get("battery", [])):
        where = f"{name}: [[battery]] #{i + 1} ({b.get('id', '?') if isinstance(b, dict) else '?'})"
        _keys(where, b, ("id", "interceptor", "lat_deg", "lon_deg", "magazine"),
              ("launcher", "fire_control", "cued_by", "engage_on_remote", "source"))
        lat, lon = _latlon(where, b)
        mag = b["magazine"]
        if isinstance(mag, bool) or not isinstance(mag, int) or mag < 0:
            raise InputError(f"{where}: magazine = {mag!r} must be a whole number >= 0")
        eor = b.get("engage_on_remote", True)
        if not isinstance(eor, bool):
            raise InputError(f"{where}: engage_on_remote must be true or false, got {eor!r}")
        batteries.append(BatteryEntry(
            id=_str(where, b, "id"), interceptor=_str(where, b, "interceptor"), lat_deg=lat, lon_deg=lon,
            magazine=mag, launcher=_str(where, b, "launcher"), fire_control=_str(where, b, "fire_control"),
            cued_by=_strs(where, b, "cued_by"), engage_on_remote=eor, source=_str(where, b, "source", "")))
    c = doc.get("command", {})
    where = f"{name}: [command]"
    _keys(where, c, (), ("reaction_s", "doctrine", "look_s", "early_warning", "source"))
    ew = c.get("early_warning", "sbirs")
    if ew is not None and not isinstance(ew, str):
        raise InputError(f"{where}: early_warning must be a sensor id or \"none\"")
    command = Command(reaction_s=_finite(where, "reaction_s", c.get("reaction_s", 30.0), 0, 3600, "s"),
                      doctrine=_str(where, c, "doctrine", "shoot-look-shoot"),
                      look_s=_finite(where, "look_s", c.get("look_s", 10.0), 0, 3600, "s"),
                      early_warning=None if ew in (None, "none", "") else ew,
                      source=_str(where, c, "source", ""))
    from openbmd.engagement.doctrine import parse_doctrine

    try:
        parse_doctrine(command.doctrine)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    dc = None
    if "data_center" in doc:
        d = doc["data_center"]
        where = f"{name}: [data_center]"
        _keys(where, d, ("parties",), ("latency_s", "source"))
        dc = DataCenter(parties=_strs(where, d, "parties"),
                        latency_s=_finite(where, "latency_s", d.get("latency_s", 10.0), 0, 3600, "s"),
                        source=_str(where, d, "source", ""))
    year = doc["year"]
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(f"{name}: year must be a whole number, got {year!r}")
    src = doc.get("sources", {})
    if not isinstance(src, dict):
        raise InputError(f"{name}: [sources] must be a table of key = \"citation\"")
    try:
        return Architecture(id=_str(name, doc, "id"), name=_str(name, doc, "name"), year=year,
                            status=_str(name, doc, "status"), description=_str(name, doc, "description"),
                            sensors=tuple(sensors), batteries=tuple(batteries), command=command, data_center=dc,
                            sources=tuple((str(k), str(v)) for k, v in src.items()), source_path=source_path)
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None


def parse_threat_set(doc: dict, name: str = "<threat set>", source_path: str | None = None) -> ThreatSet:
    _keys(name, doc, ("id", "name", "country", "area"), ("classes", "notes"))
    areas = []
    for i, a in enumerate(doc["area"]):
        where = f"{name}: [[area]] #{i + 1} ({a.get('name', '?') if isinstance(a, dict) else '?'})"
        _keys(where, a, ("name", "lat_deg", "lon_deg", "missiles"), ("source",))
        lat, lon = _latlon(where, a)
        missiles = _strs(where, a, "missiles")
        if not missiles:
            raise InputError(f"{where}: missiles must name at least one catalog missile")
        areas.append(ThreatArea(name=_str(where, a, "name"), lat_deg=lat, lon_deg=lon, missiles=missiles,
                                source=_str(where, a, "source", "")))
    classes = doc.get("classes", {})
    if not isinstance(classes, dict):
        raise InputError(f"{name}: [classes] must map a missile id to its range class")
    return ThreatSet(id=_str(name, doc, "id"), name=_str(name, doc, "name"), country=_str(name, doc, "country"),
                     areas=tuple(areas), classes=tuple((str(k), str(v)) for k, v in classes.items()),
                     notes=_str(name, doc, "notes", ""), source_path=source_path)


def parse_target_set(doc: dict, name: str = "<target set>", source_path: str | None = None) -> TargetSet:
    _keys(name, doc, ("id", "name", "target"), ("notes",))
    targets = []
    for i, t in enumerate(doc["target"]):
        where = f"{name}: [[target]] #{i + 1} ({t.get('name', '?') if isinstance(t, dict) else '?'})"
        _keys(where, t, ("name",), ("lat_deg", "lon_deg", "population", "kind", "country", "city", "source"))
        kind = _str(where, t, "kind", "city")
        if "lat_deg" in t:
            lat, lon = _latlon(where, t)
            pop = t.get("population", 0)
            country = _str(where, t, "country", "")
            source = _str(where, t, "source", "")
        else:
            # a city of data/cities.csv: position and population from GeoNames
            from openbmd.architectures.places import find_city

            city = find_city(_str(where, t, "city") or t["name"], t.get("country") or None)
            lat, lon, pop, country = city.lat_deg, city.lon_deg, city.population, city.country
            source = _str(where, t, "source", "") or "GeoNames via data/cities.csv (CC BY 4.0)"
            if kind == "city" and city.capital:
                kind = "capital"
        if isinstance(pop, bool) or not isinstance(pop, int) or pop < 0:
            raise InputError(f"{where}: population = {pop!r} must be a whole number >= 0")
        targets.append(Target(name=_str(where, t, "name"), lat_deg=lat, lon_deg=lon, population=pop, kind=kind,
                              country=country, source=source))
    return TargetSet(id=_str(name, doc, "id"), name=_str(name, doc, "name"), targets=tuple(targets),
                     notes=_str(name, doc, "notes", ""), source_path=source_path)


_PARSERS = {"architecture": parse_architecture, "threat set": parse_threat_set, "target set": parse_target_set}


def load(kind: str, path: str | Path):
    path = Path(path)
    return _PARSERS[kind](_read(path), path.name, str(path))


def catalog_ids(kind: str) -> list[str]:
    return sorted(p.stem for p in (CATALOG_DIR / KINDS[kind]).glob("*.toml"))


@lru_cache(maxsize=None)
def _get(kind: str, ident: str):
    folder = CATALOG_DIR / KINDS[kind]
    if ident.endswith(".toml"):
        return load(kind, ident)
    ids = catalog_ids(kind)
    key = _fold(ident)
    match = [i for i in ids if _fold(i) == key]
    if not match:
        import difflib

        near = difflib.get_close_matches(key, ids, n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise InputError(f"unknown {kind} {ident!r}{hint}; allowed: {', '.join(ids)} or a path to a .toml file")
    return load(kind, folder / f"{match[0]}.toml")


def get_architecture(ident: str) -> Architecture:
    """A shipped architecture by id (case-insensitive), or the file at a path ending in .toml."""
    return _get("architecture", str(ident))


def get_threat_set(ident: str) -> ThreatSet:
    return _get("threat set", str(ident))


def get_target_set(ident: str) -> TargetSet:
    return _get("target set", str(ident))


def architecture_ids() -> list[str]:
    return catalog_ids("architecture")


def threat_set_ids() -> list[str]:
    return catalog_ids("threat set")


def target_set_ids() -> list[str]:
    return catalog_ids("target set")


def find_area(name: str) -> tuple[ThreatSet, "ThreatArea"]:
    """A launch area or ICBM field by name, searched over every shipped threat set."""
    key = _fold(name)
    names = []
    for tid in threat_set_ids():
        ts = get_threat_set(tid)
        for a in ts.areas:
            names.append(a.name)
            if _fold(a.name) == key:
                return ts, a
    raise InputError(f"unknown launch area {name!r}; allowed: {', '.join(sorted(set(names)))}")
