"""Launch modes: a battery launches on a firm track (+ reaction) or on early warning (+ warning to
launch), whichever its modes allow first; the key is checked at load."""
from __future__ import annotations

import numpy as np
import pytest

from openbmd.architectures.loader import get_architecture, parse_architecture
from openbmd.architectures.resolve import resolve
from openbmd.engagement.engage import samples_of
from openbmd.engagement.engine import engage_many
from openbmd.errors import InputError
from openbmd.flight import fly
from openbmd.missiles import get_missile
from openbmd.sensors import get_sensor
from openbmd.sensors.signature import Signature

SIG = Signature(rv_rcs_m2=0.1, booster_rcs_m2=1.0)


@pytest.fixture(scope="module")
def sejjil():
    res = fly(get_missile("sejjil-2"), 38.08, 46.29, target=(44.43, 26.10))  # Tabriz -> Bucharest
    return samples_of(res.trajectory, float(res.batch.burnout_time_s[0]), 2.0)


def _arch(**command):
    a = get_architecture("epaa-phase-3")
    return resolve(a.replace(command=a.command.replace(**command)))


def test_early_warning_launch_is_the_first_warning_plus_its_delay(sejjil):
    firm_only = engage_many(_arch(), sejjil, SIG)
    both = engage_many(_arch(launch_on=("firm-track", "early-warning"), warning_to_launch_s=40.0), sejjil, SIG)
    warning_only = engage_many(_arch(launch_on=("early-warning",), warning_to_launch_s=40.0), sejjil, SIG)
    sbirs = get_sensor("sbirs").delay_s  # its first report, while the booster burns
    assert sbirs < sejjil.burnout_s[0]
    for f, b, w in zip(firm_only.batteries, both.batteries, warning_only.batteries):
        warn = min(sbirs, f.first_detection_s[0]) + 40.0
        assert w.launch_s[0] == pytest.approx(warn)
        assert f.launch_s[0] == pytest.approx(f.firm_track_s[0] + 30.0)  # phase 3's reaction
        assert b.launch_s[0] == pytest.approx(min(warn, f.launch_s[0]))
        # an earlier allowed launch never loses an engagement
        assert b.engageable[0] >= f.engageable[0]
        # launched on warning, the interceptor is guided by a firm track: no intercept before it
        for o in (b, w):
            if o.engageable[0]:
                assert o.earliest_t_s[0] >= f.firm_track_s[0] - 1e-9
            if not np.isfinite(f.firm_track_s[0]):
                assert not o.engageable[0]


def test_battery_key_overrides_the_command_and_bad_modes_fail():
    a = get_architecture("epaa-phase-3")
    b0 = a.batteries[0].model_copy(update={"launch_on": ("early-warning",)})  # launcher facts kept
    a2 = a.with_batteries((b0,) + a.batteries[1:])
    assert a2.launch_modes(a2.batteries[0]) == ("early-warning",)
    assert a2.launch_modes(a2.batteries[1]) == ("firm-track",)
    assert a2.warning_to_launch_s == a2.command.reaction_s  # unless given
    doc = {"id": "x", "name": "x", "year": 2024, "status": "notional", "description": "x",
           "command": {"launch_on": ["on-a-hunch"]}}
    with pytest.raises(InputError, match="launch_on"):
        parse_architecture(doc)
