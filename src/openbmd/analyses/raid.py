"""A raid: salvos of threats at targets against an architecture with finite magazines.

A raid file (TOML) lists ``[[salvo]]`` entries::

    name = "Iranian salvo on south-east Europe"      # optional
    [[salvo]]
    missile = "shahab-3"        # catalog missile id (or a missile .toml, relative to the raid file)
    from = "Tabriz"             # a launch area of the shipped threat sets, or "LAT,LON"
    to = "Ankara"               # a target of a shipped target set, a city of data/cities.csv, or "LAT,LON"
    count = 6                   # whole number >= 1
    launch_time_s = 0           # optional, s after the raid starts (default 0)
    shape = "min-energy"        # optional: min-energy | lofted | depressed
    rcs_m2 = 0.1                # optional: the warhead's RCS (default: the missile's, else 0.1)

The analysis:

1. the engagements (:mod:`openbmd.analyses.raid_engage`): every distinct flight is flown
   once and engaged by every battery with the engine
   (:func:`openbmd.engagement.engine.engage_many`) at each launch time of the raid;
2. the allocation (:mod:`openbmd.engagement.allocation`, which states its approximations):
   :func:`~openbmd.engagement.allocation.plan` allocates the rounds in the time order of
   the intercept opportunities with magazines that run out (expected leakers = sum over
   threats of prod(1 - P_layer)), and :func:`~openbmd.engagement.allocation.simulate`
   draws the same raid shot by shot ``trials`` times.
"""
from __future__ import annotations

import math
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from openbmd.errors import InputError

SHAPES = ("min-energy", "lofted", "depressed")
REQUIRED = ("missile", "from", "to", "count")
OPTIONAL = ("launch_time_s", "shape", "rcs_m2")
TOP_KEYS = ("name", "description", "salvo")
MAX_COUNT = 10_000
MAX_LAUNCH_TIME_S = 86_400.0
_LATLON = re.compile(r"^\s*[-+]?(\d|\.\d)")


# ---------------------------------------------------------------- the raid file
@dataclass(frozen=True, kw_only=True)
class Salvo:
    """One ``[[salvo]]`` entry, resolved: where from, where to, how many, when."""

    index: int  #: 1-based position in the file
    line: int  #: line of its ``[[salvo]]`` header
    missile: str  #: catalog id or missile file path
    from_name: str
    from_lat_deg: float
    from_lon_deg: float
    to_name: str
    to_lat_deg: float
    to_lon_deg: float
    count: int
    launch_time_s: float = 0.0
    shape: str = "min-energy"
    rcs_m2: float | None = None

    @property
    def label(self) -> str:
        return f"{self.count} x {self.missile} {self.from_name} -> {self.to_name}"


@dataclass(frozen=True, kw_only=True)
class Raid:
    name: str
    salvos: tuple[Salvo, ...]
    description: str = ""
    path: str = "<raid>"

    @property
    def threats(self) -> int:
        return sum(s.count for s in self.salvos)


def load_raid(path: str | Path) -> Raid:
    """Read and check a raid file; every error names the file and the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"raid file {path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"raid file {path} is a folder, not a .toml file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_raid(text, str(path), base_dir=path.parent)


def parse_raid(text: str, filename: str = "<raid>", *, base_dir: Path | None = None) -> Raid:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"{filename} line {m.group(1)}" if m else filename
        raise InputError(f"{where}: not valid TOML ({exc})") from None
    lines = text.splitlines()
    extra = sorted(set(doc) - set(TOP_KEYS))
    if extra:
        raise InputError(f"{filename} line {_key_line(lines, extra[0], 0, len(lines))}: unknown key(s) "
                         f"{', '.join(extra)}; allowed: {', '.join(TOP_KEYS)}")
    salvos = doc.get("salvo")
    if not isinstance(salvos, list) or not salvos:
        raise InputError(f"{filename}: no [[salvo]] entries; a raid lists at least one [[salvo]] with "
                         f"{', '.join(REQUIRED)}")
    heads = [i + 1 for i, ln in enumerate(lines) if re.match(r"^\s*\[\[\s*salvo\s*\]\]", ln)]
    out = []
    for k, entry in enumerate(salvos):
        head = heads[k] if k < len(heads) else 0
        end = heads[k + 1] - 1 if k + 1 < len(heads) else len(lines)
        out.append(_salvo(entry, k + 1, head, end, lines, filename, base_dir))
    for key in ("name", "description"):
        if key in doc and not isinstance(doc[key], str):
            raise InputError(f"{filename} line {_key_line(lines, key, 0, len(lines))}: {key} must be a string")
    return Raid(name=doc.get("name") or Path(filename).stem, description=doc.get("description", ""),
                salvos=tuple(out), path=filename)


def _key_line(lines, key: str, start: int, end: int) -> int:
    """The line of ``key = ...`` between lines ``start`` and ``end`` (1-based), else ``start``."""
    pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for i in range(max(start - 1, 0), min(end, len(lines))):
        if pat.match(lines[i]):
            return i + 1
    return start


def _salvo(entry, k, head, end, lines, filename, base_dir) -> Salvo:
    def fail(key, message):
        line = _key_line(lines, key, head, end) if key else head
        raise InputError(f"{filename} line {line}: [[salvo]] #{k}: {message}")

    if not isinstance(entry, dict):
        fail(None, "expected a table")
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        fail(None, f"missing key(s) {', '.join(missing)}; a salvo needs {', '.join(REQUIRED)} "
                   f"(optional: {', '.join(OPTIONAL)})")
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        fail(unknown[0], f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}")
    for key in ("missile", "from", "to"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            fail(key, f"{key} must be a non-empty string, got {entry[key]!r}")
    missile = entry["missile"].strip()
    if missile.lower().endswith(".toml") and base_dir is not None and not Path(missile).is_absolute():
        missile = str(base_dir / missile)
    try:
        from openbmd.missiles import get_missile

        get_missile(missile)
    except InputError as exc:
        fail("missile", f"missile: {exc}")
    try:
        f_name, f_lat, f_lon = _place(entry["from"], "from")
    except InputError as exc:
        fail("from", str(exc))
    try:
        t_name, t_lat, t_lon = _place(entry["to"], "to")
    except InputError as exc:
        fail("to", str(exc))
    count = entry["count"]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        fail("count", f"count = {count!r} must be a whole number from 1 to {MAX_COUNT:,}")
    t0 = entry.get("launch_time_s", 0.0)
    if (isinstance(t0, bool) or not isinstance(t0, (int, float)) or not math.isfinite(t0)
            or not 0.0 <= t0 <= MAX_LAUNCH_TIME_S):
        fail("launch_time_s", f"launch_time_s = {t0!r} must be a number of seconds in [0, {MAX_LAUNCH_TIME_S:g}]")
    shape = entry.get("shape", "min-energy")
    if shape not in SHAPES:
        fail("shape", f"shape = {shape!r} unknown; allowed: {', '.join(SHAPES)}")
    rcs = entry.get("rcs_m2")
    if rcs is not None and (isinstance(rcs, bool) or not isinstance(rcs, (int, float))
                            or not math.isfinite(rcs) or rcs <= 0):
        fail("rcs_m2", f"rcs_m2 = {rcs!r} must be a number > 0 (m^2)")
    return Salvo(index=k, line=head, missile=missile, from_name=f_name, from_lat_deg=f_lat, from_lon_deg=f_lon,
                 to_name=t_name, to_lat_deg=t_lat, to_lon_deg=t_lon, count=count, launch_time_s=float(t0),
                 shape=shape, rcs_m2=None if rcs is None else float(rcs))


def _latlon(text: str, key: str) -> tuple[float, float]:
    parts = [p.strip() for p in text.split(",")]
    hint = f"{key} = {text!r}: expected \"LAT,LON\" in degrees (e.g. \"38.08,46.29\") or a place name"
    if len(parts) != 2:
        raise InputError(hint)
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(hint) from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InputError(hint)
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{key} = {text!r}: latitude {lat:g} is outside [-90, 90] degrees")
    if not -180.0 <= lon < 360.0:
        raise InputError(f"{key} = {text!r}: longitude {lon:g} is outside [-180, 360) degrees")
    return lat, lon


def _place(text: str, key: str) -> tuple[str, float, float]:
    """'LAT,LON'; for ``from`` a launch area; for ``to`` a shipped target or a city."""
    if _LATLON.match(text):
        lat, lon = _latlon(text, key)
        return text.strip(), lat, lon
    if key == "from":
        from openbmd.architectures.loader import find_area

        _, area = find_area(text)
        return area.name, area.lat_deg, area.lon_deg
    from openbmd.architectures.loader import get_target_set, target_set_ids
    from openbmd.architectures.model import _fold

    for tid in target_set_ids():
        for t in get_target_set(tid).targets:
            if _fold(t.name) == _fold(text):
                return t.name, t.lat_deg, t.lon_deg
    from openbmd.architectures.places import find_city

    try:
        city = find_city(text)
    except InputError as exc:
        raise InputError(f"to = {text!r} is neither a target of the shipped target sets nor \"LAT,LON\"; "
                         f"as a city: {exc}") from None
    return city.name, city.lat_deg, city.lon_deg


# ---------------------------------------------------------------- the analysis
@dataclass(frozen=True, eq=False)
class RaidResult:
    architecture: object  #: Architecture
    raid: Raid
    doctrine: object
    battery_ids: tuple[str, ...]
    interceptors: tuple[str, ...]
    group: np.ndarray  #: (T,) salvo index (0-based) of each threat
    launch_s: np.ndarray  #: (T,) launch time of each threat (s after the raid starts)
    pairs: Pairs
    plan: Plan
    draws: Draws
    trials: int
    seed: int
    reasons: tuple  #: per salvo, per battery: why not engageable (None: engageable)
    seconds: float
    meta: dict = field(default_factory=dict)

    @property
    def expected_leakers(self) -> float:
        return float(self.plan.p_leak.sum())

    def summary(self) -> dict:
        """The JSON contract of ``openbmd raid``."""
        from openbmd.engagement.montecarlo import wilson_interval

        d, n = self.draws, self.trials
        lk = d.leakers.astype(float)
        mean = float(lk.mean())
        half = 1.96 * float(lk.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
        p0 = float((d.leakers == 0).mean())
        batteries = [{"id": bid, "interceptor": self.interceptors[b], "magazine": int(self.pairs.magazine[b]),
                      "engageable_threats": int(self.pairs.engageable[:, b].sum()),
                      "expected_used": float(self.plan.expected_used[b]),
                      "mean_used": float(d.used[:, b].mean()), "max_used": int(d.used[:, b].max()),
                      "p_exhausted": float(d.exhausted[:, b].mean()),
                      "p_found_empty": float(d.denied[:, b].mean())}
                     for b, bid in enumerate(self.battery_ids)]
        groups = []
        for k, s in enumerate(self.raid.salvos):
            m = self.group == k
            eng = self.pairs.engageable[m].any(axis=0)
            groups.append({
                "salvo": s.index, "line": s.line, "missile": s.missile, "from": s.from_name, "to": s.to_name,
                "count": s.count, "launch_time_s": s.launch_time_s, "shape": s.shape,
                "engageable_by": [self.battery_ids[b] for b in np.flatnonzero(eng)],
                "not_engageable": {self.battery_ids[b]: r for b, r in enumerate(self.reasons[k]) if r},
                "found_empty": [self.battery_ids[b] for b in np.flatnonzero(self.plan.denied[m].any(axis=0))],
                "expected_leakers": float(self.plan.p_leak[m].sum()),
                "mean_leakers": float(d.leaked[:, m].sum(axis=1).mean()),
                "p_found_empty": float(d.denied_threat[:, m].any(axis=1).mean()),
            })
        return {
            "architecture": self.architecture.id,
            "raid": self.raid.name,
            "doctrine": self.doctrine.name,
            "threats": int(self.group.size),
            "expected_leakers": self.expected_leakers,
            "p_no_leaker": p0,
            "monte_carlo": {"trials": n, "seed": self.seed, "mean_leakers": mean,
                            "leakers_95ci": [max(0.0, mean - half), mean + half],
                            "p_no_leaker_95ci": list(wilson_interval(p0, n))},
            "batteries": batteries,
            "groups": groups,
            "seconds": round(self.seconds, 2),
            **self.meta,
        }


def raid(architecture, raid_: Raid | str | Path, *, trials: int = 1000, seed: int = 0,
         reaction_s: float | None = None, progress=None) -> RaidResult:
    """Fly, engage and allocate a raid against ``architecture`` (an id, a .toml path or an Architecture).

    ``progress(done, total)`` is called as the flights, the engagements and
    the Monte Carlo finish.
    """
    from openbmd.architectures.loader import get_architecture
    from openbmd.architectures.model import Architecture
    from openbmd.architectures.resolve import resolve

    t0 = time.perf_counter()
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or not 1 <= trials <= 10_000_000:
        raise InputError(f"trials = {trials!r} must be a whole number from 1 to 10,000,000")
    if reaction_s is not None and not (math.isfinite(reaction_s) and 0 <= reaction_s <= 3600):
        raise InputError(f"reaction time {reaction_s} s must lie in [0, 3600]")
    arch = architecture if isinstance(architecture, Architecture) else get_architecture(str(architecture))
    raid_ = raid_ if isinstance(raid_, Raid) else load_raid(raid_)
    resolved = resolve(arch)
    if not resolved.batteries:
        raise InputError(f"architecture {arch.id!r} has no [[battery]]: nothing to allocate")
    from openbmd.analyses.raid_engage import engage_raid
    from openbmd.engagement.allocation import plan, simulate

    pairs, reasons, steps = engage_raid(resolved, raid_, reaction_s, progress)
    counts = [s.count for s in raid_.salvos]
    group = np.repeat(np.arange(len(raid_.salvos)), counts)
    offset = np.repeat([s.launch_time_s for s in raid_.salvos], counts)
    allocation = plan(pairs, resolved.doctrine)
    draws = simulate(pairs, resolved.doctrine, int(trials), int(seed))
    if progress:
        progress(steps, steps)
    meta = {"reaction_s": arch.command.reaction_s if reaction_s is None else float(reaction_s)}
    return RaidResult(arch, raid_, resolved.doctrine, tuple(b.id for b in resolved.batteries),
                      tuple(b.interceptor.id for b in resolved.batteries), group, offset, pairs, allocation,
                      draws, int(trials), int(seed), reasons, time.perf_counter() - t0, meta)
