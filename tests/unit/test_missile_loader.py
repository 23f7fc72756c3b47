"""The missile model and its TOML loader: physics, round trips and error lines."""
from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openbmd.errors import InputError
from openbmd.missiles import (
    Missile, Stage, load_missile, missile_from_dict, missile_to_toml, parse_missile_toml,
)
from openbmd.missiles.loader import key_lines

G0 = 9.80665  # standard gravity, m/s^2 (CGPM 1901, exact)

# A notional two-stage missile (illustrative numbers, not a real missile).
# Line numbers matter: the error tests below point at them.
GOOD = '''\
# Test fixture: a notional two-stage missile.
id = "test-2"
name = "Test two-stage"
country = "Nowhere"
range_class = "MRBM"
payload_kg = 700.0
diameter_m = 1.25
drag_mach = [0.0, 0.8, 1.2, 3.0]
drag_cd = [0.20, 0.25, 0.40, 0.25]
rv_beta_kg_m2 = 5000.0
published_range_km = [1800.0, 2000.0]
published_tof_s = [700.0, 800.0]
notes = """
A trap for the line scanner:
[[stages]]
burn_time_s = 1 # not a key
"""

[[stages]]
propellant_kg = 10000.0
dry_kg = 1500.0
burn_time_s = 60.0
isp_s = 240.0
diameter_m = 1.25
coast_s = 5.0

[[stages]]  # second stage
propellant_kg = 4000.0
dry_kg = 600.0
burn_time_s = 50.0
thrust_kn = 200.0

[sources]
payload_kg = "Test fixture, not a real missile"
"range (published)" = "Test fixture"
'''


def _set_line(text: str, lineno: int, new: str) -> str:
    lines = text.split("\n")
    lines[lineno - 1] = new
    return "\n".join(lines)


@pytest.fixture
def good() -> Missile:
    return parse_missile_toml(GOOD, "good.toml")


def test_good_file_fields(good):
    assert good.id == "test-2" and good.range_class == "MRBM" and len(good.stages) == 2
    assert good.drag_mach == (0.0, 0.8, 1.2, 3.0)
    assert good.published_range_km == (1800.0, 2000.0)
    assert good.sources_dict() == {"payload_kg": "Test fixture, not a real missile",
                                   "range (published)": "Test fixture"}
    assert good.notes.startswith("A trap")


def test_thrust_from_isp_matches_closed_form(good):
    # F = Isp * g0 * mdot with mdot = 10,000 kg / 60 s (definition of specific impulse)
    stage = good.stages[0]
    assert stage.mass_flow_kg_s == pytest.approx(10000.0 / 60.0, rel=1e-15)
    assert stage.thrust_n == pytest.approx(240.0 * 9.80665 * 10000.0 / 60.0, rel=1e-15)
    assert stage.exhaust_velocity_m_s == pytest.approx(240.0 * G0, rel=1e-15)


def test_thrust_from_thrust_kn(good):
    stage = good.stages[1]
    assert stage.thrust_n == 200_000.0
    assert stage.exhaust_velocity_m_s == pytest.approx(200_000.0 / 80.0, rel=1e-15)  # mdot 4000/50


def test_masses_burn_time_and_delta_v(good):
    assert good.launch_mass_kg == 700.0 + 11500.0 + 4600.0
    assert good.total_burn_time_s == 60.0 + 5.0 + 50.0
    # Tsiolkovsky per stage, written out by hand: upper stage first
    dv2 = 2500.0 * math.log((700.0 + 4600.0) / (700.0 + 600.0))
    dv1 = 240.0 * G0 * math.log(16800.0 / (16800.0 - 10000.0))
    assert good.ideal_delta_v_m_s == pytest.approx(dv1 + dv2, rel=1e-12)
    assert good.reference_area_m2 == pytest.approx(math.pi * 0.625**2)


def test_new_objects_for_new_states(good):
    heavier = good.with_payload(900.0)
    assert heavier.payload_kg == 900.0 and good.payload_kg == 700.0
    assert heavier.launch_mass_kg - good.launch_mass_kg == pytest.approx(200.0)
    single = good.replace_stages(good.stages[1:])
    assert len(single.stages) == 1 and len(good.stages) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        good.payload_kg = 1.0  # type: ignore[misc]


def test_new_objects_are_checked(good):
    with pytest.raises(InputError, match=r"payload_kg = -1 — must be >= 0 kg"):
        good.with_payload(-1.0)
    with pytest.raises(InputError, match="thrust-to-weight at lift-off"):
        good.with_payload(50_000.0)
    # the first stage alone must not coast: there is no next stage
    with pytest.raises(InputError, match=r"stages\[1\].coast_s = 5 — must be 0 on the last stage"):
        good.replace_stages(good.stages[:1])


def test_round_trip_dict_and_text(good):
    assert missile_from_dict(good.to_toml_dict()) == good
    assert parse_missile_toml(missile_to_toml(good), "again.toml") == good


_num = st.floats(min_value=0.5, max_value=1e4, allow_nan=False, allow_infinity=False)
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@st.composite
def missiles(draw) -> Missile:
    n_stages = draw(st.integers(1, 3))
    stages = []
    for k in range(n_stages):
        thrust = {"isp_s": draw(st.floats(150.0, 600.0))} if draw(st.booleans()) else {}
        stages.append(Stage(
            propellant_kg=draw(_num), dry_kg=draw(st.floats(0.0, 1e4)), burn_time_s=draw(_num),
            isp_s=thrust.get("isp_s"), thrust_kn=None if thrust else draw(_num) * 1e3,
            diameter_m=draw(st.none() | _num), coast_s=draw(st.floats(0.0, 30.0)) if k < n_stages - 1 else 0.0))
    mach = sorted(set(draw(st.lists(st.floats(0.01, 30.0), min_size=1, max_size=6))))
    rng = draw(st.none() | st.tuples(_num, _num).map(sorted).map(tuple))
    stage1 = stages[0]
    lift = stage1.thrust_n / G0 / 1.01 - sum(s.mass_kg for s in stages)  # heaviest payload that lifts off
    if lift <= 0:
        stages[0] = dataclasses.replace(stage1, isp_s=None, thrust_kn=1e9)
        lift = 1e5
    return Missile(
        id=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)), name=draw(_text.filter(str.strip)),
        payload_kg=draw(st.floats(0.0, lift)), diameter_m=draw(_num),
        drag_mach=(0.0, *mach), drag_cd=tuple(draw(_num) for _ in range(len(mach) + 1)),
        stages=tuple(stages), rv_beta_kg_m2=draw(st.none() | _num), country=draw(st.none() | _text),
        range_class=draw(st.none() | st.sampled_from(["SRBM", "MRBM", "IRBM", "ICBM"])),
        published_range_km=rng, published_tof_s=draw(st.none() | st.just((600.0, 700.0))),
        notes=draw(_text), sources=tuple(draw(st.dictionaries(_text, _text, max_size=3)).items()),
    )


@settings(max_examples=60)
@given(missiles())
def test_round_trip_any_missile(missile):
    assert parse_missile_toml(missile_to_toml(missile), "rt.toml") == missile


# (line to change, its new text, expected line in the message, field named, rule named)
BROKEN = [
    (22, "burn_time_s = 0", 22, "stages[1].burn_time_s = 0", "must be > 0 s"),
    (30, "burn_time_s = -5", 30, "stages[2].burn_time_s = -5", "must be > 0 s"),
    (20, "propellant_kg = 0.0", 20, "stages[1].propellant_kg", "must be > 0 kg"),
    (29, "dry_kg = -1", 29, "stages[2].dry_kg", "must be >= 0 kg"),
    (23, "isp_s = 700", 23, "stages[1].isp_s = 700", "(0, 600] s"),
    (23, "isp_s = 0", 23, "stages[1].isp_s", "(0, 600] s"),
    (31, "thrust_kn = 0", 31, "stages[2].thrust_kn", "must be > 0 kN"),
    (24, "diameter_m = -1.25", 24, "stages[1].diameter_m", "must be > 0 m"),
    (25, "coast_s = -1", 25, "stages[1].coast_s", "must be >= 0 s"),
    (31, "thrust_kn = 200.0\ncoast_s = 3", 32, "stages[2].coast_s", "last stage"),
    (23, "isp_s = 240.0\nthrust_kn = 100", 23, "stages[1]", "exactly one of isp_s or thrust_kn (got both)"),
    (31, "", 27, "stages[2]", "exactly one of isp_s or thrust_kn (got neither)"),
    (28, "", 27, "stages[2]", "missing required key 'propellant_kg'"),
    (6, "payload_kg = 30000", 23, "stages[1].isp_s", "thrust-to-weight at lift-off"),
    (6, "payload_kg = -1", 6, "payload_kg = -1", "must be >= 0 kg"),
    (6, 'payload_kg = "700"', 6, "payload_kg", "must be a number"),
    (7, "diameter_m = 0", 7, "diameter_m = 0", "must be > 0 m"),
    (7, "diameter_m = true", 7, "diameter_m", "must be a number"),
    (8, "drag_mach = [0.1, 0.8, 1.2, 3.0]", 8, "drag_mach[1] = 0.1", "start at Mach 0"),
    (8, "drag_mach = [0.0, 1.2, 0.8, 3.0]", 8, "drag_mach[3] = 0.8", "strictly increasing"),
    (8, "drag_mach = [0.0]", 8, "drag_mach", "at least 2"),
    (8, 'drag_mach = [0.0, "x"]', 8, "drag_mach", "array of numbers"),
    (9, "drag_cd = [0.2, 0.25, 0.4]", 9, "drag_cd", "one value per Mach number (4)"),
    (9, "drag_cd = [0.2, 0, 0.4, 0.3]", 9, "drag_cd[2] = 0", "must be > 0"),
    (10, "rv_beta_kg_m2 = 0", 10, "rv_beta_kg_m2", "must be > 0 kg/m^2"),
    (10, "rv_beta_kg_m2 = inf", 10, "rv_beta_kg_m2", "finite"),
    (11, "published_range_km = [2000, 1800]", 11, "published_range_km", "0 < min <= max"),
    (12, "published_tof_s = [700]", 12, "published_tof_s", "[min, max] in s"),
    (5, 'range_class = "LRBM"', 5, 'range_class = "LRBM"', "SRBM, MRBM, IRBM, ICBM"),
    (2, 'id = "Test 2"', 2, "id", "lowercase letters, digits and '-'"),
    (3, 'name = ""', 3, "name", "non-empty string"),
    (4, "country = 3", 4, "country", "must be a string"),
    (34, "payload_kg = 5", 34, "sources.payload_kg", "must be a string"),
]


@pytest.mark.parametrize("lineno, new, line, field, rule", BROKEN, ids=[b[1] or f"del{b[0]}" for b in BROKEN])
def test_error_names_file_line_and_field(tmp_path, lineno, new, line, field, rule):
    path = tmp_path / "bad.toml"
    path.write_text(_set_line(GOOD, lineno, new))
    with pytest.raises(InputError) as info:
        load_missile(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert field in message and rule in message, message


def test_unknown_keys_all_named_with_suggestions():
    text = _set_line(_set_line(GOOD, 23, "isp = 240.0"), 6, "payload = 700.0")
    with pytest.raises(InputError) as info:
        parse_missile_toml(text, "x.toml")
    message = str(info.value)
    assert message.startswith("x.toml:6: unknown keys 'payload' (line 6; did you mean 'payload_kg'?)")
    assert "'stages[1].isp' (line 23; did you mean 'isp_s'?)" in message
    assert "allowed at top level: id, name" in message and "in [[stages]]: propellant_kg" in message


def test_single_unknown_key():
    with pytest.raises(InputError, match=r"^x\.toml:13: unknown key 'wobble_hz'; allowed id, name, .*, sources$"):
        parse_missile_toml(_set_line(GOOD, 13, 'wobble_hz = 3\nnotes = """'), "x.toml")
    with pytest.raises(InputError, match=r"^x\.toml:13: unknown key 'colour' \(did you mean 'country'\?\); allowed"):
        parse_missile_toml(_set_line(GOOD, 13, 'colour = "red"\nnotes = """'), "x.toml")


def test_missing_required_key():
    with pytest.raises(InputError, match=r"^x\.toml: missing required key 'payload_kg'$"):
        parse_missile_toml(_set_line(GOOD, 6, ""), "x.toml")


def test_no_stages():
    text = GOOD.split("[[stages]]\npropellant_kg")[0] + "[sources]\n"
    with pytest.raises(InputError, match=r"^x\.toml: missing required key 'stages'$"):
        parse_missile_toml(text, "x.toml")


def test_toml_syntax_error_has_line_and_column():
    with pytest.raises(InputError, match=r"^x\.toml:7:\d+: invalid TOML: "):
        parse_missile_toml(_set_line(GOOD, 7, "diameter_m = 1.25.3"), "x.toml")
    with pytest.raises(InputError, match=r"^x\.toml:36: invalid TOML: Invalid value \(at end of document\)$"):
        parse_missile_toml(GOOD + "x = [1,\n", "x.toml")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(InputError, match=r"^no such missile file: .*nope\.toml$"):
        load_missile(tmp_path / "nope.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'name = "Sh\xe9hab"\n')
    with pytest.raises(InputError, match="not UTF-8"):
        load_missile(bad)


def test_load_missile_records_its_path(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(GOOD)
    missile = load_missile(path)
    assert missile.source_path == str(path)
    assert missile == parse_missile_toml(GOOD)  # the path is not part of equality


def test_key_lines_skip_strings_comments_and_arrays():
    text = ('a = 1  # b = 2\n'
            "s = '''\n[[t]]\nx = 1\n'''\n"
            'arr = [\n  1, # ] not the end\n  "]",\n]\n'
            '"quoted key" = 2\n'
            'd.e = 3\n'
            '[[t]]\nx = 1\n\n[[t]]\ny = 2\n'
            '[tab]\nz = "\\" # not a comment"\n')
    lines = key_lines(text)
    assert lines[("a",)] == 1 and ("b",) not in lines
    assert lines[("s",)] == 2 and lines[("arr",)] == 6
    assert lines[("quoted key",)] == 10 and lines[("d", "e")] == 11
    assert lines[("t", 0)] == 12 and lines[("t", 0, "x")] == 13
    assert lines[("t", 1)] == 15 and lines[("t", 1, "y")] == 16
    assert lines[("tab", "z")] == 18 and len([k for k in lines if k[0] == "t"]) == 5


RANGES = '''
reference_site = "Tatishchevo"
calibrated_to = { range_km = 11000.0, payload_kg = 700.0, azimuth_deg = "any", source = "test" }
published_points = [
  { range_km = [1000.0, 1300.0], payload_kg = 1000.0, azimuth_deg = 300.0, bound = "about", source = "a" },
  { range_km = 9000.0, bound = "at-least" },
]
'''


def _with_ranges(extra: str) -> str:
    return GOOD.replace('notes = """', extra + 'notes = """', 1)


def test_range_points_and_site_round_trip():
    m = parse_missile_toml(_with_ranges(RANGES), "r.toml")
    assert m.reference_site.name == "Tatishchevo" and m.reference_site.lat_deg == pytest.approx(51.67)
    assert m.calibrated_to.azimuth_deg is None and m.calibrated_to.payload_kg == 700.0
    band, floor = m.published_points
    assert band.range_km == (1000.0, 1300.0) and band.azimuth_deg == 300.0
    assert floor.bound == "at-least" and floor.meets(8800.0) and not floor.meets(8600.0)
    assert band.meets(1299.0) and not band.meets(1301.0)
    assert parse_missile_toml(missile_to_toml(m)) == m


@pytest.mark.parametrize("extra, words", [
    ('reference_site = "Atlantis"\n', ["reference_site", "Atlantis", "Tatishchevo"]),
    ('calibrated_to = { range_km = 1000.0, azimuth_deg = "any" }\n', ["calibrated_to", "payload_kg"]),
    ('calibrated_to = { range_km = 1000.0, payload_kg = 1.0, azimuth_deg = 400.0 }\n', ["azimuth_deg", "360"]),
    ('calibrated_to = { range_km = 1000.0, payload_kg = 1.0, azimuth_deg = "west" }\n', ["azimuth_deg"]),
    ('published_points = [{ range_km = [1300.0, 1000.0] }]\n', ["published_points[1].range_km", "min <= max"]),
    ('published_points = [{ range_km = 1.0, bound = "roughly" }]\n', ["bound"]),
])
def test_range_point_errors_are_one_line(extra, words):
    with pytest.raises(InputError) as exc:
        parse_missile_toml(_with_ranges(extra), "r.toml")
    text = str(exc.value)
    assert "\n" not in text and all(w in text for w in words), text
