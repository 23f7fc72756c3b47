"""Architecture, threat-set and target-set models: declared once, checked at load, every figure sourced.

An architecture is what the debate argues about: which sensors stand where,
which batteries (an interceptor at a launcher: a ship on station, an Aegis
Ashore site, a silo field) with how many rounds, and the command and control
that ties them: which sensors may cue which shooter (launch-on-remote), whether
a shooter may complete the intercept on another sensor's track
(engage-on-remote) or only where its own fire-control radar sees the threat,
its reaction time and its shot doctrine.  A cooperative architecture adds a
data centre through which other parties' sensors share tracks, late by its
latency.

These models are the file formats (:class:`openbmd.schema.Model`: frozen,
unknown keys forbidden, errors at ``file:line``).  Facts with a home elsewhere
are named, not repeated: a battery's site and magazine come from its launcher
(:mod:`openbmd.architectures.facts`), a threat area's position from
``data/launch_areas.toml``, a city target's from ``data/cities.csv``.
Resolving sensor and interceptor ids into models is
:mod:`openbmd.architectures.resolve`.
"""
from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from openbmd.architectures import facts
from openbmd.errors import InputError
from openbmd.schema import InvalidField, KeyProblem, Lat, Lon, Model, Pairs

ARCH_STATUSES = ("planned", "as-built", "proposed", "cancelled", "notional")
SHAPES = ("min-energy", "lofted", "depressed")
Seconds = Annotated[float, Field(ge=0.0, le=3600.0)]
#: what a battery may launch on: a fire-control quality ("firm") track, or early warning (the
#: command's space-based warning report or the first detection by a sensor that may cue it)
LAUNCH_MODES = ("firm-track", "early-warning")
LaunchModes = Annotated[tuple[Literal[LAUNCH_MODES], ...], Field(min_length=1)]


class Sourced(Model):
    """A model read from a file: ``source_path`` names it (not a key of the file)."""

    _source_path: str | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> str | None:
        return self._source_path


class SensorEntry(Model):
    """A sensor of the architecture: a catalog sensor, optionally moved (a ship's station)."""

    id: str  #: unique in the architecture
    sensor: str  #: catalog sensor id (``openbmd radars``)
    lat_deg: Lat | None = None  #: None: the catalog site
    lon_deg: Lon | None = None
    party: str = "us"  #: whose sensor (a cooperative architecture shares several parties')
    source: str = ""

    @model_validator(mode="after")
    def _both_or_neither(self):
        if (self.lat_deg is None) != (self.lon_deg is None):
            given = "lat_deg" if self.lat_deg is not None else "lon_deg"
            raise KeyProblem((given,), "give both lat_deg and lon_deg, or neither (the catalog site)")
        return self


class BatteryEntry(Model):
    """Interceptors at a launcher, the sensors that may cue them and their fire control.

    With ``launcher`` the site and magazine are the launcher's (one home,
    ``interceptors/catalog/_launchers.toml``); a battery that moves it (a ship
    on another station) or loads it differently gives the value and lists the
    key in ``overrides``.
    """

    id: str
    interceptor: str  #: catalog interceptor id (one the launcher fires)
    launcher: str | None = None  #: catalog launcher id it stands for
    lat_deg: Lat  #: the launcher's unless overridden
    lon_deg: Lon
    magazine: Annotated[int, Field(ge=0)]  #: rounds ready to fire (the launcher's unless overridden)
    overrides: tuple[Literal["lat_deg", "lon_deg", "magazine"], ...] = ()  #: keys set here, not by the launcher
    fire_control: str | None = None  #: the battery's own radar (a SensorEntry id), if any
    #: SensorEntry ids whose track may cue a launch (launch-on-remote); () = every sensor
    cued_by: tuple[str, ...] = ()
    #: may the intercept be completed on a remote track (True), or only where the
    #: ``fire_control`` radar sees the threat (False)?
    engage_on_remote: bool = True
    #: what this battery may launch on (LAUNCH_MODES); None: the command's ``launch_on``
    launch_on: LaunchModes | None = None
    #: why the battery's station is a notional choice (a ship placed by the study, not by a
    #: source); None: a sourced site. Answers that rest on such a battery say so.
    notional_station: str | None = None
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_launcher(cls, data):
        if isinstance(data, dict) and data.get("launcher") is not None:
            return facts.battery_at_launcher(data)
        if isinstance(data, dict) and data.get("overrides"):
            raise KeyProblem(("overrides",), "overrides a launcher's values: name the launcher")
        return data


class Command(Model):
    """Command and control: reaction time, doctrine, early warning, what a launch waits for.

    ``launch_on`` lists the launch modes a battery may use (its own ``launch_on`` overrides):
    ``"firm-track"`` launches ``reaction_s`` after a fire-control quality track;
    ``"early-warning"`` launches ``warning_to_launch_s`` after the first warning (the
    ``early_warning`` satellites' first report or the first detection by a sensor that may cue
    the battery), in boost if need be: GAO-13-382R (2013) found that the Polish site's
    SM-3 IIB would have had to launch during the threat's boost phase to reach ICBMs bound
    for the US. A battery's earliest launch is the earliest over its modes.
    """

    reaction_s: Seconds = 30.0  #: firm track to interceptor launch (s)
    launch_on: LaunchModes = ("firm-track",)  #: the launch modes (LAUNCH_MODES) of every battery
    #: first warning to interceptor launch (s) in the "early-warning" mode; None: ``reaction_s``
    warning_to_launch_s: Seconds | None = None
    doctrine: str = "shoot-look-shoot"  #: see openbmd.engagement.doctrine.parse_doctrine
    look_s: Seconds = 10.0  #: kill-assessment time after an intercept (s)
    early_warning: str | None = "sbirs"  #: space-based infrared sensor id cueing the radars; "none": none
    source: str = ""

    @field_validator("early_warning")
    @classmethod
    def _none(cls, value):
        return None if value in ("none", "") else value

    @field_validator("doctrine")
    @classmethod
    def _known_doctrine(cls, value):
        from openbmd.engagement.doctrine import parse_doctrine

        try:
            parse_doctrine(value)
        except InputError as exc:
            raise InvalidField((), value, str(exc)) from None
        return value


class DataCenter(Model):
    """A jointly manned centre through which parties share sensor tracks (the seed's proposal)."""

    parties: tuple[str, ...]
    latency_s: Seconds = 10.0  #: added to a track that passes through the centre (s)
    source: str = ""


class Architecture(Sourced):
    id: str
    name: str
    year: int
    status: Literal[ARCH_STATUSES]
    description: str
    sensors: tuple[SensorEntry, ...] = Field((), alias="sensor")
    batteries: tuple[BatteryEntry, ...] = Field((), alias="battery")
    command: Command = Command()
    data_center: DataCenter | None = None
    sources: Pairs = ()

    @model_validator(mode="after")
    def _references(self):
        _unique("sensor", [s.id for s in self.sensors])
        _unique("battery", [b.id for b in self.batteries])
        ids = [s.id for s in self.sensors]
        for i, b in enumerate(self.batteries):
            refs = [("cued_by", r) for r in b.cued_by] + ([("fire_control", b.fire_control)] if b.fire_control else [])
            for key, ref in refs:
                if ref not in ids:
                    raise InvalidField(("battery", i, key), ref, f"battery '{b.id}' names a sensor not in its "
                                       f"[[sensor]] list; allowed: {', '.join(ids) or '(none)'}")
            if not b.engage_on_remote and not b.fire_control:
                raise KeyProblem(("battery", i, "engage_on_remote"), f"battery '{b.id}' has engage_on_remote = "
                                 "false but no fire_control radar; give fire_control = SENSOR-ID")
        if self.data_center is not None:
            parties = {s.party for s in self.sensors}
            unknown = sorted(set(self.data_center.parties) - parties)
            if unknown:
                raise InvalidField(("data_center", "parties"), unknown, "own no sensor; sensor parties: "
                                   f"{', '.join(sorted(parties))}")
        return self

    def sensor(self, sensor_id: str) -> SensorEntry:
        for s in self.sensors:
            if s.id == sensor_id:
                return s
        raise InputError(f"architecture {self.id!r} has no sensor {sensor_id!r}; "
                         f"allowed: {', '.join(s.id for s in self.sensors)}")

    def cue_sensors(self, battery: BatteryEntry) -> tuple[SensorEntry, ...]:
        """The sensors whose tracks may cue ``battery``: its ``cued_by`` list (or every sensor),
        less other parties' sensors unless a data centre shares them."""
        chosen = [self.sensor(i) for i in battery.cued_by] if battery.cued_by else list(self.sensors)
        own = self.home_party
        shared = set(self.data_center.parties) if self.data_center else set()
        return tuple(s for s in chosen if s.party == own or s.party in shared)

    @property
    def home_party(self) -> str:
        """The party that owns the batteries (the first sensor's party; 'us' when none)."""
        return self.sensors[0].party if self.sensors else "us"

    def launch_modes(self, battery: BatteryEntry) -> tuple[str, ...]:
        """What ``battery`` may launch on: its own ``launch_on``, else the command's."""
        return battery.launch_on if battery.launch_on is not None else self.command.launch_on

    @property
    def warning_to_launch_s(self) -> float:
        """First warning to launch (s) in the early-warning mode (the reaction time unless given)."""
        c = self.command
        return c.reaction_s if c.warning_to_launch_s is None else c.warning_to_launch_s

    def latency_s(self, sensor: SensorEntry) -> float:
        """Extra delay on a track from ``sensor``: a shared sensor's passes through the data centre."""
        if self.data_center is not None and sensor.party != self.home_party:
            return self.data_center.latency_s
        return 0.0

    def with_batteries(self, batteries) -> "Architecture":
        """The same architecture with another battery list (what-if analyses, consistency tests)."""
        return self.replace(batteries=tuple(batteries))

    def sources_dict(self) -> dict[str, str]:
        return dict(self.sources)


def _unique(table: str, ids: list[str]) -> None:
    for i, key in enumerate(ids):
        if key in ids[:i]:
            raise InvalidField((table, i, "id"), key, f"repeats the id of {table}[{ids.index(key) + 1}]")


class ThreatArea(Model):
    """A launch area or an ICBM field: where (``data/launch_areas.toml``), which missiles, the sources."""

    name: str
    lat_deg: Lat
    lon_deg: Lon
    missiles: tuple[str, ...] = Field(min_length=1)  #: catalog missile ids launched from here
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _at_launch_area(cls, data):
        return facts.area_at_launch_area(data) if isinstance(data, dict) else data


class ThreatSet(Sourced):
    id: str
    name: str
    country: str
    areas: tuple[ThreatArea, ...] = Field(alias="area", min_length=1)
    classes: Pairs = ()  #: (missile id, range class: SRBM/MRBM/IRBM/ICBM)
    notes: str = ""

    def area(self, name: str) -> ThreatArea:
        return _by_name(self.areas, name, f"area {name!r} in threat set {self.id!r}")

    @property
    def missiles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for a in self.areas for m in a.missiles))

    def missile_class(self, missile_id: str) -> str | None:
        return dict(self.classes).get(missile_id)


class Target(Model):
    """A target; a city of ``data/cities.csv`` takes its position and population from there."""

    name: str
    lat_deg: Lat
    lon_deg: Lon
    population: Annotated[int, Field(ge=0)] = 0
    kind: str = "city"  #: city | capital | icbm-field | base
    country: str = ""
    city: str | None = None  #: the name in data/cities.csv when not ``name``
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _at_city(cls, data):
        return facts.target_at_city(data) if isinstance(data, dict) else data


class TargetSet(Sourced):
    id: str
    name: str
    targets: tuple[Target, ...] = Field(alias="target", min_length=1)
    notes: str = ""

    def target(self, name: str) -> Target:
        return _by_name(self.targets, name, f"target {name!r} in target set {self.id!r}")


def _by_name(items, name: str, what: str):
    """The item whose ``name`` matches (case- and accent-insensitive), else one InputError line."""
    key = _fold(name)
    for item in items:
        if _fold(item.name) == key:
            return item
    raise InputError(f"unknown {what}; allowed: {', '.join(i.name for i in items)}")


def _fold(text: str) -> str:
    """Case- and accent-insensitive key ('Kürecik' == 'kurecik')."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold().strip()
