"""The shipped missile catalog and catalog look-up by id or path."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from openbmd.errors import InputError, UnknownIdError
from openbmd.missiles import CATALOG_DIR, Missile, catalog_ids, get_missile, load_catalog, missile_to_toml
from openbmd.missiles import catalog as catalog_module

REQUIRED_IDS = {
    "scud-b", "shahab-3", "ghadr-1", "sejjil-2", "nodong", "taepodong-2", "iran-irbm-notional",
    "iran-icbm-notional", "aps-solid-icbm", "aps-liquid-icbm", "ss-18", "ss-19", "ss-25", "ss-27",
    "rs-24", "minuteman-iii", "hwasong-15", "hwasong-17", "hwasong-18",
}
SHIPPED = sorted(CATALOG_DIR.glob("*.toml"))
MU_M3_S2 = 3.986004418e14  # WGS-84 GM
R_M = 6371.0e3  # mean Earth radius
V_ROT_M_S = 7.292115e-5 * 6378137.0  # most that the Earth's rotation can add: 465 m/s at the equator


def min_energy_speed_m_s(range_km: float) -> float:
    """Minimum burnout speed for a ground range (Bate, Mueller & White 1971, ch. 6).

    Q = 2 sin(psi/2) / (1 + sin(psi/2)), v = sqrt(Q mu / r); gives 7.198 km/s at
    10,000 km as in the table of /work/shared/REFERENCE.md.
    """
    s = math.sin(range_km * 1e3 / R_M / 2.0)
    return math.sqrt(2.0 * s / (1.0 + s) * MU_M3_S2 / R_M)


def test_min_energy_reference_value():
    assert min_energy_speed_m_s(10_000.0) == pytest.approx(7198.0, abs=1.0)
    assert min_energy_speed_m_s(1_000.0) == pytest.approx(3016.0, abs=1.0)


def test_catalog_has_every_required_missile():
    missing = REQUIRED_IDS - set(catalog_ids())
    assert not missing, f"catalog lacks {sorted(missing)}"
    assert catalog_ids() == sorted(load_catalog())


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_file_loads_with_sources_and_range(path: Path):
    missile = get_missile(path)
    assert missile.id == path.stem, "a catalog file is named after its id"
    assert missile.source_path == str(path)
    assert missile.sources_dict(), "every catalog missile cites its [sources]"
    assert missile.published_range_km is not None
    assert missile.range_class is not None
    assert get_missile(missile.id) == missile


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_missile_can_reach_its_published_range(path: Path):
    # The rocket equation ignores gravity and drag losses, so the ideal speed gain
    # (plus at most the Earth's rotation) must exceed the minimum-energy burnout speed.
    missile = get_missile(path)
    needed = min_energy_speed_m_s(missile.published_range_km[0])
    assert missile.ideal_delta_v_m_s + V_ROT_M_S > needed


def test_near_ids_are_suggested():
    missing = REQUIRED_IDS - set(catalog_ids())
    assert not missing, f"the shipped catalog lacks {sorted(missing)}"
    for query, expected in (("shahab3", "shahab-3"), ("SS18", "ss-18"), ("minuteman-3", "minuteman-iii"),
                            ("scudb", "scud-b"), ("topol", "ss-25"), ("Yars", "rs-24"), ("hwasong-7", "nodong")):
        with pytest.raises(InputError) as info:
            get_missile(query)
        message = str(info.value)
        assert message.startswith(f"unknown missile '{query}' (did you mean: "), message
        assert expected in message and message.endswith("?)"), message
        assert isinstance(info.value, UnknownIdError) and info.value.kind == "missile"
        assert "openbmd missiles" not in message  # the library speaks the API; the CLI adds its listing


# --- look-up behaviour on a catalog of our own (independent of the shipped files)
def _tiny(missile_id: str) -> Missile:
    from openbmd.missiles import Stage

    return Missile(id=missile_id, name=missile_id.upper(), payload_kg=500.0, diameter_m=0.9,
                   drag_mach=(0.0, 5.0), drag_cd=(0.3, 0.3), sources={"all": "test fixture"},
                   stages=(Stage(propellant_kg=4000.0, dry_kg=800.0, burn_time_s=60.0, isp_s=230.0),))


@pytest.fixture
def own_catalog(tmp_path, monkeypatch) -> Path:
    for missile_id in ("shahab-3", "shahab-2", "ss-18", "ghadr-1"):
        (tmp_path / f"{missile_id}.toml").write_text(missile_to_toml(_tiny(missile_id)))
    monkeypatch.setattr(catalog_module, "CATALOG_DIR", tmp_path)
    return tmp_path


def test_lookup_by_id_and_path(own_catalog):
    assert catalog_module.catalog_ids() == ["ghadr-1", "shahab-2", "shahab-3", "ss-18"]
    assert get_missile("ss-18") == _tiny("ss-18")
    assert get_missile(str(own_catalog / "ss-18.toml")) == _tiny("ss-18")
    with pytest.raises(InputError, match=r"^no such missile file: .*ss-99\.toml$"):
        get_missile(str(own_catalog / "ss-99.toml"))


def test_catalog_is_cached_and_safe_to_mutate(own_catalog):
    first = catalog_module.load_catalog()
    first.clear()
    second = catalog_module.load_catalog()
    assert len(second) == 4
    assert second["ss-18"] is catalog_module.load_catalog()["ss-18"]


def test_suggestions_ignore_case_and_dashes(own_catalog):
    with pytest.raises(InputError, match=r"^unknown missile 'SHAHAB3' \(did you mean: shahab-3, shahab-2\?\)$"):
        get_missile("SHAHAB3")
    with pytest.raises(InputError, match=r"^unknown missile 'trident' \(known: ghadr-1, shahab-2, shahab-3, ss-18\)"):
        get_missile("trident")


def test_duplicate_ids_and_broken_files_are_named(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text(missile_to_toml(_tiny("dup")))
    (tmp_path / "b.toml").write_text(missile_to_toml(_tiny("dup")))
    monkeypatch.setattr(catalog_module, "CATALOG_DIR", tmp_path)
    with pytest.raises(InputError, match=r"b\.toml: duplicate missile id 'dup' \(also in .*a\.toml\)"):
        catalog_module.load_catalog()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.toml").write_text(missile_to_toml(_tiny("x")).replace("burn_time_s = 60.0", "burn_time_s = 0"))
    monkeypatch.setattr(catalog_module, "CATALOG_DIR", broken)
    with pytest.raises(InputError, match=r"x\.toml:\d+: stages\[1\]\.burn_time_s = 0 — must be > 0 s"):
        catalog_module.catalog_ids()
