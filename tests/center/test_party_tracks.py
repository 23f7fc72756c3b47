"""Party tracks (a party shares its tracks, not its measurements): idempotent, and refused with a
422 naming the track id and the field when implausible."""
from __future__ import annotations

from center_helpers import T0

# a state 1,000 km up over the equator moving at 5 km/s: plausible
R_M = 6_378_137.0 + 1.0e6
COV = [[1e4 if i == j and i < 3 else (1e2 if i == j else 0.0) for j in range(6)] for i in range(6)]


def _track(tid: str, **over) -> dict:
    return {"id": tid, "t_s": T0 - 30.0, "position_m": [R_M, 0.0, 0.0], "velocity_m_s": [0.0, 5000.0, 0.0],
            "covariance": COV} | over


def test_party_tracks_idempotent_and_checked(center):
    c = center
    post = lambda *ts: c.call("POST", "/v1/party-tracks", "russia", json={"tracks": list(ts)})  # noqa: E731
    assert post(_track("a"), _track("b")).json() == {"accepted": 2, "duplicates": 0}
    assert post(_track("a"), _track("c")).json() == {"accepted": 1, "duplicates": 1}
    bad_cov = [row[:] for row in COV]
    bad_cov[0][1] = 5.0  # not symmetric
    neg_cov = [row[:] for row in COV]
    neg_cov[2][2] = -1.0
    cases = [(_track("x", t_s=T0 + 60), "t_s is 60.0 s in the future"),
             (_track("x", position_m=[1.0e6, 0.0, 0.0]), "position_m is 1,000 km from the Earth's centre"),
             (_track("x", velocity_m_s=[0.0, 13000.0, 0.0]), "velocity_m_s is 13,000 m/s"),
             (_track("x", covariance=bad_cov), "covariance"),
             (_track("x", covariance=neg_cov), "covariance"),
             (_track("x", covariance=COV[:5]), "covariance")]
    for body, says in cases:
        r = post(_track("ok"), body)
        assert r.status_code == 422, (says, r.text)
        assert r.json()["detail"].startswith("track 'x': ") or "covariance" in r.json()["detail"], r.text
        assert says in r.json()["detail"], r.text
    assert post(_track("ok")).json() == {"accepted": 1, "duplicates": 0}  # nothing of the refused batches stayed
    c.extra["obs"] = c.token("russia", "observer")
    assert c.call("POST", "/v1/party-tracks", "obs", json={"tracks": [_track("o")]}).status_code == 403
