"""The live picture's web page, served by the center at ``/picture/`` (``/`` redirects there).

Everything the page needs ships in the package (``web/``): its HTML, script and style, Leaflet
(``web/vendor/leaflet/``, with its licence) and the borders, Natural Earth's 1:50m outlines that
the repo's maps use (``data/countries-50m.json``, decoded by :mod:`openbmd.geo.borders` and served
as GeoJSON at ``/picture/borders.geojson``). No tile server and no CDN: the page's Content
Security Policy lets it load and connect to the center's own origin only.

The page and the borders are public (no party data); every party datum comes from the ``/v1/``
API with the token the user types in, which the page keeps in ``sessionStorage`` and sends as
``Authorization: Bearer``, the stream included (read with ``fetch``, not ``EventSource``, which
cannot send the header): no token in a URL.
"""
from __future__ import annotations

import functools
import gzip
import json
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

PAGE = "/picture/"
#: the page may load and connect to its own origin only; Leaflet sets inline styles on its panes
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
BORDER_DECIMALS = 2  #: 0.01 deg (about 1 km): finer than a screen pixel at the page's zooms


def add_webpage(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PAGE)

    @app.get("/picture", include_in_schema=False)
    def picture_no_slash() -> RedirectResponse:
        return RedirectResponse(PAGE)

    html = resources.files("openbmd.center").joinpath("web", "index.html").read_text("utf-8")  # once

    @app.get(PAGE, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                           "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"})

    @app.get(PAGE + "borders.geojson", include_in_schema=False)
    def borders(request: Request) -> Response:
        plain, packed = _borders()
        headers = {"Cache-Control": "public, max-age=86400"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(packed, media_type="application/geo+json", headers={**headers, "Content-Encoding": "gzip"})
        return Response(plain, media_type="application/geo+json", headers=headers)

    app.mount(PAGE + "static", StaticFiles(packages=[("openbmd.center", "web")]), name="picture-static")


@functools.lru_cache(maxsize=1)
def _borders() -> tuple[bytes, bytes]:
    """The country outlines as a GeoJSON FeatureCollection (outer rings; [lon, lat] rounded), and gzipped."""
    from openbmd.geo.borders import countries

    features = []
    for c in countries():
        rings = []
        for ring in c.polygons:
            pts = [[round(float(lon), BORDER_DECIMALS), round(float(lat), BORDER_DECIMALS)] for lon, lat in ring]
            kept = [p for k, p in enumerate(pts) if k == 0 or p != pts[k - 1]]
            if len(kept) >= 4:
                rings.append([kept])
        features.append({"type": "Feature", "properties": {"name": c.name},
                         "geometry": {"type": "MultiPolygon", "coordinates": rings}})
    plain = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()
    return plain, gzip.compress(plain, 6)
