"""The sweep's table on disk: CSV (always), Parquet when pyarrow is importable.

Numbers are written with ``repr`` (shortest round-trip form), so a table read back and written
again is the same bytes; an empty cell is None (an architecture's own reaction time, the catalog
interceptor, no area for icbm-reach).
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from openbmd.errors import InputError

_NUMERIC = {"reaction_s": float, "burnout_speed_km_s": float, "value": float, "threatened_area_km2": float,
            "cases": int}


def _parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet"


def read_table(path: Path) -> list[dict]:
    """The rows of a table written by :func:`write_table` ([] when there is none); a Parquet
    table without pyarrow is refused here, before any case is computed."""
    if _parquet(path):
        _pyarrow(path)
    if not path.exists():
        return []
    if _parquet(path):
        pq = _pyarrow(path)
        return pq.read_table(path).to_pylist()
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return [{k: _value(k, v) for k, v in row.items()} for row in csv.DictReader(fh)]
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the sweep table back ({exc}); move it away to start afresh") from None


def _value(key, text):
    if text == "" or text is None:
        return None
    conv = _NUMERIC.get(key)
    return conv(text) if conv else text


def write_table(path: Path, rows: list[dict], columns) -> None:
    """Write ``rows`` atomically (a temporary file moved into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        if _parquet(path):
            pa, pq = _pyarrow(path, both=True)
            pq.write_table(pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows]), tmp)
        else:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(columns)
            for r in rows:
                w.writerow(["" if r.get(c) is None else (repr(float(r[c])) if isinstance(r[c], float) else r[c])
                            for c in columns])
            Path(tmp).write_text(buf.getvalue(), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pyarrow(path, both=False):
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{path}: a Parquet table needs pyarrow (pip install pyarrow); or name it .csv") from None
    return (pa, pq) if both else pq
