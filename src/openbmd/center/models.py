"""The center's JSON at its boundary: pydantic models of requests and responses, with their limits.

Schema errors (a missing field, a wrong type, a value out of its range) are refused before any
handler runs, with a 422 naming the field. The physical checks on a report name the report's own
id (``report 'r17': range_m must be finite and >= 0 m (got nan)``) so that a sender can find it in
a batch; the checks that need the store (the sensor is the caller's, the report is not from the
future, the range is inside the sensor's coverage) are in :mod:`openbmd.center.plausible`.
"""
from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

MAX_BATCH = 5000  #: reports in one POST /v1/reports
ROLES = ("head", "operator", "observer")
WRITERS = ("head", "operator")  #: the roles that may write data
SHARING = ("raw", "tracks", "warning")  #: from most to least shared
MIN_ELEVATION_DEG = -2.0  #: a ground radar sees a little below its horizontal (refraction, site height)

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$",
                          description="letters, digits and . _ : @ / - (1 to 128 characters)")]
PartyId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_-]*$",
                               description="lower-case letters, digits, _ and - (1 to 32 characters)")]
Sharing = Literal["raw", "tracks", "warning"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SensorIn(_In):
    """A party's sensor: a catalog sensor at a site, and what the other parties may see of its data.

    A space infrared tracker (a catalog sensor of kind ``space-ir-track``) is one satellite of the
    catalog's constellation: ``satellite`` (its index, from 0) and ``epoch_s``, the UNIX time at which
    the constellation's first satellite passes over (``lat_deg``, ``lon_deg``) ascending (the
    engine's ``InfraredTracker.over(lat_deg, lon_deg, 0)`` with times counted from ``epoch_s``)."""

    id: Id
    sensor: Annotated[str, Field(min_length=1, max_length=128, description="catalog sensor id")]
    lat_deg: Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
    lon_deg: Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
    alt_m: Annotated[float, Field(ge=-500.0, le=10_000.0, allow_inf_nan=False)] = 0.0
    sharing: Sharing
    satellite: Annotated[int | None, Field(ge=0, le=1000, description="space sensors: the satellite's index")] = None
    epoch_s: Annotated[float | None, Field(gt=0.0, allow_inf_nan=False, description=(
        "space sensors: UNIX time at which the first satellite passes over (lat_deg, lon_deg) ascending"))] = None


class ReportIn(_In):
    """One radar measurement: time, sensor, range, azimuth, elevation and their standard deviations."""

    id: Id
    sensor: Id
    t_s: float = Field(description="UNIX time of the measurement, seconds")
    range_m: float
    azimuth_deg: float = Field(description="clockwise from true north, [0, 360)")
    elevation_deg: float
    sigma_range_m: float
    sigma_angle_deg: float

    @model_validator(mode="after")
    def _physical(self) -> ReportIn:
        problem = report_problem(self)
        if problem:
            raise ValueError(f"report '{self.id}': {problem}")
        return self


def report_problem(r: ReportIn) -> str:
    """The first non-physical value of a report ('' if none), naming the field and what is allowed."""
    for name in ("t_s", "range_m", "azimuth_deg", "elevation_deg", "sigma_range_m", "sigma_angle_deg"):
        value = getattr(r, name)
        if not math.isfinite(value):
            return f"{name} must be a finite number (got {value})"
    checks = (("t_s", r.t_s > 0.0, "> 0 (UNIX seconds)"),
              ("range_m", r.range_m > 0.0, "> 0 m"),
              ("azimuth_deg", 0.0 <= r.azimuth_deg < 360.0, "in [0, 360) deg"),
              ("elevation_deg", MIN_ELEVATION_DEG <= r.elevation_deg <= 90.0, f"in [{MIN_ELEVATION_DEG:g}, 90] deg"),
              ("sigma_range_m", r.sigma_range_m > 0.0, "> 0 m"),
              ("sigma_angle_deg", 0.0 < r.sigma_angle_deg <= 10.0, "in (0, 10] deg"))
    for name, ok, allowed in checks:
        if not ok:
            return f"{name} must be {allowed} (got {getattr(r, name)})"
    return ""


class ReportsIn(_In):
    reports: list[ReportIn] = Field(min_length=1, max_length=MAX_BATCH)


class SightReportIn(_In):
    """One line of sight of a space infrared tracker: the two angles of (target - satellite) in
    Earth-fixed axes, ``los_lon_deg`` = atan2(dy, dx), ``los_lat_deg`` = atan2(dz, hypot(dx, dy)),
    and their one-sigma ``sigma_deg`` (also accepted as ``sigma_angle_deg``, the radar reports' name)."""

    id: Id
    sensor: Id
    t_s: float = Field(description="UNIX time of the measurement, seconds")
    los_lon_deg: float = Field(description="atan2(dy, dx) of the line of sight in ECEF axes, [-180, 180] deg")
    los_lat_deg: float = Field(description="atan2(dz, hypot(dx, dy)) of the line of sight, [-90, 90] deg")
    sigma_deg: float = Field(validation_alias=AliasChoices("sigma_deg", "sigma_angle_deg"),
                             description="one-sigma of each angle, (0, 10] deg")

    @model_validator(mode="before")
    @classmethod
    def _one_sigma(cls, data):
        if isinstance(data, dict) and "sigma_deg" in data and "sigma_angle_deg" in data:
            raise ValueError(f"report '{data.get('id')}': give sigma_deg or sigma_angle_deg, not both")
        return data

    @model_validator(mode="after")
    def _physical(self) -> SightReportIn:
        problem = sight_problem(self)
        if problem:
            raise ValueError(f"report '{self.id}': {problem}")
        return self


def sight_problem(r: SightReportIn) -> str:
    """The first non-physical value of a line of sight ('' if none), naming the field and what is allowed."""
    for name in ("t_s", "los_lon_deg", "los_lat_deg", "sigma_deg"):
        value = getattr(r, name)
        if not math.isfinite(value):
            return f"{name} must be a finite number (got {value})"
    checks = (("t_s", r.t_s > 0.0, "> 0 (UNIX seconds)"),
              ("los_lon_deg", -180.0 <= r.los_lon_deg <= 180.0, "in [-180, 180] deg"),
              ("los_lat_deg", -90.0 <= r.los_lat_deg <= 90.0, "in [-90, 90] deg"),
              ("sigma_deg", 0.0 < r.sigma_deg <= 10.0, "in (0, 10] deg"))
    for name, ok, allowed in checks:
        if not ok:
            return f"{name} must be {allowed} (got {getattr(r, name)})"
    return ""


class SightReportsIn(_In):
    reports: list[SightReportIn] = Field(min_length=1, max_length=MAX_BATCH)


MAX_TRACKS = 1000  #: party tracks in one POST /v1/party-tracks


class PartyTrackIn(_In):
    """A track a party shares instead of its measurements: ECEF state and its 6x6 covariance
    (position m, velocity m/s, in that order) at ``t_s``."""

    id: Id
    t_s: float = Field(description="UNIX time of the state, seconds")
    position_m: list[float] = Field(min_length=3, max_length=3, description="ECEF, m")
    velocity_m_s: list[float] = Field(min_length=3, max_length=3, description="ECEF, Earth-relative, m/s")
    covariance: list[list[float]] = Field(min_length=6, max_length=6, description="6x6, m and m/s")


class PartyTracksIn(_In):
    tracks: list[PartyTrackIn] = Field(min_length=1, max_length=MAX_TRACKS)


class IngestOut(BaseModel):
    accepted: int
    duplicates: int


class ReportOut(BaseModel):
    party: str
    id: str
    sensor: str
    t_s: float
    range_m: float
    azimuth_deg: float
    elevation_deg: float
    sigma_range_m: float
    sigma_angle_deg: float
    received_s: float


class Area(_In):
    """A generalized area: a circle on the Earth."""

    lat_deg: Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
    lon_deg: Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
    radius_km: Annotated[float, Field(gt=0.0, le=2000.0, allow_inf_nan=False)]


class NotificationIn(_In):
    """A pre-launch notification: the launch window, a generalized launch area and an impact area."""

    id: Id
    window_start_s: Annotated[float, Field(gt=0.0, allow_inf_nan=False, description="UNIX seconds")]
    window_end_s: Annotated[float, Field(gt=0.0, allow_inf_nan=False, description="UNIX seconds")]
    launch_area: Area
    impact_area: Area
    missile: Annotated[str, Field(max_length=128)] = ""

    @model_validator(mode="after")
    def _window(self) -> NotificationIn:
        if not self.window_start_s <= self.window_end_s <= self.window_start_s + 30 * 86400.0:
            raise ValueError("window_end_s must be at or after window_start_s and at most 30 days later")
        return self


class Withdrawal(_In):
    """What happens to a leaving party's shared data: kept, or purged ``after_days`` after it leaves."""

    rule: Literal["kept", "purge"] = "kept"
    after_days: Annotated[int, Field(ge=0, le=3650)] = 0


class AgreementChange(_In):
    """A change to the agreement: every field left out stays as it is."""

    end_s: Annotated[float | None, Field(gt=0.0, allow_inf_nan=False)] = None
    retention_days: Annotated[int | None, Field(ge=1, le=36500)] = None
    withdrawal: Withdrawal | None = None
    sharing_levels: list[Sharing] | None = Field(default=None, min_length=1, max_length=3)
    admit_observer: PartyId | None = None


class ProposalIn(_In):
    change: AgreementChange


class ApprovalIn(_In):
    """Optional: the sha256 of the change the approver read, so that it approves that change only."""

    change_sha256: Annotated[str | None, Field(pattern=r"^[0-9a-f]{64}$")] = None


class TokenIn(_In):
    role: Literal["operator", "observer"]


class Agreement(BaseModel):
    """The agreement in force (its JSON body is what the proposals change)."""

    version: int
    founding: list[str]
    members: list[str]
    start_s: float
    end_s: float
    retention_days: int | None = None
    withdrawal: Withdrawal
    sharing_levels: list[Sharing]
    observers: list[str] = []
