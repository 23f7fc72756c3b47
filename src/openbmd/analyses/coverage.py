"""The defended area: can an architecture engage a threat aimed at each point of a region?

For one missile from one launch area: every land cell of the region (and
every city of the region, at its own coordinates) gets a minimum-energy
trajectory aimed at it (:func:`openbmd.flight.aim_many.aim_many`), and each
trajectory is engaged by every battery of the architecture
(:func:`openbmd.engagement.engine.engage_many`: track, reaction, battle
space, shot opportunities, kill probability under the doctrine, batteries
as independent layers).  A point is *threatened* when the missile reaches it,
*defended* when at least one battery can engage the threat aimed at it.

Work runs in chunks of trajectories: :func:`engage_chunk` is a pure function
of its inputs (a unit for a Dask worker); memory stays bounded.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from openbmd.errors import InputError

CHUNK = 400  #: trajectories flown and engaged together
#: an aim point counts as reached when its flight lands this close (m): small against the grid's
#: cells (a 0.25 deg cell is 28 km by 16-25 km) and the threat's own accuracy
AIM_MISS_M = 5000.0


@dataclass(frozen=True, eq=False)
class PointResults:
    """Per aim point (cell or city)."""

    threatened: np.ndarray  #: bool: the missile reaches the point (min-energy arc aimed within AIM_MISS_M)
    engageable: np.ndarray  #: bool: at least one battery can engage
    opportunities: np.ndarray  #: int: shot opportunities summed over batteries (each capped at 3)
    p_defense: np.ndarray  #: probability the threat is killed (doctrine, independent layers)
    by_battery: dict  #: battery id -> bool array: that battery can engage
    flight_time_s: np.ndarray  #: NaN where not threatened

    @property
    def shoot_look_shoot(self) -> np.ndarray:
        return self.opportunities >= 2


@dataclass(frozen=True, eq=False)
class CoverageResult:
    architecture: object  #: Architecture
    missile_id: str
    launch_name: str
    launch_lat_deg: float
    launch_lon_deg: float
    region: object  #: Region
    cells: PointResults
    cities: tuple  #: City objects of the region
    city_results: PointResults
    seconds: float
    meta: dict = field(default_factory=dict)

    def _frac(self, mask) -> float:
        a = self.region.area_km2
        thr = a[self.cells.threatened].sum()
        return float(a[mask & self.cells.threatened].sum() / thr) if thr > 0 else 0.0

    def summary(self) -> dict:
        """The JSON contract of ``openbmd coverage``."""
        a = self.region.area_km2
        c = self.cells
        cr = self.city_results
        pops = np.array([x.population for x in self.cities], float)
        capitals = [{"name": x.name, "country": x.country, "lat_deg": x.lat_deg, "lon_deg": x.lon_deg,
                     "population": x.population, "threatened": bool(cr.threatened[i]),
                     "defended": bool(cr.engageable[i]), "p_defense": float(cr.p_defense[i]),
                     "shot_opportunities": int(cr.opportunities[i])}
                    for i, x in enumerate(self.cities) if x.capital]
        return {
            "architecture": self.architecture.id,
            "threat": self.missile_id,
            "launch_area": {"name": self.launch_name, "lat_deg": self.launch_lat_deg, "lon_deg": self.launch_lon_deg},
            "region": self.region.name,
            "grid_step_deg": self.region.step_deg,
            "cells": int(len(self.region)),
            "region_area_km2": float(a.sum()),
            "threatened_area_km2": float(a[c.threatened].sum()),
            "defended_area_km2": float(a[c.engageable].sum()),
            # share of the threatened area (the part of the region the missile can reach) that is defended
            "defended_area_fraction": self._frac(c.engageable),
            "shoot_look_shoot_area_fraction": self._frac(c.shoot_look_shoot),
            "mean_p_defense_threatened": float((a * c.p_defense)[c.threatened].sum() / a[c.threatened].sum())
            if c.threatened.any() else 0.0,
            "population_total": int(pops[cr.threatened].sum()),  # threatened cities
            "population_defended": int(pops[cr.engageable].sum()),
            "population_expected_saved": float((pops * cr.p_defense)[cr.threatened].sum()),
            "population_in_region": int(pops.sum()),
            "batteries": {b: float(a[m].sum() / a[c.threatened].sum()) if c.threatened.any() else 0.0
                          for b, m in c.by_battery.items()},
            "capitals": capitals,
            "seconds": round(self.seconds, 2),
            **self.meta,
        }


def fly_chunk(missile, launch_lat_deg, launch_lon_deg, azimuth_deg, kick_deg, cutoff_s, *, earth="wgs84"):
    """Fly the given steering from one launch point, sampled for the battle space (ThreatSamples)."""
    from openbmd.earth.model import earth_model
    from openbmd.flight.samples import SAMPLED_MAX_STEP_S, sample_flights, sample_step_s
    from openbmd.flight.lanes import Tolerances
    from openbmd.flight.shaping import Launcher

    launcher = Launcher(missile, float(launch_lat_deg), float(launch_lon_deg), earth_model(earth), True)
    probe = launcher.fly(azimuth_deg[:1], kick_deg[:1], cutoff_s[:1])
    dt = sample_step_s(float(np.nanmax(probe.impact_time_s)) if np.isfinite(probe.impact_time_s).any() else 600.0)
    batch = launcher.fly(azimuth_deg, kick_deg, cutoff_s, tol=Tolerances(max_step_s=SAMPLED_MAX_STEP_S),
                         sample_dt_s=dt)
    return sample_flights(batch)


def engage_chunk(resolved, missile, launch_lat_deg, launch_lon_deg, azimuth_deg, kick_deg, cutoff_s,
                 rcs_m2, *, earth="wgs84", launch_on=None, flyouts=None):
    """Fly the given steering and engage every flight with each resolved architecture of the list
    ``resolved``: ([ManyResult per architecture], impact times).  A pure function of its inputs:
    the unit of work a Dask worker takes. ``launch_on``: every battery's launch modes (None: each
    battery's own; :func:`openbmd.engagement.engine.engage_many`); ``flyouts``: per architecture,
    battery id -> its fly-out table (default: each process loads or builds them)."""
    from openbmd.engagement.engine import engage_many

    from openbmd.engagement.battlespace import threat_geometry

    s = fly_chunk(missile, launch_lat_deg, launch_lon_deg, azimuth_deg, kick_deg, cutoff_s, earth=earth)
    firm: dict = {}
    geometry = threat_geometry(s.ecef_m, s.vel_m_s)
    flyouts = flyouts or [None] * len(resolved)
    return [engage_many(r, s, rcs_m2, firm_cache=firm, geometry=geometry, launch_on=launch_on, flyouts=f)
            for r, f in zip(resolved, flyouts)], s.impact_s


def engage_points(resolved, missile, launch_lat_deg, launch_lon_deg, lat_deg, lon_deg, *, rcs_m2=None,
                  booster_rcs_m2=None, launch_on=None, progress=None, chunk: int = CHUNK, client=None):
    """Aim ``missile`` at every point and engage each flight with every resolved architecture of
    the list ``resolved`` (the flights are shared): one PointResults per architecture.
    ``rcs_m2``/``booster_rcs_m2`` override the warhead's and the booster's RCS
    (:func:`openbmd.sensors.horizon.threat_signature`); ``launch_on`` (a tuple of
    :data:`openbmd.architectures.model.LAUNCH_MODES`) overrides every battery's launch modes, as
    :func:`openbmd.analyses.icbm_reach.icbm_reach` does.  ``client``: a Dask client to run the
    chunks on (:func:`openbmd.scale.executor.map_chunks`; the same chunks, the same answer)."""
    from openbmd.earth.model import earth_model
    from openbmd.sensors.horizon import threat_signature
    from openbmd.flight.aim_many import aim_many
    from openbmd.flight.shaping import Launcher
    from openbmd.interceptors.flyout import flyout_table
    from openbmd.scale.executor import map_chunks

    archs = list(resolved)
    launch_on = check_launch_on(launch_on)
    rcs = threat_signature(missile, rcs_m2, booster_rcs_m2)  # the booster in boost, the warhead after burnout
    lat, lon = np.asarray(lat_deg, float), np.asarray(lon_deg, float)
    K = lat.size
    launcher = Launcher(missile, float(launch_lat_deg), float(launch_lon_deg), earth_model("wgs84"), True)
    aim = aim_many(launcher, lat, lon, miss_tol_m=AIM_MISS_M)
    idx = np.flatnonzero(aim.reachable)
    acc = [{"eng": np.zeros(K, bool), "opp": np.zeros(K, np.int64), "p": np.zeros(K),
            "by": {b.id: np.zeros(K, bool) for b in r.batteries}} for r in archs]
    tof = np.full(K, np.nan)
    parts = [idx[n0:n0 + chunk] for n0 in range(0, idx.size, chunk)]
    steering = [(aim.azimuth_deg[j], aim.kick_deg[j], aim.cutoff_s[j]) for j in parts]
    # the fly-out tables, loaded or built here once and shipped with the architectures (a task
    # never builds one): each battery's interceptor at its latitude, as engage_many would take it
    flyouts = [{b.id: flyout_table(b.interceptor, b.entry.lat_deg) for b in r.batteries} for r in archs]
    shared = {"resolved": archs, "missile": missile, "launch": (launch_lat_deg, launch_lon_deg), "rcs": rcs,
              "launch_on": launch_on,
              "flyouts": flyouts}
    done = (lambda d, n: progress(min(d * chunk, idx.size), idx.size)) if progress else None
    for j, (results, t_imp) in zip(parts, map_chunks(chunk_outcomes, steering, client=client, shared=shared,
                                                     progress=done)):
        tof[j] = t_imp
        for a, (eng, opp, p, by) in zip(acc, results):
            a["eng"][j], a["opp"][j], a["p"][j] = eng, opp, p
            for b, e in by.items():
                a["by"][b][j] = e
    return [PointResults(aim.reachable.copy(), a["eng"], a["opp"], a["p"], a["by"], tof) for a in acc]


def chunk_outcomes(steering, *, resolved, missile, launch, rcs, launch_on=None, flyouts=None):
    """:func:`engage_chunk` on one chunk's steering (azimuth, kick, cut-off), reduced to what a
    PointResults keeps: ([(engageable, opportunities, p_defense, {battery: engageable})] per
    architecture, impact times).  The unit of work of a Dask task: its answer is small."""
    results, t_imp = engage_chunk(resolved, missile, launch[0], launch[1], *steering, rcs, launch_on=launch_on,
                                  flyouts=flyouts)
    return [(r.engageable, r.opportunities, r.p_defense, {b.battery_id: b.engageable for b in r.batteries})
            for r in results], t_imp


def coverage(architecture, missile, area, *, region: str = "nato-europe", step_deg: float = 0.25,
             nato_year: int = 2024, rcs_m2=None, booster_rcs_m2=None, launch_on=None,
             progress=None, client=None) -> CoverageResult:
    """The defended area of ``architecture`` against ``missile`` launched from ``area``.

    ``architecture``: an Architecture or its id; ``missile``: a Missile or its id;
    ``area``: a launch-area name of the shipped threat sets, or (lat, lon).
    ``rcs_m2``/``booster_rcs_m2``: the warhead's and the burning booster's RCS (default the
    missile's, else the project's); ``launch_on``: every battery's launch modes, e.g.
    ``("firm-track", "early-warning")`` (default: each battery's own).
    """
    return coverage_set([architecture], missile, area, region=region, step_deg=step_deg, nato_year=nato_year,
                        rcs_m2=rcs_m2, booster_rcs_m2=booster_rcs_m2, launch_on=launch_on, progress=progress,
                        client=client)[0]


def check_launch_on(launch_on) -> tuple[str, ...] | None:
    """``launch_on`` as a tuple of :data:`openbmd.architectures.model.LAUNCH_MODES` (None passes),
    or one InputError line."""
    if launch_on is None:
        return None
    from openbmd.architectures.model import LAUNCH_MODES

    bad = [launch_on] if isinstance(launch_on, str) else [m for m in launch_on if m not in LAUNCH_MODES]
    if bad or not launch_on:
        raise InputError(f"launch_on = {launch_on!r}; allowed: a tuple of {', '.join(LAUNCH_MODES)}")
    return tuple(dict.fromkeys(launch_on))


def coverage_set(architectures, missile, area, *, region: str = "nato-europe", step_deg: float = 0.25,
                 nato_year: int = 2024, rcs_m2=None, booster_rcs_m2=None, launch_on=None,
                 progress=None, client=None) -> list[CoverageResult]:
    """:func:`coverage` for several architectures at once: the threat flights are aimed and
    flown once and engaged by each architecture (what the pacing and assess analyses do).
    ``client``: a Dask client for the trajectory chunks (None: here, in order)."""
    from openbmd.analyses.regions import region_grid
    from openbmd.architectures.loader import find_area, get_architecture
    from openbmd.architectures.resolve import resolve
    from openbmd.missiles import get_missile

    t0 = time.perf_counter()
    archs = [get_architecture(a) if isinstance(a, str) else a for a in architectures]
    if not archs:
        raise InputError("give at least one architecture")
    m = get_missile(missile) if isinstance(missile, str) else missile
    if isinstance(area, str):
        _, a = find_area(area)
        name, la, lo = a.name, a.lat_deg, a.lon_deg
    else:
        la, lo = float(area[0]), float(area[1])
        name = f"{la:.2f},{lo:.2f}"
    resolved = [resolve(a) for a in archs]
    reg = region_grid(region, step_deg, nato_year=nato_year)
    cities = region_cities(reg)
    lat = np.concatenate([reg.lat_deg, [c.lat_deg for c in cities]])
    lon = np.concatenate([reg.lon_deg, [c.lon_deg for c in cities]])
    prs = engage_points(resolved, m, la, lo, lat, lon, rcs_m2=rcs_m2, booster_rcs_m2=booster_rcs_m2,
                        launch_on=launch_on, progress=progress, client=client)
    K = len(reg)
    seconds = time.perf_counter() - t0

    def part(pr, sl):
        return PointResults(pr.threatened[sl], pr.engageable[sl], pr.opportunities[sl], pr.p_defense[sl],
                            {k: v[sl] for k, v in pr.by_battery.items()}, pr.flight_time_s[sl])

    return [CoverageResult(arch, m.id, name, la, lo, reg, part(pr, slice(0, K)), tuple(cities),
                           part(pr, slice(K, None)), seconds) for arch, pr in zip(archs, prs)]


def region_cities(reg) -> list:
    """The shipped cities (data/cities.csv) inside the region's countries (or box)."""
    from openbmd.architectures.places import country_name, load_cities

    names = set(reg.country.tolist())
    out = []
    for c in load_cities():
        try:
            cname = country_name(c.country_code)
        except InputError:
            continue
        if cname in names:
            out.append(c)
    if reg.id.count(",") == 3:
        lat0, lat1, lon0, lon1 = (float(x) for x in reg.id.split(","))
        out = [c for c in out if lat0 <= c.lat_deg <= lat1 and lon0 <= c.lon_deg <= lon1]
    return distinct_cities(out)


#: GeoNames lists some districts beside their city (Brooklyn and New York City, Neukölln and
#: Berlin): a city within this distance of a larger one of the same country is taken for a
#: district and left out of population sums (a few true neighbouring towns go with them)
DISTRICT_RADIUS_KM = 15.0
#: countries whose districts tools/make_cities.py already leaves out (Japan: Tokyo's 23 wards, summed
#: in "Tokyo"); their other rows are municipalities, kept however close (Kawasaki lies 11 km from
#: Yokohama, Sakai 13 km from Osaka)
DISTRICTS_LEFT_OUT_AT_SOURCE = frozenset({"JP"})


def distinct_cities(cities, radius_km: float = DISTRICT_RADIUS_KM) -> list:
    """``cities`` less those within ``radius_km`` of a more populous city of the same country
    (capitals, and every city of :data:`DISTRICTS_LEFT_OUT_AT_SOURCE`, are always kept)."""
    if not cities:
        return []
    lat = np.radians([c.lat_deg for c in cities])
    lon = np.radians([c.lon_deg for c in cities])
    u = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    pop = np.array([c.population for c in cities])
    cc = np.array([c.country_code for c in cities])
    order = np.argsort(-pop, kind="stable")
    kept: list[int] = []
    cos_r = np.cos(radius_km / 6371.0)
    for i in order:
        if cities[i].capital or cities[i].country_code in DISTRICTS_LEFT_OUT_AT_SOURCE or not kept:
            kept.append(i)
            continue
        k = np.array(kept)
        near = (u[k] @ u[i] > cos_r) & (cc[k] == cc[i])
        if not near.any():
            kept.append(i)
    return [cities[i] for i in sorted(kept)]
