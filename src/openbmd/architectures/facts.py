"""Facts an architecture file names instead of repeating, resolved and checked at load.

- a battery's site and magazine: its launcher's (``interceptors/catalog/_launchers.toml``),
  unless the battery lists the key in ``overrides`` and gives its own value;
- a threat area's position and source: ``data/launch_areas.toml``;
- a city target's position, population and country: ``data/cities.csv`` (GeoNames).

Each function takes the raw table of the file (a dict) and returns it completed,
or raises :class:`~openbmd.schema.InvalidField` located at the key at fault.
"""
from __future__ import annotations

from typing import Any

from openbmd.errors import InputError
from openbmd.schema import InvalidField, KeyProblem

LAUNCHER_KEYS = ("lat_deg", "lon_deg", "magazine")


def battery_at_launcher(data: dict[str, Any]) -> dict[str, Any]:
    """The battery table with its launcher's site and magazine (those not overridden)."""
    from openbmd.interceptors.catalog import get_launch_site

    try:
        site = get_launch_site(data["launcher"])
    except InputError as exc:
        raise InvalidField(("launcher",), data["launcher"], str(exc)) from None
    interceptor = data.get("interceptor")
    if isinstance(interceptor, str) and interceptor not in site.interceptors:
        raise InvalidField(("interceptor",), interceptor,
                           f"launcher '{site.id}' fires {', '.join(site.interceptors)}")
    stated = data.get("overrides", ())
    out = dict(data)
    for key in LAUNCHER_KEYS:
        theirs = getattr(site, key)
        if key not in data:
            if key in stated:
                raise KeyProblem(("overrides",), f"lists {key} but the battery gives none")
            out[key] = theirs
        elif key not in stated:
            raise KeyProblem((key,), f"launcher '{site.id}' has {key} = {theirs:g}: drop it, or list "
                                     f"{key} in overrides to override it")
        elif data[key] == theirs:
            raise InvalidField((key,), data[key], f"is launcher '{site.id}''s own value: drop it and "
                                                  "its overrides entry")
    return out


def area_at_launch_area(data: dict[str, Any]) -> dict[str, Any]:
    """The threat-area table with the position and source of its launch area."""
    from openbmd.sites import get_launch_area

    name = data.get("name")
    if not isinstance(name, str) or "lat_deg" in data or "lon_deg" in data:
        given = [k for k in ("lat_deg", "lon_deg") if k in data]
        if given and isinstance(name, str):
            raise KeyProblem((given[0],), "positions live in data/launch_areas.toml: name a launch area there")
        return data
    try:
        area = get_launch_area(name)
    except InputError as exc:
        raise InvalidField(("name",), name, str(exc)) from None
    own = data.get("source", "")
    source = area.source + (f" Missiles: {own}" if isinstance(own, str) and own else "")
    return {**data, "name": area.name, "lat_deg": area.lat_deg, "lon_deg": area.lon_deg, "source": source}


def target_at_city(data: dict[str, Any]) -> dict[str, Any]:
    """The target table; without ``lat_deg`` a city of data/cities.csv gives position and population."""
    if "lat_deg" in data or not isinstance(data.get("name"), str):
        return data
    from openbmd.architectures.places import find_city

    for key in ("population",):
        if key in data:
            raise KeyProblem((key,), "comes from data/cities.csv with the city; give lat_deg and lon_deg "
                                     "to state your own")
    code = data.get("country") or None
    try:
        city = find_city(data.get("city") or data["name"], code)
    except InputError as exc:
        raise InvalidField(("city" if "city" in data else "name",), data.get("city") or data["name"],
                           str(exc)) from None
    kind = data.get("kind", "city")
    return {**data, "lat_deg": city.lat_deg, "lon_deg": city.lon_deg, "population": city.population,
            "country": city.country, "kind": "capital" if kind == "city" and city.capital else kind,
            "source": data.get("source") or "GeoNames via data/cities.csv (CC BY 4.0)"}
