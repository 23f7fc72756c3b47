"""The one-way flow: computation never imports presentation.

Every ``import`` and ``from ... import`` in the source (at module level or inside a function) is read
with ``ast``; a module of the computing packages that names ``openbmd.report`` or ``openbmd.cli`` fails.
"""
import ast
from pathlib import Path

import pytest

import openbmd

SRC = Path(openbmd.__file__).parent
#: presentation and the command line: allowed to import anything
PRESENTATION = ("report", "cli")
#: the public surface gathers every layer (api.py) and runs the command line (__main__.py)
SURFACE = ("api.py", "__init__.py", "__main__.py")


def is_presentation(module: str) -> bool:
    return any(module == f"openbmd.{p}" or module.startswith(f"openbmd.{p}.") for p in PRESENTATION)


def imported_modules(path: Path, package: str | None = None) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved against ``package``)."""
    package = package or ".".join(("openbmd",) + path.relative_to(SRC).parent.parts)
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)  # from openbmd import report
    return names


def computing_modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py")
                  if p.relative_to(SRC).parts[0] not in PRESENTATION + SURFACE)


def test_the_scan_sees_the_computing_packages():
    top = {p.relative_to(SRC).parts[0] for p in computing_modules()}
    assert {"analyses", "engagement", "flight", "sensors", "geo", "kernels"} <= top


@pytest.mark.parametrize("path", computing_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_computation_does_not_import_presentation(path):
    bad = sorted(n for n in imported_modules(path) if is_presentation(n))
    assert not bad, f"{path.relative_to(SRC)} imports {', '.join(bad)}"


def test_the_scan_catches_a_function_level_import(tmp_path):
    # the checker itself: an import hidden inside a function, and a relative one, are both found
    probe = tmp_path / "probe.py"
    probe.write_text("import numpy\ndef f():\n    from openbmd.report.maps import RingSpec\n    from ..cli import main\n"
                     "    from openbmd import report\n")
    names = imported_modules(probe, package="openbmd.analyses")
    assert {"openbmd.report.maps", "openbmd.cli.main", "openbmd.report"} <= names
    assert sorted(n for n in names if is_presentation(n)) == ["openbmd.cli", "openbmd.cli.main", "openbmd.report",
                                                                "openbmd.report.maps", "openbmd.report.maps.RingSpec"]
    assert not is_presentation("openbmd.reporting") and not is_presentation("numpy")


def raised_texts(path: Path) -> list[str]:
    """The string pieces of every ``raise`` statement in ``path`` (f-strings' literal parts included)."""
    texts = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            texts += [c.value for c in ast.walk(node.exc) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return texts


@pytest.mark.parametrize("path", computing_modules() + sorted((SRC / "report").glob("*.py")),
                         ids=lambda p: str(p.relative_to(SRC)))
def test_library_errors_speak_the_api_not_the_command_line(path):
    # errors name parameters (azimuth_deg), never flags (--azimuth): the CLI words them for its users
    import re

    flags = sorted({m for t in raised_texts(path) for m in re.findall(r"(?<![\w-])--[a-z][a-z-]*", t)})
    assert not flags, f"{path.relative_to(SRC)} raises errors naming {', '.join(flags)}"


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_pyplot_state(path):
    # pictures are drawn on bare matplotlib Figures: importing openbmd never switches a notebook's
    # backend (matplotlib.use) nor touches pyplot's global figure list
    names = imported_modules(path)
    assert "matplotlib.pyplot" not in names, path
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "use" and isinstance(n.func.value, ast.Name) and n.func.value.id == "matplotlib"]
    assert not calls, path
