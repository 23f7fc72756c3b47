"""Measure the shipped threat catalog with the flight engine; optionally solve a calibration knob.

Kept in the repo as the record of how docs/catalog.md's engine ranges were made; tests do not
run it (tests/validation/test_catalog_ranges.py checks the results).

    python tools/calibrate_catalog.py              # the table
    python tools/calibrate_catalog.py --solve      # plus the factor that lands each missile on its point
    python tools/calibrate_catalog.py --notes      # rewrite each file's "Engine check" sentence

Every range is the engine's maximum range on the ROTATING WGS-84 Earth with drag, from the
missile's ``reference_site`` toward the eight compass azimuths
(:func:`openbmd.flight.performance.azimuth_table`). A published range with no direction
(``azimuth_deg = "any"`` in ``calibrated_to``) is held to the MEDIAN over those azimuths
(:mod:`openbmd.missiles.points` argues the choice); a point with an azimuth, to the range
toward it. The table prints the median, due east and due west, and the inertial burnout
speed over circular speed of the eastward flight (near-orbital from 0.98).

--solve scales one derived (D) quantity of a missile by a factor found by bisection so that
its engine range meets its ``calibrated_to`` point (the centre of a band): ``isp`` multiplies
the Isp of the chosen stages; ``dry`` multiplies their dry mass and takes the same kilograms
from their propellant, so each stage mass and the launch mass stay fixed. The factor
(relative to the file's current numbers, so ~1 once calibrated) is printed with the resulting
stage numbers, to be rounded into the TOML by hand.
"""
from __future__ import annotations

import argparse
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from openbmd.flight.performance import AZIMUTHS_DEG, azimuth_table, max_ranges, site_of
from openbmd.missiles import load_catalog

#: id -> (knob, stage indices from 0) for --solve; the choices are argued in docs/catalog.md
KNOBS = {
    "scud-b": ("isp", (0,)),
    "ghadr-1": ("isp", (0,)),
    "sejjil-2": ("isp", (0, 1)),
    "iran-irbm-notional": ("dry", (2,)),
    "iran-icbm-notional": ("isp", (0, 1, 2)),
    "aps-solid-icbm": ("isp", (0, 1, 2)),
    "aps-liquid-icbm": ("isp", (0, 1)),
    "ss-18": ("isp", (0, 1)),
    "ss-19": ("isp", (0, 1)),
    "ss-25": ("isp", (0, 1, 2)),
    "ss-27": ("isp", (0, 1, 2)),
    "rs-24": ("isp", (0, 1, 2)),
    "hwasong-15": ("isp", (0, 1)),
    "hwasong-17": ("isp", (0, 1)),
    "hwasong-18": ("isp", (0, 1, 2)),
}


def engine_range_km(missile) -> float:
    """The engine's figure for the missile's calibration point: the median over azimuths, or
    the range toward the point's azimuth; at the point's payload."""
    point = missile.calibrated_to
    m = missile.with_payload(point.payload_kg) if point.payload_kg != missile.payload_kg else missile
    if point.azimuth_deg is None:
        return float(np.median(azimuth_table([m]).range_km[0]))
    _, lat, lon = site_of(m)
    return float(max_ranges([m], lat, lon, point.azimuth_deg).range_km[0])


def measure(missile) -> dict:
    """One table row: median / east / west ranges (km) and the eastward flight's numbers."""
    t = azimuth_table([missile])
    r = t.range_km[0]
    east, west = AZIMUTHS_DEG.index(90.0), AZIMUTHS_DEG.index(270.0)
    north = AZIMUTHS_DEG.index(0.0)
    return {"median": float(np.median(r)), "east": r[east], "west": r[west], "north": r[north],
            "ratio_east": t.speed_ratio[0, east], "near_east": bool(t.near_orbital[0, east]),
            "vbo": t.burnout_speed_km_s[0, north], "apogee": t.apogee_km[0, north],
            "tof": t.time_of_flight_s[0, north], "point": engine_range_km(missile)}


#: the notes sentence --notes writes (and the older sentences it replaces)
_CHECK = re.compile(r"(Self-check \(rocket equation.*?\(published [^)]*\)\.|Engine check \(tools/calibrate_catalog"
                    r"\.py.*?time of flight [\d,]+ s\.)")


def check_sentence(missile, row: dict) -> str:
    """The notes sentence that records the engine's figures for one missile."""
    name, lat, lon = site_of(missile)
    p = missile.calibrated_to
    want = (f"{p.low_km:,.0f}-{p.high_km:,.0f}" if isinstance(p.range_km, tuple) else f"{p.low_km:,.0f}")
    east = f"{row['east']:,.0f} km east" + (" (near-orbital)" if row["near_east"] else "")
    dv = missile.ideal_delta_v_m_s / 1e3
    return (f"Engine check (tools/calibrate_catalog.py; rotating WGS-84 Earth with drag, launch {name} "
            f"{lat:g} N {lon:g} E, range maximised over the pitch-over kick, eight azimuths): median "
            f"{row['median']:,.0f} km against calibrated_to {want} km ({p.direction}, {p.payload_kg:,.0f} kg; "
            f"engine {row['point']:,.0f} km); {row['north']:,.0f} km north, {east} (burnout "
            f"{row['ratio_east']:.1%} of circular speed), {row['west']:,.0f} km west; northward burnout "
            f"{row['vbo']:.2f} km/s (ideal dv {dv:.2f} km/s), apogee {row['apogee']:,.0f} km, time of "
            f"flight {row['tof']:,.0f} s.")


def write_notes(missile, row: dict) -> None:
    """Replace the check sentence inside the ``notes`` line of the missile's own file."""
    path = Path(missile.source_path)
    lines = path.read_text().splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("notes = "):
            new, n = _CHECK.subn(check_sentence(missile, row), line, count=1)
            if n != 1:
                raise SystemExit(f"{path}: no check sentence in notes to replace")
            lines[i] = new
            break
    path.write_text("".join(lines))


def scaled(missile, knob: str, stages, factor: float):
    """The missile with the knob of ``stages`` scaled by ``factor`` (stage masses kept for 'dry')."""
    new = list(missile.stages)
    for i in stages:
        s = new[i]
        if knob == "isp":
            new[i] = replace(s, isp_s=s.isp_s * factor)
        else:
            extra = s.dry_kg * (factor - 1.0)
            new[i] = replace(s, dry_kg=s.dry_kg + extra, propellant_kg=s.propellant_kg - extra)
    return missile.replace_stages(new)


def solve(missile, knob: str, stages, lo=0.85, hi=1.15, tol_km=5.0):
    """Bisection on the factor; range falls with dry mass and rises with Isp."""
    p = missile.calibrated_to
    target = 0.5 * (p.low_km + p.high_km)

    def rng(f):
        try:
            return engine_range_km(scaled(missile, knob, stages, f))
        except Exception:  # an unphysical factor (e.g. thrust/weight < 1) counts as "too short"
            return -np.inf

    sign = 1.0 if knob == "isp" else -1.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        r = rng(mid)
        if abs(r - target) < tol_km:
            break
        if sign * (r - target) < 0:
            lo = mid
        else:
            hi = mid
    return target, mid, r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--solve", action="store_true", help="solve the KNOBS factor of each missile")
    ap.add_argument("--notes", action="store_true", help="rewrite the Engine check sentence of each file")
    ap.add_argument("ids", nargs="*", help="missile ids (default: all)")
    args = ap.parse_args()
    catalog = load_catalog()
    ids = args.ids or sorted(catalog)
    print("rotating WGS-84 with drag, from each reference site; ranges km; ratio = inertial burnout "
          "speed / circular (east)")
    print(f"{'id':20s} {'site':12s} {'point':>13s} {'engine':>7s} {'ok':>3s} {'median':>7s} {'north':>7s} "
          f"{'east':>7s} {'ratio':>6s} {'west':>7s}")
    for mid in ids:
        m = catalog[mid]
        row = measure(m)
        p = m.calibrated_to
        want = f"{p.low_km:.0f}-{p.high_km:.0f}" if isinstance(p.range_km, tuple) else f"{p.low_km:.0f}"
        print(f"{mid:20s} {site_of(m)[0][:12]:12s} {want:>13s} {row['point']:7.0f} "
              f"{'yes' if p.meets(row['point']) else 'NO':>3s} {row['median']:7.0f} {row['north']:7.0f} "
              f"{row['east']:7.0f} {row['ratio_east']:6.3f} {row['west']:7.0f}")
        if args.notes:
            write_notes(m, row)
    if not args.solve:
        return
    for mid in ids:
        if mid not in KNOBS:
            continue
        knob, stages = KNOBS[mid]
        target, f, r = solve(catalog[mid], knob, stages)
        new = scaled(catalog[mid], knob, stages, f)
        desc = "; ".join(f"st{i + 1}: isp {s.isp_s:.1f} s, prop {s.propellant_kg:.0f} kg, dry {s.dry_kg:.0f} kg"
                         for i, s in enumerate(new.stages))
        print(f"{mid:20s} target {target:7.0f} km  {knob} x {f:.4f} -> {r:7.0f} km | {desc}")


if __name__ == "__main__":
    main()
