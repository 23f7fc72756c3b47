"""The generic schema loader and catalog: every error names file, line, key and what is allowed."""
from __future__ import annotations

from typing import Literal

import pytest
from pydantic import Field, model_validator

from openbmd.catalog import Catalog, suggest_ids
from openbmd.errors import InputError
from openbmd.schema import InvalidField, Model, allowed_keys, load, parse_toml, unit_of, validate


class Part(Model):
    mass_kg: float = Field(gt=0)
    burn_time_s: float = 0.0


class Thing(Model):
    id: str
    colour: Literal["red", "green"] = "red"
    speeds_m_s: tuple[float, ...] = ()
    parts: tuple[Part, ...]
    sources: dict[str, str] = {}

    @model_validator(mode="after")
    def _speeds_rise(self):
        for i in range(1, len(self.speeds_m_s)):
            if not self.speeds_m_s[i] > self.speeds_m_s[i - 1]:
                raise InvalidField(("speeds_m_s", i), self.speeds_m_s[i], "must be strictly increasing")
        return self


GOOD = """\
id = "a"
colour = "green"
speeds_m_s = [1.0, 2.0]

[[parts]]
mass_kg = 5
burn_time_s = 2.5

[[parts]]
mass_kg = 1.0

[sources]
mass = "a book"
"""


def _parse(text: str) -> Thing:
    data, where = parse_toml(text, "t.toml")
    return validate(Thing, data, where)


def _error(text: str) -> str:
    with pytest.raises(InputError) as info:
        _parse(text)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_good_file_reads_into_frozen_model():
    thing = _parse(GOOD)
    assert thing.parts[0].mass_kg == 5.0 and isinstance(thing.parts[0].mass_kg, float)
    assert thing.speeds_m_s == (1.0, 2.0) and thing.sources == {"mass": "a book"}
    with pytest.raises(Exception):
        thing.id = "b"  # type: ignore[misc]


def test_value_errors_name_file_line_key_value_and_rule():
    assert _error(GOOD.replace("mass_kg = 1.0", "mass_kg = -2")) == \
        "t.toml:10: parts[2].mass_kg = -2 — must be > 0 kg"
    assert _error(GOOD.replace('colour = "green"', 'colour = "blue"')) == \
        't.toml:2: colour = "blue" — must be one of red, green'
    assert _error(GOOD.replace("[1.0, 2.0]", "[2.0, 1.0]")) == \
        "t.toml:3: speeds_m_s[2] = 1 — must be strictly increasing"


def test_types_are_strict():
    assert _error(GOOD.replace("mass_kg = 5", 'mass_kg = "5"')).startswith(
        't.toml:6: parts[1].mass_kg = "5" — must be a number')
    assert "must be a number" in _error(GOOD.replace("mass_kg = 5", "mass_kg = true"))
    assert _error(GOOD.replace('id = "a"', "id = 3")) == "t.toml:1: id = 3 — must be a string"
    assert _error(GOOD.replace("[1.0, 2.0]", '[1.0, "x"]')) == \
        't.toml:3: speeds_m_s = [1, "x"] — must be an array of numbers'
    assert "must be a finite number" in _error(GOOD.replace("mass_kg = 5", "mass_kg = inf"))
    assert _error(GOOD.replace('mass = "a book"', "mass = 3")) == \
        "t.toml:13: sources.mass = 3 — must be a string"


def test_unknown_keys_all_named_with_line_suggestion_and_allowed():
    one = _error(GOOD.replace("burn_time_s = 2.5", "burn_time = 2.5"))
    assert one == ("t.toml:7: unknown key 'parts[1].burn_time' (did you mean 'burn_time_s'?); "
                   "allowed mass_kg, burn_time_s")
    two = _error(GOOD.replace("burn_time_s = 2.5", "burn_time = 2.5").replace('colour = "green"', "color = 1"))
    assert two.startswith("t.toml:2: unknown keys 'color' (line 2; did you mean 'colour'?), "
                          "'parts[1].burn_time' (line 7; did you mean 'burn_time_s'?); ")
    assert "allowed at top level: id, colour, speeds_m_s, parts, sources; in [[parts]]: mass_kg, burn_time_s" in two


def test_missing_keys_name_their_table():
    assert _error(GOOD.replace('id = "a"\n', "")) == "t.toml: missing required key 'id'"
    assert _error(GOOD.replace("mass_kg = 1.0\n", "")) == "t.toml:9: parts[2]: missing required key 'mass_kg'"


def test_syntax_error_has_line_and_column():
    assert _error(GOOD.replace("mass_kg = 5", "mass_kg = 5.0.1")).startswith("t.toml:6:")
    assert "invalid TOML" in _error(GOOD + "x = [1,\n")


def test_load_reads_a_file_and_names_it(tmp_path):
    path = tmp_path / "thing.toml"
    path.write_text(GOOD.replace("mass_kg = 1.0", "mass_kg = 0"))
    with pytest.raises(InputError, match=rf"^{path}:10: parts\[2\]\.mass_kg = 0 — must be > 0 kg$"):
        load(Thing, path, "thing")
    with pytest.raises(InputError, match=r"^no such thing file: "):
        load(Thing, tmp_path / "none.toml", "thing")


def test_units_from_names_and_allowed_keys():
    assert [unit_of(k) for k in ("burn_time_s", "rv_beta_kg_m2", "range_km", "speed_km_s", "pk")] == \
        ["s", "kg/m^2", "km", "km/s", ""]
    assert allowed_keys(Thing, ("parts", 0)) == ["mass_kg", "burn_time_s"]


# ---------------------------------------------------------------- catalog
def _thing_catalog(folder):
    return Catalog(folder, lambda p: load(Thing, p, "thing"), kind="thing", hint="see the things")


def test_catalog_reads_lazily_and_finds_by_id(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD)
    (tmp_path / "b.toml").write_text(GOOD.replace('id = "a"', 'id = "bee"'))
    catalog = _thing_catalog(tmp_path)
    assert catalog._items is None  # nothing read until asked
    assert catalog.ids() == ["a", "bee"] and catalog.get("bee").id == "bee"
    (tmp_path / "c.toml").write_text(GOOD.replace('id = "a"', 'id = "c"'))
    assert "c" not in catalog  # cached
    catalog.clear()
    assert "c" in catalog
    with pytest.raises(InputError, match=r"^unknown thing 'be' \(did you mean: bee\?\); see the things$"):
        catalog.get("be")


@pytest.mark.parametrize("make", ["empty", "missing"])
def test_empty_or_missing_catalog_is_an_error_naming_the_folder(tmp_path, make):
    folder = tmp_path / "things"
    if make == "empty":
        folder.mkdir()
    catalog = _thing_catalog(folder)
    with pytest.raises(InputError, match=rf"thing catalog folder {folder} .*(no \*\.toml files|missing)"):
        catalog.ids()


def test_duplicate_ids_and_bad_files_are_errors(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD)
    (tmp_path / "b.toml").write_text(GOOD)
    with pytest.raises(InputError, match=r"b\.toml: duplicate thing id 'a' \(also in .*a\.toml\)"):
        _thing_catalog(tmp_path).ids()
    (tmp_path / "b.toml").write_text("id = ")
    with pytest.raises(InputError, match=r"b\.toml:1: invalid TOML"):
        _thing_catalog(tmp_path).ids()


def test_suggest_ids_ignores_case_dashes_and_reads_names():
    names = {"ss-25": "Topol (SS-25)", "ss-27": "Topol-M", "shahab-3": "Shahab-3"}
    assert suggest_ids("SS_25", names)[0] == "ss-25"
    assert set(suggest_ids("topol", names)) >= {"ss-25", "ss-27"}
