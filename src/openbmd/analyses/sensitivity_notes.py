"""What the sensitivity sweep says beyond its verdicts: the answers that rest on notional ship
stations, and each answer at each value of a figure (issue 13 items 4 and 6).

Read from a :class:`openbmd.analyses.sensitivity.SensitivityResult`'s metrics; computes nothing new.
"""
from __future__ import annotations

#: the figure that moves or drops the notional North Sea ship (sensitivity_figures)
STATION_FIGURE = "north-sea-station"


def value_key(v) -> str:
    """A figure's value as a JSON key: ``6.3`` -> ``"6.3"``, ``7.0`` -> ``"7"``, strings as they are."""
    return f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def answers_at_values(row: dict, nominal: dict, figure) -> dict:
    """{architecture: {value: engageable cases}} at the figure's low, nominal and high value
    (the figure's own architectures, every one when it names none)."""
    archs = figure.applies_to or tuple(nominal["reach"])
    out = {}
    for a in archs:
        if a not in nominal["reach"]:
            continue
        out[a] = {value_key(getattr(figure, end)): m["reach"][a]["engageable_cases"]
                  for end, m in (("low", row["low"]), ("nominal", nominal), ("high", row["high"]))}
    return out


def notional_stations(notional: dict, nominal: dict, rows) -> list[dict]:
    """Per architecture with batteries at notional stations (``notional``: {architecture:
    {battery: why}}): how many of its engageable cases rest on them, and the answer with the
    North Sea ship dropped or moved (when the sweep has that figure)."""
    station = next((r for r in rows if r["figure"].name == STATION_FIGURE), None)
    out = []
    for aid, why in notional.items():
        if not why or aid not in nominal["reach"]:
            continue
        r = nominal["reach"][aid]
        engaged = sorted(b for b in why if r["by_battery"].get(b, 0) > 0)
        doc = {"architecture": aid, "batteries": dict(why), "engaged_by": engaged,
               "engageable_cases": r["engageable_cases"],
               "engageable_cases_sourced_sites": r["engageable_cases_sourced_sites"],
               "only_notional": r["engageable_cases"] > 0 and r["engageable_cases_sourced_sites"] == 0}
        if station is not None and aid in (station["figure"].applies_to or (aid,)):
            f = station["figure"]
            doc["station_figure"] = {value_key(getattr(f, e)): m["reach"][aid]["engageable_cases"]
                                     for e, m in (("low", station["low"]), ("nominal", nominal),
                                                  ("high", station["high"]))}
        doc["text"] = _text(doc, station)
        out.append(doc)
    return out


def _text(doc: dict, station) -> str:
    aid, n, src = doc["architecture"], doc["engageable_cases"], doc["engageable_cases_sourced_sites"]
    if n == 0:
        head = f"{aid} engages no Russian ICBM case, from its notional ship stations or elsewhere"
    elif src == 0:
        head = (f"{aid}: all {n} engageable Russian ICBM cases rest on batteries at notional stations "
                f"({', '.join(doc['engaged_by'])}); its sourced sites engage none, so the answer holds only "
                "if a ship is on that station")
    else:
        head = (f"{aid}: {n} engageable Russian ICBM cases, {src} of them from sourced sites, the rest only from "
                f"notional ship stations ({', '.join(doc['engaged_by']) or 'none'})")
    if "station_figure" in doc:
        f = station["figure"]
        got = doc["station_figure"]
        head += (f". With the North Sea ship {value_key(f.low)}: {got[value_key(f.low)]}; moved north to "
                 f"{value_key(f.high)}: {got[value_key(f.high)]} ({got[value_key(f.nominal)]} at "
                 f"{value_key(f.nominal)})")
    return head
