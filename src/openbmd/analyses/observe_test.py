"""Transparency: another party's radar observes an interceptor flight test.

The seed's motive: Russian experts observing SM-3 tests "to see for themselves that the
interceptor lacks the capabilities to pose a serious threat to Russian strategic missiles".

:func:`observe_test` flies one test of a catalog interceptor on the trajectory engine (the
fly-out steering of :mod:`openbmd.interceptors.flyout`: 1 s vertical rise, 4 s pitch-over,
gravity turn; by default the kick of the reference fly-out's farthest arc, the one the
catalog's burnout speed is calibrated on), lets the observer's radar measure it
(:func:`openbmd.sensors.observe.observe`: its noise, revisit, horizon, elevation limits,
faces and radar equation; the looks' phase drawn from the seed), estimates the burnout speed
with a sigma as the observer would (:mod:`openbmd.analyses.observe_fit`) and says which
Russian ICBM cases of ``icbm-reach`` an interceptor that fast could engage
(:mod:`openbmd.analyses.observe_reach`).  :func:`observe_sweep` shows how the sigma grows as
the observer moves away from the test site.

The interceptor's radar cross section is notional (N): ``DEFAULT_RCS_M2`` = 1 m^2 for the
burning and burnt-out body (a 0.53 m wide, ~6 m long stage stack; plausible 0.5-5 m^2, the
booster class of :data:`openbmd.sensors.horizon.BOOSTER_RCS_RANGE_M2`); the test is notified,
so the observer's radar is cued (its full detection range).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from openbmd.analyses.observe_fit import BurnoutFit, fit_burnout
from openbmd.errors import InputError

DEFAULT_RCS_M2 = 1.0  #: N: the interceptor's body, plausible 0.5-5 m^2 (module doc)
DEFAULT_WINDOW_S = 300.0  #: the boost and early flight the observer is shown (s after launch)
DEFAULT_AZIMUTH_DEG = 90.0
SWEEP_RADARS = ("voronezh-dm-armavir", "don-2n", "an-tpy-2-fbm")
SWEEP_DISTANCES_KM = tuple(float(d) for d in range(300, 3001, 300))
LATLON_HINT = "expected LAT,LON in degrees, e.g. 44.08,24.41"


@dataclass(frozen=True, kw_only=True, eq=False)
class ObservedFlight:
    """One flown test: the interceptor's trajectory (to the end of the window) and its burnout."""

    interceptor_id: str
    site_lat_deg: float
    site_lon_deg: float
    azimuth_deg: float
    kick_deg: float
    trajectory: object  #: openbmd.flight.Trajectory, launch at t = 0
    burnout_s: float
    burnout_speed_m_s: float  #: Earth-relative, as a radar measures it
    burnout_alt_m: float
    catalog_speed_km_s: float

    @property
    def launch_ecef_m(self) -> np.ndarray:
        return self.trajectory.ecef_m[0]


@dataclass(frozen=True, kw_only=True, eq=False)
class ObserveTestResult:
    """The observer's reading of one test, the truth beside it, and what the reading implies."""

    flight: ObservedFlight
    observer: dict
    fit: BurnoutFit
    could_engage: dict | None
    seed: int
    rcs_m2: float
    seconds: float

    def summary(self) -> dict:
        """The JSON contract of ``openbmd observe-test``."""
        f, b = self.fit, self.flight
        return {
            "interceptor": b.interceptor_id,
            "site": {"lat_deg": b.site_lat_deg, "lon_deg": b.site_lon_deg},
            "flight": {"azimuth_deg": b.azimuth_deg, "kick_deg": round(b.kick_deg, 3),
                       "burnout_s": round(b.burnout_s, 2), "burnout_altitude_km": round(b.burnout_alt_m / 1e3, 1)},
            "observer": self.observer,
            "burnout_speed_km_s": round(f.speed_m_s / 1e3, 4),
            "sigma_km_s": round(f.sigma_m_s / 1e3, 4),
            "sigma_fit_km_s": round(f.sigma_fit_m_s / 1e3, 4),
            "true_burnout_speed_km_s": round(b.burnout_speed_m_s / 1e3, 4),
            "catalog_burnout_speed_km_s": b.catalog_speed_km_s,
            "burnout_time_s": round(f.burnout_s, 2),
            "burnout_time_bracket_s": [round(x, 2) for x in f.bracket_s],
            "boost_seen": f.boost_seen,
            "looks": f.looks, "coasting_looks": f.coasting_looks,
            "first_look_s": round(f.first_look_s, 1), "last_look_s": round(f.last_look_s, 1),
            "could_engage": self.could_engage,
            "rcs_m2": self.rcs_m2, "seed": self.seed,
            "assumptions": ASSUMPTIONS,
            "seconds": round(self.seconds, 2),
        }


ASSUMPTIONS = [
    "The test is notified: the observer knows the launch site and time and its radar is cued (full detection range).",
    "Interceptor RCS notional 1 m^2 for the burning and burnt-out body (plausible 0.5-5 m^2); detection by the "
    "radar equation, line of sight over the WGS-84 ellipsoid, the radar's elevation limits and faces.",
    "Looks at the radar's revisit with a phase drawn from the seed; Gaussian noise of the catalog's sigmas.",
    "The observer fits a drag-free ballistic arc (J2 gravity, rotating Earth) to the coasting looks by weighted "
    "least squares; the burnout time from how far the last boosting looks run ahead of that arc (rocket equation, "
    "exhaust speed and mass flow unknown), or without a boosting look uniform from the first coasting look back to "
    "the earliest burnout the launch allows; sigma = the fit's and the burnout time's.",
    "Speeds are Earth-relative at burnout; the catalog's figure is the reference fly-out's (non-rotating Earth).",
    "could_engage: cases of icbm-reach some battery carrying the interceptor engages with a burnout speed equal to "
    "the estimate, the estimate + 2 sigma (the cautious observer's reading), the truth and the catalog's figure.",
]


# ------------------------------------------------------------------ inputs
def parse_latlon(text: str, what: str) -> tuple[float, float]:
    """``"LAT,LON"`` in degrees, checked; InputError naming ``what`` otherwise."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        lat, lon = (float(p) for p in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InputError(f"{what} {text!r}: {LATLON_HINT}")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon < 360.0):
        raise InputError(f"{what} {text!r}: latitude must be in [-90, 90], longitude in [-180, 360) degrees")
    return lat, lon


def site_latlon(site: str) -> tuple[float, float]:
    """A catalog launcher id (``openbmd interceptors`` lists them) or ``LAT,LON``."""
    from openbmd.interceptors.catalog import get_launch_site

    if "," in str(site):
        return parse_latlon(site, "site")
    ls = get_launch_site(str(site))
    return float(ls.lat_deg), float(ls.lon_deg)


def observer_radar(spec: str, site_lat_deg: float, site_lon_deg: float):
    """``RADAR`` (at its catalog site) or ``RADAR@LAT,LON`` (moved there, its faces turned to
    the test site): the radar and its description for the JSON."""
    from openbmd.earth.geodesy import geodesic_inverse
    from openbmd.sensors.catalog import get_radar

    rid, _, where = str(spec).partition("@")
    radar = get_radar(rid.strip())
    if where:
        lat, lon = parse_latlon(where, f"observer {spec!r}: position")
        radar = point_at(radar, lat, lon, site_lat_deg, site_lon_deg)
    dist, az, _ = geodesic_inverse(radar.site_lat_deg, radar.site_lon_deg, site_lat_deg, site_lon_deg)
    return radar, {"radar": radar.id, "lat_deg": radar.site_lat_deg, "lon_deg": radar.site_lon_deg,
                   "moved": bool(where), "distance_km": round(float(dist) / 1e3, 1),
                   "bearing_to_site_deg": round(float(az) % 360.0, 1),
                   "sigma_range_m": radar.sigma_range_m, "sigma_angle_deg": round(math.degrees(radar.sigma_angle_rad), 4),
                   "revisit_s": radar.revisit_s}


def point_at(radar, lat_deg, lon_deg, site_lat_deg, site_lon_deg):
    """``radar`` moved to (lat, lon) at sea level, its first face (if it has faces) toward the site."""
    from openbmd.earth.geodesy import geodesic_inverse

    faces = None
    if radar.faces_az_rad:
        az = float(geodesic_inverse(lat_deg, lon_deg, site_lat_deg, site_lon_deg)[1]) % 360.0
        turn = az - math.degrees(radar.faces_az_rad[0])
        faces = [math.degrees(f) + turn for f in radar.faces_az_rad]
    return radar.at(lat_deg, lon_deg, 0.0, faces_az_deg=faces, site_name=f"{radar.site_name} (moved)")


# ------------------------------------------------------------------ the test
def fly_test(interceptor, site_lat_deg: float, site_lon_deg: float, *, azimuth_deg: float = DEFAULT_AZIMUTH_DEG,
             kick_deg: float | None = None, window_s: float = DEFAULT_WINDOW_S) -> ObservedFlight:
    """Fly one test of ``interceptor`` (an Interceptor or a catalog id) from the site toward
    ``azimuth_deg`` to ``window_s`` after launch (rotating WGS-84 Earth with drag)."""
    from openbmd.earth.model import earth_model
    from openbmd.flight.lanes import Tolerances, powered_lanes
    from openbmd.flight.propagate import run_lanes
    from openbmd.interceptors.booster import PITCH_OVER_S, VERTICAL_RISE_S, reference_fan
    from openbmd.interceptors.catalog import get_interceptor
    from openbmd.kernels import flight as K

    icp = get_interceptor(interceptor) if isinstance(interceptor, str) else interceptor
    if not (math.isfinite(azimuth_deg)):
        raise InputError(f"azimuth_deg = {azimuth_deg}: must be a number of degrees")
    booster = icp.booster
    if not (math.isfinite(window_s) and window_s >= 2.0 * booster.total_burn_time_s + 20.0):
        raise InputError(f"window_s = {window_s:g}: must cover the boost and some coasting "
                         f"(>= {2.0 * booster.total_burn_time_s + 20.0:g} s for {icp.id})")
    if kick_deg is None:
        kicks, ref = reference_fan(booster)
        kick_deg = float(kicks[int(np.argmax(np.where(ref.ok, ref.range_m, -np.inf)))])
    elif not (math.isfinite(kick_deg) and 0.0 < kick_deg < 90.0):
        raise InputError(f"kick_deg = {kick_deg}: allowed 0 to 90 degrees from the vertical")
    model = earth_model("wgs84", rotation=True)
    lanes = powered_lanes([booster], np.zeros(1, np.int64), site_lat_deg, site_lon_deg, 0.0, azimuth_deg % 360.0,
                          kick_deg, np.inf, model, t_vert_s=VERTICAL_RISE_S)
    lanes.lane[:, K.L_KICKDUR] = PITCH_OVER_S
    lanes.lane[:, K.L_TMAX] = window_s
    batch = run_lanes(lanes, model, history=True, tol=Tolerances(max_step_s=1.0),
                      launch_lat_deg=site_lat_deg, launch_lon_deg=site_lon_deg)
    if not np.isfinite(batch.burnout_time_s[0]):
        raise InputError(f"the {icp.id} test with kick {kick_deg:g} deg hits the ground before burnout")
    return ObservedFlight(interceptor_id=icp.id, site_lat_deg=float(site_lat_deg), site_lon_deg=float(site_lon_deg),
                      azimuth_deg=float(azimuth_deg) % 360.0, kick_deg=float(kick_deg),
                      trajectory=batch.trajectories[0], burnout_s=float(batch.burnout_time_s[0]),
                      burnout_speed_m_s=float(batch.burnout_speed_m_s[0]),
                      burnout_alt_m=float(batch.burnout_alt_m[0]),
                      catalog_speed_km_s=float(icp.burnout_speed_km_s or math.nan))


def measure(flight: ObservedFlight, radar, *, rcs_m2: float = DEFAULT_RCS_M2, seed: int | None = 0, noise: bool = True):
    """The radar's detections of the test: looks at its revisit, phase from ``seed`` (0 with
    ``seed=None``), Gaussian noise unless ``noise=False``."""
    from openbmd.sensors.observe import observe

    rng = np.random.default_rng(seed)
    phase = rng.uniform(0.0, radar.revisit_s) if seed is not None else 0.0
    det = observe(radar, flight.trajectory, rcs_m2, rng if noise else _Silent(), t0_s=phase)
    if det.t_s.size == 0:
        raise InputError(f"observer {radar.id} at {radar.site_lat_deg:.2f}, {radar.site_lon_deg:.2f} sees nothing "
                         f"of the test in its first {flight.trajectory.t_s[-1]:.0f} s (beyond its horizon, "
                         f"elevation limits, faces or detection range)")
    return det


class _Silent:
    """A Generator stand-in whose normal draws are zero (noise-free looks for the sweep)."""

    def normal(self, loc, scale, size):
        return np.zeros(size)


def observe_test(interceptor: str, site: str, observer: str, *, azimuth_deg: float = DEFAULT_AZIMUTH_DEG,
                 kick_deg: float | None = None, window_s: float = DEFAULT_WINDOW_S, rcs_m2: float = DEFAULT_RCS_M2,
                 seed: int = 0, reach: bool = True, architecture: str | None = None,
                 all_cases: bool = False) -> ObserveTestResult:
    """Fly a test of ``interceptor`` from ``site`` (launcher id or ``LAT,LON``), observe it with
    ``observer`` (``RADAR`` or ``RADAR@LAT,LON``), estimate the burnout speed and, with ``reach``,
    count the icbm-reach cases the estimate could engage (see the module doc)."""
    from openbmd.analyses.observe_reach import case_needs

    t0 = time.perf_counter()
    if not (math.isfinite(rcs_m2) and rcs_m2 > 0):
        raise InputError(f"rcs_m2 = {rcs_m2}: must be a number > 0")
    lat, lon = site_latlon(site)
    radar, desc = observer_radar(observer, lat, lon)
    flight = fly_test(interceptor, lat, lon, azimuth_deg=azimuth_deg, kick_deg=kick_deg, window_s=window_s)
    fit = fit_burnout(measure(flight, radar, rcs_m2=rcs_m2, seed=seed), radar, flight.launch_ecef_m,
                      flight.trajectory.earth)
    engage = None
    if reach:
        needs = case_needs(flight.interceptor_id, architecture_id=architecture, all_cases=all_cases)
        v, s = fit.speed_m_s / 1e3, fit.sigma_m_s / 1e3
        engage = needs.summary({"estimate": v, "estimate_plus_2_sigma": v + 2.0 * s,
                                "true_speed": flight.burnout_speed_m_s / 1e3,
                                "catalog_speed": flight.catalog_speed_km_s})
    return ObserveTestResult(flight=flight, observer=desc, fit=fit, could_engage=engage, seed=int(seed),
                             rcs_m2=float(rcs_m2), seconds=time.perf_counter() - t0)


# ------------------------------------------------------------------ degradation
def observe_sweep(flight: ObservedFlight, *, radars=SWEEP_RADARS, distances_km=SWEEP_DISTANCES_KM,
                  bearing_deg: float | None = None, rcs_m2: float = DEFAULT_RCS_M2) -> list[dict]:
    """The expected sigma of the burnout speed for each radar moved to each distance from the
    test site along ``bearing_deg`` (default: square to the flight, on its left), faces turned
    to the site: noise-free looks at phase 0, so each row is the fit's covariance and bracket,
    not one draw.  Rows where the radar sees too little say why in ``seen``."""
    from openbmd.earth.geodesy import geodesic_direct
    from openbmd.sensors.catalog import get_radar

    brg = (flight.azimuth_deg - 90.0) % 360.0 if bearing_deg is None else float(bearing_deg) % 360.0
    rows = []
    for rid in radars:
        base = get_radar(rid)
        for d in distances_km:
            lat, lon, _ = geodesic_direct(flight.site_lat_deg, flight.site_lon_deg, brg, float(d) * 1e3)
            radar = point_at(base, float(lat), float(lon), flight.site_lat_deg, flight.site_lon_deg)
            row = {"radar": rid, "distance_km": float(d), "lat_deg": round(float(lat), 3),
                   "lon_deg": round(float(lon), 3)}
            try:
                det = measure(flight, radar, rcs_m2=rcs_m2, seed=None, noise=False)
                fit = fit_burnout(det, radar, flight.launch_ecef_m, flight.trajectory.earth)
            except InputError as exc:
                rows.append({**row, "seen": str(exc), "sigma_km_s": None, "boost_seen": None, "looks": 0})
                continue
            rows.append({**row, "seen": "yes", "sigma_km_s": round(fit.sigma_m_s / 1e3, 4),
                         "sigma_fit_km_s": round(fit.sigma_fit_m_s / 1e3, 4), "boost_seen": fit.boost_seen,
                         "looks": fit.looks, "first_look_s": round(fit.first_look_s, 1)})
    return rows
