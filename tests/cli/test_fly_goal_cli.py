"""``fly --to --shape lofted|depressed --apogee-km|--burnout-angle``: the energy-managed arc
on the command line (the physics is checked in tests/validation/test_energy_managed_arc.py)."""
import json
import re

from cli_helpers import assert_usage_error

FLY = ["fly", "--missile", "shahab-3", "--from", "35.23,53.92", "--to", "33.0,44.4"]


def test_lofted_apogee_to_a_target(run):
    r = run(*FLY, "--shape", "lofted", "--apogee-km", "400", "--json")
    assert r.code == 0, r.err
    s = json.loads(r.out)
    assert abs(s["apogee_km"] - 400.0) <= 0.5 and s["miss_km"] < 0.05


def test_unreachable_apogee_is_refused_with_the_interval(run):
    """Exit 2, one line naming the feasible interval, which excludes the asked value."""
    r = run(*FLY, "--shape", "depressed", "--apogee-km", "900")
    assert_usage_error(r, "a depressed shahab-3 arc of", "can have an apogee between", "asked for 900.0 km")
    lo, hi = (float(x.replace(",", "")) for x in re.search(r"between ([\d,.]+) km and ([\d,.]+) km", r.err).groups())
    assert lo < hi < 900.0
