"""Page orientation, skew and perspective: the page turned upright before anything is read.

Three faults, three corrections, all decided from cheap evidence:

- **a photo of a page** on a desk (`find_page`): the page is the large bright quadrilateral
  with darker background on every side; it is warped flat to an A4-proportioned (or its own
  measured proportions) page at 200 dpi. A scan, whose paper fills the image, is left alone.
- **a page turned a quarter** (`is_sideways`): text lines found by the detector are tall
  instead of wide; the page is turned 90° and detected again. Whether that made it upright or
  upside down is the next step's question.
- **upside down** (the engine's angle classifier on a sample of the widest lines, `OcrEngine.upside_down`).
- **skew** (`estimate_skew`): the median angle of the long text lines' top edges, weighted by
  length; text lines are everywhere on a report page, and their boxes are already known.

Angles are measured in image coordinates (y down) and corrections use OpenCV's sign (positive:
counter-clockwise as seen), so the correction of a measured line angle `a` is `rotate_small(img, a)`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from xxgk.inference.layout.geometry import Quad, order_quad, quad_size


def _long_lines(quads: Sequence[Quad], ratio: float = 3.0, min_len: float = 80.0) -> list[tuple[Quad, float, float]]:
    out = []
    for q in quads:
        w, h = quad_size(q)
        if w >= ratio * h and w >= min_len:
            out.append((q, w, h))
    return out


def is_sideways(quads: Sequence[Quad]) -> bool:
    """True when the text lines run up or down the page (a page turned a quarter): tall boxes
    outweigh wide ones, counting each by its long side. Upright Chinese text in stacked cells
    (one character per line) gives square boxes, which count for neither."""
    wide = tall = 0.0
    for q in quads:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
        # axis extents of the box: on a quarter-turned page a text line is tall on screen
        bw = max(x0, x1, x2, x3) - min(x0, x1, x2, x3)
        bh = max(y0, y1, y2, y3) - min(y0, y1, y2, y3)
        if bw >= 2 * bh:
            wide += bw
        elif bh >= 2 * bw:
            tall += bh
    return tall > wide and tall > 0


def estimate_skew(quads: Sequence[Quad], max_skew: float) -> float:
    """Median angle (degrees) of the long text lines, weighted by length, leaving out lines steeper
    than `max_skew` (`ScanOptions.max_skew`); 0 without any.

    The angle is the lines' direction in image coordinates (y down): positive when they descend
    to the right, i.e. the page is turned clockwise as seen; `rotate_small(img, angle)` (positive
    turns counter-clockwise) straightens it."""
    angles: list[tuple[float, float]] = []
    for q, w, _h in _long_lines(quads):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
        # average of top and bottom edge directions
        a = math.degrees(math.atan2((y1 - y0) + (y2 - y3), (x1 - x0) + (x2 - x3)))
        if abs(a) <= max_skew:
            angles.append((a, w))
    if len(angles) < 2:
        return 0.0
    angles.sort()
    half = sum(w for _, w in angles) / 2
    acc = 0.0
    for a, w in angles:
        acc += w
        if acc >= half:
            return a
    return angles[-1][0]


def widest(quads: Sequence[Quad], n: int = 24) -> list[Quad]:
    """The n widest text lines (for the angle classifier: short boxes such as `0` say nothing)."""
    lines = sorted(_long_lines(quads, ratio=2.5, min_len=60.0), key=lambda t: -t[1])
    return [q for q, _, _ in lines[:n]]


A4_RATIO = math.sqrt(2)


def find_page(gray: np.ndarray) -> Quad | None:
    """The corners of a photographed page (a bright quadrilateral on a darker background, clear of
    the image's edges), in the image's pixels; None for a scan whose paper fills the image."""
    h, w = gray.shape[:2]
    scale = 800.0 / max(h, w)
    small = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    sh, sw = small.shape[:2]
    area = cv2.contourArea(c)
    if not (0.3 * sw * sh <= area <= 0.93 * sw * sh):
        return None
    approx = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
    if len(approx) != 4 or not cv2.isContourConvex(approx):
        return None
    pts = approx.reshape(4, 2).astype(np.float64)
    if _along_frame(pts, sw, sh, 0.01 * max(sw, sh)):
        return None  # paper running on past the image (a scan filling it, a shadow band cut off)
    inside = np.zeros_like(mask)
    cv2.fillConvexPoly(inside, pts.astype(np.int32), 255)
    paper = float(small[inside > 0].mean())
    background = float(small[inside == 0].mean())
    if background > paper - 40:
        return None
    return order_quad([(x / scale, y / scale) for x, y in pts])


def _along_frame(pts: np.ndarray, w: int, h: int, margin: float) -> bool:
    """Some side of the quad lies along the image's edge (both its corners within `margin` of the
    same edge): the paper goes on past the image there. A photo taken close may put a corner or two
    near the edge; its sides still cross the frame at an angle."""
    near = [(pts[:, 0] < margin), (pts[:, 1] < margin), (pts[:, 0] > w - margin), (pts[:, 1] > h - margin)]
    for k in range(4):
        j = (k + 1) % 4
        if any(side[k] and side[j] for side in near):
            return True
    return False


def unwarp_page(img: np.ndarray, page: Quad, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The page quad warped flat into a `width`-pixel-wide page, A4-proportioned when its measured
    proportions are within 12% of A4's; returns the image and the 3x3 homography."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = page
    top, bottom = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x3, y2 - y3)
    left, right = math.hypot(x3 - x0, y3 - y0), math.hypot(x2 - x1, y2 - y1)
    ratio = max(left, right) / max(top, bottom, 1.0)
    if abs(ratio - A4_RATIO) < 0.12 * A4_RATIO:
        ratio = A4_RATIO
    elif abs(ratio - 1 / A4_RATIO) < 0.12 / A4_RATIO:
        ratio = 1 / A4_RATIO
    height = round(width * ratio)
    src = np.array(page, dtype=np.float32)
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    fill = 255 if img.ndim == 2 else (255,) * img.shape[2]
    out = cv2.warpPerspective(img, m, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=fill)
    return out, m
