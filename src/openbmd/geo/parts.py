"""Named parts of countries whose pieces lie far apart: which part a grid cell is in.

Natural Earth's 1:50m country outlines (``data/countries-50m.json``) hold the United States
as one multi-polygon; a statement such as "the threat reaches only Alaska" needs its parts.
A part is a latitude/longitude box: a cell of the country inside the box belongs to it
(the boxes of one country do not overlap on its land).  Countries without parts here are
their own single part.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Part", "PARTS", "part_of", "threatened_parts", "describe_parts"]


@dataclass(frozen=True, kw_only=True)
class Part:
    name: str
    boxes: tuple[tuple[float, float, float, float], ...]  #: (lat0, lat1, lon0, lon1) degrees
    source: str


#: Boxes read off the Natural Earth outlines: Alaska lies north of 51 N and west of the
#: panhandle's eastern edge (130.0 W, the Portland Canal; the Alaska-Canada boundary
#: elsewhere is 141 W), with the western Aleutians east of 172 E; Hawaii's main islands
#: span 18.9-22.3 N, 154.8-160.3 W; the contiguous states 24.5-49.4 N, 66.9-124.8 W.
PARTS: dict[str, tuple[Part, ...]] = {
    "United States of America": (
        Part(name="Alaska", boxes=((51.0, 72.0, -180.0, -129.9), (51.0, 56.0, 172.0, 180.0)),
             source="Natural Earth 1:50m outline; Alaska-Canada boundary 141 W and the panhandle to 130.0 W"),
        Part(name="Hawaii", boxes=((18.0, 23.0, -161.0, -154.0),),
             source="Natural Earth 1:50m outline; main islands 18.9-22.3 N, 154.8-160.3 W"),
        Part(name="contiguous United States", boxes=((24.0, 50.0, -125.5, -66.0),),
             source="Natural Earth 1:50m outline; 24.5-49.4 N, 66.9-124.8 W"),
    ),
}


def part_of(country, lat_deg, lon_deg) -> np.ndarray:
    """The part name of each cell (its country's name where the country has no parts here)."""
    country = np.asarray(country, dtype=object)
    lat = np.asarray(lat_deg, dtype=float)
    lon = (np.asarray(lon_deg, dtype=float) + 180.0) % 360.0 - 180.0
    out = country.copy()
    for name, parts in PARTS.items():
        mine = country == name
        for part in parts:
            inside = np.zeros(lat.shape, dtype=bool)
            for la0, la1, lo0, lo1 in part.boxes:
                inside |= (lat >= la0) & (lat <= la1) & (lon >= lo0) & (lon <= lo1)
            out[mine & inside & (out == name)] = part.name
    return out


def threatened_parts(country, lat_deg, lon_deg, area_km2, threatened) -> dict[str, float]:
    """Share of the threatened area in each part, largest first (empty when nothing is threatened)."""
    threatened = np.asarray(threatened, dtype=bool)
    area = np.asarray(area_km2, dtype=float)
    total = float(area[threatened].sum())
    if total <= 0:
        return {}
    names = part_of(country, lat_deg, lon_deg)[threatened]
    shares = {}
    for n in np.unique(names):
        shares[str(n)] = float(area[threatened][names == n].sum() / total)
    return dict(sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])))


def describe_parts(shares: dict[str, float], most: int = 4) -> str:
    """Words for where the threatened area lies: "Alaska only", "Turkey (60 %), Greece (25 %), ..."."""
    if not shares:
        return "nothing threatened"
    if len(shares) == 1:
        return f"{next(iter(shares))} only"
    items = list(shares.items())
    text = ", ".join(f"{n} ({100 * s:.0f} %)" for n, s in items[:most])
    return text + (f" and {len(items) - most} more" if len(items) > most else "")
