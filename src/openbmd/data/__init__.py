"""Shipped data files (their sources: SOURCES.md beside them)."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from openbmd.errors import InputError


@lru_cache(maxsize=None)
def data_toml(name: str) -> dict:
    """The parsed TOML file ``openbmd/data/NAME`` (read once); a broken file is one InputError line."""
    text = resources.files("openbmd.data").joinpath(name).read_text("utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"data/{name}: {exc}") from None
