"""Page orientation, skew and photo flattening, and the point transforms that follow them."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from xxgk.inference.layout.geometry import rotate_quarter, rotate_small, transform_points, transform_quad
from xxgk.inference.layout.orient import estimate_skew, find_page, is_sideways, unwarp_page, widest
from xxgk.options import load_options

SCAN = load_options().scan


def _line_quad(x: float, y: float, length: float, height: float, deg: float):
    """A text line's box turned by `deg` (OpenCV's sign: positive counter-clockwise as seen)."""
    a = math.radians(-deg)  # y points down: counter-clockwise as seen is a negative math angle
    dx, dy = math.cos(a), math.sin(a)
    nx, ny = -dy, dx
    tl = (x, y)
    tr = (x + length * dx, y + length * dy)
    br = (tr[0] + height * nx, tr[1] + height * ny)
    bl = (x + height * nx, y + height * ny)
    return (tl, tr, br, bl)


@pytest.mark.parametrize("deg", [-3.0, -0.5, 0.0, 1.2, 2.9])
def test_orient_skew_is_the_lines_median_angle(deg):
    quads = [_line_quad(100, 100 + 60 * i, 900 + 20 * i, 30, deg) for i in range(8)]
    quads += [_line_quad(300, 700, 30, 30, 40.0)]  # a lone `0`: no evidence either way
    # a page turned counter-clockwise has lines rising to the right: a negative angle (y down),
    # which `rotate_small(img, angle)` undoes
    assert estimate_skew(quads, SCAN.max_skew) == pytest.approx(-deg, abs=0.05)


def test_orient_no_lines_no_skew():
    assert estimate_skew([_line_quad(0, 0, 30, 30, 5)], SCAN.max_skew) == 0.0


def test_orient_sideways_from_tall_lines():
    wide = [_line_quad(100, 100 + 60 * i, 900, 30, 0) for i in range(5)]
    tall = [tuple((y, x) for x, y in q) for q in wide]
    assert not is_sideways(wide)
    assert is_sideways(tall)
    assert not is_sideways([])


def test_orient_widest_skips_short_boxes():
    quads = [_line_quad(0, 0, 30, 30, 0), _line_quad(0, 50, 600, 30, 0), _line_quad(0, 90, 300, 30, 0)]
    assert widest(quads, 1) == [quads[1]]


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_orient_quarter_turn_carries_points(turns):
    img = np.zeros((40, 60), np.uint8)
    img[10, 20] = 255
    out, m = rotate_quarter(img, turns)
    assert out.shape == ((60, 40) if turns % 2 else (40, 60))
    (x, y), = transform_points(m, [(20.5, 10.5)])  # the pixel's centre
    assert out[int(y), int(x)] == 255


def test_orient_small_turn_carries_points():
    img = np.zeros((400, 600), np.uint8)
    cv2.circle(img, (500, 80), 3, 255, -1)
    out, m = rotate_small(img, 5.0, fill=0)
    (x, y), = transform_points(m, [(500, 80)])
    ys, xs = np.nonzero(out > 128)
    assert abs(xs.mean() - x) < 1.5 and abs(ys.mean() - y) < 1.5
    quad = transform_quad(m, ((10, 10), (110, 10), (110, 40), (10, 40)))
    assert quad[0][1] > quad[1][1]  # turned counter-clockwise: the right end rises


def _photo(tilt: float = 60.0) -> tuple[np.ndarray, np.ndarray]:
    page = np.full((1170, 827), 235, np.uint8)
    cv2.rectangle(page, (100, 300), (727, 700), 30, 2)
    w, h = 827, 1170
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[60 + tilt, 60], [60 + w - tilt, 70], [60 + w + 10, 60 + h], [55, 60 + h + 5]])
    m = cv2.getPerspectiveTransform(src, dst)
    photo = cv2.warpPerspective(page, m, (w + 130, h + 130), borderValue=90)
    return photo, dst


def test_orient_finds_and_flattens_a_photographed_page():
    photo, corners = _photo()
    found = find_page(photo)
    assert found is not None
    assert np.abs(np.array(found) - corners).max() < 12
    flat, _ = unwarp_page(photo, found, 827)
    assert flat.shape == (round(827 * math.sqrt(2)), 827)
    # the table's frame is straight again: its top rule is one row of dark pixels across
    rows = np.nonzero((flat[:, 300:500] < 100).mean(axis=1) > 0.9)[0]
    assert len(rows) >= 2 and rows.max() - rows.min() > 300


def test_orient_a_scan_filling_the_image_is_no_photo():
    page = np.full((1170, 827), 235, np.uint8)
    cv2.rectangle(page, (100, 300), (727, 700), 30, 2)
    assert find_page(page) is None
    shadow = page.copy()
    shadow[:, :60] = 80  # a dark band along one edge (an open lid), not a desk around the page
    assert find_page(shadow) is None


def test_orient_a_photo_taken_close_still_flattens():
    """The phone held close: two corners of the page nearly touch the image's edges, its sides
    still cross the frame at an angle."""
    page = np.full((1170, 827), 235, np.uint8)
    cv2.rectangle(page, (100, 300), (727, 700), 30, 2)
    w, h = 827, 1170
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[50, 3], [w + 20, 45], [w + 35, h + 20], [4, h + 38]])
    photo = cv2.warpPerspective(page, cv2.getPerspectiveTransform(src, dst), (w + 40, h + 40), borderValue=90)
    found = find_page(photo)
    assert found is not None and np.abs(np.array(found) - dst).max() < 12
