"""Small image-geometry helpers shared by the scan stages: crops, turns and point transforms.

Images are numpy arrays (H x W greyscale or H x W x 3), points are (x, y) pixels with the origin at
the top-left corner. Every transform of a page image comes with the 2x3 affine matrix that carries
points of the old image into the new one, so text boxes found before a correction can follow it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from xxgk.document import BBox

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]

IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def quad_bbox(q: Sequence[Point]) -> BBox:
    xs = [p[0] for p in q]
    ys = [p[1] for p in q]
    return (min(xs), min(ys), max(xs), max(ys))


def quad_size(q: Sequence[Point]) -> tuple[float, float]:
    """(width, height) of a quad along its own edges: top edge length and left edge length."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
    w = max(math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x3, y2 - y3))
    h = max(math.hypot(x3 - x0, y3 - y0), math.hypot(x2 - x1, y2 - y1))
    return w, h


def transform_points(m: np.ndarray, pts: Sequence[Point]) -> list[Point]:
    a = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    out = a @ m[:, :2].T + m[:, 2]
    return [(float(x), float(y)) for x, y in out]


def order_quad(pts: Sequence[Point]) -> Quad:
    """Four points as top-left, top-right, bottom-right, bottom-left (by sums and differences)."""
    a = np.asarray(pts, dtype=np.float64).reshape(4, 2)
    s, d = a.sum(axis=1), a[:, 1] - a[:, 0]
    tl, br = a[np.argmin(s)], a[np.argmax(s)]
    tr, bl = a[np.argmin(d)], a[np.argmax(d)]
    return tuple((float(x), float(y)) for x, y in (tl, tr, br, bl))  # type: ignore[return-value]


def transform_quad(m: np.ndarray, q: Quad) -> Quad:
    return order_quad(transform_points(m, q))


def compose(second: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The affine map applying `first`, then `second`."""
    a = np.vstack([first, [0, 0, 1]])
    b = np.vstack([second, [0, 0, 1]])
    return (b @ a)[:2]


def rotate_quarter(img: np.ndarray, turns_ccw: int) -> tuple[np.ndarray, np.ndarray]:
    """The image turned counter-clockwise by 90° x turns, and the matrix carrying its points."""
    k = turns_ccw % 4
    h, w = img.shape[:2]
    out = np.ascontiguousarray(np.rot90(img, k))
    if k == 0:
        return img, IDENTITY.copy()
    if k == 1:  # (x, y) -> (y, w - x)
        m = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, float(w)]])
    elif k == 2:
        m = np.array([[-1.0, 0.0, float(w)], [0.0, -1.0, float(h)]])
    else:  # (x, y) -> (h - y, x)
        m = np.array([[0.0, -1.0, float(h)], [1.0, 0.0, 0.0]])
    return out, m


def rotate_small(img: np.ndarray, degrees: float, fill: int = 255) -> tuple[np.ndarray, np.ndarray]:
    """The image turned about its centre on the same canvas (OpenCV's sign: positive is
    counter-clockwise as seen), and the point matrix."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2 - 0.5, h / 2 - 0.5), degrees, 1.0)
    border = fill if img.ndim == 2 else (fill,) * img.shape[2]
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=border)
    return out, m


def scale_image(img: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    if abs(factor - 1.0) < 1e-3:
        return img, IDENTITY.copy()
    h, w = img.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    out = cv2.resize(img, size, interpolation=interp)
    m = np.array([[size[0] / w, 0.0, 0.0], [0.0, size[1] / h, 0.0]])
    return out, m


def crop_quad(img: np.ndarray, q: Quad) -> np.ndarray:
    """The quad cut out and straightened (as rapidocr does); a tall crop is turned to read across."""
    pts = np.asarray(q, dtype=np.float32)
    w, h = quad_size(q)
    w, h = max(1, round(w)), max(1, round(h))
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(pts, dst)
    out = cv2.warpPerspective(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if h >= 1.5 * w:
        out = np.ascontiguousarray(np.rot90(out))
    return out


def crop_box(img: np.ndarray, box: BBox, pad: float = 0.0) -> np.ndarray:
    """The axis-aligned box (padded, clipped to the image) cut out; at least 1 x 1 pixel."""
    h, w = img.shape[:2]
    x0 = int(max(0, math.floor(box[0] - pad)))
    y0 = int(max(0, math.floor(box[1] - pad)))
    x1 = int(min(w, max(x0 + 1, math.ceil(box[2] + pad))))
    y1 = int(min(h, max(y0 + 1, math.ceil(box[3] + pad))))
    return img[y0:y1, x0:x1]


def to_gray(img: np.ndarray) -> np.ndarray:
    """uint8 greyscale of a greyscale, RGB(A) or 16-bit image."""
    if img.dtype != np.uint8:
        img = img.astype(np.float64)
        hi = float(img.max()) or 1.0
        img = (img * (255.0 / hi)).clip(0, 255).astype(np.uint8)
    if img.ndim == 2:
        return img
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_RGBA2GRAY)
    if img.shape[2] == 1:
        return img[:, :, 0]
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
