"""Options shared by several commands (declared once, used with ``Annotated``)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

#: Trajectory shapes of ``openbmd.flight.SHAPES`` and Earth names of
#: ``openbmd.earth.EARTHS``: repeated here so that ``--help`` and ``--version``
#: start without importing numba (0.8 s); tests keep the copies equal.
SHAPES = ("max-range", "min-energy", "lofted", "depressed")
EARTHS = ("wgs84", "sphere")

Missile = Annotated[Optional[str], typer.Option(
    "--missile", metavar="ID|FILE.toml",
    help="Catalog id (see `openbmd missiles`) or a missile TOML file.")]
#: what a place option takes (openbmd.sites.resolve_place)
PLACE_HELP = "LAT,LON in degrees (e.g. 35.2,53.9 or -33.9,18.4) or a launch area, target or city (e.g. Tabriz)"
From = Annotated[str, typer.Option(
    "--from", metavar="LAT,LON|PLACE", help=f"Launch point: {PLACE_HELP}.")]
# Literal[tuple] is Literal[a, b, ...] at run time: typer turns it into a choice.
EarthName = Literal[EARTHS]  # type: ignore[valid-type]
ShapeName = Literal[SHAPES]  # type: ignore[valid-type]

Earth = Annotated[EarthName, typer.Option("--earth", help="Earth model.")]
Rotation = Annotated[bool, typer.Option(
    "--rotation/--no-rotation", help="Include the Earth's rotation.")]
Drag = Annotated[bool, typer.Option("--drag/--no-drag", help="Include atmospheric drag.")]
Json = Annotated[bool, typer.Option(
    "--json", help="Print one JSON object on stdout (no tables; progress stays on stderr).")]


def out_option(suffixes: tuple[str, ...]):
    """An ``--out FILE`` option whose help names the allowed extensions."""
    return Annotated[Optional[Path], typer.Option(
        "--out", metavar="FILE",
        help=f"Also write the result to FILE ({', '.join(suffixes)}).")]
def _check_dask(value: Optional[str]) -> Optional[str]:
    """A bad ``--dask`` value fails at once, before any work: one line naming the option."""
    if value is not None:
        from openbmd.errors import InputError
        from openbmd.scale.executor import parse_spec

        try:
            parse_spec(value)
        except InputError as exc:
            raise InputError(str(exc).replace("dask cluster ", "--dask ", 1)) from None
    return value


Dask = Annotated[Optional[str], typer.Option(
    "--dask", metavar="local[:N]|ADDRESS", callback=_check_dask,
    help="Run the work as Dask tasks: local (a local cluster, one worker process per core), local:N "
         "(N worker processes) or a scheduler address tcp://HOST:PORT; the same answers as without. "
         "Needs pip install 'openbmd[dask]'.")]
