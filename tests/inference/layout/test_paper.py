"""Page conditioning: seals taken out by colour, copier borders masked, uneven light flattened."""

from __future__ import annotations

import cv2
import numpy as np

from xxgk.inference.layout.paper import flatten_light, mask_borders, separate_seals
from xxgk.options import load_options

SCAN = load_options().scan


def _printed(h: int = 1200, w: int = 900) -> np.ndarray:
    img = np.full((h, w), 245, np.uint8)
    for k in range(8):
        cv2.putText(img, "12 345 6789", (80, 150 + 110 * k), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 20, 3)
    return img


def _sealed(gray: np.ndarray, centre: tuple[int, int], radius: int,
            colour: tuple[float, float, float]) -> np.ndarray:
    """A stamp in coloured ink over the print (multiplied, as ink on ink); colour as RGB fractions."""
    ink = tuple(round(255 * c) for c in colour)
    stamp = np.full((*gray.shape, 3), 255, np.uint8)
    cv2.circle(stamp, centre, radius, ink, 14)
    cv2.putText(stamp, "SEAL", (centre[0] - radius // 2, centre[1] + 10), cv2.FONT_HERSHEY_SIMPLEX, 1.5, ink, 4)
    rgb = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB).astype(np.float32)
    return (rgb * stamp.astype(np.float32) / 255).astype(np.uint8)


def test_paper_grey_page_passes_through():
    gray = _printed()
    out, seals = separate_seals(gray, SCAN)
    assert out is gray and seals == []


def test_paper_red_seal_is_taken_out_and_print_under_it_kept():
    gray = _printed()
    red = (0.85, 0.25, 0.3)  # RGB fractions: what red ink lets through
    rgb = _sealed(gray, (450, 500), 110, red)
    out, seals = separate_seals(rgb, SCAN)
    assert len(seals) == 1
    x0, y0, x1, y1 = seals[0].box
    assert x0 <= 340 and y0 <= 390 and x1 >= 560 and y1 >= 610
    ring = out[500, 450 - 110 - 5:450 - 110 + 5]
    assert ring.min() > 200  # the ring is paper again
    digits = (gray < 100)[390:610, 80:800]
    assert digits.any() and (out[390:610, 80:800][digits] < 120).mean() > 0.95  # digits under the seal stay dark
    plain = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    assert np.array_equal(out[:300], plain[:300])  # outside the seal: the usual grey


def test_paper_blue_seal_and_a_red_heading():
    gray = _printed()
    rgb = _sealed(gray, (600, 800), 120, (0.2, 0.35, 0.9))
    cv2.putText(rgb, "RED HEADING LINE", (60, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.8, (200, 30, 30), 5)
    out, seals = separate_seals(rgb, SCAN)
    assert len(seals) == 1 and seals[0].box[1] > 600  # the heading is not a seal
    assert out[40:70, 60:700].min() < 120  # and it stays print


def test_paper_copier_borders_are_masked():
    gray = _printed()
    framed = gray.copy()
    framed[:, :40] = 70
    pts = np.array([[860, 0], [900, 0], [900, 1200], [880, 1200]], np.int32)  # a wedge: the sheet askew
    cv2.fillConvexPoly(framed, pts, 90)
    out, sheet = mask_borders(framed)
    assert sheet is not None and 30 <= sheet[0] <= 60 and 840 <= sheet[2] <= 885
    assert out[:, :40].min() > 200 and out[600, 895] > 200
    assert np.array_equal(out[100:1100, 60:840], gray[100:1100, 60:840])  # the print untouched
    assert mask_borders(gray)[1] is None


def test_paper_shadow_is_flattened_and_even_light_left_alone():
    gray = _printed()
    assert flatten_light(gray, SCAN.even_light) is gray
    field = np.ones(gray.shape, np.float32)
    field[:, :200] = np.linspace(0.45, 1.0, 200)[None, :]  # a shadow along the left edge
    shaded = (gray * field).astype(np.uint8)
    out = flatten_light(shaded, SCAN.even_light)
    paper = out[(gray > 200)]
    assert np.percentile(paper, 2) > 215
    assert out[150 - 15:150 + 5, 80:200].min() < 90  # the text in the shadow stays dark


def test_paper_desk_round_a_photo_is_no_seal():
    """A brown desk around a photographed page is coloured too, but joined to the image's edge."""
    rgb = cv2.cvtColor(_printed(), cv2.COLOR_GRAY2RGB)
    desk = np.zeros_like(rgb)
    desk[:] = (140, 100, 60)
    framed = desk.copy()
    framed[60:-60, 50:-50] = rgb[60:-60, 50:-50]
    assert separate_seals(framed, SCAN)[1] == []
