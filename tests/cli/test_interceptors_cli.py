"""`openbmd interceptors` and `interceptors show ID` end to end (real engine, no mocks)."""
from cli_helpers import assert_usage_error

IDS = ("sm-3-ia", "sm-3-ib", "sm-3-iia", "sm-3-iib", "gbi-3stage", "gbi-2stage", "thaad", "pac-3-mse", "arrow-3")


def test_list_shows_every_interceptor_with_its_limits(run):
    res = run("interceptors")
    assert res.code == 0, res.err
    for iid in IDS:
        assert iid in res.out
    assert "notional" in res.out and "burnout speed" in res.out
    thaad = next(line for line in res.out.splitlines() if "│ thaad " in line)
    assert "150" in thaad and "200" in thaad and "2.8" in thaad  # TRT World 2017 envelope; M speed


def test_show_prints_fields_sources_and_a_flyout(run):
    res = run("interceptors", "show", "sm-3-iia")
    assert res.code == 0, res.err
    for text in ("kill_vehicle.max_range_km", "2,400", "fly-out from 45 N", "time to 1,000 km range",
                 "farthest ground range reached", "sources", "Wilkening"):
        assert text in res.out, text


def test_unknown_id_is_one_line_with_suggestions(run):
    assert_usage_error(run("interceptors", "show", "sm3-iia"), "unknown interceptor 'sm3-iia'",
                       "did you mean: sm-3-iia")


def test_bad_latitude_is_one_line(run):
    assert_usage_error(run("interceptors", "show", "thaad", "--lat", "95"), "latitude 95")


def test_malformed_file_is_one_line(run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nname = "X"\ndiameter_m = 0.5\nburnout_speed_km_s = 3.0\nburn_time_s = 40.0\n'
                   'launch_mass_kg = 1500.0\nrange_km = 3\n[kill_vehicle]\npk_single_shot = 0.5\n')
    assert_usage_error(run("interceptors", "show", str(bad)), "bad.toml:7:", "unknown key 'range_km'")


def test_launchers_list_every_site_with_its_magazine():
    import os
    import subprocess
    import sys

    from openbmd.interceptors.catalog import launch_sites

    r = subprocess.run([sys.executable, "-m", "openbmd", "interceptors", "launchers"], capture_output=True,
                       text=True, env={**os.environ, "COLUMNS": "300"})
    assert r.returncode == 0, r.stderr
    sites = launch_sites()
    assert len(sites) >= 7
    for site in sites.values():
        assert site.id in r.stdout
    ashore = [s for s in sites.values() if s.kind == "ashore"]
    assert ashore and all(s.magazine == 24 for s in ashore)   # 3 Mk 41 x 8 cells each
