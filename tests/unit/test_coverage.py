"""Coverage: consistency rules of issue 4 section 3, the summary's arithmetic, distinct cities.

Architectures are built from TOML text (a Phase 1-like base, the same plus a battery, the same
with a faster interceptor), flown once by coverage_set over a small box of south-eastern
Europe against a sejjil-2 from Tabriz on a 1-degree grid.
"""
import dataclasses
import json
import tomllib

import numpy as np
import pytest

from openbmd.analyses.coverage import coverage, coverage_set, distinct_cities, region_cities
from openbmd.architectures.loader import parse_architecture
from openbmd.architectures.places import load_cities

BOX = "34,46,20,45"

BASE = """
id = "{id}"
name = "test {id}"
year = 2011
status = "planned"
description = "TPY-2 at Kurecik cueing one Aegis ship south of Cyprus"
[command]
reaction_s = 30.0
doctrine = "shoot-look-shoot"
look_s = 10.0
early_warning = "sbirs"
[[sensor]]
id = "tpy2-kurecik"
sensor = "an-tpy-2-fbm"
[[sensor]]
id = "spy-east-med"
sensor = "spy-1d"
lat_deg = 34.0
lon_deg = 30.0
[[battery]]
id = "ship-east-med"
interceptor = "{ship_interceptor}"
lat_deg = 34.0
lon_deg = 30.0
magazine = 8
fire_control = "spy-east-med"
cued_by = ["tpy2-kurecik", "spy-east-med"]
engage_on_remote = false
"""
DEVESELU = """
[[sensor]]
id = "spy-deveselu"
sensor = "aegis-ashore-spy-1"
lat_deg = 44.08
lon_deg = 24.35
[[battery]]
id = "deveselu"
interceptor = "sm-3-ib"
lat_deg = 44.08
lon_deg = 24.35
magazine = 24
fire_control = "spy-deveselu"
cued_by = ["tpy2-kurecik", "spy-deveselu"]
"""


def arch(ident, ship="sm-3-ia", extra=""):
    return parse_architecture(tomllib.loads(BASE.format(id=ident, ship_interceptor=ship) + extra), ident)


@pytest.fixture(scope="module")
def runs():
    archs = [arch("base"), arch("plus", extra=DEVESELU), arch("fast", ship="sm-3-iia")]
    res = coverage_set(archs, "sejjil-2", "Tabriz", region=BOX, step_deg=1.0)
    return dict(zip(["base", "plus", "fast"], res))


def test_the_box_is_threatened_and_partly_defended(runs):
    c = runs["base"].cells
    assert c.threatened.sum() > 20
    assert 0 < (c.engageable & c.threatened).sum() < c.threatened.sum()


def test_adding_a_battery_never_shrinks_the_defended_area(runs):
    b, p = runs["base"], runs["plus"]
    for part in ("cells", "city_results"):
        x, y = getattr(b, part), getattr(p, part)
        assert np.array_equal(x.threatened, y.threatened)
        assert np.all(y.engageable >= x.engageable)
        assert np.all(y.p_defense >= x.p_defense - 1e-12)
        assert np.all(y.opportunities >= x.opportunities)
        # the shared battery's own result is unchanged by its neighbour
        assert np.array_equal(x.by_battery["ship-east-med"], y.by_battery["ship-east-med"])
    assert p.summary()["defended_area_fraction"] > b.summary()["defended_area_fraction"]


def test_a_faster_interceptor_never_engages_less(runs):
    # SM-3 IIA (4.5 km/s, ceiling 1,200 km, range 2,400 km) vs IA (3.0 km/s, 500 km, 900 km), same ship
    b, f = runs["base"].cells, runs["fast"].cells
    assert np.all(f.engageable >= b.engageable)
    assert f.engageable.sum() > b.engageable.sum()


def test_scaled_flyout_never_engages_less():
    """The same interceptor with every fly-out time x0.8 (a faster booster, same reach)."""
    from openbmd.analyses.coverage import fly_chunk
    from openbmd.architectures.resolve import resolve
    from openbmd.earth.model import earth_model
    from openbmd.sensors.horizon import threat_rcs_m2
    from openbmd.engagement.engine import engage_many
    from openbmd.flight.aim_many import aim_many
    from openbmd.flight.shaping import Launcher
    from openbmd.interceptors.flyout import flyout_table
    from openbmd.missiles import get_missile

    m = get_missile("sejjil-2")
    L = Launcher(m, 38.08, 46.29, earth_model("wgs84"), True)
    lat, lon = np.meshgrid(np.arange(35.5, 45, 1.5), np.arange(22.5, 40, 2.5), indexing="ij")
    a = aim_many(L, lat.ravel(), lon.ravel())
    k = np.flatnonzero(a.reachable)
    s = fly_chunk(m, 38.08, 46.29, a.azimuth_deg[k], a.kick_deg[k], a.cutoff_s[k])
    r = resolve(arch("base"))
    b = r.batteries[0]
    table = flyout_table(b.interceptor, b.entry.lat_deg)
    faster = dataclasses.replace(table, time_s=table.time_s * 0.8)
    rcs = threat_rcs_m2(m)
    slow = engage_many(r, s, rcs).batteries[0]
    quick = engage_many(r, s, rcs, flyouts={b.id: faster}).batteries[0]
    assert np.all(quick.engageable >= slow.engageable)
    assert np.all(quick.opportunities >= slow.opportunities)
    both = slow.engageable
    # an earlier arrival never makes the earliest intercept later
    assert np.all(quick.earliest_t_s[both] <= slow.earliest_t_s[both] + 1e-9)


def test_same_inputs_same_results(runs):
    again = coverage(arch("base"), "sejjil-2", "Tabriz", region=BOX, step_deg=1.0)
    x, y = runs["base"], again
    for part in ("cells", "city_results"):
        p, q = getattr(x, part), getattr(y, part)
        for f in ("threatened", "engageable", "opportunities", "p_defense", "flight_time_s"):
            assert np.array_equal(getattr(p, f), getattr(q, f), equal_nan=True), (part, f)


@pytest.mark.parametrize("name", ["base", "plus", "fast"])
def test_probabilities_and_implications(runs, name):
    for c in (runs[name].cells, runs[name].city_results):
        assert np.all((c.p_defense >= 0) & (c.p_defense <= 1))
        assert not np.any(c.engageable & ~c.threatened)
        assert np.array_equal(c.p_defense > 0, c.engageable)
        assert np.array_equal(c.engageable, np.any(list(c.by_battery.values()), axis=0))
        assert np.all(c.opportunities[c.engageable] >= 1) and np.all(c.opportunities[~c.engageable] == 0)
        assert np.array_equal(np.isfinite(c.flight_time_s), c.threatened)


@pytest.mark.parametrize("name", ["base", "plus"])
def test_summary_fractions_are_area_weighted_means(runs, name):
    r = runs[name]
    s = r.summary()
    a, c = r.region.area_km2, r.cells
    thr = c.threatened
    assert s["defended_area_fraction"] == pytest.approx(np.average(c.engageable[thr], weights=a[thr]))
    assert s["mean_p_defense_threatened"] == pytest.approx(np.average(c.p_defense[thr], weights=a[thr]))
    assert s["region_area_km2"] == pytest.approx(a.sum())
    for bid, frac in s["batteries"].items():
        assert frac == pytest.approx(np.average(c.by_battery[bid][thr], weights=a[thr]))
        assert frac <= s["defended_area_fraction"] + 1e-12


def test_population_sums_equal_the_cities_json(runs):
    from openbmd.report.coverage_map import coverage_geojson

    r = runs["plus"]
    s = r.summary()
    doc = json.loads(json.dumps(coverage_geojson(r)))
    cities = [f["properties"] for f in doc["features"] if f["properties"]["kind"] in ("city", "capital")]
    assert len(cities) == len(region_cities(r.region))
    assert s["population_total"] == sum(c["population"] for c in cities if c["threatened"])
    assert s["population_defended"] == sum(c["population"] for c in cities if c["defended"])
    assert s["population_in_region"] == sum(c["population"] for c in cities)
    assert 0 < s["population_defended"] <= s["population_total"] <= s["population_in_region"]
    caps = {c["name"] for c in cities if c["kind"] == "capital"}
    assert caps == {c["name"] for c in s["capitals"]}
    assert {"Athens", "Ankara", "Sofia", "Bucharest"} <= caps  # the capitals inside the box


# ---- distinct cities ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def all_cities():
    return load_cities()


def test_districts_dropped_city_kept(all_cities):
    kept = {(c.name, c.country_code) for c in distinct_cities(all_cities)}
    assert ("New York City", "US") in kept
    assert ("Brooklyn", "US") not in kept and ("Queens", "US") not in kept  # ~7 and ~12 km from NYC's point


def test_every_capital_kept(all_cities):
    kept = distinct_cities(all_cities)
    assert {c.name for c in all_cities if c.capital} <= {c.name for c in kept if c.capital}


def test_neighbouring_cities_both_kept(all_cities):
    # Manchester and Liverpool: ~50 km apart (GeoNames points), two cities, not a city and its district
    kept = {(c.name, c.country_code) for c in distinct_cities(all_cities)}
    assert ("Manchester", "GB") in kept and ("Liverpool", "GB") in kept


def test_japanese_cities_all_kept_and_inside_the_japan_region(all_cities):
    """Japan's districts (Tokyo's wards) are left out when data/cities.csv is built, so the 15 km rule
    does not drop its neighbouring cities (Kawasaki 11 km from Yokohama, Sakai 13 km from Osaka); the
    `japan` region holds every Japanese city (issue 12: its population was zero)."""
    from openbmd.analyses.regions import region_grid

    jp = [c for c in all_cities if c.country_code == "JP"]
    kept = distinct_cities(all_cities)
    assert {c.name for c in jp} <= {c.name for c in kept if c.country_code == "JP"}
    inside = region_cities(region_grid("japan", 1.0))
    assert sorted(c.name for c in inside) == sorted(c.name for c in jp)
    assert {"Tokyo", "Kawasaki", "Sakai", "Naha", "Sapporo"} <= {c.name for c in inside}


def test_distinct_cities_of_nothing():
    assert distinct_cities([]) == []


# ---- launch modes and the booster's RCS (issue 13: coverage --launch-on, --booster-rcs-m2) -------

@pytest.fixture(scope="module")
def modes():
    """The base architecture (launch on firm track) plain, at its nominal launch mode and booster
    RCS given explicitly, and allowed to launch on early warning as well."""
    from openbmd.sensors.horizon import DEFAULT_BOOSTER_RCS_M2

    kw = dict(region=BOX, step_deg=1.0)
    plain = coverage(arch("base"), "sejjil-2", "Tabriz", **kw)
    nominal = coverage(arch("base"), "sejjil-2", "Tabriz", booster_rcs_m2=DEFAULT_BOOSTER_RCS_M2,
                       launch_on=("firm-track",), **kw)
    warned = coverage(arch("base"), "sejjil-2", "Tabriz", launch_on=("firm-track", "early-warning"), **kw)
    return plain, nominal, warned


def test_the_nominal_keywords_are_the_plain_run(modes):
    plain, nominal, _ = modes
    for part in ("cells", "city_results"):
        p, q = getattr(plain, part), getattr(nominal, part)
        for f in ("threatened", "engageable", "opportunities", "p_defense", "flight_time_s"):
            assert np.array_equal(getattr(p, f), getattr(q, f), equal_nan=True), (part, f)


def test_launching_on_early_warning_never_defends_less(modes):
    """The earliest launch is the earlier of firm track + reaction and warning + warning_to_launch_s
    (engine.earliest_launch_s), the intercept still guided by a firm track: a superset of the
    firm-track-only battle space. On this box it adds cells (measured 34 -> 37 of 164)."""
    plain, _, warned = modes
    for part in ("cells", "city_results"):
        p, w = getattr(plain, part), getattr(warned, part)
        assert np.all(w.engageable >= p.engageable)
        assert np.all(w.p_defense >= p.p_defense - 1e-12)
    assert warned.cells.engageable.sum() > plain.cells.engageable.sum()


def test_bad_launch_mode_is_an_input_error():
    from openbmd.errors import InputError

    with pytest.raises(InputError, match="launch_on .*allowed: a tuple of firm-track, early-warning"):
        coverage(arch("base"), "sejjil-2", "Tabriz", region=BOX, step_deg=1.0, launch_on=("on-a-hunch",))
