"""Resolve an architecture's ids into the models the engagement engine flies.

Checks every sensor, interceptor and missile id against the catalogs, so a
broken architecture fails with one line before any analysis starts.
"""
from __future__ import annotations

from dataclasses import dataclass

from openbmd.architectures.model import Architecture, BatteryEntry, SensorEntry, ThreatSet
from openbmd.errors import InputError


@dataclass(frozen=True, eq=False)
class ResolvedBattery:
    entry: BatteryEntry
    interceptor: object  #: openbmd.interceptors.Interceptor
    fire_control: object | None  #: openbmd.sensors.Radar at its site, or None
    cues: tuple  #: ((SensorEntry, Radar, latency_s), ...) that may cue a launch

    @property
    def id(self) -> str:
        return self.entry.id


@dataclass(frozen=True, eq=False)
class ResolvedArchitecture:
    arch: Architecture
    radars: dict  #: sensor entry id -> Radar at its site
    batteries: tuple[ResolvedBattery, ...]
    early_warning: object | None  #: SpaceInfrared or None
    doctrine: object  #: openbmd.engagement.doctrine.Doctrine


def sensor_model(entry: SensorEntry, where: str = ""):
    """The catalog sensor of ``entry`` at its station: any sensor kind that gives tracks (a radar
    moved to (lat, lon), an orbiting tracker phased over it: :meth:`Sensor.placed`)."""
    from openbmd.sensors.catalog import get_sensor

    try:
        s = get_sensor(entry.sensor)
    except InputError as exc:
        raise InputError(f"{where}sensor {entry.id!r}: {exc}") from None
    if not s.TRACKS:
        raise InputError(f"{where}sensor {entry.id!r}: {entry.sensor!r} ({s.KIND}) gives warning, not tracks; "
                         "warning-only sensors go in [command] early_warning")
    if entry.lat_deg is not None:
        try:
            s = s.placed(entry.lat_deg, entry.lon_deg, site_name=entry.id)
        except InputError as exc:
            raise InputError(f"{where}sensor {entry.id!r}: {exc}") from None
    return s


def resolve(arch: Architecture) -> ResolvedArchitecture:
    from openbmd.engagement.doctrine import parse_doctrine
    from openbmd.interceptors.catalog import get_interceptor
    from openbmd.sensors.catalog import get_sensor
    from openbmd.sensors.radar import Radar

    where = f"architecture {arch.id!r}: "
    radars = {s.id: sensor_model(s, where) for s in arch.sensors}
    batteries = []
    for b in arch.batteries:
        try:
            icp = get_interceptor(b.interceptor)
        except InputError as exc:
            raise InputError(f"{where}battery {b.id!r}: {exc}") from None
        cues = tuple((s, radars[s.id], arch.latency_s(s)) for s in arch.cue_sensors(b))
        fc = radars[b.fire_control] if b.fire_control else None
        if fc is not None and not isinstance(fc, Radar):
            raise InputError(f"{where}battery {b.id!r}: fire_control {b.fire_control!r} is a {fc.KIND} sensor; "
                             "the battery's own fire control is a radar")
        batteries.append(ResolvedBattery(b, icp, fc, cues))
    ew = None
    if arch.command.early_warning:
        try:
            ew = get_sensor(arch.command.early_warning)
        except InputError as exc:
            raise InputError(f"{where}[command] early_warning: {exc}") from None
    return ResolvedArchitecture(arch, radars, tuple(batteries), ew,
                                parse_doctrine(arch.command.doctrine, look_s=arch.command.look_s))


def check_threat_set(ts: ThreatSet) -> None:
    """Every missile the threat set names exists in the missile catalog."""
    from openbmd.missiles import get_missile

    for a in ts.areas:
        for m in a.missiles:
            try:
                get_missile(m)
            except InputError as exc:
                raise InputError(f"threat set {ts.id!r}, area {a.name!r}: {exc}") from None
