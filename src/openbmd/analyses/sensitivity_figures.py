"""The notional or disputed figures the answers rest on: one registry entry per figure.

Each :class:`Figure` names a figure, its nominal value, its plausible (low, high) and why,
and says how a value is applied: a function ``apply(setting, value) -> Setting`` that
changes only the public objects the engine reads (an architecture's ``.replace()``, an
interceptor variant as in :mod:`openbmd.analyses.icbm_sweeps`, a radar with another
reference range or firm-track rule, the engine's ``reaction_s`` and ``rcs_m2``); catalog
files are never edited.  A new figure (a launch mode, a booster RCS...) is one more
``register(Figure(...))`` here.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Callable

from openbmd.errors import InputError
from openbmd.sensors.radar import Radar
from openbmd.sensors.tracking import FIRM_AFTER, FIRM_SIGMA_M


@dataclass(frozen=True, eq=False)
class Setting:
    """What one evaluation changes against the catalog (identity: the nominal run)."""

    rcs_m2: float | None = None  #: warhead RCS the radars see (None: the missile's)
    reaction_s: float | None = None  #: firm track to launch (None: each architecture's)
    radar: tuple = ()  #: functions Radar -> Radar, applied in order
    interceptor: tuple = ()  #: functions Interceptor -> Interceptor, applied in order
    architecture: tuple = ()  #: functions Architecture -> Architecture, applied in order

    def with_(self, **more) -> "Setting":
        """This setting with more changes (functions are appended, numbers replaced)."""
        out = {}
        for k, v in more.items():
            out[k] = getattr(self, k) + (v,) if k in ("radar", "interceptor", "architecture") else v
        return replace(self, **out)


@dataclass(frozen=True, eq=False)
class Figure:
    """A notional or disputed figure swept over its plausible range."""

    name: str  #: the figure's id (``openbmd sensitivity --figure NAME``)
    label: str  #: what it is, with its unit
    nominal: object  #: the value the published answers use
    low: object
    high: object
    why: str  #: the source of the nominal value and of the range
    apply: Callable = field(repr=False)  #: (Setting, value) -> Setting
    applies_to: tuple = ()  #: architecture ids it changes (() = every one)

    def setting(self, value) -> Setting:
        return self.apply(Setting(), value)


FIGURES: dict[str, Figure] = {}


def register(fig: Figure) -> Figure:
    if fig.name in FIGURES:
        raise ValueError(f"figure {fig.name!r} registered twice")
    FIGURES[fig.name] = fig
    return fig


def get_figures(names=None) -> list[Figure]:
    """The registered figures named (all when ``names`` is empty), or one InputError line."""
    if not names:
        return list(FIGURES.values())
    bad = [n for n in names if n not in FIGURES]
    if bad:
        raise InputError(f"unknown figure {bad[0]!r}; allowed: {', '.join(FIGURES)}")
    return [FIGURES[n] for n in dict.fromkeys(names)]


# ---------------------------------------------------------------- how figures are applied
@dataclass(frozen=True, kw_only=True, eq=False)
class FirmRuleRadar(Radar):
    """A radar whose firm-track rule (RSS position sigma under ``firm_sigma_m`` after
    ``firm_after`` detections) is not the tracker's default."""

    firm_after: int = FIRM_AFTER
    firm_sigma_m: float = FIRM_SIGMA_M

    def track_times(self, samples, rcs_m2, *, cued: bool = True):
        from openbmd.sensors.firm import radar_track_times

        return radar_track_times(self, samples, rcs_m2, cued, firm_after=self.firm_after,
                                 firm_sigma_m=self.firm_sigma_m)

    def firm_track_s(self, samples, rcs_m2, *, cued: bool = True):
        return self.track_times(samples, rcs_m2, cued=cued)[1]


def _firm_rule(radar, **rule):
    """``radar`` with another firm-track rule (the rule's other half kept)."""
    base = {"firm_after": getattr(radar, "firm_after", FIRM_AFTER),
            "firm_sigma_m": getattr(radar, "firm_sigma_m", FIRM_SIGMA_M), **rule}
    kw = {f.name: getattr(radar, f.name) for f in dataclasses.fields(radar) if f.init and f.name not in base}
    return FirmRuleRadar(**kw, **base)


def _radars(fn):
    """A radar change that leaves other sensor kinds (space-based trackers) alone."""
    return lambda r: fn(r) if isinstance(r, Radar) else r


def _kv(icp, **changes):
    return replace(icp, kill_vehicle=replace(icp.kill_vehicle, **changes))


def _at_speed(interceptor_id: str, speed_km_s: float):
    def fn(icp):
        from openbmd.analyses.icbm_sweeps import interceptor_at_speed

        return interceptor_at_speed(icp, float(speed_km_s)) if icp.id == interceptor_id else icp
    return fn


def _north_sea(value):
    """The North Sea ship (battery and radar ``*-north-sea``) dropped, or moved to 'LAT,LON'."""
    def fn(arch):
        ship = [b for b in arch.batteries if b.id == "ship-north-sea"]
        if not ship:
            return arch
        if value == "dropped":
            return arch.replace(batteries=tuple(b for b in arch.batteries if b.id != "ship-north-sea"),
                                sensors=tuple(s for s in arch.sensors if s.id != "spy-north-sea"))
        lat, lon = (float(x) for x in str(value).split(","))
        return arch.replace(
            batteries=tuple(_moved(b, lat, lon) if b.id == "ship-north-sea" else b for b in arch.batteries),
            sensors=tuple(s.replace(lat_deg=lat, lon_deg=lon) if s.id == "spy-north-sea" else s
                          for s in arch.sensors))
    return fn


def _moved(battery, lat, lon):
    """The battery at another station (its launcher's magazine kept, unless it overrides it)."""
    keys = [k for k in type(battery).model_fields if k != "magazine" or "magazine" in battery.overrides]
    data = {**{k: getattr(battery, k) for k in keys}, "lat_deg": lat, "lon_deg": lon,
            "overrides": tuple(dict.fromkeys(battery.overrides + ("lat_deg", "lon_deg")))}
    return type(battery)(**data)


NORTH_SEA_NOMINAL = "57.0,3.0"

register(Figure(
    "warhead-rcs", "warhead RCS (m²)", 0.1, 0.01, 1.0,
    "N: 0.1 m² is the project's default warhead RCS (no public figure for any Russian or Iranian RV); "
    "0.01-1 m² spans a blunt cone seen nose-on to one seen broadside (docs/research/sensors.md)",
    lambda s, v: s.with_(rcs_m2=float(v))))
register(Figure(
    "radar-reference-range", "radar reference range (x catalog)", 1.0, 0.7, 1.3,
    "M: each radar's (range, RCS) reference pair is one commonly quoted figure; ±30 % of range "
    "(x0.24 to x2.9 in power) is the spread between open estimates; the instrumented range still caps",
    lambda s, v: s.with_(radar=_radars(lambda r: replace(r, reference_range_m=r.reference_range_m * float(v))))))
register(Figure(
    "firm-track-looks", "detections to a firm track", FIRM_AFTER, 3, 10,
    "N: no public fire-control threshold; 5 detections chosen, 3 (the filter's start) to 10 (radars only; "
    "other sensors' rule unchanged)",
    lambda s, v: s.with_(radar=_radars(lambda r: _firm_rule(r, firm_after=int(v))))))
register(Figure(
    "firm-track-sigma", "firm-track position sigma (m)", FIRM_SIGMA_M, 300.0, 3000.0,
    "N: no public fire-control threshold; RSS position sigma under 1 km chosen, 0.3-3 km swept (radars only)",
    lambda s, v: s.with_(radar=_radars(lambda r: _firm_rule(r, firm_sigma_m=float(v))))))
register(Figure(
    "reaction-time", "reaction time, firm track to launch (s)", 30.0, 0.0, 120.0,
    "N: 30 s in every architecture (nothing public); 0 (launch at firm track) to 120 s (a slow chain)",
    lambda s, v: s.with_(reaction_s=float(v))))
register(Figure(
    "gbi-burnout-speed", "GBI burnout speed (km/s)", 7.0, 6.3, 8.5,
    "M: 7-8.3 km/s (FAS); D: ~6.3 km/s from the 2003 booster-test geometry; S (secondary): Lewis & Postol "
    "'above 8.5 km/s' (interceptors catalog, gbi-3stage)",
    lambda s, v: s.with_(interceptor=_at_speed("gbi-3stage", v)), ("gmd",)))
register(Figure(
    "sm-3-iia-burnout-speed", "SM-3 IIA burnout speed (km/s)", 4.5, 4.0, 5.0,
    "M: ~4.5 km/s, 4.0-5.0 (Wilkening 2012; NRC 2012; interceptors catalog, sm-3-iia)",
    lambda s, v: s.with_(interceptor=_at_speed("sm-3-iia", v)), ("epaa-phase-3", "epaa-phase-4")))
register(Figure(
    "sm-3-iib-burnout-speed", "SM-3 IIB burnout speed (km/s)", 5.5, 5.0, 6.0,
    "S: planned ~5.5 km/s (Arms Control Today 2013); M: 5-6 (interceptors catalog, sm-3-iib; never built)",
    lambda s, v: s.with_(interceptor=_at_speed("sm-3-iib", v)), ("epaa-phase-4",)))
register(Figure(
    "kv-min-altitude", "kill-vehicle minimum intercept altitude (x catalog)", 1.0, 0.7, 1.3,
    "M/N: SM-3 'exo-atmospheric, ~70-100 km' (100 chosen), GBI 120 km from FTG-03a; every interceptor's "
    "minimum scaled together (SM-3 70-130 km, GBI 84-156 km)",
    lambda s, v: s.with_(interceptor=lambda i: _kv(i, min_intercept_alt_km=i.kill_vehicle.min_intercept_alt_km
                                                       * float(v)))))
register(Figure(
    "single-shot-pk", "single-shot Pk (every interceptor)", "catalog", 0.5, 0.9,
    "N: 0.8 (SM-3), 0.6 (GBI) chosen; scripted-test records give Laplace estimates 0.50-0.94 "
    "(interceptors catalog); moves P(defense), never what is engageable",
    lambda s, v: s if v == "catalog" else s.with_(interceptor=lambda i: _kv(i, pk_single_shot=float(v)))))
register(Figure(
    "north-sea-station", "North Sea ship station", NORTH_SEA_NOMINAL, "dropped", "64.0,2.0",
    "N: station 57 N, 3 E (Cartwright's North Sea patrol, S; the spot notional); low: no ship; high: moved "
    "north to the Norwegian Sea (64 N, 2 E), nearer the polar routes (notional)",
    lambda s, v: s if v == NORTH_SEA_NOMINAL else s.with_(architecture=_north_sea(v)),
    ("epaa-phase-3", "epaa-phase-4")))
# launch mode (launch on early warning vs on a firm fire-control track): register a Figure here
# when the architectures carry it (issue 13's boost-phase part), e.g. apply=lambda s, v:
# s.with_(architecture=lambda a: a.replace(command=a.command.replace(launch_on=v))).
