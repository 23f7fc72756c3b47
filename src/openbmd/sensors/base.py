"""The sensor role: what a sensor sees and when, its measurements and their noise.

Every sensor model (a ground radar, the space-based infrared warning, an infrared
tracking satellite...) is a frozen dataclass that subclasses :class:`Sensor` and is
registered under the ``kind`` its TOML files name (:func:`register`), so a new kind
of sensor is one class plus its catalog files: the loader, the writer and the
catalog listing read the class's declared :attr:`Sensor.FIELDS` and its hooks.

The batched methods take threats sampled on one time grid
(:class:`openbmd.flight.samples.ThreatSamples`) and answer per threat (T,):

- :meth:`Sensor.first_seen_s`: the first sample where the sensor sees the threat (after
  burnout for one RCS number; from launch for a
  :class:`~openbmd.sensors.signature.Signature` with a booster figure); ``inf`` when never;
- :meth:`Sensor.firm_track_s`: when this sensor alone holds a fire-control quality
  track (``inf`` for a sensor that never does, as the launch warning).
"""
from __future__ import annotations

import abc
import re
from typing import Any, ClassVar

import numpy as np

from openbmd.errors import InputError
from openbmd.missiles.model import InvalidField

STATUSES = ("operational", "planned", "hypothetical", "closed")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")

#: kind (the TOML ``kind`` key) -> sensor class; filled by :func:`register`
SENSOR_KINDS: dict[str, type["Sensor"]] = {}
#: the kind of a file without a ``kind`` key
DEFAULT_KIND = "radar"


def register(cls: type["Sensor"]) -> type["Sensor"]:
    """Class decorator: make ``cls`` the sensor model of TOML files with ``kind = cls.KIND``."""
    if not (isinstance(getattr(cls, "KIND", None), str) and getattr(cls, "FIELDS", None)):
        raise TypeError(f"{cls.__name__} needs a KIND string and FIELDS to be a registered sensor")
    SENSOR_KINDS[cls.KIND] = cls
    return cls


def sensor_class(kind: str) -> type["Sensor"]:
    """The registered sensor class of ``kind``; InputError naming the known kinds otherwise."""
    try:
        return SENSOR_KINDS[kind]
    except (KeyError, TypeError):
        raise InputError(f"unknown sensor kind {kind!r}; allowed: {', '.join(SENSOR_KINDS)}") from None


def check_common(obj) -> None:
    """Checks shared by every sensor kind: id, name, status."""
    if not _ID.fullmatch(obj.id):
        raise InvalidField(("id",), obj.id, "must be lowercase letters, digits and '-'")
    if not obj.name.strip():
        raise InvalidField(("name",), obj.name, "must not be empty")
    if obj.status not in STATUSES:
        raise InvalidField(("status",), obj.status, f"must be one of {', '.join(STATUSES)}")


class Sensor(abc.ABC):
    """The sensor role (subclasses are frozen, keyword-only dataclasses).

    Attributes every sensor has: ``id``, ``name``, ``kind``, ``status``, ``revisit_s``
    (time between looks or reports, s), ``sources`` and ``earth``.
    """

    KIND: ClassVar[str]
    FIELDS: ClassVar[tuple]  #: the TOML keys, :class:`openbmd.sensors.fields.Field`
    #: True for a sensor whose track may cue a launch (an architecture's ``[[sensor]]``);
    #: False for a warning-only sensor (``[command] early_warning``)
    TRACKS: ClassVar[bool] = True
    #: where a ground sensor stands (:class:`openbmd.earth.frames.Site`); None for a sensor in orbit
    site = None

    # ------------------------------------------------------------ what it sees
    @abc.abstractmethod
    def visible(self, ecef_m, t_s=None, rcs_m2=0.1) -> np.ndarray:
        """True where the sensor detects a target at ECEF positions (..., 3) at times ``t_s``
        (s from the threat's launch, broadcast against the positions' leading dims)."""

    def measurement_model(self, t_s=None):
        """The :class:`~openbmd.sensors.models.MeasurementModel` of this sensor's reports at
        ``t_s`` (its function h, Jacobian and noise); None for a sensor without one."""
        return None

    def placed(self, lat_deg: float, lon_deg: float, *, site_name: str = "") -> "Sensor":
        """The sensor stationed at (lat, lon) by an architecture: a radar moves there
        (:meth:`openbmd.sensors.radar.Radar.at`); a space sensor, which stands nowhere, stays."""
        return self

    def search_rcs_m2(self, rcs_m2, cued: bool):
        """The RCS the detection test uses (a radar searching uncued sees less, see
        :class:`openbmd.sensors.radar.Radar`); the identity for sensors blind to RCS."""
        return rcs_m2

    # ------------------------------------------------------------ batched answers
    def first_seen_s(self, samples, rcs_m2, *, cued: bool = True, after_burnout: bool | None = None,
                     coarse_s: float = 10.0) -> np.ndarray:
        """(T,) first sample time where the sensor sees each threat of ``samples`` (inf: never).

        ``rcs_m2``: a number (the warhead, seen after burnout) or a
        :class:`~openbmd.sensors.signature.Signature` (the booster's RCS before burnout, seen
        from launch when it has one). ``after_burnout`` True or False overrides when the scan
        starts (None: as ``rcs_m2`` says).
        Visibility is tested every ~``coarse_s`` first, then sample by sample inside the
        interval before the first coarse hit (a window shorter than ``coarse_s`` that
        falls between coarse samples is missed: irrelevant for a fire-control track)."""
        return first_seen(self, samples, self.search_rcs_m2(rcs_m2, cued), after_burnout, coarse_s)

    def firm_track_s(self, samples, rcs_m2, *, cued: bool = True) -> np.ndarray:
        """(T,) time of a firm track from this sensor alone (inf: never; the default for a
        sensor that gives no fire-control track)."""
        return np.full(len(samples), np.inf)

    def track_times(self, samples, rcs_m2, *, cued: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(first detection, firm track), (T,) each, inf where never: what the
        engagement engine asks of every cueing sensor (one pass where a sensor can share it)."""
        return (self.first_seen_s(samples, rcs_m2, cued=cued),
                self.firm_track_s(samples, rcs_m2, cued=cued))

    # ------------------------------------------------------------ catalog
    def sources_dict(self) -> dict[str, str]:
        """The ``[sources]`` table: key -> citation."""
        return dict(self.sources)

    def describe(self) -> dict[str, str]:
        """Short plain-text cells of the catalog listing: ``site``, ``coverage``, ``reference``."""
        return {"site": "—", "coverage": "—", "reference": "—"}

    @classmethod
    def attributes_from_toml(cls, data: dict, attrs: dict[str, Any], say) -> dict[str, Any]:
        """Hook: adjust the typed attributes read from a TOML file (``say(key, msg)`` words an
        error at that key's line). The default keeps them."""
        return attrs

    def toml_overrides(self, out: dict[str, Any]) -> dict[str, Any]:
        """Hook: adjust the TOML keys written for this sensor. The default keeps them."""
        return out


def first_seen(sensor, s, rcs_m2, after_burnout: bool | None = None, coarse_s: float = 10.0) -> np.ndarray:
    """The coarse-then-fine scan of :meth:`Sensor.first_seen_s` with ``rcs_m2`` as given."""
    from openbmd.sensors.signature import Signature

    sig = rcs_m2 if isinstance(rcs_m2, Signature) else None
    dt = float(s.t_s[1] - s.t_s[0]) if s.t_s.size > 1 else 1.0
    k = max(1, int(round(coarse_s / dt)))
    idx = np.arange(0, s.t_s.size, k)
    if after_burnout is None:
        limit = s.burnout_s if sig is None else sig.seen_from_s(s.burnout_s)
    else:
        limit = s.burnout_s if after_burnout else np.full(len(s), -np.inf)
    Xc = s.ecef_m[:, idx]
    tc = np.broadcast_to(s.t_s[idx][None, :], Xc.shape[:2])
    rcs_c = rcs_m2 if sig is None else sig.rcs_m2(tc, s.burnout_s[:, None])
    seen = _seen(sensor, Xc, tc, rcs_c) & (tc >= limit[:, None])
    hit = seen.any(axis=1)
    out = np.full(len(s), np.inf)
    if not hit.any():
        return out
    rows = np.flatnonzero(hit)
    j = idx[np.argmax(seen[rows], axis=1)]  # first coarse hit (sample index)
    lo = np.maximum(j - k + 1, 0)
    fine = np.minimum(lo[:, None] + np.arange(k)[None, :], j[:, None])  # the k samples up to j
    Xf = s.ecef_m[rows[:, None], fine]
    if sig is not None:
        rcs_rows = sig.rcs_m2(s.t_s[fine], s.burnout_s[rows, None])
    else:
        rcs_rows = np.asarray(rcs_m2, dtype=float)[rows] if rcs_m2 is not None and np.ndim(rcs_m2) else rcs_m2
    sf = _seen(sensor, Xf, s.t_s[fine], rcs_rows) & (s.t_s[fine] >= limit[rows, None])
    out[rows] = s.t_s[fine[np.arange(rows.size), np.argmax(sf, axis=1)]]
    return out


def _seen(sensor, X, t, rcs_m2) -> np.ndarray:
    """visible() where the positions are finite (NaN after impact); never evaluated on NaN."""
    ok = np.isfinite(X[..., 0])
    out = np.zeros(ok.shape, bool)
    if ok.any():
        rcs = None if rcs_m2 is None else np.asarray(rcs_m2, dtype=float)
        if rcs is not None and rcs.ndim:  # one RCS per threat (T,): along the first axis
            rcs = np.broadcast_to(rcs.reshape(rcs.shape + (1,) * (ok.ndim - rcs.ndim)), ok.shape)[ok]
        out[ok] = sensor.visible(X[ok], t_s=t[ok], rcs_m2=rcs)
    return out
