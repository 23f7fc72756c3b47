"""What is installed is what is tested: build the wheel, install it into a fresh virtual environment
outside the source tree and run the main commands from there.

    python tools/wheel_smoke.py                  # build, check contents, fresh venv, install, smoke
    python tools/wheel_smoke.py --venv DIR       # only the smoke commands, with DIR's installed openbmd
    python tools/wheel_smoke.py --keep           # keep the temporary folder (its path is printed)

Steps: copy the files git tracks into a temporary folder (so no stale build/ or untracked file of
a working tree reaches the wheel) and build the wheel there (``pip wheel --no-deps``); compare its
files with git's list (tools/check_wheel_contents.py); create a virtual environment, install the
wheel and its dependencies; then, from an empty working folder outside the tree, with PYTHONPATH
cleared and a fresh fly-out cache: ``openbmd --version``, every listing with ``--json`` (non-empty,
a known id present), ``architectures show`` one architecture, one coarse ``coverage`` and one
``icbm-reach`` on one field, target and shape. Each step prints its time; any failure prints what
failed (with the command's stderr) and the script exits 1 after running the remaining steps.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from check_wheel_contents import compare, tracked_files, wheel_files  # noqa: E402

TIMEOUT_S = 900


class StepFailed(Exception):
    """One smoke step did not give what it should (the message says what)."""


# ---------------------------------------------------------------- the checks of each command
def _json_rows(out: str, key: str, known_id: str) -> str:
    rows = json.loads(out)[key]
    if not rows:
        raise StepFailed(f"'{key}' is empty")
    ids = {r["id"] for r in rows}
    if known_id not in ids:
        raise StepFailed(f"'{known_id}' not among the {len(ids)} {key}: {sorted(ids)}")
    return f"{len(rows)} {key}"


def _version(out: str) -> str:
    words = out.split()
    if len(words) != 2 or words[0] != "openbmd" or not words[1][:1].isdigit():
        raise StepFailed(f"unexpected version line {out!r}")
    return out.strip()


def _architecture(out: str) -> str:
    d = json.loads(out)
    if d["id"] != "epaa-phase-3" or not d["sensors"] or not d["batteries"]:
        raise StepFailed("epaa-phase-3 without sensors or batteries")
    return f"{len(d['sensors'])} sensors, {len(d['batteries'])} batteries"


def _coverage(out: str) -> str:
    d = json.loads(out)
    fraction = d["defended_area_fraction"]
    if not 0.0 <= fraction <= 1.0:
        raise StepFailed(f"defended_area_fraction {fraction} outside [0, 1]")
    if not d["capitals"] or not 0 <= d["population_defended"] <= d["population_total"]:
        raise StepFailed("no capitals, or population_defended outside [0, population_total]")
    return f"defended area fraction {fraction:.3f}, {len(d['capitals'])} capitals"


def _icbm_reach(out: str) -> str:
    d = json.loads(out)
    missing = {"architecture", "cases", "sites", "reaction_s", "reaction_sweep"} - set(d)
    if missing:
        raise StepFailed(f"keys missing: {sorted(missing)}")
    if d["architecture"] != "epaa-phase-3" or not d["cases"] or d["reaction_sweep"]:
        raise StepFailed("wrong architecture, no cases, or a reaction sweep that was switched off")
    for c in d["cases"]:
        if (c["field"], c["target"], c["shape"]) != ("Kozelsk", "Washington", "min-energy"):
            raise StepFailed(f"a case outside the narrowing: {c['field']}, {c['target']}, {c['shape']}")
        if not isinstance(c["engageable"], bool) or (c["margin_s"] is None) == c["engageable"]:
            raise StepFailed(f"battery {c['battery']}: engageable and margin_s disagree")
    return f"{sum(c['engageable'] for c in d['cases'])} of {len(d['cases'])} batteries engage"


#: (name, arguments, check of stdout -> one-line summary)
SMOKE: tuple[tuple[str, tuple[str, ...], Callable[[str], str]], ...] = (
    ("version", ("--version",), _version),
    ("missiles --json", ("missiles", "--json"), lambda o: _json_rows(o, "missiles", "shahab-3")),
    ("radars --json", ("radars", "--json"), lambda o: _json_rows(o, "radars", "fylingdales")),
    ("interceptors --json", ("interceptors", "--json"), lambda o: _json_rows(o, "interceptors", "sm-3-iia")),
    ("interceptors launchers --json", ("interceptors", "launchers", "--json"),
     lambda o: _json_rows(o, "launchers", "aegis-ashore-deveselu")),
    ("architectures --json", ("architectures", "--json"),
     lambda o: _json_rows(o, "architectures", "epaa-phase-3")),
    ("architectures show --json", ("architectures", "show", "epaa-phase-3", "--json"), _architecture),
    ("coverage (coarse)", ("coverage", "-a", "epaa-phase-1", "--threat", "sejjil-2", "--from", "Tabriz",
                           "--region", "34,46,20,45", "--step-deg", "1.5", "--json"), _coverage),
    ("icbm-reach (one case)", ("icbm-reach", "-a", "epaa-phase-3", "--field", "kozelsk", "--target",
                               "washington", "--shape", "min-energy", "--no-reaction-sweep", "--json"),
     _icbm_reach),
)


# ---------------------------------------------------------------- running
def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)


def _step(name: str, action: Callable[[], str], failures: list[str]) -> None:
    """Run one step, print 'ok' or 'FAIL' with its time; record a failure and go on."""
    start = time.perf_counter()
    try:
        note = action()
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the others
        failures.append(name)
        print(f"FAIL {name} ({time.perf_counter() - start:.1f} s): {type(exc).__name__}: {exc}", flush=True)
        return
    print(f"ok   {name} ({time.perf_counter() - start:.1f} s): {note}", flush=True)


def _checked(proc: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise StepFailed(f"{what} exited {proc.returncode}:\n{tail}")
    return proc


def _venv_env(venv: Path, cache: Path) -> dict[str, str]:
    """The environment of an installed user: the venv first on PATH, no PYTHONPATH into a source tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               OPENBMD_CACHE_DIR=str(cache), COLUMNS="200", PYTHONNOUSERSITE="1")
    return env


def smoke(venv: Path, work: Path, failures: list[str]) -> None:
    """The commands, run by the venv's ``openbmd`` from ``work`` (outside the source tree)."""
    run_dir, env = work / "run", _venv_env(venv, work / "cache")
    run_dir.mkdir(parents=True, exist_ok=True)
    exe = str(venv / "bin" / "openbmd")

    def where() -> str:
        proc = _checked(_run([str(venv / "bin" / "python"), "-c", "import openbmd; print(openbmd.__file__)"],
                             cwd=run_dir, env=env), "import openbmd")
        path = Path(proc.stdout.strip()).resolve()
        if venv.resolve() not in path.parents:
            raise StepFailed(f"openbmd imported from {path}, not from the venv {venv}")
        return str(path)

    _step("openbmd imported from the venv", where, failures)
    for name, args, check in SMOKE:
        def action(args=args, check=check, name=name) -> str:
            proc = _checked(_run([exe, *args], cwd=run_dir, env=env), f"openbmd {' '.join(args)}")
            return check(proc.stdout)
        _step(name, action, failures)


def build_and_install(work: Path, failures: list[str]) -> Path | None:
    """Wheel from the tracked files, its contents checked, a fresh venv with it installed."""
    src, dist, venv = work / "src", work / "dist", work / "venv"
    wheel: list[Path] = []

    def copy() -> str:
        names = sorted(n for n in _git_files() if (ROOT / n).is_file())
        for name in names:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
        return f"{len(names)} tracked files to {src}"

    def build() -> str:
        _checked(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
                      cwd=work), "pip wheel")
        wheel.extend(dist.glob("openbmd-*.whl"))
        if len(wheel) != 1:
            raise StepFailed(f"expected one openbmd wheel in {dist}, found {wheel}")
        return wheel[0].name

    def contents() -> str:
        missing, extra = compare(tracked_files(), wheel_files(wheel[0]))
        if missing or extra:
            raise StepFailed(f"missing from the wheel: {missing}; not tracked: {extra}")
        return f"{len(wheel_files(wheel[0]))} files, the same as git's list of src/openbmd"

    def make_venv() -> str:
        _checked(_run([sys.executable, "-m", "venv", str(venv)], cwd=work), "python -m venv")
        return str(venv)

    def install() -> str:
        env = _venv_env(venv, work / "cache")
        _checked(_run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                       "--disable-pip-version-check", str(wheel[0])], cwd=work, env=env), "pip install")
        return f"{wheel[0].name} and its dependencies"

    for name, action in (("copy the tracked files", copy), ("build the wheel", build),
                         ("wheel contents", contents), ("fresh venv", make_venv), ("install the wheel", install)):
        before = len(failures)
        _step(name, action, failures)
        if len(failures) > before:
            return None
    return venv


def _git_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True)
    return [n for n in listed.stdout.split("\0") if n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="smoke an existing venv with openbmd installed (no build)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    start, failures = time.perf_counter(), []
    work = Path(tempfile.mkdtemp(prefix="openbmd-wheel-smoke-")).resolve()
    if ROOT in work.parents:
        print(f"FAIL the temporary folder {work} is inside the source tree {ROOT}", file=sys.stderr)
        return 1
    try:
        venv = args.venv.resolve() if args.venv else build_and_install(work, failures)
        if venv is not None:
            smoke(venv, work, failures)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - start
    if failures:
        print(f"wheel smoke FAILED ({len(failures)}: {', '.join(failures)}) in {total:.0f} s", file=sys.stderr)
        return 1
    print(f"wheel smoke passed in {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
