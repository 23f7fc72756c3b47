"""Shared by the browser tests: the engine's Sejjil-2 flight (tests/center/fusion_scenario.py) seen
by a party's radar, posted to a live center over HTTP, and the page driven as a person would."""
from __future__ import annotations

import numpy as np
from fusion_scenario import SENSORS, flight, looks, returns, truth

#: the scenario's radars: which party owns each and its catalog model
SITES = {"r1": ("nato", "an-tpy-2-fbm"), "r2": ("russia", "voronezh-dm-armavir")}
TRACK_RGB = (0xD6, 0x00, 0x8F)  #: app.js COLOURS.track
VIEWPORT = {"width": 1280, "height": 800}


def new_context(browser):
    """A fresh context (its own session storage). ``bypass_csp``: the page's Content Security Policy
    forbids eval, which Playwright's waits use; the policy itself is checked on the response."""
    return browser.new_context(viewport=VIEWPORT, bypass_csp=True)


def register(live, sensor: str, sharing: str) -> None:
    party, model = SITES[sensor]
    s = SENSORS[sensor]
    r = live.call("POST", "/v1/sensors", live.tokens[party],
                  json={"id": sensor, "sensor": model, "lat_deg": s.lat_deg, "lon_deg": s.lon_deg, "alt_m": s.alt_m,
                        "sharing": sharing})
    assert r.status_code == 201, r.text


def reports(sensor: str, seed: int, first_s: float = 20.0, last_s: float = 200.0) -> list[dict]:
    """Noisy returns of the flight from ``first_s`` to ``last_s`` after burnout, every 5 s."""
    traj, tb, *_ = flight()
    tt = looks(sensor, tb + first_s, tb + last_s, 5.0)
    return [{"id": m.id, "sensor": sensor, "t_s": m.t_s, "range_m": m.range_m, "azimuth_deg": m.azimuth_deg,
             "elevation_deg": m.elevation_deg, "sigma_range_m": m.sigma_range_m, "sigma_angle_deg": m.sigma_angle_deg}
            for m in returns(sensor, tt, truth(traj, tt), seed=seed)]


def post(live, sensor: str, rows: list[dict]) -> None:
    r = live.call("POST", "/v1/reports", live.tokens[SITES[sensor][0]], json={"reports": rows})
    assert r.status_code == 200 and r.json()["accepted"] == len(rows), r.text


def login(page, live, token: str) -> None:
    """Open the page, type the token, log in, and wait until the stream is open."""
    page.goto(live.base + "/")
    page.fill("#token", token)
    page.click("#login-button")
    page.wait_for_selector("#app:not([hidden])", timeout=10_000)
    page.wait_for_function("document.getElementById('status').textContent.startsWith('live: connected')",
                           timeout=10_000)


def geodetic(position_m) -> tuple[float, float]:
    """(lat_deg, lon_deg) of an ECEF position by PROJ (WGS 84), independent of the page's own conversion."""
    from pyproj import Transformer

    lon, lat, _ = Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True).transform(*position_m)
    return float(lat), float(lon)


def page_point(page, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon) falls on the page, in CSS pixels, by the page's map projection."""
    return tuple(page.evaluate("""([lat, lon]) => {
        const p = window.obmd.map.latLngToContainerPoint([lat, lon]);
        const box = document.getElementById('map').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }""", [lat, lon]))


def colour_pixels(png: bytes, x: float, y: float, rgb=TRACK_RGB, half: int = 6, tol: float = 60.0) -> int:
    """How many pixels within ``half`` px of (x, y) are within ``tol`` (RGB distance) of ``rgb``."""
    import io

    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    xi, yi = int(round(x)), int(round(y))
    box = img[max(0, yi - half):yi + half + 1, max(0, xi - half):xi + half + 1]
    return int((np.linalg.norm(box - np.asarray(rgb, float), axis=-1) < tol).sum())
