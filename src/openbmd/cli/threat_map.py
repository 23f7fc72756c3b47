"""``openbmd threat-map``: range rings of Iranian missiles from Iranian launch areas."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from openbmd.cli import options as opt
from openbmd.cli.output import out, progress, write_file
from openbmd.cli.parse import check_count, check_out_path
from openbmd.cli.range_ring import Count, ring_spec

MAP_SUFFIXES = (".png", ".pdf", ".svg")
DEFAULT_MISSILES = ("shahab-3", "sejjil-2")


def threat_map(
    out_path: Annotated[Path, typer.Option(
        "--out", metavar="FILE",
        help=f"Map file to write ({', '.join(MAP_SUFFIXES)}).")] = Path("threat-map.png"),
    count: Count = 72,
    missiles: Annotated[Optional[list[str]], typer.Option(
        "--missile", metavar="ID|FILE.toml",
        help="Missile to draw (repeatable; default shahab-3 and sejjil-2).")] = None,
    earth: opt.Earth = "wgs84",
    rotation: opt.Rotation = True,
    drag: opt.Drag = True,
) -> None:
    """Map the range rings of shahab-3 and sejjil-2 from the Iranian launch areas over Europe."""
    check_count(count)
    check_out_path(out_path, MAP_SUFFIXES)
    from openbmd.flight import range_ring
    from openbmd.missiles import get_missile
    from openbmd.report.maps import draw_range_ring_map
    from openbmd.sites import load_launch_areas

    models = [get_missile(m) for m in (missiles or DEFAULT_MISSILES)]
    areas = load_launch_areas()
    specs = []
    total = len(models) * len(areas) * count
    with progress("range rings", enabled=True) as report:
        for i, model in enumerate(models):
            for j, area in enumerate(areas):
                offset = (i * len(areas) + j) * count
                ring = range_ring(model, area.lat_deg, area.lon_deg, count=count, earth=earth,
                                  rotation=rotation, drag=drag,
                                  progress=lambda done, _n, o=offset: report(o + done, total))
                specs.append(ring_spec(ring, model.name, area.lat_deg, area.lon_deg, area.name))
    title = f"Reach of {' and '.join(m.name for m in models)} from Iranian launch areas"
    written: list[Path] = []
    # Europe from the Atlantic to Iran's eastern border, so the rings are whole
    extent = (-25.0, 75.0, 20.0, 72.0)
    write_file(out_path, lambda p: written.append(Path(draw_range_ring_map(specs, p, title=title,
                                                                           extent_lonlat=extent))))
    out().print(str(written[0]), soft_wrap=True)
