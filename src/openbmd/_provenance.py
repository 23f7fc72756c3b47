"""Which source a run came from: the git commit of the running openbmd, when it can be known.

Order: the git checkout the running package lives in (an editable install or a source tree:
``git rev-parse HEAD``, with "+modified" when tracked files differ from it); else the commit
pip recorded for an install from a git URL (PEP 610 ``direct_url.json``, ``vcs_info``);
else "unknown".  Never raises: no git, no checkout, a timeout all give "unknown".
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

__all__ = ["source_commit"]

GIT_TIMEOUT_S = 5.0
INSTALLED_DIRS = ("site-packages", "dist-packages")  # an installed copy: its folder's git (if any) is not its source


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          timeout=GIT_TIMEOUT_S, check=False)


def _checkout_commit(package_dir: Path) -> str | None:
    if any(part in INSTALLED_DIRS for part in package_dir.parts):
        return None
    if not any((p / ".git").exists() for p in (package_dir, *package_dir.parents)):
        return None
    try:
        head = _git(package_dir, "rev-parse", "HEAD")
        if head.returncode != 0 or not head.stdout.strip():
            return None
        dirty = _git(package_dir, "status", "--porcelain", "--untracked-files=no", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return None
    commit = head.stdout.strip()
    return commit + ("+modified" if dirty.returncode == 0 and dirty.stdout.strip() else "")


def _pip_vcs_commit() -> str | None:
    try:
        from importlib.metadata import distribution

        text = distribution("openbmd").read_text("direct_url.json")
        info = json.loads(text or "{}").get("vcs_info") or {}
    except Exception:  # noqa: BLE001 - no metadata, unreadable or malformed: the commit is unknown
        return None
    commit = info.get("commit_id")
    return str(commit) if commit else None


def source_commit(package_dir=None) -> str:
    """The git commit of the running openbmd (see the module docstring), or "unknown"."""
    if package_dir is None:
        import openbmd

        package_dir = Path(openbmd.__file__).resolve().parent
    return _checkout_commit(Path(package_dir)) or _pip_vcs_commit() or "unknown"
