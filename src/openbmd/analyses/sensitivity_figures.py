"""The notional or disputed figures the answers rest on: one registry entry per figure.

Each :class:`Figure` names a figure, its nominal value, its plausible (low, high) and why,
and says how a value is applied: a function ``apply(setting, value) -> Setting`` that
changes only the public objects the engine reads (an architecture's ``.replace()``, an
interceptor variant as in :mod:`openbmd.analyses.icbm_sweeps` or at another burn time
(:func:`interceptor_with_burn_time`), a radar with another reference range or firm-track rule,
the engine's ``reaction_s`` and ``launch_on``, the threat signature's ``rcs_m2`` and
``booster_rcs_m2``); catalog files are never edited.  Values may be numbers or categories
(``launch-mode``, ``north-sea-station``).  A new figure is one more ``register(Figure(...))`` here.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Callable

from openbmd.errors import InputError
from openbmd.sensors.horizon import BOOSTER_RCS_RANGE_M2, DEFAULT_BOOSTER_RCS_M2
from openbmd.sensors.radar import Radar
from openbmd.sensors.tracking import FIRM_AFTER, FIRM_SIGMA_M


@dataclass(frozen=True, eq=False)
class Setting:
    """What one evaluation changes against the catalog (identity: the nominal run)."""

    rcs_m2: float | None = None  #: warhead RCS the radars see (None: the missile's)
    booster_rcs_m2: float | None = None  #: burning booster's RCS (None: the missile's, else the default)
    launch_on: tuple | None = None  #: every battery's launch modes (None: each architecture's own)
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


def interceptor_with_burn_time(icp, burn_time_s: float):
    """``icp`` burning ``burn_time_s`` to the SAME burnout speed: its equivalent single stage
    re-calibrated (:func:`openbmd.interceptors.booster.kinematic_booster`: launch mass, mass split,
    diameter and drag kept, the Isp solved for the speed), its kill vehicle unchanged (its
    kinematic caps derive from the speed); the catalog interceptor at its own burn time.  The
    fly-out table is the variant's own: a shorter burn reaches the speed sooner and lower."""
    from openbmd.interceptors.booster import kinematic_booster

    b0 = icp.burn_time_s
    if b0 is not None and abs(burn_time_s - b0) < 1e-9:
        return icp
    if not icp.kinematic or b0 is None or icp.burnout_speed_km_s is None:
        raise InputError(f"interceptor {icp.id!r} is given by [[stages]]; a burn-time sweep needs the "
                         "kinematic form (burnout_speed_km_s, burn_time_s, launch_mass_kg)")
    bst = icp.booster
    booster = kinematic_booster(icp.id, icp.name, burnout_speed_km_s=float(icp.burnout_speed_km_s),
                                burn_time_s=float(burn_time_s), launch_mass_kg=icp.launch_mass_kg,
                                diameter_m=bst.diameter_m, drag_mach=tuple(bst.drag_mach), drag_cd=tuple(bst.drag_cd))
    return replace(icp, booster=booster, burn_time_s=float(burn_time_s))


def _burn_scaled(prefix: str, factor):
    """Every interceptor whose id starts with ``prefix`` burning ``factor`` x its catalog time."""
    def fn(icp):
        if not icp.id.startswith(prefix) or float(factor) == 1.0:
            return icp
        return interceptor_with_burn_time(icp, icp.burn_time_s * float(factor))
    return fn


#: launch-mode figure values -> the engine's ``launch_on`` (the nominal: each architecture's own)
LAUNCH_MODE_VALUES = {"firm-track": ("firm-track",), "early-warning": ("firm-track", "early-warning")}
LAUNCH_MODE_NOMINAL = "architecture's"


def _launch_mode(s: Setting, value) -> Setting:
    if value == LAUNCH_MODE_NOMINAL:
        return s
    if value not in LAUNCH_MODE_VALUES:
        raise InputError(f"launch mode {value!r}; allowed: {LAUNCH_MODE_NOMINAL}, {', '.join(LAUNCH_MODE_VALUES)}")
    return s.with_(launch_on=LAUNCH_MODE_VALUES[value])


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
register(Figure(
    "booster-rcs", "booster RCS in boost (m²)", DEFAULT_BOOSTER_RCS_M2, *BOOSTER_RCS_RANGE_M2,
    "N: 1 m² notional (sensors.horizon.DEFAULT_BOOSTER_RCS_M2), plausible 0.5-10 m²: open boost-phase "
    "studies take boosters as ~1-10 m² bodies (APS boost-phase study 2004, M); the warhead's after burnout",
    lambda s, v: s.with_(booster_rcs_m2=float(v))))
register(Figure(
    "launch-mode", "launch mode of every battery", LAUNCH_MODE_NOMINAL, "firm-track", "early-warning",
    "N: each architecture's launch_on (the catalog's: a firm fire-control track plus the reaction time); "
    "low: firm track only; high: early warning allowed too (the first SBIRS report or cueing-radar "
    "detection plus warning_to_launch_s, guided on a firm track): GAO-13-382R's Polish site had to "
    "launch in the threat's boost (S)",
    _launch_mode))
register(Figure(
    "sm-3-burn-time", "SM-3 burn time at the same burnout speed (x catalog)", 1.0, 0.5, 1.5,
    "N: no public SM-3 burn time; 45 s (IA/IB), 55 s (IIA), 50 s (IIB) chosen (interceptors catalog); "
    "x0.5-x1.5 swept (N: nothing public bounds it); the burnout speed and kill vehicle kept",
    lambda s, v: s if float(v) == 1.0 else s.with_(interceptor=_burn_scaled("sm-3-", v)),
    ("epaa-phase-3", "epaa-phase-4")))
register(Figure(
    "gbi-burn-time", "GBI burn time at the same burnout speed (x catalog)", 1.0, 0.75, 1.5,
    "N: ~150-180 s, 160 s chosen (interceptors catalog, gbi-3stage; none public); the OBV is 3 stages of "
    "Pegasus/Taurus hardware (S, docs/research/interceptors.md [24]) and Pegasus-class Orion 50S XL/50 XL/38 "
    "motors burn ~68-70 s each, ~206 s in all (M: Wikipedia 'Orion (rocket stage)'), so 120-240 s is swept; "
    "the burnout speed and kill vehicle kept",
    lambda s, v: s if float(v) == 1.0 else s.with_(interceptor=_burn_scaled("gbi-", v)), ("gmd",)))
