"""The exercise scenario: a raid file (:mod:`openbmd.analyses.raid_file`) with the parties' sensors.

An exercise file (TOML) is a raid whose ``[[salvo]]`` entries take two more keys, and a list of
``[[sensor]]`` entries, each a catalog radar of one party::

    name = "Iranian salvo on south-east Europe"
    duration_s = 900            # optional: scenario seconds flown (default: until the last impact)
    seed = 1                    # optional: the measurement noise's seed (default 0)

    [[salvo]]                   # the raid keys: missile, from, to, count, launch_time_s, shape, rcs_m2
    missile = "shahab-3"
    from = "Tabriz"
    to = "Ankara"
    count = 4
    interval_s = 20             # optional: seconds between the salvo's launches (default 15)
    notified_by = "russia"      # optional: the party that files a pre-launch notification (default: none,
                                # the launch is unannounced)

    [[sensor]]
    party = "nato"              # lower-case party id, as founded in the center
    sensor = "an-tpy-2-fbm"     # catalog radar (openbmd radars lists them)
    id = "kurecik"              # optional: the id it reports under (default: the catalog id)
    lat_deg = 38.349            # optional, with lon_deg: moved there (default: its catalog site)
    lon_deg = 37.794
    faces_az_deg = [100.0]      # optional: a moved radar's faces turned to these azimuths (default: as in
                                # the catalog)
    sharing = "raw"             # optional: raw | tracks | warning (default raw)

    [[infrared]]                # optional: a party's space infrared tracking constellation (lines of sight)
    party = "nato"
    sensor = "stss-demo"        # catalog sensor of kind space-ir-track
    id = "stss"                 # optional: its satellites report as "stss-0", "stss-1", ...
    over_lat_deg = 42.0         # its first satellite passes over here, ascending,
    over_lon_deg = 40.0
    over_s = 200                # at this scenario time (default 0)
    sharing = "raw"

Every problem is one line ``file:line: key = value — what is allowed``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from openbmd import schema
from openbmd.analyses.raid_file import Salvo, SalvoFile, resolve_salvos
from openbmd.errors import InputError
from openbmd.schema import Lat, Lon, Model

PartyId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
SensorId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")]
DEFAULT_INTERVAL_S = 15.0  #: between the launches of one salvo (notional; a launcher brigade's ripple)
MAX_DURATION_S = 6 * 3600.0


class ExerciseSalvo(SalvoFile):
    interval_s: Annotated[float, Field(ge=0.0, le=3600.0)] = DEFAULT_INTERVAL_S
    notified_by: PartyId | None = None


class SensorFile(Model):
    party: PartyId
    sensor: Annotated[str, Field(min_length=1)]
    id: SensorId | None = None
    lat_deg: Lat | None = None
    lon_deg: Lon | None = None
    faces_az_deg: tuple[Annotated[float, Field(ge=0.0, lt=360.0)], ...] | None = None
    sharing: Literal["raw", "tracks", "warning"] = "raw"


class InfraredFile(Model):
    party: PartyId
    sensor: Annotated[str, Field(min_length=1)]
    id: SensorId | None = None
    over_lat_deg: Lat
    over_lon_deg: Lon
    over_s: Annotated[float, Field(ge=-86_400.0, le=86_400.0)] = 0.0
    sharing: Literal["raw", "tracks", "warning"] = "raw"


class ExerciseFile(Model):
    name: str = ""
    description: str = ""
    duration_s: Annotated[float, Field(gt=0.0, le=MAX_DURATION_S)] | None = None
    seed: Annotated[int, Field(ge=0)] = 0
    salvo: tuple[ExerciseSalvo, ...] = Field(min_length=1)
    sensor: tuple[SensorFile, ...] = Field(min_length=1)
    infrared: tuple[InfraredFile, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExerciseSensor:
    """One party's radar in the exercise: the catalog radar placed, the id it reports under."""

    party: str
    id: str
    radar: object  #: openbmd.sensors.radar.Radar at its site
    sharing: str = "raw"


@dataclass(frozen=True, kw_only=True)
class ExerciseInfrared:
    """One party's space infrared tracking constellation: the catalog tracker phased so that its first
    satellite passes over (over_lat_deg, over_lon_deg) at scenario time ``over_s``; each satellite
    reports as ``{id}-{index}``."""

    party: str
    id: str
    tracker: object  #: openbmd.sensors.irtrack.InfraredTracker, phased for time 0 = over_s
    over_lat_deg: float
    over_lon_deg: float
    over_s: float = 0.0
    sharing: str = "raw"

    @property
    def satellite_ids(self) -> tuple[str, ...]:
        return tuple(f"{self.id}-{k}" for k in range(self.tracker.n_satellites))


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """An exercise scenario resolved: salvos (with their interval and notifier) and sensors."""

    name: str
    description: str
    salvos: tuple[Salvo, ...]
    intervals_s: tuple[float, ...]
    notified_by: tuple[str | None, ...]
    sensors: tuple[ExerciseSensor, ...]
    infrared: tuple[ExerciseInfrared, ...]
    duration_s: float | None
    seed: int
    path: str
    text: str

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(sorted({s.party for s in self.sensors} | {s.party for s in self.infrared}
                            | {p for p in self.notified_by if p}))

    @property
    def threats(self) -> int:
        return sum(s.count for s in self.salvos)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check an exercise file; every error names the file and the line."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"scenario {path} is a folder, not a .toml file")
    data, where = schema.read_toml(path, "scenario")
    return _scenario(data, where, path.parent, path.read_text(encoding="utf-8"))


def parse_scenario(text: str, filename: str = "<scenario>", *, base_dir: Path | None = None) -> Scenario:
    data, where = schema.parse_toml(text, filename)
    return _scenario(data, where, base_dir, text)


def _scenario(data: dict, where: schema.Where, base_dir: Path | None, text: str) -> Scenario:
    for key, what in (("salvo", "missile, from, to, count"), ("sensor", "party, sensor")):
        if not data.get(key):
            raise InputError(f"{where.filename}: no [[{key}]] entries; an exercise lists at least one "
                             f"[[{key}]] with {what}")
    declared = schema.validate(ExerciseFile, data, where)
    salvos = resolve_salvos(declared.salvo, where, base_dir)
    sensors = tuple(_sensor(s, k, where) for k, s in enumerate(declared.sensor))
    infrared = tuple(_infrared(s, k, where) for k, s in enumerate(declared.infrared))
    seen: set[tuple[str, str]] = set()
    named = [("sensor", k, s.party, s.id) for k, s in enumerate(sensors)] + \
        [("infrared", k, s.party, sid) for k, s in enumerate(infrared) for sid in s.satellite_ids]
    for table, k, party, sid in named:
        if (party, sid) in seen:
            raise InputError(where.say((table, k, "id"), f"{table}[{k + 1}].id: {sid!r} is already used by "
                                                         f"party {party!r}; give each sensor its own id"))
        seen.add((party, sid))
    return Scenario(name=declared.name or Path(where.filename).stem, description=declared.description,
                    salvos=salvos, intervals_s=tuple(e.interval_s for e in declared.salvo),
                    notified_by=tuple(e.notified_by for e in declared.salvo), sensors=sensors, infrared=infrared,
                    duration_s=declared.duration_s, seed=declared.seed, path=where.filename, text=text)


def _sensor(s: SensorFile, k: int, where: schema.Where) -> ExerciseSensor:
    from openbmd.sensors.catalog import get_radar

    try:
        radar = get_radar(s.sensor)
    except InputError as exc:
        raise InputError(where.say(("sensor", k, "sensor"), f"sensor[{k + 1}].sensor = {s.sensor!r} — {exc}")) from None
    if (s.lat_deg is None) != (s.lon_deg is None):
        raise InputError(where.say(("sensor", k), f"sensor[{k + 1}]: give both lat_deg and lon_deg, or neither "
                                                  "(the radar's catalog site)"))
    if s.faces_az_deg is not None and len(s.faces_az_deg) != len(radar.faces_az_rad):
        raise InputError(where.say(("sensor", k, "faces_az_deg"), f"sensor[{k + 1}].faces_az_deg: {s.sensor} has "
                                                                 f"{len(radar.faces_az_rad)} face(s); give as many"))
    if s.lat_deg is not None:
        radar = radar.at(s.lat_deg, s.lon_deg, radar.site_alt_m, faces_az_deg=s.faces_az_deg)
    elif s.faces_az_deg is not None:
        radar = radar.at(radar.site_lat_deg, radar.site_lon_deg, radar.site_alt_m, faces_az_deg=s.faces_az_deg,
                         site_name=radar.site_name)
    if radar.site_lat_deg is None:
        raise InputError(where.say(("sensor", k), f"sensor[{k + 1}]: {s.sensor} has no catalog site; give "
                                                  "lat_deg and lon_deg"))
    return ExerciseSensor(party=s.party, id=s.id or s.sensor, radar=radar, sharing=s.sharing)


def _infrared(s: InfraredFile, k: int, where: schema.Where) -> ExerciseInfrared:
    from openbmd.sensors.catalog import get_sensor
    from openbmd.sensors.irtrack import InfraredTracker

    try:
        tracker = get_sensor(s.sensor)
        if not isinstance(tracker, InfraredTracker):
            raise InputError(f"'{tracker.id}' is a {tracker.kind} sensor, not a space infrared tracker "
                             "(kind space-ir-track, e.g. stss-demo)")
        tracker = tracker.over(s.over_lat_deg, s.over_lon_deg, 0.0)
    except InputError as exc:
        raise InputError(where.say(("infrared", k), f"infrared[{k + 1}] ({s.sensor}): {exc}")) from None
    return ExerciseInfrared(party=s.party, id=s.id or s.sensor, tracker=tracker, over_lat_deg=s.over_lat_deg,
                            over_lon_deg=s.over_lon_deg, over_s=s.over_s, sharing=s.sharing)
