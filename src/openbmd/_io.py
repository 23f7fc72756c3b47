"""Reading the project's text files (catalog entries, user TOML) with one-line errors."""
from __future__ import annotations

from pathlib import Path

from openbmd.errors import InputError


def read_utf8(path: str | Path, kind: str) -> tuple[str, Path]:
    """The text of the ``kind`` file at ``path`` (e.g. kind="missile"), and its Path.

    A missing, unreadable or non-UTF-8 file is an InputError naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such {kind} file: {path}")
    try:
        return path.read_bytes().decode("utf-8"), path
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise InputError(f"cannot read {kind} file {path}: {exc.strerror}") from None
