"""`openbmd radars` lists every registered sensor kind from the catalog, the new infrared
tracking constellation included, with the cells its class words (Sensor.describe)."""
from cli_helpers import run_subprocess


def test_radars_lists_the_infrared_tracking_constellation():
    result = run_subprocess("radars")
    assert result.code == 0, result.err
    row = [line for line in result.out.splitlines() if "stss-demo" in line]
    assert len(row) == 1
    for text in ("space: 2 satellites", "20 µrad", "above the limb"):  # the first line of its row
        assert text in row[0], (text, row[0])
    for text in ("[closed]", "sbirs", "an-tpy-2-fbm"):
        assert text in result.out, text


def test_radars_show_prints_its_fields_and_sources():
    result = run_subprocess("radars", "show", "stss-demo")
    assert result.code == 0, result.err
    for text in ("space-ir-track", "inclination_deg", "58", "sigma_los_urad", "kevinforsyth.net"):
        assert text in result.out, text
