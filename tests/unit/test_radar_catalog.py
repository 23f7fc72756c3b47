"""The sensor catalog and the sensor file format (loader errors name file, line and field).

Reference values are docs/research/sensors.md sec. 4 ("Recommended catalog values").
"""
import math

import pytest

from openbmd.errors import InputError
from openbmd.sensors import (Radar, SpaceInfrared, get_radar, get_sensor, load_sensor_catalog, parse_sensor_toml,
                             radar_ids, sensor_to_toml)
from openbmd.sensors.geometry import in_sectors

REQUIRED = ["an-tpy-2-fbm", "an-tpy-2-tm", "spy-1d", "spy-6", "aegis-ashore-spy-1", "spy-7", "fylingdales",
            "thule", "beale", "clear", "cobra-dane", "sbx", "lrdr", "voronezh-dm-armavir", "daryal-gabala",
            "don-2n", "cape-cod"]
# every radar cites each of these figures in [sources] (any one key of a group)
SOURCE_GROUPS = [("band",), ("site",), ("coverage", "boresight_az_deg", "faces_az_deg"), ("el_limits",),
                 ("max_range_km",), ("reference_range_km",), ("reference_range_spread_km",), ("revisit_s",),
                 ("noise",)]
# docs/research/sensors.md sec. 4: id -> (reference km, reference m^2, max range km, el min deg)
RECOMMENDED = {"an-tpy-2-fbm": (900, 0.01, 3000, 1), "an-tpy-2-tm": (650, 0.01, 1000, 1),
               "spy-1d": (450, 0.01, 1000, 0.5), "spy-6": (1050, 0.01, 2000, 0.5), "fylingdales": (5555, 10, 4820, 3),
               "clear": (4910, 10, 4910, 3), "cobra-dane": (3200, 0.05, 4200, 2), "sbx": (4000, 0.01, 5000, 1),
               "voronezh-dm-armavir": (4200, 1, 4200, 2), "daryal-gabala": (6000, 1, 6000, 2)}


def test_catalog_has_every_required_radar_and_sbirs():
    ids = radar_ids()
    assert set(REQUIRED) <= set(ids)
    assert all(isinstance(get_radar(i), Radar) for i in ids)
    assert isinstance(get_sensor("sbirs"), SpaceInfrared)


@pytest.mark.parametrize("radar_id", REQUIRED)
def test_every_figure_has_a_citation_and_a_flag(radar_id):
    radar = get_radar(radar_id)
    sources = radar.sources_dict()
    for group in SOURCE_GROUPS:
        assert any(k in sources for k in group), (radar_id, group)
    assert all(any(flag in text for flag in ("S:", "S-sec", "M:", "D:", "(D)", "notional", "placeholder", "as "))
               for text in sources.values()), radar_id
    assert radar.reference_range_spread_m is not None


@pytest.mark.parametrize("radar_id", RECOMMENDED)
def test_catalog_values_follow_the_research_recommendations(radar_id):
    radar = get_radar(radar_id)
    ref_km, rcs, max_km, el_min = RECOMMENDED[radar_id]
    assert radar.reference_range_m == pytest.approx(ref_km * 1e3)
    assert radar.reference_rcs_m2 == pytest.approx(rcs)
    assert radar.max_range_m == pytest.approx(max_km * 1e3)
    assert math.degrees(radar.el_min_rad) == pytest.approx(el_min)


def test_status_flags_from_the_research():
    assert get_radar("spy-7").status == "hypothetical"
    assert get_radar("daryal-gabala").status == "closed"
    assert "SPY-1D" in get_radar("aegis-ashore-spy-1").name
    assert get_radar("spy-1d").mobile and not get_radar("fylingdales").mobile


def test_coverage_sectors_wrap_through_north():
    thule = get_radar("thule")  # faces 357 and 117 deg, +/-60: 297 -> 177 clockwise
    az = [0.0, 176.0, 178.0, 296.0, 298.0, 359.0]
    assert in_sectors(list(map(math.radians, az)), thule.faces_az_rad, thule.face_half_width_rad).tolist() == \
        [True, True, False, False, True, True]
    assert not thule.full_circle and get_radar("fylingdales").full_circle and get_radar("spy-1d").full_circle


def test_round_trip_through_toml():
    for sensor in load_sensor_catalog().values():
        again = parse_sensor_toml(sensor_to_toml(sensor))
        for name in sensor.__dataclass_fields__:
            if name == "source_path":
                continue
            a, b = getattr(sensor, name), getattr(again, name)
            numeric = isinstance(a, float) or (isinstance(a, tuple) and a and isinstance(a[0], float))
            assert (a == pytest.approx(b, rel=1e-12)) if numeric else a == b, (sensor.id, name)


def test_at_moves_the_radar():
    ship = get_radar("spy-1d").at(-33.9, 18.4, 30.0, site_name="Cape Town")
    assert (ship.site_lat_deg, ship.site_lon_deg, ship.site_alt_m, ship.site_name) == (-33.9, 18.4, 30.0, "Cape Town")
    assert get_radar("spy-1d").site_lat_deg == 36.64  # the catalog's stays


def test_unknown_id_suggests_close_ids():
    with pytest.raises(InputError, match=r"unknown sensor 'tpy2'.*did you mean: an-tpy-2"):
        get_radar("tpy2")
    with pytest.raises(InputError, match="fylingdales"):
        get_radar("fylingdale")
    with pytest.raises(InputError, match="not a radar"):
        get_radar("sbirs")


GOOD = """id = "my-radar"
name = "Notional radar"
site_lat_deg = 10.0
site_lon_deg = 20.0
site_alt_m = 0.0
boresight_az_deg = 90.0
face_half_width_deg = 60.0
el_min_deg = 1.0
el_max_deg = 90.0
max_range_km = 2000.0
reference_range_km = 1000.0
reference_rcs_m2 = 0.01
revisit_s = 1.0
sigma_range_m = 10.0
sigma_angle_deg = 0.05
"""


def test_a_minimal_file_loads():
    radar = parse_sensor_toml(GOOD, "r.toml")
    assert radar.faces_az_rad == (pytest.approx(math.pi / 2),) and radar.detection_threshold_db == 13.0


@pytest.mark.parametrize("edit, fragments", [
    (("el_min_deg = 1.0", "el_mn_deg = 1.0"), ["r.toml:8:", "unknown key 'el_mn_deg'", "did you mean 'el_min_deg'"]),
    (("max_range_km = 2000.0\n", ""), ["r.toml:", "missing required key 'max_range_km'"]),
    (("el_max_deg = 90.0", "el_max_deg = 0.5"), ["r.toml:9:", "el_max_deg = 0.5", "(el_min_deg = 1, 90]"]),
    (("reference_rcs_m2 = 0.01", "reference_rcs_m2 = -1.0"), ["r.toml:12:", "must be > 0 m^2"]),
    (("max_range_km = 2000.0", "max_range_km = \"far\""), ["r.toml:10:", "must be a number"]),
    (("site_lat_deg = 10.0", "site_lat_deg = 91.0"), ["r.toml:3:", "[-90, 90]"]),
    (("boresight_az_deg = 90.0", "faces_az_deg = [90.0]\nfull_circle = true"), ["give exactly one of"]),
    (("boresight_az_deg = 90.0", "full_circle = false"), ["give exactly one of", "got none"]),
    (("sigma_angle_deg = 0.05", "sigma_angle_deg = 0.05\nkind = \"sonar\""), ["kind = \"sonar\"", "radar, space-ir"]),
    (("name = ", "name == "), ["r.toml:2:", "invalid TOML"]),
])
def test_bad_files_give_one_line_with_file_line_field(edit, fragments):
    with pytest.raises(InputError) as info:
        parse_sensor_toml(GOOD.replace(*edit), "r.toml")
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
