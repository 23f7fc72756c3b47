"""The shipped architecture, threat-set and target-set catalog against its sources.

References (docs/research/architectures.md, keys [An] there):
- White House, 17 Sept 2009 announcement and "Fact Sheet: Implementing Missile Defense in Europe",
  15 Sept 2011 [A1]: Phase 1 "2011 timeframe" AN/TPY-2 + Aegis ships with SM-3 IA; Phase 2 "2015
  timeframe" SM-3 IB and a land site in Romania; Phase 3 "2018 timeframe" SM-3 IIA and a second land
  site in Poland; Phase 4 "2020 timeframe" SM-3 IIB.
- US State Dept fact sheet, 16 Apr 2007: ten interceptors in Poland, a midcourse radar in the Czech Republic.
- GMD counts: 40 GBIs at Fort Greely and 4 at Vandenberg since 2017 (docs/research/interceptors.md).
- NATO, "Member countries" (openbmd.architectures.places.NATO_MEMBERS); GeoNames capitals (data/cities.csv).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pyproj import Geod

from openbmd.architectures.loader import (CATALOG_DIR, architecture_ids, get_architecture, get_target_set,
                                          get_threat_set, load, target_set_ids, threat_set_ids)
from openbmd.architectures.places import fold_name, load_cities, nato_europe
from openbmd.architectures.resolve import check_threat_set, resolve
from openbmd.errors import InputError
from openbmd.interceptors import get_interceptor
from openbmd.interceptors.catalog import launch_sites
from openbmd.missiles import get_missile
from openbmd.report import borders

GEOD = Geod(ellps="WGS84")
SHIPPED = ("epaa-phase-1", "epaa-phase-2", "epaa-phase-3", "epaa-phase-4", "epaa-as-built", "gmd",
           "third-site-2007", "cooperative")
PHASES = ("epaa-phase-1", "epaa-phase-2", "epaa-phase-3", "epaa-phase-4")
#: a source flag as the catalogs write it: "S: ...", "S-sec: ...", "M: ...", "D: ...", "N: ..."
FLAG = re.compile(r"(?<![A-Za-z])(S|S-sec|M|D|N)(\s\([a-z ]+\))?:")


def km_between(lat1, lon1, lat2, lon2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1e3


def test_every_named_architecture_is_shipped_and_ids_are_file_stems():
    assert set(SHIPPED) <= set(architecture_ids())
    for aid in architecture_ids():
        assert get_architecture(aid).id == aid


@pytest.mark.parametrize("aid", SHIPPED)
def test_loads_resolves_and_cites_every_entry(aid):
    arch = get_architecture(aid)
    resolved = resolve(arch)  # checks every sensor and interceptor id against the catalogs
    assert set(resolved.radars) == {s.id for s in arch.sensors}
    assert len(resolved.batteries) == len(arch.batteries) >= 1
    for entry in (*arch.sensors, *arch.batteries):
        assert FLAG.search(entry.source), (aid, entry.id, entry.source)
    assert FLAG.search(arch.command.source), (aid, "[command]")
    assert "architecture" in arch.sources_dict() and FLAG.search(arch.sources_dict()["architecture"])
    if arch.data_center is not None:
        assert FLAG.search(arch.data_center.source)


@pytest.mark.parametrize("aid", SHIPPED)
def test_fixed_launchers_and_fire_control_radars_sit_at_the_battery(aid):
    arch = get_architecture(aid)
    sites = launch_sites()
    resolved = resolve(arch)
    for b in arch.batteries:
        if b.launcher is not None:
            assert b.launcher in sites, (aid, b.id, b.launcher)
            site = sites[b.launcher]
            if site.kind != "ship":  # a ship's catalog position is only a representative station
                assert km_between(b.lat_deg, b.lon_deg, site.lat_deg, site.lon_deg) < 50.0, (aid, b.id)
        if b.fire_control:  # the battery's own radar: on the same ship or at the same Aegis Ashore site
            radar = resolved.radars[b.fire_control]
            assert km_between(b.lat_deg, b.lon_deg, radar.site_lat_deg, radar.site_lon_deg) < 50.0, (aid, b.id)


def _fastest_km_s(arch) -> float:
    return max(get_interceptor(b.interceptor).burnout_speed_km_s for b in arch.batteries)


def test_epaa_phases_follow_the_2009_plan():
    archs = [get_architecture(p) for p in PHASES]
    assert [a.year for a in archs] == [2011, 2015, 2018, 2020]  # White House 2009 / 2011 fact sheet
    new = ("sm-3-ia", "sm-3-ib", "sm-3-iia", "sm-3-iib")  # the interceptor each phase brings [A1]
    for arch, icp in zip(archs, new):
        assert icp in {b.interceptor for b in arch.batteries}, (arch.id, icp)
    assert all("tpy2-kurecik" in {s.id for s in a.sensors} for a in archs)  # Phase 1 on: TPY-2 in Turkey
    land = [{b.launcher for b in a.batteries} for a in archs]
    assert "aegis-ashore-deveselu" not in land[0] and all("aegis-ashore-deveselu" in s for s in land[1:])
    assert all("aegis-ashore-redzikowo" not in s for s in land[:2])
    assert all("aegis-ashore-redzikowo" in s for s in land[2:])


def test_epaa_phases_add_capability_in_order():
    archs = [get_architecture(p) for p in PHASES]
    fastest = [_fastest_km_s(a) for a in archs]
    magazines = [sum(b.magazine for b in a.batteries) for a in archs]
    assert all(b >= a for a, b in zip(fastest, fastest[1:])), fastest
    assert all(b >= a for a, b in zip(magazines, magazines[1:])), magazines
    # published burnout speeds (NRC 2012 / Wilkening 2012, M): IA/IB ~3, IIA ~4.5, IIB ~5.5 km/s
    assert fastest == pytest.approx([3.0, 3.0, 4.5, 5.5], abs=0.5)


def test_phase_1_launches_on_the_tpy2_but_intercepts_on_its_own_radar():
    arch = get_architecture("epaa-phase-1")
    (ship,) = arch.batteries
    assert not ship.engage_on_remote and ship.fire_control
    assert arch.sensor(ship.fire_control).sensor == "spy-1d"
    assert "tpy2-kurecik" in {s.id for s in arch.cue_sensors(ship)}  # remote launch: Lockheed Martin 2011 [A58]
    later = [b for p in ("epaa-phase-3", "epaa-phase-4", "epaa-as-built") for b in get_architecture(p).batteries]
    assert all(b.engage_on_remote for b in later)


def test_third_site_has_ten_gbis_in_poland_and_a_radar_in_czechia():
    arch = get_architecture("third-site-2007")
    gbis = [b for b in arch.batteries if b.interceptor == "gbi-2stage"]
    assert sum(b.magazine for b in gbis) == 10  # State Dept fact sheet, 16 Apr 2007
    assert all(borders.country("Poland").contains(b.lat_deg, b.lon_deg) for b in gbis)
    radars = resolve(arch).radars
    czech = [i for i, r in radars.items() if borders.country("Czechia").contains(r.site_lat_deg, r.site_lon_deg)]
    assert czech and all(radars[i].band == "X" for i in czech)  # the EMR was an X-band GBR-P
    assert "fylingdales" in {s.sensor for s in arch.sensors}


def test_gmd_has_its_gbis_and_sensors():
    arch = get_architecture("gmd")
    count = {b.launcher: b.magazine for b in arch.batteries if b.interceptor == "gbi-3stage"}
    assert count == {"gbi-fort-greely": 40, "gbi-vandenberg": 4}  # since 2017 (interceptors.md)
    catalog = {s.sensor for s in arch.sensors}
    assert {"beale", "cape-cod", "clear", "fylingdales", "thule", "cobra-dane", "sbx"} <= catalog
    radars = resolve(arch).radars
    japan = [i for i, s in ((s.id, s) for s in arch.sensors) if s.sensor == "an-tpy-2-fbm"]
    assert japan and all(128.0 < radars[i].site_lon_deg < 146.0 and 30.0 < radars[i].site_lat_deg < 46.0
                         for i in japan)


def test_cooperative_is_phase_3_plus_shared_russian_radars():
    coop, p3 = get_architecture("cooperative"), get_architecture("epaa-phase-3")
    key = lambda b: (b.id, b.interceptor, b.lat_deg, b.lon_deg, b.magazine)  # noqa: E731
    assert sorted(map(key, coop.batteries)) == sorted(map(key, p3.batteries))
    russian = {s.sensor for s in coop.sensors if s.party == "russia"}
    assert russian == {"voronezh-dm-armavir", "daryal-gabala"}
    assert set(coop.data_center.parties) == {"us", "russia"} and coop.data_center.latency_s > 0
    for rb in resolve(coop).batteries:  # Russian tracks arrive late by the data centre's latency
        lat = {entry.sensor: latency for entry, _, latency in rb.cues}
        assert lat["voronezh-dm-armavir"] == lat["daryal-gabala"] == coop.data_center.latency_s
        assert lat["an-tpy-2-fbm"] == 0.0
    alone = coop.replace(data_center=None)  # without the centre no Russian track reaches a shooter
    assert all(s.party == "us" for b in alone.batteries for s in alone.cue_sensors(b))


@pytest.mark.parametrize("tid", sorted(set(threat_set_ids()) | {"iran", "north-korea"}))
def test_threat_set_missiles_exist_and_classes_match_range_class(tid):
    ts = get_threat_set(tid)
    check_threat_set(ts)
    classes = dict(ts.classes)
    for m in ts.missiles:
        assert classes.get(m) == get_missile(m).range_class, (tid, m)


@pytest.mark.parametrize("tid, country, named", [
    ("iran", "Iran", ("Tabriz", "Kermanshah", "Semnan", "Shahrud")),  # issue 4's list
    ("north-korea", "North Korea", ("Sohae", "Tonghae"))])
def test_launch_areas_lie_in_their_country_and_cite_sources(tid, country, named):
    ts = get_threat_set(tid)
    assert {fold_name(n) for n in named} <= {fold_name(a.name) for a in ts.areas}
    outline = borders.country(country)
    for a in ts.areas:
        assert outline.contains(a.lat_deg, a.lon_deg), a.name
        assert FLAG.search(a.source), a.name
    classes = {get_missile(m).range_class for m in ts.missiles}
    assert classes == ({"MRBM", "IRBM", "ICBM"} if tid == "iran" else {"MRBM", "ICBM"})


def test_nato_capitals_are_the_capitals_of_nato_europe():
    ts = get_target_set("nato-europe-capitals")
    members = set(nato_europe(2024))
    expected = {(fold_name(c.name), c.country_code) for c in load_cities() if c.capital and c.country_code in members}
    assert len(expected) == len(members) == 30  # NATO Europe 2024: 32 members less the US and Canada
    got = set()
    for t in ts.targets:
        city = next(c for c in load_cities() if c.capital and abs(c.lat_deg - t.lat_deg) < 1e-6
                    and abs(c.lon_deg - t.lon_deg) < 1e-6)
        got.add((fold_name(city.name), city.country_code))
        assert t.kind == "capital" and t.population > 0
    assert got == expected


# ----------------------------------------------------------------------------- bad files
GOOD_HEAD = 'id = "bad"\nname = "Bad"\nyear = 2011\nstatus = "planned"\ndescription = "test"\n'
SENSOR = '[[sensor]]\nid = "spy"\nsensor = "spy-1d"\nlat_deg = 34.0\nlon_deg = 30.0\nsource = "N: test"\n'


def _battery(**extra) -> str:
    fields = {"id": '"ship"', "interceptor": '"sm-3-ia"', "lat_deg": "34.0", "lon_deg": "30.0", "magazine": "8",
              "fire_control": '"spy"'}
    fields.update(extra)
    return "[[battery]]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items() if v is not None)


def _load_and_resolve(tmp_path: Path, text: str):
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return resolve(load("architecture", path))


@pytest.mark.parametrize("text, fragments", [
    pytest.param(GOOD_HEAD + SENSOR.replace('"spy-1d"', '"spy-9z"') + _battery(),
                 ("architecture 'bad'", "sensor 'spy'", "spy-9z"), id="unknown-sensor-id"),
    pytest.param(GOOD_HEAD + SENSOR + _battery(fire_control='"tpy2"'),
                 ("broken.toml:18: battery[1].fire_control", "battery 'ship'", '"tpy2"', "not in its [[sensor]] list"),
                 id="battery-names-missing-sensor"),
    pytest.param(GOOD_HEAD + SENSOR + _battery(fire_control='"tpy2"'), ("broken.toml",),
                 id="battery-names-missing-sensor-file"),
    pytest.param(GOOD_HEAD + SENSOR + _battery(magazine="-1"),
                 ("broken.toml:17: battery[1].magazine = -1", "must be >= 0"), id="negative-magazine"),
    pytest.param(GOOD_HEAD + SENSOR + _battery(fire_control=None, engage_on_remote="false"),
                 ("broken.toml:18: battery[1].engage_on_remote", "battery 'ship'", "engage_on_remote = false",
                  "fire_control"), id="no-remote-engagement-without-fire-control"),
    pytest.param(GOOD_HEAD + SENSOR + _battery(fire_control=None, engage_on_remote="false"), ("broken.toml",),
                 id="no-remote-engagement-without-fire-control-file"),
    pytest.param(GOOD_HEAD + SENSOR + _battery(interceptor='"sm-4"'),
                 ("architecture 'bad'", "battery 'ship'", "sm-4"), id="unknown-interceptor"),
])
def test_bad_architecture_files_give_one_line(tmp_path, text, fragments):
    with pytest.raises(InputError) as info:
        _load_and_resolve(tmp_path, text)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


LAUNCHER_CASES = [
    (_battery(launcher='"aegis-ship"', lat_deg=None, lon_deg=None, magazine=None), None),
    (_battery(launcher='"aegis-ship"', magazine=None), "battery[1].lat_deg: launcher 'aegis-ship' has lat_deg = 34.5"),
    (_battery(launcher='"aegis-ship"', overrides='["lat_deg", "lon_deg"]'), "battery[1].magazine: launcher"),
    (_battery(launcher='"aegis-ship"', magazine=None, overrides='["lat_deg", "lon_deg", "magazine"]'),
     "battery[1].overrides: lists magazine but the battery gives none"),
    (_battery(launcher='"aegis-ship"', magazine="8", overrides='["lat_deg", "lon_deg", "magazine"]'),
     "battery[1].magazine = 8 — is launcher 'aegis-ship''s own value"),
    (_battery(launcher='"aegis-ashore-deveselu"', lat_deg=None, lon_deg=None, magazine=None),
     'battery[1].interceptor = "sm-3-ia" — launcher \'aegis-ashore-deveselu\' fires sm-3-ib'),
    (_battery(launcher='"aegis-shipp"', lat_deg=None, lon_deg=None, magazine=None),
     "unknown launcher 'aegis-shipp' (did you mean: aegis-ship"),
    (_battery(overrides='["magazine"]'), "battery[1].overrides: overrides a launcher's values: name the launcher"),
]


@pytest.mark.parametrize("battery, error", LAUNCHER_CASES)
def test_a_battery_takes_site_and_magazine_from_its_launcher(tmp_path, battery, error):
    """One home: the launcher's site and magazine, unless the battery states an override."""
    path = tmp_path / "b.toml"
    path.write_text(GOOD_HEAD + SENSOR + battery, encoding="utf-8")
    if error is None:
        b = load("architecture", path).batteries[0]
        site = launch_sites()["aegis-ship"]
        assert (b.lat_deg, b.lon_deg, b.magazine) == (site.lat_deg, site.lon_deg, site.magazine)
        return
    with pytest.raises(InputError) as info:
        load("architecture", path)
    assert str(info.value).startswith(f"{path}:") and error in str(info.value), str(info.value)


def test_shipped_batteries_state_every_override():
    for aid in architecture_ids():
        for b in get_architecture(aid).batteries:
            site = launch_sites()[b.launcher]
            assert b.interceptor in site.interceptors
            for key in ("lat_deg", "lon_deg", "magazine"):
                assert (getattr(b, key) != getattr(site, key)) == (key in b.overrides), (aid, b.id, key)


def test_threat_areas_take_their_position_from_the_launch_areas_file(tmp_path):
    from openbmd.sites import launch_areas

    areas = launch_areas()
    for tid in threat_set_ids():
        for a in get_threat_set(tid).areas:
            assert (a.lat_deg, a.lon_deg) == (areas[a.name].lat_deg, areas[a.name].lon_deg)
    head = 'id = "t"\nname = "T"\ncountry = "Iran"\n[[area]]\nname = "Kermanshah"\nmissiles = ["shahab-3"]\n'
    path = tmp_path / "t.toml"
    path.write_text(head + "lat_deg = 34.35\nlon_deg = 47.10\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.toml:7: area\[1\]\.lat_deg: positions live in data/launch_areas"):
        load("threat set", path)
    path.write_text(head.replace("Kermanshah", "Kermanshahr"), encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.toml:5: area\[1\]\.name = \"Kermanshahr\" — unknown launch area"):
        load("threat set", path)


def test_the_good_template_of_the_bad_files_loads(tmp_path):
    arch = _load_and_resolve(tmp_path, GOOD_HEAD + SENSOR + _battery())
    assert arch.batteries[0].fire_control is not None


def test_shipped_files_use_only_known_keys():
    """Every shipped TOML parses with the strict loader (unknown keys are errors) and is UTF-8."""
    for kind, folder in (("architecture", "architectures"), ("threat set", "threats"), ("target set", "targets")):
        for path in sorted((CATALOG_DIR / folder).glob("*.toml")):
            tomllib.loads(path.read_text(encoding="utf-8"))
            assert load(kind, path).id == path.stem
