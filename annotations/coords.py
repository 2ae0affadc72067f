"""The one place where boxes change frame: document pixels <-> Label Studio percentages.

Documents keep boxes in pixels of the page image the pipeline used (200 dpi, top-left origin);
Label Studio keeps rectangles as percentages of the image's width and height, optionally rotated
(degrees clockwise around the rectangle's top-left corner). Both directions clamp to the page, so a
box drawn past an edge, or a rounding error, never leaves the page.
"""

from __future__ import annotations

import math
from typing import TypedDict

from xxgk.document import BBox

TOLERANCE = 1e-3
"""Percent points under which a rectangle counts as unchanged (rounding in the browser)."""


class Rect(TypedDict):
    x: float
    y: float
    width: float
    height: float
    rotation: float


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(max(v, lo), hi)


def to_percent(bbox: BBox, width: float, height: float, min_size: float = 0.0) -> Rect:
    """A pixel box on a `width` x `height` page as a Label Studio rectangle (percentages, clamped).

    `min_size` (pixels) widens thinner boxes around their centre, so they can be seen and grabbed.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"page size must be positive, got {width} x {height}")
    x0, x1 = sorted((_clamp(bbox[0], 0.0, width), _clamp(bbox[2], 0.0, width)))
    y0, y1 = sorted((_clamp(bbox[1], 0.0, height), _clamp(bbox[3], 0.0, height)))
    x0, x1 = _at_least(x0, x1, min_size, width)
    y0, y1 = _at_least(y0, y1, min_size, height)
    return Rect(x=100.0 * x0 / width, y=100.0 * y0 / height, width=100.0 * (x1 - x0) / width,
                height=100.0 * (y1 - y0) / height, rotation=0.0)


def _at_least(lo: float, hi: float, size: float, limit: float) -> tuple[float, float]:
    if hi - lo >= size:
        return lo, hi
    centre = (lo + hi) / 2
    lo = _clamp(centre - size / 2, 0.0, max(0.0, limit - size))
    return lo, min(limit, lo + size)


def from_percent(rect: dict, width: float, height: float) -> BBox:
    """A Label Studio rectangle as a pixel box on a `width` x `height` page, clamped to the page.

    A rotated rectangle becomes the axis-aligned box around it (rotation is in pixel space: the
    page is not square, so turning percentages would shear the box).
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"page size must be positive, got {width} x {height}")
    x, y = float(rect.get("x", 0.0)) * width / 100.0, float(rect.get("y", 0.0)) * height / 100.0
    w, h = float(rect.get("width", 0.0)) * width / 100.0, float(rect.get("height", 0.0)) * height / 100.0
    angle = math.radians(float(rect.get("rotation") or 0.0))
    if angle:
        cos, sin = math.cos(angle), math.sin(angle)
        corners = [(x + dx * cos - dy * sin, y + dx * sin + dy * cos) for dx, dy in ((0, 0), (w, 0), (0, h), (w, h))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    else:
        x0, y0, x1, y1 = min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h)
    return (_clamp(x0, 0.0, width), _clamp(y0, 0.0, height), _clamp(x1, 0.0, width), _clamp(y1, 0.0, height))


def same_rect(a: dict, b: dict, tolerance: float = TOLERANCE) -> bool:
    """Whether two rectangles (percentages) are the same up to browser rounding."""
    return all(abs(float(a.get(k) or 0.0) - float(b.get(k) or 0.0)) <= tolerance
               for k in ("x", "y", "width", "height", "rotation"))
