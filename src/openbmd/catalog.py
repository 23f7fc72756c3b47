"""A catalog: a folder of TOML files, one object each, by id; read on first use and cached.

An empty, missing or unreadable folder is an error that names the folder and
what is missing: a catalog never answers with an empty table (a package built
without its data files would otherwise list nothing and exit as if all were
well).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Generic, Mapping, TypeVar

from openbmd.errors import InputError, UnknownIdError

T = TypeVar("T")


class Catalog(Generic[T]):
    """The ``kind`` objects read by ``load`` from ``folder/*.toml``, id -> object.

    ``hint`` ends the message for an unknown id (where to see the known ones; ``{ids}``
    in it becomes the list of ids).
    Files are read on first use and kept: the objects are immutable.
    """

    def __init__(self, folder: Path, load: Callable[[Path], T], *, kind: str, hint: str = "",
                 id_of: Callable[[T], str] = lambda obj: obj.id, pattern: str = "*.toml"):
        self.folder, self.kind, self.hint = Path(folder), kind, hint
        self._load, self._id_of, self._pattern = load, id_of, pattern
        self._items: Mapping[str, T] | None = None

    def items(self) -> Mapping[str, T]:
        """Every object, id -> object (read-only; read from disk once)."""
        if self._items is None:
            self._items = self._read()
        return self._items

    def ids(self) -> list[str]:
        """The sorted ids."""
        return sorted(self.items())

    def get(self, id: str) -> T:
        """The object ``id``; an unknown id is an InputError with the nearest ids."""
        items = self.items()
        try:
            return items[id]
        except KeyError:
            raise UnknownIdError(self.unknown_message(id), kind=self.kind) from None

    def __contains__(self, id: object) -> bool:
        return id in self.items()

    def clear(self) -> None:
        """Forget what was read (the next use reads the folder again)."""
        self._items = None

    def unknown_message(self, query: str) -> str:
        return unknown_id(self.kind, query, self.items(), self.hint)

    def _read(self) -> Mapping[str, T]:
        if not self.folder.is_dir():
            raise InputError(f"the {self.kind} catalog folder {self.folder} is missing "
                             f"(the package was installed without its data files)")
        try:
            paths = sorted(self.folder.glob(self._pattern))
        except OSError as exc:
            raise InputError(f"cannot read the {self.kind} catalog folder {self.folder}: {exc.strerror}") from None
        if not paths:
            raise InputError(f"the {self.kind} catalog folder {self.folder} holds no {self._pattern} files "
                             f"(the package was installed without its data files)")
        items: dict[str, T] = {}
        where: dict[str, Path] = {}
        for path in paths:
            obj = self._load(path)
            key = self._id_of(obj)
            if key in items:
                raise InputError(f"{path}: duplicate {self.kind} id '{key}' (also in {where[key]})")
            items[key], where[key] = obj, path
        return MappingProxyType(items)


def unknown_id(kind: str, query: str, items: Mapping[str, object], hint: str = "") -> str:
    """``unknown KIND 'query' (did you mean: ...?)``, or the known ids when none is close."""
    names = {i: str(getattr(obj, "name", "") or i) for i, obj in items.items()}
    close = suggest_ids(query, names)
    lists_ids = "{ids}" in hint
    hint = hint.replace("{ids}", ", ".join(sorted(items)))
    known = f" (did you mean: {', '.join(close)}?)" if close else ("" if lists_ids else f" (known: {', '.join(sorted(items))})")
    return f"unknown {kind} '{query}'{known}" + (f"; {hint}" if hint else "")


def _squash(text: str) -> str:
    """Lower case without '-', '_' or spaces: 'SS_18' and 'ss-18' both give 'ss18'."""
    return "".join(c for c in text.lower() if c not in "-_ ")


def suggest_ids(query: str, names: Mapping[str, str], n: int = 3) -> list[str]:
    """Ids close to ``query`` among ``names`` (id -> display name).

    First ids equal to it ignoring case and '-', then words of the display
    names it starts ('topol' -> ss-25, ss-27), then difflib's nearest ids.
    """
    q = _squash(query)
    same = [i for i in names if _squash(i) == q]
    named = [i for i, name in names.items()
             if len(q) >= 4 and any(_squash(w).startswith(q) for w in re.split(r"[\s(),/]+", name))]
    squashed = {_squash(i): i for i in names}
    near = difflib.get_close_matches(query.lower(), list(names), n=n, cutoff=0.6)
    near += [squashed[s] for s in difflib.get_close_matches(q, list(squashed), n=n, cutoff=0.6)]
    return list(dict.fromkeys(same + named + near))[:n]
