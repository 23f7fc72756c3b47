"""The sensor file format, declared once: TOML key -> model attribute, kind, unit scale.

A sensor file is flat TOML with the unit in every key (``max_range_km``,
``sigma_angle_deg``) and a free-form ``[sources]`` table; the models hold SI
values (metres, radians). ``scale`` converts the TOML value to the attribute
(``max_range_km`` x 1000 -> ``max_range_m``). Each sensor class names its table
(``Radar.FIELDS``); the loader and the writer both read it, so a key is declared in
exactly one place.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

KM = 1000.0
DEG = math.pi / 180.0


@dataclass(frozen=True, kw_only=True)
class Field:
    """One TOML key of a sensor file."""

    key: str  #: the TOML key (unit in the name)
    attr: str  #: the model attribute it fills (SI)
    kind: str  #: "str", "num", "nums" (array of numbers) or "bool"
    scale: float = 1.0  #: attribute = TOML value * scale
    required: bool = False
    doc: str = ""


def _f(key, attr=None, kind="num", scale=1.0, required=False, doc=""):
    return Field(key=key, attr=attr or key, kind=kind, scale=scale, required=required, doc=doc)


COMMON_FIELDS = (
    _f("id", kind="str", required=True, doc="lowercase letters, digits, '-'"),
    _f("kind", kind="str", doc='the sensor model: "radar" (default), "space-ir", "space-ir-track" '
                               '(openbmd.sensors.base.SENSOR_KINDS)'),
    _f("name", kind="str", required=True),
    _f("country", kind="str"),
    _f("band", kind="str", doc="radar band or IR band"),
    _f("status", kind="str", doc="operational | planned | hypothetical | closed"),
    _f("notes", kind="str"),
)

RADAR_FIELDS = COMMON_FIELDS + (
    _f("site_name", kind="str"),
    _f("site_lat_deg", required=True, doc="geodetic latitude of the antenna"),
    _f("site_lon_deg", required=True),
    _f("site_alt_m", required=True, doc="antenna height above the WGS-84 ellipsoid"),
    _f("mobile", kind="bool", doc="ship or transportable: the site is a default station"),
    _f("faces_az_deg", "faces_az_rad", "nums", DEG, doc="boresight azimuth of each face"),
    _f("boresight_az_deg", "faces_az_rad", "num", DEG, doc="one face (instead of faces_az_deg)"),
    _f("full_circle", kind="bool", doc="360 deg coverage (instead of faces)"),
    _f("face_half_width_deg", "face_half_width_rad", "num", DEG, doc="scan either side of a boresight"),
    _f("el_min_deg", "el_min_rad", "num", DEG, True),
    _f("el_max_deg", "el_max_rad", "num", DEG, True),
    _f("max_range_km", "max_range_m", "num", KM, True, "instrumented slant range"),
    _f("reference_range_km", "reference_range_m", "num", KM, True,
       "detection range against reference_rcs_m2 (SNR = threshold there)"),
    _f("reference_rcs_m2", required=True),
    _f("reference_range_spread_km", "reference_range_spread_m", "nums", KM,
       doc="[low, high] published or derived spread of reference_range_km"),
    _f("detection_threshold_db", doc="SNR at the reference pair (default 13 dB)"),
    _f("revisit_s", required=True, doc="time between looks at a tracked object"),
    _f("sigma_range_m", required=True, doc="one-sigma range noise"),
    _f("sigma_angle_deg", "sigma_angle_rad", "num", DEG, True, "one-sigma angle noise"),
    _f("refraction", kind="bool", doc="4/3-Earth refraction at low elevation"),
)

SPACE_IR_FIELDS = COMMON_FIELDS + (
    _f("delay_s", required=True, doc="first report after launch"),
    _f("delay_spread_s", kind="nums", doc="[low, high] of delay_s"),
    _f("revisit_s", required=True, doc="time between reports while the booster burns"),
    _f("sigma_launch_point_km", "sigma_launch_point_m", "num", KM, True,
       "one-sigma error of the reported launch point (each axis)"),
    _f("sigma_heading_deg", "sigma_heading_rad", "num", DEG, True, "one-sigma heading error"),
)

IR_TRACK_FIELDS = COMMON_FIELDS + (
    _f("altitude_km", "altitude_m", "num", KM, True, "circular orbit's height above the equatorial radius"),
    _f("inclination_deg", "inclination_rad", "num", DEG, True),
    _f("raan_deg", "raan_rad", "num", DEG, doc="node's longitude at the epoch (the threat's launch)"),
    _f("mean_anomaly_deg", "mean_anomaly_rad", "nums", DEG, True,
       "each satellite's argument of latitude at the epoch (one per satellite)"),
    _f("limb_alt_km", "limb_alt_m", "num", KM, True, "lines of sight pass this far above the Earth's limb"),
    _f("max_range_km", "max_range_m", "num", KM, True, "longest line of sight to a target"),
    _f("revisit_s", required=True, doc="time between looks at a tracked object"),
    _f("sigma_los_urad", "sigma_los_rad", "num", 1e-6, True, "one-sigma line-of-sight angle noise"),
)
