"""A 3-D scene of one engagement for CesiumJS (CZML): threat, interceptor, sensors, intercepts.

Presentation only: it reads an :class:`~openbmd.engagement.engage.EngagementResult`
and the radars that saw the threat, and writes them out. CZML positions are
``cartographicDegrees`` [time, lon, lat, height_m] with time in seconds after
the packet's epoch (t = 0 is the threat's launch).

What the scene holds (packet ids in brackets):

- the document with a clock from the threat's launch to its impact [document];
- the threat's track, time-tagged, with its path [threat], and its launch point [threat-launch];
- the battery's site [battery] and, when the threat is engageable, one interceptor
  flying out from the site at the first launch time to the earliest intercept
  [interceptor] (an illustration; see :func:`interceptor_arc`);
- the earliest and latest intercept points with labels [intercept-earliest, intercept-latest];
- each radar's site [radar-I] and its coverage on the ground, one fan per face or
  one disc for a full-circle radar [radar-I-coverage-K]: the ground footprint of
  where a target at ``coverage_alt_km`` is both above the radar's horizon (its
  minimum elevation) and inside its radar-equation range for ``rcs_m2``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np

from openbmd.earth.geodesy import geodesic_direct, geodesic_inverse
from openbmd.errors import InputError
from openbmd.report.exports import DEFAULT_EPOCH, _iso
from openbmd.sensors.footprint import DEFAULT_COVERAGE_ALT_KM, coverage_fans, coverage_ground_range_m
from openbmd.sensors.horizon import DEFAULT_RCS_M2

__all__ = ["write_engagement_czml", "interceptor_arc", "coverage_fans", "coverage_ground_range_m"]

ARC_SAMPLES = 61  #: samples of the illustrated fly-out

# RGBA colours: threat red, interceptor blue, intercepts amber, radars green
_RED, _BLUE, _AMBER, _GREEN, _WHITE = ([230, 57, 70, 255], [29, 130, 230, 255], [255, 183, 3, 255],
                                       [46, 204, 113, 255], [240, 240, 240, 255])


def interceptor_arc(site: tuple[float, float], t_launch_s: float, intercept: dict,
                    n: int = ARC_SAMPLES, earth="wgs84"):
    """(t_s, lat_deg, lon_deg, alt_m) of an illustrated fly-out from ``site`` to ``intercept``.

    NOT a flown trajectory: the interceptor moves along the geodesic from the
    site to the point below the intercept at a uniform ground speed, and its
    altitude rises as ``H (1 - (1 - s)^2)`` (s the fraction of the flight time):
    steep at launch, level at the intercept altitude H. It starts at the site at
    ``t_launch_s`` and ends at the intercept point at the intercept time.
    """
    t1 = float(intercept["t_s"])
    s = np.linspace(0.0, 1.0, n)
    dist_m, az_deg, _ = geodesic_inverse(site[0], site[1], intercept["lat_deg"], intercept["lon_deg"], earth)
    lat, lon, _ = geodesic_direct(np.full(n, float(site[0])), np.full(n, float(site[1])),
                                  np.full(n, float(az_deg)), s * float(dist_m), earth)
    lat[-1], lon[-1] = intercept["lat_deg"], intercept["lon_deg"]  # exact end, not Vincenty round-off
    alt = intercept["altitude_km"] * 1e3 * (1.0 - (1.0 - s) ** 2)
    return t_launch_s + s * (t1 - t_launch_s), lat, lon, alt


def write_engagement_czml(result, radars: Sequence, site: tuple[float, float], path, *,
                          epoch_utc: dt.datetime = DEFAULT_EPOCH, rcs_m2: float = DEFAULT_RCS_M2,
                          coverage_alt_km: float = DEFAULT_COVERAGE_ALT_KM) -> Path:
    """Write the engagement as a CZML scene (see the module docstring) and return the path.

    ``site`` is the battery's (lat_deg, lon_deg); ``radars`` the Radar objects of
    the engagement; ``epoch_utc`` the calendar time of the threat's launch.
    """
    from czml3 import Clock, Document, Packet, TimeInterval
    from czml3.enums import ClockRanges, ClockSteps

    if epoch_utc.tzinfo is None:
        raise InputError("epoch_utc must be timezone-aware, e.g. datetime(..., tzinfo=timezone.utc)")
    path = Path(path)
    if path.suffix.lower() != ".czml":
        raise InputError(f"cannot write a scene to {path.name!r}; use a .czml file")
    traj = result.threat.trajectory
    at = lambda s: _iso(epoch_utc + dt.timedelta(seconds=float(s)))  # noqa: E731
    t0, t1 = float(traj.t_s[0]), float(result.timeline.impact_s)
    span = TimeInterval(start=at(t0), end=at(t1))
    clock = Clock(interval=span, currentTime=at(t0), multiplier=10, range=ClockRanges.LOOP_STOP,
                  step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER)
    packets = [Packet(id="document", name=f"engagement: {traj.name}", version="1.0", clock=clock)]
    packets.append(_moving("threat", traj.name, traj.t_s, traj.lat_deg, traj.lon_deg, traj.alt_m,
                           _RED, epoch_utc, at))
    packets.append(_marker("threat-launch", "threat launch", traj.lat_deg[0], traj.lon_deg[0], 0.0, _RED))
    packets.append(_marker("battery", "battery", site[0], site[1], 0.0, _BLUE))
    bs = result.battlespace
    if result.engageable:
        e = bs.intercept(0, "earliest")
        t, lat, lon, alt = interceptor_arc(site, result.timeline.first_launch_s, e, earth=traj.earth)
        packets.append(_moving("interceptor", "interceptor (illustrative fly-out)", t, lat, lon, alt,
                               _BLUE, epoch_utc, at))
        for which in ("earliest", "latest"):
            p = bs.intercept(0, which)
            text = f"{which} intercept {p['t_s']:.0f} s, {p['altitude_km']:.0f} km"
            packets.append(_marker(f"intercept-{which}", text, p["lat_deg"], p["lon_deg"],
                                   p["altitude_km"] * 1e3, _AMBER))
    for i, radar in enumerate(radars):
        packets.extend(_radar_packets(i, radar, coverage_alt_km, rcs_m2))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(Document(packets=packets).dumps(), encoding="utf-8")
    return path


def _moving(pid, name, t_s, lat_deg, lon_deg, alt_m, rgba, epoch_utc, at):
    """A time-tagged track with a path and a point."""
    from czml3 import Color, Packet, Path as CzPath, Point, PolylineMaterial, Position
    from czml3 import SolidColorMaterial, TimeInterval

    samples = np.column_stack([np.asarray(a, float) for a in (t_s, lon_deg, lat_deg, alt_m)])
    span = float(t_s[-1] - t_s[0])
    return Packet(
        id=pid, name=name, availability=TimeInterval(start=at(t_s[0]), end=at(t_s[-1])),
        position=Position(epoch=_iso(epoch_utc), cartographicDegrees=samples.ravel().tolist()),
        path=CzPath(width=2, leadTime=0, trailTime=span,
                    material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=rgba)))),
        point=Point(pixelSize=7, color=Color(rgba=rgba)))


def _marker(pid, text, lat_deg, lon_deg, alt_m, rgba):
    """A fixed point with a label."""
    from czml3 import Color, Label, Packet, Point, Position
    from czml3.types import Cartesian2Value

    return Packet(
        id=pid, name=text,
        position=Position(cartographicDegrees=[float(lon_deg), float(lat_deg), float(alt_m)]),
        point=Point(pixelSize=9, color=Color(rgba=rgba), outlineColor=Color(rgba=_WHITE), outlineWidth=1),
        label=Label(text=text, font="12pt sans-serif", fillColor=Color(rgba=_WHITE),
                    pixelOffset=Cartesian2Value(values=[0.0, -20.0])))


def _radar_packets(i, radar, coverage_alt_km, rcs_m2):
    """The radar's site marker and one ground polygon per coverage fan."""
    from czml3 import Color, Material, Packet, Polygon, PositionList, SolidColorMaterial

    name = radar.name + (f" ({radar.site_name})" if radar.site_name else "")
    out = [_marker(f"radar-{i}", name, radar.site_lat_deg, radar.site_lon_deg, radar.site_alt_m, _GREEN)]
    fill = Material(solidColor=SolidColorMaterial(color=Color(rgba=_GREEN[:3] + [60])))
    for k, lonlat in enumerate(coverage_fans(radar, coverage_alt_km, rcs_m2)):
        flat = np.column_stack([lonlat, np.zeros(len(lonlat))]).ravel().tolist()
        out.append(Packet(
            id=f"radar-{i}-coverage-{k}", parent=f"radar-{i}",
            name=f"{radar.name}: coverage of a {rcs_m2:g} m^2 target at {coverage_alt_km:g} km",
            polygon=Polygon(positions=PositionList(cartographicDegrees=flat), material=fill, height=0.0,
                            outline=True, outlineColor=Color(rgba=_GREEN))))
    return out
