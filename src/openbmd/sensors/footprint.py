"""Radar footprints on the ground: where a radar sees a target at a given altitude and RCS.

The geometry of the coverage that the maps draw (the CZML scenes of :mod:`openbmd.report.scene`,
the center's web page through ``GET /v1/sensors``): computation, so that the center, a computing
package, can use it without importing presentation.
"""
from __future__ import annotations

import math

import numpy as np

from openbmd.earth.geodesy import geodesic_direct
from openbmd.sensors import geometry as geo
from openbmd.sensors.horizon import DEFAULT_RCS_M2, horizon_geometry

__all__ = ["coverage_fans", "coverage_ground_range_m", "DEFAULT_COVERAGE_ALT_KM"]

#: altitude (km) of the target the radar footprints are drawn for: a midcourse threat
#: that SM-3-class interceptors engage (their minimum intercept altitudes are ~70-100 km)
DEFAULT_COVERAGE_ALT_KM = 100.0
FAN_STEP_DEG = 1.0  #: azimuth step of the coverage outlines


def coverage_ground_range_m(radar, target_alt_km: float = DEFAULT_COVERAGE_ALT_KM,
                            rcs_m2: float = DEFAULT_RCS_M2) -> float:
    """Ground range (m) out to which ``radar`` sees a target at ``target_alt_km`` of ``rcs_m2``.

    The lesser of the horizon ground range (the target rises above the minimum
    elevation, :func:`openbmd.sensors.horizon_geometry`) and the ground range at
    which the slant range to the target equals the detection range (law of
    cosines on the sphere of the site's mean radius). 0 when neither holds.
    """
    horizon_km, _ = horizon_geometry(radar, target_alt_km)
    detect_m = float(radar.detection_range_m(rcs_m2))
    radius = float(geo.local_radius_m(radar.site_lat_deg, radar.earth))
    rs, rt = radius + radar.site_alt_m, radius + target_alt_km * 1e3
    if detect_m < abs(rt - rs):  # the target's height is out of reach even overhead
        return 0.0
    cos_psi = (rs * rs + rt * rt - detect_m * detect_m) / (2.0 * rs * rt)
    detect_ground_m = radius * math.acos(max(-1.0, min(1.0, cos_psi)))
    return max(0.0, min(horizon_km * 1e3, detect_ground_m))


def coverage_fans(radar, target_alt_km: float = DEFAULT_COVERAGE_ALT_KM,
                  rcs_m2: float = DEFAULT_RCS_M2) -> list[np.ndarray]:
    """Ground outlines (lon_deg, lat_deg) arrays (M, 2) of the radar's coverage.

    One fan per face (site, arc across the face's azimuth sector, site), or one
    closed circle when the faces cover every azimuth. Empty when the radar cannot
    see a target at that altitude.
    """
    ground_m = coverage_ground_range_m(radar, target_alt_km, rcs_m2)
    if ground_m <= 0.0:
        return []
    lat0, lon0 = radar.site_lat_deg, radar.site_lon_deg
    if radar.full_circle:
        az = np.arange(0.0, 360.0, FAN_STEP_DEG)
        lat, lon, _ = geodesic_direct(np.full(az.shape, lat0), np.full(az.shape, lon0), az, ground_m, radar.earth)
        return [np.column_stack([lon, lat])]
    fans = []
    half = math.degrees(radar.face_half_width_rad)
    for face in np.degrees(radar.faces_az_rad):
        n = max(2, int(math.ceil(2.0 * half / FAN_STEP_DEG)) + 1)
        az = np.linspace(face - half, face + half, n) % 360.0
        lat, lon, _ = geodesic_direct(np.full(n, lat0), np.full(n, lon0), az, ground_m, radar.earth)
        site = np.array([[lon0, lat0]])
        fans.append(np.vstack([site, np.column_stack([lon, lat]), site]))
    return fans
