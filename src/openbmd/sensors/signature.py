"""What a radar sees of a threat over its flight: the booster in boost, the warhead after burnout.

A :class:`Signature` is the threat's radar cross section as a function of time from its
launch: ``booster_rcs_m2`` while the booster burns (``t < burnout``), ``rv_rcs_m2`` after
(the warhead, the object the fire-control track must follow; the spent stage and the
post-boost vehicle are not modelled as separate objects). A signature without a booster
figure (``booster_rcs_m2 = None``) is seen only after burnout: the behaviour before boost
tracking, kept for comparisons and for a sensitivity that turns boost detection off.

The figures: the missile file's ``rv_rcs_m2`` and ``booster_rcs_m2`` when given, else the
project's defaults (:data:`openbmd.sensors.horizon.DEFAULT_RCS_M2`,
:data:`openbmd.sensors.horizon.DEFAULT_BOOSTER_RCS_M2`, each with its source and range).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from openbmd.errors import InputError


@dataclass(frozen=True, kw_only=True)
class Signature:
    """The radar cross section of one kind of threat: warhead after burnout, booster before."""

    rv_rcs_m2: float  #: the warhead / re-entry vehicle (m^2)
    booster_rcs_m2: float | None = None  #: the burning booster's body (m^2); None: not seen in boost

    def __post_init__(self) -> None:
        for key in ("rv_rcs_m2", "booster_rcs_m2"):
            v = getattr(self, key)
            if v is None and key == "booster_rcs_m2":
                continue
            if not (np.isfinite(v) and v > 0):
                raise InputError(f"{key} = {v} m^2 is not allowed; it must be a finite number > 0")
            object.__setattr__(self, key, float(v))

    @property
    def in_boost(self) -> bool:
        """True when radars may see the threat while its booster burns."""
        return self.booster_rcs_m2 is not None

    def rcs_m2(self, t_s, burnout_s) -> np.ndarray:
        """RCS (m^2) at times ``t_s`` (s from launch) of threats burning out at ``burnout_s``
        (broadcast together): the booster's before burnout, the warhead's from it on (NaN-free;
        before burnout without a booster figure, the warhead's, which :meth:`seen_from_s` masks)."""
        t, bo = np.broadcast_arrays(np.asarray(t_s, float), np.asarray(burnout_s, float))
        if not self.in_boost:
            return np.full(t.shape, self.rv_rcs_m2)
        return np.where(t < bo, self.booster_rcs_m2, self.rv_rcs_m2)

    def seen_from_s(self, burnout_s) -> np.ndarray:
        """(T,) the earliest time a radar may see each threat: launch (-inf) with a booster
        figure, else burnout."""
        bo = np.asarray(burnout_s, float)
        return np.full(bo.shape, -np.inf) if self.in_boost else bo

    def scaled(self, factor: float) -> "Signature":
        """Every figure times ``factor`` (an uncued radar's search loss, :meth:`Radar.search_rcs_m2`)."""
        return Signature(rv_rcs_m2=self.rv_rcs_m2 * factor,
                         booster_rcs_m2=None if self.booster_rcs_m2 is None else self.booster_rcs_m2 * factor)

    def without_boost(self) -> "Signature":
        """The same warhead, the booster unseen (detection after burnout only)."""
        return Signature(rv_rcs_m2=self.rv_rcs_m2)


def as_signature(rcs) -> Signature:
    """A Signature from a Signature, or from one number: a warhead seen after burnout only
    (what every caller passing one RCS got before boost tracking)."""
    if isinstance(rcs, Signature):
        return rcs
    return Signature(rv_rcs_m2=float(rcs))


def warhead_rcs_m2(rcs) -> float:
    """The warhead RCS of a Signature or a number (what a fire-control radar sees at intercept)."""
    return rcs.rv_rcs_m2 if isinstance(rcs, Signature) else float(rcs)
