"""A self-contained HTML report: sections of paragraphs, tables and embedded pictures.

No template engine and no network: every picture is embedded as a data URI,
the style sheet is inline, every string is escaped.  A section is a dict
``{"id", "title", "blocks": [...]}``; a block is one of
``("p", text)``, ``("html", trusted_html)``, ``("table", {"columns": [...], "rows": [[...]], "caption": str})``,
``("img", {"path": Path, "alt": str, "caption": str})``, ``("details", {"summary": str, "blocks": [...]})``,
``("list", [text, ...])``.
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1E2A36;background:#fafbfc}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:1.7em;margin:.2em 0} h2{border-bottom:2px solid #d8dee4;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.4em}
nav{background:#fff;border:1px solid #d8dee4;padding:10px 16px;border-radius:6px}
nav a{margin-right:14px;color:#0B5394;text-decoration:none}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.86em;background:#fff}
th,td{border:1px solid #d8dee4;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef2f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}
figure{margin:1em 0;background:#fff;border:1px solid #d8dee4;padding:8px;display:inline-block;max-width:100%}
figure img{max-width:100%;height:auto} figcaption{font-size:.85em;color:#4a5560}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:10px}
.ok{color:#1a7f37;font-weight:600} .no{color:#b3261e;font-weight:600} .muted{color:#6b7580}
.agree{background:#e9f7ef} .disagree{background:#fdecea} .partly{background:#fff6e0}
details{margin:.6em 0} summary{cursor:pointer;font-weight:600}
code{background:#eef2f6;padding:0 3px;border-radius:3px}
"""


def esc(x) -> str:
    return html.escape("" if x is None else str(x))


def _cell(v) -> str:
    if isinstance(v, bool):
        return f'<td class="{"ok" if v else "no"}">{"yes" if v else "no"}</td>'
    if isinstance(v, float):
        return f'<td class="num">{v:,.3g}</td>' if abs(v) < 1000 else f'<td class="num">{v:,.0f}</td>'
    if isinstance(v, int):
        return f'<td class="num">{v:,}</td>'
    if isinstance(v, tuple) and len(v) == 2 and v[0] == "class":  # ("class", (css, text))
        css, text = v[1]
        return f'<td class="{esc(css)}">{esc(text)}</td>'
    return f"<td>{'—' if v is None else esc(v)}</td>"


def _table(t: dict) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in t["columns"])
    rows = "".join("<tr>" + "".join(_cell(v) for v in r) + "</tr>" for r in t["rows"])
    cap = f"<caption>{esc(t['caption'])}</caption>" if t.get("caption") else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


#: embedded PNGs larger than this are re-encoded with a 256-colour palette (maps: ~3x smaller)
PALETTE_ABOVE_BYTES = 150_000


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


def _img(d: dict) -> str:
    p = Path(d["path"])
    mime = {".png": "image/png", ".svg": "image/svg+xml"}.get(p.suffix.lower(), "application/octet-stream")
    data = base64.b64encode(_png_bytes(p)).decode("ascii")
    cap = f"<figcaption>{esc(d.get('caption', ''))}</figcaption>" if d.get("caption") else ""
    return f'<figure><img src="data:{mime};base64,{data}" alt="{esc(d.get("alt", p.stem))}">{cap}</figure>'


def render_blocks(blocks) -> str:
    out = []
    for kind, val in blocks:
        if kind == "p":
            out.append(f"<p>{esc(val)}</p>")
        elif kind == "html":
            out.append(val)
        elif kind == "h3":
            out.append(f"<h3>{esc(val)}</h3>")
        elif kind == "table":
            out.append(_table(val))
        elif kind == "img":
            out.append(_img(val))
        elif kind == "grid":
            out.append('<div class="grid">' + "".join(_img(v) for v in val) + "</div>")
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in val) + "</ul>")
        elif kind == "details":
            out.append(f"<details><summary>{esc(val['summary'])}</summary>{render_blocks(val['blocks'])}</details>")
        else:
            raise ValueError(f"unknown report block {kind!r}")
    return "\n".join(out)


def write_html(path, title: str, subtitle: str, sections: list[dict]) -> Path:
    """Write the report; returns its path."""
    nav = "".join(f'<a href="#{esc(s["id"])}">{esc(s["title"])}</a>' for s in sections)
    body = "\n".join(f'<section id="{esc(s["id"])}"><h2>{esc(s["title"])}</h2>{render_blocks(s["blocks"])}</section>'
                     for s in sections)
    doc = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>"
           f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}</style></head>"
           f"<body><main><h1>{esc(title)}</h1><p class=\"muted\">{esc(subtitle)}</p><nav>{nav}</nav>{body}"
           f"</main></body></html>")
    path = Path(path)
    path.write_text(doc, encoding="utf-8")
    return path
