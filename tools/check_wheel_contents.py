"""Check that a wheel ships exactly the package's tracked files: every file under src/openbmd that
git tracks (code, catalogs, data, templates) and nothing else (no stale modules from an old build/).

    python tools/check_wheel_contents.py dist/openbmd-0.1.0-py3-none-any.whl

Exit 0 when the lists agree; otherwise exit 1 and print each missing and each unexpected file.
Run by .ci/run on the wheel it builds, before installing it.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "openbmd"


def tracked_files(root: Path = ROOT) -> set[str]:
    """The package's files as git tracks them (and still on disk), named as inside the wheel ('openbmd/...')."""
    listed = subprocess.run(["git", "ls-files", "-z", f"src/{PACKAGE}"], cwd=root, check=True,
                            capture_output=True, text=True).stdout
    names = {name.removeprefix("src/") for name in listed.split("\0") if name and (root / name).is_file()}
    if not names:
        raise SystemExit(f"git lists no file under src/{PACKAGE} in {root}: not a checkout of openbmd?")
    return names


def wheel_files(wheel: Path) -> set[str]:
    """The wheel's files under the package folder (the .dist-info folder left out)."""
    with zipfile.ZipFile(wheel) as zf:
        return {n for n in zf.namelist() if n.startswith(f"{PACKAGE}/") and not n.endswith("/")}


def compare(tracked: set[str], shipped: set[str]) -> tuple[list[str], list[str]]:
    """(missing from the wheel, in the wheel but not tracked)."""
    return sorted(tracked - shipped), sorted(shipped - tracked)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the .whl file to check")
    args = parser.parse_args(argv)
    tracked, shipped = tracked_files(), wheel_files(args.wheel)
    missing, extra = compare(tracked, shipped)
    for name in missing:
        print(f"missing from the wheel: {name} (add its kind of file to "
              f"[tool.setuptools.package-data] in pyproject.toml)", file=sys.stderr)
    for name in extra:
        print(f"in the wheel but not tracked by git: {name} (a stale build/ folder, or a file to add)",
              file=sys.stderr)
    if missing or extra:
        print(f"FAIL {args.wheel.name}: {len(missing)} missing, {len(extra)} unexpected", file=sys.stderr)
        return 1
    data = sum(not n.endswith(".py") for n in shipped)
    print(f"ok {args.wheel.name}: {len(shipped)} files ({data} data files), the same as git's list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
