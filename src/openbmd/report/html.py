"""A self-contained HTML report: sections of paragraphs, tables and embedded pictures.

Rendered by Jinja2 from ``templates/report.html.j2`` (shipped with the package), with
autoescaping: every string is escaped unless a block says it is trusted HTML.  No
network: every picture is embedded as a data URI and the style sheet is inline.  A
section is a dict ``{"id", "title", "blocks": [...]}``; a block is one of
``("p", text)``, ``("html", trusted_html)``, ``("h3", text)``,
``("table", {"columns": [...], "rows": [[...]], "caption": str})``,
``("img", {"path": Path, "alt": str, "caption": str})``, ``("grid", [img, ...])``,
``("details", {"summary": str, "blocks": [...]})``, ``("list", [text, ...])``.
A table cell is a value (bool: yes/no in green/red; float: 3 significant digits,
or grouped units from 1,000; int: grouped; None: a dash; lists, ranges and dicts as text:
:func:`text`) or ``("class", (css, text))``.  Each picture links to its file (full size).
"""
from __future__ import annotations

import base64
import functools
import math
import os
from pathlib import Path

TEMPLATE = "report.html.j2"
BLOCK_KINDS = ("p", "html", "h3", "table", "img", "grid", "list", "details")

#: embedded PNGs larger than this are re-encoded with a 256-colour palette (maps: ~3x smaller)
PALETTE_ABOVE_BYTES = 150_000


def cell(v) -> tuple[str, str]:
    """(css class, text) of one table cell; never a Python repr (see :func:`text`)."""
    if isinstance(v, bool):
        return ("ok" if v else "no"), ("yes" if v else "no")
    if isinstance(v, (int, float)):
        return "num", text(v)
    if isinstance(v, tuple) and len(v) == 2 and v[0] == "class":  # ("class", (css, text))
        css, t = v[1]
        return str(css), str(t)
    return "", text(v)


def text(v) -> str:
    """A value as report text: floats to 3 significant digits (grouped from 1,000), ints grouped,
    infinity as ∞, NaN and None as a dash, lists as "a, b", dicts as "key: value; ...": no
    ``inf``, ``[...]`` or ``{...}`` reaches the page."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {text(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(text(x) for x in v)
    return str(v)


def _png_bytes(p: Path) -> bytes:
    raw = p.read_bytes()
    if p.suffix.lower() != ".png" or len(raw) <= PALETTE_ABOVE_BYTES:
        return raw
    import io

    from PIL import Image

    with Image.open(io.BytesIO(raw)) as im:
        buf = io.BytesIO()
        im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
    return buf.getvalue() if buf.tell() < len(raw) else raw


def data_uri(path) -> str:
    """The picture at ``path`` as a ``data:`` URI (large PNGs re-encoded with a palette)."""
    p = Path(path)
    mime = {".png": "image/png", ".svg": "image/svg+xml"}.get(p.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(_png_bytes(p)).decode('ascii')}"


def _check_blocks(blocks) -> None:
    for kind, val in blocks:
        if kind not in BLOCK_KINDS:
            raise ValueError(f"unknown report block {kind!r}")
        if kind == "details":
            _check_blocks(val["blocks"])


@functools.lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("openbmd.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(cell=cell, data_uri=data_uri, stem=lambda p: Path(p).stem, href=href)
    return env


def href(path, base_dir=None) -> str:
    """The link from the report to a picture's full-size file: relative to the report's folder
    (``figures/...``), so that the folder can be moved or shared whole."""
    p = Path(path)
    if base_dir is None:
        return p.name
    try:
        return Path(os.path.relpath(p.resolve(), Path(base_dir).resolve())).as_posix()
    except ValueError:  # another drive (Windows): an absolute link still opens it
        return p.resolve().as_uri()


def render_html(title: str, subtitle: str, sections: list[dict], *, base_dir=None) -> str:
    """The report as one HTML string; pictures link to their files relative to ``base_dir``."""
    for s in sections:
        _check_blocks(s["blocks"])
    return _environment().get_template(TEMPLATE).render(title=title, subtitle=subtitle, sections=sections,
                                                        base_dir=None if base_dir is None else str(base_dir))


def write_html(path, title: str, subtitle: str, sections: list[dict]) -> Path:
    """Write the report; returns its path."""
    path = Path(path)
    path.write_text(render_html(title, subtitle, sections, base_dir=path.parent), encoding="utf-8")
    return path
