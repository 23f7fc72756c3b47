"""Map labels that do not overlap: greedy placement in priority order.

Each label is tried at a few positions around its point (right-above first, then the other
corners and sides); the first position whose box stays inside the axes and clears every
label already placed and every marked point is kept.  A label that fits nowhere is left
out (and logged) rather than drawn over another: the most important labels come first.
Boxes are measured with the figure's own renderer, in display pixels.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from matplotlib import patheffects
from matplotlib.transforms import Bbox

__all__ = ["Label", "place_labels"]

log = logging.getLogger(__name__)

#: (dx, dy) offsets in points and the text alignment that goes with each
CANDIDATES = (((6, 4), "left", "bottom"), ((6, -4), "left", "top"), ((-6, 4), "right", "bottom"),
              ((-6, -4), "right", "top"), ((0, 8), "center", "bottom"), ((0, -8), "center", "top"),
              ((9, 0), "left", "center"), ((-9, 0), "right", "center"),
              ((14, 12), "left", "bottom"), ((-14, -12), "right", "top"))
PAD_PX = 1.5  #: clearance kept around every label box
MARKER_HALF_PX = 4.0  #: half-size of the box kept clear around each marked point


@dataclass(frozen=True, kw_only=True)
class Label:
    """A label to place at data point (x, y); ``style``: matplotlib text properties."""

    x: float
    y: float
    text: str
    style: dict = field(default_factory=dict)


def _renderer(fig):
    canvas = fig.canvas
    if not hasattr(canvas, "get_renderer"):  # a bare Figure: give it an Agg canvas to measure with
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def _grown(bb: Bbox, px: float) -> Bbox:
    return Bbox.from_extents(bb.x0 - px, bb.y0 - px, bb.x1 + px, bb.y1 + px)


def _clear(bb: Bbox, taken: list[Bbox], frame: Bbox) -> bool:
    inside = frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0 and bb.y1 <= frame.y1
    return inside and not any(bb.overlaps(t) for t in taken)


def place_labels(ax, labels, *, avoid=(), halo: float = 3.0) -> list[tuple[Label, Bbox]]:
    """Draw the labels on ``ax`` without overlaps (see the module docstring); returns the
    placed labels with their boxes in display pixels.  ``avoid``: further (x, y) data points
    (unlabelled markers) that labels keep clear of.  Call after the axes limits are set."""
    fig = ax.figure
    renderer = _renderer(fig)
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    to_px = ax.transData.transform
    marks = []
    for px, py in [to_px((lab.x, lab.y)) for lab in labels] + [to_px(p) for p in avoid]:
        marks.append(Bbox.from_extents(px - MARKER_HALF_PX, py - MARKER_HALF_PX,
                                       px + MARKER_HALF_PX, py + MARKER_HALF_PX))
    effects = [patheffects.withStroke(linewidth=halo, foreground="white")] if halo else []
    placed: list[tuple[Label, Bbox]] = []
    for k, lab in enumerate(labels):
        others = marks[:k] + marks[k + 1:]
        text = ax.annotate(lab.text, (lab.x, lab.y), textcoords="offset points", xytext=(0, 0),
                           path_effects=effects, annotation_clip=False, **lab.style)
        for offset, ha, va in CANDIDATES:
            text.set_position(offset)
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            bb = _grown(text.get_window_extent(renderer), PAD_PX)
            if _clear(bb, [b for _, b in placed] + others, frame):
                placed.append((lab, bb))
                break
        else:
            text.remove()
            log.info("label %r left out: no free place near its point", lab.text)
    return placed
