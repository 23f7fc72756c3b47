"""Cities (GeoNames) and NATO membership.

Independent references: national capitals as commonly known (written out here
by hand, not taken from GeoNames); city coordinates to 0.01 deg from standard
gazetteers (Paris 48.86 N 2.35 E, Warsaw 52.23 N 21.01 E, Washington 38.90 N
77.04 W, Berlin 52.52 N 13.40 E, Ankara 39.93 N 32.86 E, Ottawa 45.42 N
75.70 W, Reykjavik 64.15 N 21.94 W); NATO, "Member countries" (nato.int) for
accession years and the member counts after each enlargement (12 in 1949,
16 in 1982, 19 in 1999, 26 in 2004, 28 in 2009, 29 in 2017, 30 in 2020, 31 in
2023, 32 in 2024).
"""
import csv
from importlib import resources

import pytest

from openbmd.architectures import places
from openbmd.architectures.places import (NATO_MEMBERS, City, country_name, find_city, fold_name,
                                          load_cities, nato_europe, nato_members)
from openbmd.errors import InputError
from openbmd.report import borders

# Capitals of the NATO members, from general knowledge (not from GeoNames).
NATO_CAPITALS = {
    "AL": "Tirana", "BE": "Brussels", "BG": "Sofia", "CA": "Ottawa", "HR": "Zagreb",
    "CZ": "Prague", "DK": "Copenhagen", "EE": "Tallinn", "FI": "Helsinki", "FR": "Paris",
    "DE": "Berlin", "GR": "Athens", "HU": "Budapest", "IS": "Reykjavik", "IT": "Rome",
    "LV": "Riga", "LT": "Vilnius", "LU": "Luxembourg", "ME": "Podgorica", "NL": "Amsterdam",
    "MK": "Skopje", "NO": "Oslo", "PL": "Warsaw", "PT": "Lisbon", "RO": "Bucharest",
    "SK": "Bratislava", "SI": "Ljubljana", "ES": "Madrid", "SE": "Stockholm", "TR": "Ankara",
    "GB": "London", "US": "Washington",
}
OTHER_CAPITALS = {
    "AD": "Andorra la Vella", "AM": "Yerevan", "AT": "Vienna", "AZ": "Baku", "BA": "Sarajevo",
    "BY": "Minsk", "CH": "Bern", "CY": "Nicosia", "GE": "Tbilisi", "IE": "Dublin",
    "LI": "Vaduz", "MC": "Monaco", "MD": "Chisinau", "MT": "Valletta", "RS": "Belgrade",
    "RU": "Moscow", "SM": "San Marino", "UA": "Kyiv", "VA": "Vatican City", "XK": "Pristina",
    "JP": "Tokyo",
}


def _rows():
    text = resources.files("openbmd.data").joinpath("cities.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


# ------------------------------------------------------------------ the file
def test_csv_parses_with_the_documented_columns_and_sane_values():
    rows = _rows()
    assert list(rows[0]) == ["name", "country_code", "country", "lat_deg", "lon_deg",
                             "population", "capital", "region"]
    assert 1000 < len(rows) == len(load_cities())
    for r in rows:
        assert r["population"].isdigit() and int(r["population"]) > 0, r
        assert -90 <= float(r["lat_deg"]) <= 90 and -180 <= float(r["lon_deg"]) <= 180, r
        assert r["capital"] in ("true", "false") and r["region"] in ("asia", "europe", "north-america"), r
        assert (r["region"] == "north-america") == (r["country_code"] in ("US", "CA")), r
        assert (r["region"] == "asia") == (r["country_code"] == "JP"), r
        # below 100,000 only capitals are kept
        assert int(r["population"]) >= 100_000 or r["capital"] == "true", r


def test_loaded_cities_are_typed():
    cities = load_cities()
    assert load_cities() is cities  # cached
    assert all(isinstance(c, City) and type(c.population) is int and type(c.capital) is bool
               for c in cities)


def test_sorted_by_region_country_and_descending_population():
    keys = [(c.region, c.country, -c.population) for c in load_cities()]
    assert keys == sorted(keys)


def test_exactly_one_capital_per_country_and_it_is_the_known_one():
    capitals = {**NATO_CAPITALS, **OTHER_CAPITALS}
    flagged = [c for c in load_cities() if c.capital]
    assert sorted(c.country_code for c in flagged) == sorted(capitals)
    for c in flagged:
        assert fold_name(c.name) == fold_name(capitals[c.country_code]), c


def test_every_nato_capital_is_present_and_flagged():
    assert set(NATO_CAPITALS) == {m.country_code for m in NATO_MEMBERS}
    for code, name in NATO_CAPITALS.items():
        city = find_city(name, code)
        assert city.capital and city.country_code == code, city


@pytest.mark.parametrize("name, lat, lon", [
    ("Paris", 48.86, 2.35), ("Warsaw", 52.23, 21.01), ("Washington", 38.90, -77.04),
    ("Berlin", 52.52, 13.40), ("Ankara", 39.93, 32.86), ("Ottawa", 45.42, -75.70),
    ("Reykjavik", 64.15, -21.94), ("Tokyo", 35.69, 139.69), ("Osaka", 34.69, 135.50),
])
def test_coordinates_match_independent_values(name, lat, lon):
    city = find_city(name)
    assert city.lat_deg == pytest.approx(lat, abs=0.2)
    assert city.lon_deg == pytest.approx(lon, abs=0.2)


# Statistics Bureau of Japan, 2020 Population Census (general knowledge, not from GeoNames): the
# 23 special wards of Tokyo 9,733,276; Yokohama 3,777,491; Osaka 2,752,412; Nagoya 2,332,176;
# Japan 126,146,099.
JAPAN_2020_CENSUS = {"Tokyo": 9_733_276, "Yokohama": 3_777_491, "Osaka": 2_752_412, "Nagoya": 2_332_176}
JAPAN_2020_TOTAL = 126_146_099
TOKYO_WARDS = ("Setagaya", "Ota", "Edogawa", "Adachi", "Itabashi", "Katsushika", "Shinjuku", "Nakano",
               "Toshima", "Meguro", "Sumida", "Minato", "Shibuya", "Arakawa", "Taito", "Chuo", "Nerima",
               "Suginami", "Shinagawa", "Bunkyo", "Chiyoda", "Koto", "Kita")


@pytest.mark.parametrize("name, census", sorted(JAPAN_2020_CENSUS.items()))
def test_japanese_city_populations_match_the_2020_census(name, census):
    assert find_city(name, "JP").population == pytest.approx(census, rel=0.01)


def test_tokyo_is_counted_once():
    """GeoNames' "Tokyo" is the 23 wards' sum (above); the wards it also lists are left out, so no
    Japanese row near Tokyo bears a ward's name, and the Japanese rows sum below the census total."""
    tokyo = find_city("Tokyo", "JP")
    wards = {fold_name(w) for w in TOKYO_WARDS}
    jp = [c for c in load_cities() if c.country_code == "JP"]
    near = [c for c in jp if abs(c.lat_deg - tokyo.lat_deg) < 0.2 and abs(c.lon_deg - tokyo.lon_deg) < 0.25]
    assert not [c.name for c in near if fold_name(c.name).removesuffix(" city") in wards | {"edogawe"}]
    assert find_city("Kawasaki", "JP").population > 1_000_000  # a city of its own, 11 km from Yokohama
    assert sum(c.population for c in jp) < JAPAN_2020_TOTAL


# ------------------------------------------------------------------ lookups
@pytest.mark.parametrize("typed, stored", [
    ("zurich", "Zürich"), ("ZÜRICH", "Zürich"), ("Koln", "Köln"), ("lodz", "Łódź"),
    ("reykjavik", "Reykjavík"), ("DIYARBAKIR", "Diyarbakır"), ("  paris ", "Paris"),
    ("Mar'ino", "Mar’ino"),
])
def test_find_city_is_case_and_accent_insensitive(typed, stored):
    assert find_city(typed).name == stored


def test_fold_name_removes_accents_including_letters_nfkd_keeps_whole():
    assert fold_name("București") == fold_name("Bucuresti") == "bucuresti"
    assert fold_name("Łódź") == "lodz" and fold_name("København") == "kobenhavn"
    assert fold_name("Straße") == "strasse" and fold_name("Diyarbakır") == "diyarbakir"


def test_local_name_absent_from_geonames_suggests_the_english_one():
    # GeoNames' primary name is "Bucharest"; the local forms are not shipped.
    for typed in ("Bucuresti", "București"):
        with pytest.raises(InputError, match=r"Bucharest \(RO\)"):
            find_city(typed)


def test_duplicates_largest_population_wins_unless_country_given():
    assert find_city("London").country_code == "GB"
    assert find_city("london", "ca").country_code == "CA"
    assert find_city("Paris").country_code == "FR"
    assert find_city("Washington").capital


def test_unknown_city_lists_at_most_five_close_matches_on_one_line():
    with pytest.raises(InputError) as err:
        find_city("Warszawaa")
    message = str(err.value)
    assert "\n" not in message and "unknown city 'Warszawaa'" in message
    with pytest.raises(InputError) as err:
        find_city("Berln")
    assert "Berlin (DE)" in str(err.value)
    assert str(err.value).split("close matches: ")[1].count("(") <= 5


def test_bad_arguments_are_input_errors():
    with pytest.raises(InputError, match="non-empty"):
        find_city("")
    with pytest.raises(InputError, match="unknown country code 'ZZ'"):
        find_city("Paris", "ZZ")
    with pytest.raises(InputError, match="Paris"):
        find_city("Paris", "DE")
    with pytest.raises(InputError, match="allowed"):
        country_name("ZZ")
    with pytest.raises(InputError, match="integer"):
        nato_europe("2012")


# ------------------------------------------------------------------ NATO
@pytest.mark.parametrize("year, count", [
    (1948, 0), (1949, 12), (1952, 14), (1955, 15), (1982, 16), (1999, 19), (2004, 26),
    (2009, 28), (2012, 28), (2017, 29), (2020, 30), (2023, 31), (2024, 32), (2030, 32),
])
def test_member_counts_after_each_enlargement(year, count):
    assert len(nato_members(year)) == count


def test_european_members():
    assert len(NATO_MEMBERS) == 32
    europe_2012 = nato_europe(2012)
    assert len(europe_2012) == 26 and nato_europe() == europe_2012
    assert {"AL", "HR"} <= set(europe_2012)
    assert not {"US", "CA", "ME", "MK", "FI", "SE"} & set(europe_2012)
    assert len(nato_europe(2024)) == 30
    assert set(nato_europe(1999)) == {"BE", "DK", "FR", "IS", "IT", "LU", "NL", "NO", "PT",
                                      "GB", "GR", "TR", "DE", "ES", "CZ", "HU", "PL"}
    assert set(nato_europe(2024)) - set(nato_europe(2022)) == {"FI", "SE"}


def test_nato_members_are_unique_and_named_as_in_the_shipped_borders():
    names = {c.name for c in borders.countries()}
    assert len({m.country_code for m in NATO_MEMBERS}) == 32
    for m in NATO_MEMBERS:
        assert m.name in names, m
        assert country_name(m.country_code) == m.name


def test_country_name_covers_every_country_of_the_city_list():
    names = {c.name for c in borders.countries()}
    for code in {c.country_code for c in load_cities()}:
        assert country_name(code) in names
    assert country_name("mk") == "Macedonia"


def test_capitals_lie_in_their_country_outline():
    # Cross-check of GeoNames positions, country_name and the Natural Earth outlines.
    # At 1:50,000,000 scale the points of some coastal or tiny capitals fall in
    # the sea or a neighbour; Nicosia lies north of the Natural Earth line in
    # "N. Cyprus", and the Vatican is inside Italy's outline.
    not_inside = {"Copenhagen", "Lisbon", "Stockholm", "Monaco", "Nicosia", "Vatican City"}
    for c in (c for c in load_cities() if c.capital):
        inside = bool(borders.country(country_name(c.country_code)).contains(c.lat_deg, c.lon_deg))
        assert inside == (c.name not in not_inside), c


def test_module_exports():
    assert set(places.__all__) <= set(dir(places))
