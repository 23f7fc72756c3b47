"""Measure the shipped threat catalog with the flight engine; optionally solve a calibration knob.

Kept in the repo as the record of how docs/catalog.md's engine ranges were made; tests do not
run it (tests/validation/test_catalog_ranges.py checks the results).

    python tools/calibrate_catalog.py              # the table
    python tools/calibrate_catalog.py --solve      # plus the factor that lands each missile on TARGETS
    python tools/calibrate_catalog.py --notes      # rewrite each file's "Engine check" sentence

Table: maximum range on a NON-rotating WGS-84 Earth with drag toward azimuth 0 and 90 deg
(the published ranges carry no azimuth), then on the rotating Earth toward east (90) and
west (270), all from LAUNCH; burnout speed, apogee and time of flight are those of the
non-rotating azimuth-0 max-range flight.

--solve scales one derived (D) quantity of a missile by a factor found by bisection so that its
non-rotating max range (mean of azimuths 0 and 90) equals the target in TARGETS:
``isp`` multiplies the Isp of the chosen stages; ``dry`` multiplies their dry mass and takes
the same kilograms from their propellant, so each stage mass and the launch mass stay fixed.
The factor (relative to the file's current numbers, so ~1 once calibrated) is printed with the
resulting stage numbers, to be rounded into the TOML by hand.
"""
from __future__ import annotations

import argparse
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from openbmd.earth import earth_model
from openbmd.flight.shaping import Launcher, max_range_kick
from openbmd.missiles import load_catalog

#: launch point of every measurement: mid-latitude, Iranian plateau (deg)
LAUNCH = (35.0, 50.0)
#: id -> (target non-rotating range km, knob, stage indices from 0); the choices are argued in
#: docs/catalog.md ("Engine calibration")
TARGETS = {
    "scud-b": (310.0, "isp", (0,)),
    "ghadr-1": (1800.0, "isp", (0,)),
    "sejjil-2": (2100.0, "isp", (0, 1)),
    "iran-irbm-notional": (3600.0, "dry", (2,)),
    "iran-icbm-notional": (8800.0, "isp", (0, 1, 2)),
    "aps-solid-icbm": (11000.0, "isp", (0, 1, 2)),
    "aps-liquid-icbm": (11000.0, "isp", (0, 1)),
    "ss-18": (11300.0, "isp", (0, 1)),
    "ss-19": (10250.0, "isp", (0, 1)),
    "ss-25": (10500.0, "isp", (0, 1, 2)),
    "ss-27": (10500.0, "isp", (0, 1, 2)),
    "rs-24": (11500.0, "isp", (0, 1, 2)),
}


def max_range_km(missile, earth, azimuths_deg):
    """(max range km, best kick deg, launcher) toward each azimuth; range inf where it does not land."""
    launcher = Launcher(missile, *LAUNCH, earth, True)
    kick, rng = max_range_kick(launcher, np.asarray(azimuths_deg, float))
    return np.where(np.isfinite(rng), rng / 1e3, np.inf), kick, launcher


def measure(missile) -> dict:
    """One table row: ranges (km) and the az-0 non-rotating max-range flight's numbers."""
    still, spin = earth_model("wgs84", rotation=False), earth_model("wgs84")
    nr, kick, launcher = max_range_km(missile, still, [0.0, 90.0])
    ew = max_range_km(missile, spin, [90.0, 270.0])[0]
    b = launcher.fly([0.0], [kick[0]])
    return {"nr0": nr[0], "nr90": nr[1], "east": ew[0], "west": ew[1],
            "vbo": b.burnout_speed_m_s[0] / 1e3, "apogee": b.apogee_alt_m[0] / 1e3,
            "tof": b.impact_time_s[0], "kick": kick[0]}


#: the notes sentence --notes writes (and the older rocket-equation sentence it replaces)
_CHECK = re.compile(r"(Self-check \(rocket equation.*?\(published [^)]*\)\.|Engine check \(tools/calibrate_catalog"
                    r"\.py.*?time of flight [\d,]+ s\.)")


def check_sentence(missile, row: dict) -> str:
    """The notes sentence that records the engine's figures for one missile."""
    lo, hi = missile.published_range_km
    dv = missile.ideal_delta_v_m_s / 1e3
    return (f"Engine check (tools/calibrate_catalog.py; WGS-84 with drag, launch {LAUNCH[0]:g} N "
            f"{LAUNCH[1]:g} E, range maximised over the pitch-over kick): non-rotating {row['nr0']:,.0f} km "
            f"(azimuth 0) / {row['nr90']:,.0f} km (azimuth 90), published {lo:,.0f}-{hi:,.0f} km; "
            f"rotating Earth {row['east']:,.0f} km east, {row['west']:,.0f} km west; burnout "
            f"{row['vbo']:.2f} km/s (ideal dv {dv:.2f} km/s, so {dv - row['vbo']:.2f} km/s lost to gravity, "
            f"drag and steering), apogee {row['apogee']:,.0f} km, time of flight {row['tof']:,.0f} s.")


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


def solve(missile, target_km: float, knob: str, stages, lo=0.6, hi=1.6, tol_km=5.0):
    """Bisection on the factor; range falls with dry mass and rises with Isp."""
    still = earth_model("wgs84", rotation=False)

    def rng(f):
        try:
            return float(np.mean(max_range_km(scaled(missile, knob, stages, f), still, [0.0, 90.0])[0]))
        except Exception:  # an unphysical factor (e.g. thrust/weight < 1) counts as "too short"
            return -np.inf

    sign = 1.0 if knob == "isp" else -1.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        r = rng(mid)
        if abs(r - target_km) < tol_km:
            break
        if sign * (r - target_km) < 0:
            lo = mid
        else:
            hi = mid
    return mid, r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--solve", action="store_true", help="solve the TARGETS knob of each missile")
    ap.add_argument("--notes", action="store_true", help="rewrite the Engine check sentence of each file")
    ap.add_argument("ids", nargs="*", help="missile ids (default: all)")
    args = ap.parse_args()
    catalog = load_catalog()
    ids = args.ids or sorted(catalog)
    print(f"launch {LAUNCH[0]} N {LAUNCH[1]} E; WGS-84, drag; ranges km, speed km/s, apogee km, tof s")
    print(f"{'id':20s} {'published':>13s} {'nr az0':>7s} {'nr az90':>7s} {'east':>7s} {'west':>7s} "
          f"{'v_bo':>6s} {'apogee':>6s} {'tof':>5s}")
    for mid in ids:
        m = catalog[mid]
        row = measure(m)
        lo, hi = m.published_range_km
        print(f"{mid:20s} {lo:6.0f}-{hi:<6.0f} {row['nr0']:7.0f} {row['nr90']:7.0f} {row['east']:7.0f} "
              f"{row['west']:7.0f} {row['vbo']:6.3f} {row['apogee']:6.0f} {row['tof']:5.0f}")
        if args.notes:
            write_notes(m, row)
    if not args.solve:
        return
    for mid in ids:
        if mid not in TARGETS:
            continue
        target, knob, stages = TARGETS[mid]
        f, r = solve(catalog[mid], target, knob, stages)
        new = scaled(catalog[mid], knob, stages, f)
        desc = "; ".join(f"st{i + 1}: isp {s.isp_s:.1f} s, prop {s.propellant_kg:.0f} kg, dry {s.dry_kg:.0f} kg"
                         for i, s in enumerate(new.stages))
        print(f"{mid:20s} target {target:7.0f} km  {knob} x {f:.4f} -> {r:7.0f} km | {desc}")


if __name__ == "__main__":
    main()
