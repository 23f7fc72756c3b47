"""A fused track while it is built, and its two motion modes: boosting, then ballistic.

A track whose first returns do not fit a ballistic arc (its booster still burns) starts in the
engine's boost model: the 9-state constant acceleration with white jerk
(:class:`openbmd.sensors.motion.ConstantAcceleration`, ``Q_BOOST_M2_S5``), started by the
engine's weighted least squares with a prior on the acceleration
(:func:`openbmd.sensors.boost_track.initiate_boost`). The center does not know the burnout time
the engine's boost filter is given, so it detects it: beside a boosting track runs a shadow
ballistic filter, started from the track's position and velocity and fed the same returns. While
the booster burns the shadow soon misses (its innovation leaves the chi-square gate) and starts
again from the track; once the shadow has taken ``BURNOUT_LOOKS`` returns in a row inside the
gate and explained them at least as well as the boost model (summed log-likelihoods), the track
goes on ballistic from the shadow's state.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import chi2

from openbmd.sensors import ekf
from openbmd.sensors.boost_track import Q_BOOST_M2_S5
from openbmd.sensors.motion import ConstantAcceleration

#: returns in a row the shadow ballistic filter must take inside its gate before the track turns
#: ballistic: 5 s at a 1 s revisit, in which a 20 m/s^2 thrust moves a body 250 m off the arc
BURNOUT_LOOKS = 5
#: the shadow's gate (chi-square of its innovation, 99 %)
_SHADOW_GATE = {m: float(chi2.ppf(0.99, m)) for m in (2, 3)}
BOOST = ConstantAcceleration(q_m2_s5=Q_BOOST_M2_S5)


@dataclass
class TrackState:
    """A fused track while it is built (mutable): state ``x`` (6,) ballistic or (9,) boosting,
    covariance ``p``; times in seconds from the fusion's epoch."""

    id: str
    t: float                      #: time of the state
    x: np.ndarray
    p: np.ndarray
    n: int                        #: updates (returns and shared tracks) so far
    first_t: float
    last_t: float                 #: time of the last update
    parties: set = field(default_factory=set)
    sensors: set = field(default_factory=set)
    firm_t: float | None = None
    shadow: tuple | None = None   #: boosting: (x (6,), P, t, returns taken, log-likelihood ratio)
    started_t: float | None = None  #: when the track was started (its seed's last return)

    @property
    def boosting(self) -> bool:
        return self.x.shape[0] == 9

    def copy(self) -> "TrackState":
        return TrackState(self.id, self.t, self.x, self.p, self.n, self.first_t, self.last_t, set(self.parties),
                          set(self.sensors), self.firm_t, self.shadow, self.started_t)

    def check_burnout(self, z, model, t: float, ll_boost: float, ballistic) -> None:
        """Boosting, after an update by the return ``z`` (m,) of ``model`` (one row) whose boost
        log-likelihood was ``ll_boost``: feed the shadow; turn ballistic when it has held."""
        if not self.boosting:
            return
        if self.shadow is None:
            self.shadow = (self.x[:6], self.p[:6, :6], self.t, 0, 0.0)
            return
        sx, sp, st, taken, llr = self.shadow
        x, p = ballistic.predict(sx[None], sp[None], np.array([t - st]))
        h = model.jacobian(x)
        s = h @ p @ np.swapaxes(h, 1, 2) + model.covariance(1)
        y = model.residual(z[None], model.function(x))
        nis = float(y[0] @ np.linalg.solve(s[0], y[0]))
        if nis > _SHADOW_GATE[z.shape[0]]:
            self.shadow = (self.x[:6], self.p[:6, :6], self.t, 0, 0.0)     # missed: start again from the track
            return
        x1, p1, _, _ = ekf.update(x, p, z[None], model)
        llr += -0.5 * (nis + np.linalg.slogdet(s[0])[1]) - ll_boost
        self.shadow = (x1[0], p1[0], t, taken + 1, llr)
        if taken + 1 >= BURNOUT_LOOKS and llr >= 0.0:
            self.x, self.p, self.shadow = x1[0], p1[0], None


def predict(tracks: list[TrackState], t: float, ballistic):
    """Each track's (x, P) at ``t``: lists, boosting tracks by the boost model, the rest ballistic
    (one batched call per mode)."""
    xs, ps = [None] * len(tracks), [None] * len(tracks)
    for n, motion in ((6, ballistic), (9, BOOST)):
        idx = [i for i, tr in enumerate(tracks) if tr.x.shape[0] == n]
        if idx:
            x = np.array([tracks[i].x for i in idx])
            p = np.array([tracks[i].p for i in idx])
            x1, p1 = motion.predict(x, p, np.array([t - tracks[i].t for i in idx]))
            for j, i in enumerate(idx):
                xs[i], ps[i] = x1[j], p1[j]
    return xs, ps
