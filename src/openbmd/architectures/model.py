"""Architecture, threat-set and target-set models: frozen, validated, every figure with its source.

An architecture is what the debate argues about: which sensors stand where,
which batteries (an interceptor at a launcher: a ship on station, an Aegis
Ashore site, a silo field) with how many rounds, and the command and control
that ties them: which sensors may cue which shooter (launch-on-remote), whether
a shooter may complete the intercept on another sensor's track
(engage-on-remote) or only where its own fire-control radar sees the threat,
its reaction time and its shot doctrine.  A cooperative architecture adds a
data centre through which other parties' sensors share tracks, late by its
latency.

Plain data only: resolving a sensor or interceptor id into a model is done by
:mod:`openbmd.architectures.resolve`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from openbmd.errors import InputError

ARCH_STATUSES = ("planned", "as-built", "proposed", "cancelled", "notional")
SHAPES = ("min-energy", "lofted", "depressed")


def _finite(where: str, key: str, value, lo=-math.inf, hi=math.inf, unit="") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where}: {key} = {value!r} must be a finite number")
    if not lo <= value <= hi:
        raise InputError(f"{where}: {key} = {value:g} is outside [{lo:g}, {hi:g}]{(' ' + unit) if unit else ''}")
    return float(value)


@dataclass(frozen=True, kw_only=True)
class SensorEntry:
    """A sensor of the architecture: a catalog sensor, optionally moved (a ship's station)."""

    id: str  #: unique in the architecture
    sensor: str  #: catalog sensor id (``openbmd radars``)
    lat_deg: float | None = None  #: None: the catalog site
    lon_deg: float | None = None
    party: str = "us"  #: whose sensor (a cooperative architecture shares several parties')
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class BatteryEntry:
    """Interceptors at a launcher, the sensors that may cue them and their fire control."""

    id: str
    interceptor: str  #: catalog interceptor id
    lat_deg: float
    lon_deg: float
    magazine: int
    launcher: str | None = None  #: catalog launcher id it stands for, when any
    fire_control: str | None = None  #: the battery's own radar (a SensorEntry id), if any
    #: SensorEntry ids whose track may cue a launch (launch-on-remote); () = every sensor
    cued_by: tuple[str, ...] = ()
    #: may the intercept be completed on a remote track (True), or only where the
    #: ``fire_control`` radar sees the threat (False)?
    engage_on_remote: bool = True
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class Command:
    """Command and control: reaction time, doctrine, early warning."""

    reaction_s: float = 30.0  #: firm track to interceptor launch (s)
    doctrine: str = "shoot-look-shoot"  #: see openbmd.engagement.doctrine.parse_doctrine
    look_s: float = 10.0  #: kill-assessment time after an intercept (s)
    early_warning: str | None = "sbirs"  #: space-based infrared sensor id cueing the radars, or None
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class DataCenter:
    """A jointly manned centre through which parties share sensor tracks (the seed's proposal)."""

    parties: tuple[str, ...]
    latency_s: float = 10.0  #: added to a track that passes through the centre (s)
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class Architecture:
    id: str
    name: str
    year: int
    status: str
    description: str
    sensors: tuple[SensorEntry, ...]
    batteries: tuple[BatteryEntry, ...]
    command: Command = Command()
    data_center: DataCenter | None = None
    sources: tuple[tuple[str, str], ...] = ()
    source_path: str | None = field(default=None, compare=False)

    def __post_init__(self):
        where = f"architecture {self.id!r}"
        if self.status not in ARCH_STATUSES:
            raise InputError(f"{where}: status {self.status!r} unknown; allowed: {', '.join(ARCH_STATUSES)}")
        ids = [s.id for s in self.sensors]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise InputError(f"{where}: sensor ids repeat: {', '.join(sorted(dup))}")
        bids = [b.id for b in self.batteries]
        dup = {i for i in bids if bids.count(i) > 1}
        if dup:
            raise InputError(f"{where}: battery ids repeat: {', '.join(sorted(dup))}")
        for b in self.batteries:
            for ref in (*b.cued_by, *([b.fire_control] if b.fire_control else [])):
                if ref not in ids:
                    raise InputError(f"{where}: battery {b.id!r} names sensor {ref!r}, which is not in "
                                     f"its [[sensor]] list; allowed: {', '.join(ids) or '(none)'}")
            if not b.engage_on_remote and not b.fire_control:
                raise InputError(f"{where}: battery {b.id!r} has engage_on_remote = false but no "
                                 "fire_control radar; give fire_control = SENSOR-ID")
        if self.data_center is not None:
            parties = {s.party for s in self.sensors}
            unknown = set(self.data_center.parties) - parties
            if unknown:
                raise InputError(f"{where}: data centre parties {sorted(unknown)} own no sensor; "
                                 f"sensor parties: {', '.join(sorted(parties))}")

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

    def latency_s(self, sensor: SensorEntry) -> float:
        """Extra delay on a track from ``sensor``: a shared sensor's passes through the data centre."""
        if self.data_center is not None and sensor.party != self.home_party:
            return self.data_center.latency_s
        return 0.0

    def with_batteries(self, batteries) -> "Architecture":
        """The same architecture with another battery list (what-if analyses, consistency tests)."""
        return replace(self, batteries=tuple(batteries))

    def sources_dict(self) -> dict[str, str]:
        return dict(self.sources)


@dataclass(frozen=True, kw_only=True)
class ThreatArea:
    """A launch area or an ICBM field: where, which missiles, the source."""

    name: str
    lat_deg: float
    lon_deg: float
    missiles: tuple[str, ...]  #: catalog missile ids launched from here
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class ThreatSet:
    id: str
    name: str
    country: str
    areas: tuple[ThreatArea, ...]
    classes: tuple[tuple[str, str], ...] = ()  #: (missile id, range class: SRBM/MRBM/IRBM/ICBM)
    notes: str = ""
    source_path: str | None = field(default=None, compare=False)

    def area(self, name: str) -> ThreatArea:
        return _by_name(self.areas, name, f"area {name!r} in threat set {self.id!r}")

    @property
    def missiles(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for a in self.areas:
            for m in a.missiles:
                seen.setdefault(m, None)
        return tuple(seen)

    def missile_class(self, missile_id: str) -> str | None:
        return dict(self.classes).get(missile_id)


@dataclass(frozen=True, kw_only=True)
class Target:
    name: str
    lat_deg: float
    lon_deg: float
    population: int = 0
    kind: str = "city"  #: city | capital | icbm-field | base
    country: str = ""
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class TargetSet:
    id: str
    name: str
    targets: tuple[Target, ...]
    notes: str = ""
    source_path: str | None = field(default=None, compare=False)

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
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold().strip()
