"""What each caller sees of a fused track: the sharing matrix of GET /v1/tracks and the stream,
on synthetic tracks (party x role x the sharing level of the other party's contributing sensor)."""
from __future__ import annotations

import pytest

from openbmd.center.picture import Picture

WARNING_KEYS = {"id", "t_s", "firm", "launch_point", "impact_point", "level"}


def _track(parties, sensors) -> dict:
    return {"id": "trk-1", "t_s": 1.0, "firm": True, "launch_point": {"lat_deg": 1}, "impact_point": None,
            "position_m": [1, 2, 3], "covariance": [[1]], "parties": parties, "sensors": sensors}


@pytest.mark.parametrize("level, whole", [("raw", True), ("tracks", True), ("warning", False)])
@pytest.mark.parametrize("role", ["head", "operator", "observer"])
def test_other_partys_sensor(level, whole, role):
    view = Picture.view(None, _track(["russia"], ["russia/r"]), party="nato", role=role,
                        sharing={"russia/r": level})
    if whole:
        assert view["level"] == "track" and view["sensors"] == ["russia/r"] and "position_m" in view
    else:
        assert set(view) == WARNING_KEYS and view["level"] == "warning"


@pytest.mark.parametrize("level", ["raw", "tracks", "warning"])
@pytest.mark.parametrize("role", ["head", "operator", "observer"])
def test_a_contributor_never_sees_a_state_resting_on_warning_level_data(level, role):
    track = _track(["nato", "russia"], ["nato/n", "russia/r"])
    view = Picture.view(None, track, party="nato", role=role, sharing={"nato/n": "raw", "russia/r": level})
    if level == "warning":  # russia's warning-level returns fed the state: nato gets the warning only
        assert set(view) == WARNING_KEYS and view["level"] == "warning"
    else:
        assert view["level"] == "track" and view["sensors"] == ["nato/n", "russia/r"]
    theirs = Picture.view(None, track, party="russia", role=role, sharing={"nato/n": "raw", "russia/r": level})
    assert theirs["level"] == "track"  # russia's own data and nato's raw data


def test_an_unknown_sharing_level_counts_as_warning():
    view = Picture.view(None, _track(["russia"], ["russia/r"]), party="nato", role="head", sharing={})
    assert set(view) == WARNING_KEYS


def test_shared_party_tracks_count_as_tracks_level():
    view = Picture.view(None, _track(["russia"], []), party="nato", role="operator", sharing={})
    assert view["level"] == "track" and view["sensors"] == []


@pytest.mark.parametrize("party", ["nato", "russia"])
@pytest.mark.parametrize("level", ["raw", "tracks", "warning", None])
@pytest.mark.parametrize("sensors", [["russia/r"], ["nato/n", "russia/r"], []])
def test_the_streams_serialized_update_is_the_view(party, level, sensors):
    # the stream sends Event texts made once at publication; they must be exactly what view() shows
    import json

    from openbmd.center.picture import Event

    track = _track(sorted({s.split("/")[0] for s in sensors}), sensors)
    sharing = {"nato/n": "raw"} | ({} if level is None else {"russia/r": level})
    text = Event.of("track", track).json_for(party=party, role="operator", sharing=sharing)
    assert json.loads(text) == Picture.view(None, track, party=party, role="operator", sharing=sharing)
