"""On-disk cache of fly-out tables, so a second process loads a table instead of flying it again.

Where: ``$OPENBMD_CACHE_DIR/flyout/`` when that variable is set (and not empty),
else the user cache directory as platformdirs gives it: ``$XDG_CACHE_HOME/openbmd/flyout/`` or
``~/.cache/openbmd/flyout/`` on Linux, ``~/Library/Caches/openbmd/flyout/`` on
macOS, ``%LOCALAPPDATA%\\openbmd\\Cache\\flyout\\`` on Windows.

Key: the SHA-256 of a canonical JSON of everything a table depends on — the
interceptor's full definition (booster stages and drag table, kill vehicle,
stated figures), the latitude, azimuths, Earth model, drag flag and grid sizes —
and of a code fingerprint: the source text of every module the fly-out flies
through (:data:`PHYSICS_SOURCES`), ``openbmd.__version__`` and numpy's version.
Any edit to the physics therefore invalidates old tables; nothing is ever
overwritten in place, stale files just stop being read (:func:`clear` removes them).

Format: one ``.npz`` per table (``allow_pickle=False``) holding each field of
the table's dataclass plus the key; written to a temporary file in the same
directory and moved into place with :func:`os.replace`, so a concurrent reader
sees either no file or a whole one.  The cache never fails a computation: an
unwritable directory or a corrupt, unreadable or mismatched file is logged at
debug level and the table is computed instead.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import logging
import math
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ENV_VAR = "OPENBMD_CACHE_DIR"
SUBDIR = "flyout"
FORMAT = 1  #: bump when the file layout changes
#: modules (relative to the openbmd package) whose source text enters the code fingerprint:
#: the integrator kernels, the flight layer, the Earth model and geodesy, the stage physics,
#: and the fly-out and booster builders themselves
PHYSICS_SOURCES = ("kernels/flight*.py", "kernels/flyout_arrival.py", "kernels/atmosphere.py", "kernels/geo.py",
                   "flight/*.py", "earth/*.py", "missiles/model.py", "interceptors/model.py",
                   "interceptors/booster.py", "interceptors/steering.py", "interceptors/flyout.py")


# ---------------------------------------------------------------- where
def cache_dir() -> Path:
    """The directory fly-out tables are kept in (not created here)."""
    env = os.environ.get(ENV_VAR)
    return (Path(env).expanduser() if env else _user_cache_dir()) / SUBDIR


def _user_cache_dir() -> Path:
    """The platform's per-user cache directory for openbmd (platformdirs' ``user_cache_dir``)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("openbmd", appauthor=False))


# ---------------------------------------------------------------- key
def source_fingerprint(texts: dict[str, bytes]) -> str:
    """SHA-256 over (name, text) pairs in name order."""
    h = hashlib.sha256()
    for name in sorted(texts):
        data = texts[name]
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def physics_sources() -> dict[str, bytes]:
    """The source text of every module in :data:`PHYSICS_SOURCES`, by package-relative name."""
    root = resources.files("openbmd")
    out: dict[str, bytes] = {}
    for pattern in PHYSICS_SOURCES:
        folder, _, name = pattern.rpartition("/")
        node = root.joinpath(folder) if folder else root
        if "*" in name:
            files = sorted((f for f in node.iterdir() if fnmatch.fnmatchcase(f.name, name)), key=lambda f: f.name)
        else:
            files = [node.joinpath(name)]
        for f in files:
            out[f"{folder}/{f.name}"] = f.read_bytes()
    return out


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Fingerprint of the code a table was computed with (sources, package and numpy versions)."""
    import openbmd

    texts = physics_sources()
    texts["__version__"] = f"openbmd {openbmd.__version__} numpy {np.__version__}".encode()
    return source_fingerprint(texts)


def _canonical(value):
    """JSON-ready form of dataclasses, tuples and floats (inf/nan spelled out, not NaN tokens)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # compare=False fields (where a model was read from) do not define it
        return {"__type__": type(value).__name__,
                **{f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, (np.floating, np.integer)):
        return _canonical(value.item())
    return value


def table_key(interceptor, *, lat_deg: float, azimuth_deg, earth, drag: bool, n_kicks: int,
              n_range: int, n_alt: int, code: str | None = None) -> str:
    """SHA-256 hex key of one fly-out table; ``code`` defaults to :func:`code_fingerprint`."""
    doc = {"format": FORMAT, "code": code_fingerprint() if code is None else code,
           "interceptor": interceptor, "lat_deg": float(lat_deg),
           "azimuth_deg": [float(a) for a in azimuth_deg], "earth": earth, "drag": bool(drag),
           "n_kicks": int(n_kicks), "n_range": int(n_range), "n_alt": int(n_alt)}
    text = json.dumps(_canonical(doc), sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- files
def _path(key: str, label: str) -> Path:
    return cache_dir() / f"{label}-{key}.npz"


def load(key: str, cls, label: str = "table"):
    """The ``cls`` dataclass stored under ``key``, or None (missing, corrupt or not this key)."""
    path = _path(key, label)
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["__key__"]) != key:
                raise ValueError("key stored in the file does not match its name")
            kw = {f.name: (z[f.name].item() if z[f.name].ndim == 0 else z[f.name].copy())
                  for f in dataclasses.fields(cls)}
        return cls(**kw)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 -- any damage means "recompute", never a failure
        log.debug("fly-out cache: ignoring unreadable %s (%s: %s)", path, type(exc).__name__, exc)
        return None


def store(key: str, obj, label: str = "table") -> Path | None:
    """Write the dataclass ``obj`` under ``key`` atomically; None (logged) when it cannot."""
    path = _path(key, label)
    arrays = {f.name: np.asarray(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    arrays["__key__"] = np.asarray(key)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a shared cache dir should be readable
        os.replace(tmp, path)
        return path
    except Exception as exc:  # noqa: BLE001 -- a cache that cannot write is only slower
        log.debug("fly-out cache: cannot write %s (%s: %s)", path, type(exc).__name__, exc)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return None


def clear() -> int:
    """Delete every cached table file; returns how many were removed."""
    n = 0
    try:
        files = list(cache_dir().glob("*.npz")) + list(cache_dir().glob(".*.tmp"))
    except OSError:
        return 0
    for f in files:
        try:
            f.unlink()
            n += 1
        except OSError as exc:
            log.debug("fly-out cache: cannot remove %s (%s)", f, exc)
    return n
