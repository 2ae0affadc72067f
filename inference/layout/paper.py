"""The print of a page image, apart from what the office added to it: seals, copier borders, shadows.

Scans arrive as offices make them, and three things on them are not the report's print yet look
like it to a threshold:

- **seals** (`separate_seals`): an official seal in red (or blue) ink stamped over a table. Its ring
  and lettering would read as rules, `1`s and junk characters, and where it covers a digit the grey
  of the two inks together hides it. Print is black: dark in every colour channel. Seal ink is dark
  in one or two channels only and bright in the others. So where a roundish blot of coloured ink
  is found, each pixel keeps its brightest channel (the seal fades to the paper, black print
  stays black), and what is left of the seal's ink is painted paper. Coloured ink of other shapes
  (a red heading, a coloured logo) is left to the plain grey conversion.
- **copier borders** (`mask_borders`): the dark frame a photocopier or scanner lid leaves around a
  sheet smaller than the glass, straight or as a wedge where the sheet lay askew. Its edge is a
  long straight dark line, which the rule finder would take for a table's border. Dark areas
  joined to the image's edge (measured on a small, median-filtered copy, where print is too thin
  to survive) are painted paper.
- **uneven light** (`flatten_light`): a shadow band along a fold or an edge, a phone's falling
  light. The paper's brightness is estimated with a large closing (text is thin, paper is
  everywhere) and divided out, so a threshold sees the same paper everywhere. A page whose paper
  is even already (a flatbed scan) is left untouched.

Everything works on uint8 images of the page as given; `Seal.box` is in that image's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from xxgk.document import BBox
from xxgk.options import ScanOptions


@dataclass(frozen=True)
class Seal:
    """A coloured stamp found on the page: its box (pixels of the image given) and how much of the
    box its ink covers."""

    box: BBox
    coverage: float


def separate_seals(image: np.ndarray, scan: ScanOptions) -> tuple[np.ndarray, list[Seal]]:
    """The page in grey, with any seal's ink taken out, and the seals found (what counts as coloured
    ink and as a seal's size and shape: `scan`).

    A greyscale image is returned as it is. A colour image (3 channels, any order) is converted by
    the usual luminance weights, except inside a seal's box, where each pixel keeps its brightest
    channel and coloured pixels still lighter than print become paper."""
    if image.ndim == 2:
        return image, []
    rgb = image[..., :3]
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    a, b, c = cv2.split(rgb)  # OpenCV's per-pixel max and min: 20 times numpy's reduction over the last axis
    hi = cv2.max(cv2.max(a, b), c)
    chroma = cv2.subtract(hi, cv2.min(cv2.min(a, b), c))
    coloured = np.where(chroma >= scan.min_chroma, 255, 0).astype(np.uint8)
    if not coloured.any():
        return gray, []
    seals = _seal_boxes(coloured, max(gray.shape), scan)
    if not seals:
        return gray, []
    paper = float(np.median(gray[::8, ::8]))
    text = float(np.percentile(gray[::4, ::4], 1))
    light = paper - 0.5 * (paper - text)
    ink = cv2.dilate(coloured, np.ones((5, 5), np.uint8))
    for seal in seals:
        x0, y0, x1, y1 = (round(v) for v in seal.box)
        bright = hi[y0:y1, x0:x1].copy()
        faded = (ink[y0:y1, x0:x1] > 0) & (bright > light)
        bright[faded] = int(paper)
        gray[y0:y1, x0:x1] = bright
    return gray, seals


def _seal_boxes(coloured: np.ndarray, long_side: int, scan: ScanOptions) -> list[Seal]:
    """Roundish blots of coloured ink: the ring, star and lettering of a seal closed into one area."""
    reach = max(3, round(0.006 * long_side))
    closed = cv2.morphologyEx(coloured, cv2.MORPH_CLOSE, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    h, w = coloured.shape[:2]
    min_side, max_side = scan.seal_min_side * long_side, scan.seal_max_side * long_side
    out = []
    for i in range(1, n):
        x, y, bw, bh, _area = (int(v) for v in stats[i])
        if min(bw, bh) < min_side or max(bw, bh) > min(max_side, scan.seal_max_aspect * min(bw, bh)):
            continue
        if x == 0 or y == 0 or x + bw == w or y + bh == h:
            continue  # joined to the image's edge: a desk or a coloured background round a photo
        coverage = float(np.count_nonzero(coloured[y:y + bh, x:x + bw])) / (bw * bh)
        if coverage < 0.03:
            continue  # a scatter of coloured specks (JPEG noise on a photo), not a stamp
        pad = reach
        out.append(Seal((float(max(0, x - pad)), float(max(0, y - pad)), float(min(w, x + bw + pad)),
                         float(min(h, y + bh + pad))), round(coverage, 3)))
    return out


def mask_borders(gray: np.ndarray) -> tuple[np.ndarray, BBox | None]:
    """The page with dark areas joined to the image's edge painted paper, and the box of what is
    left (the sheet); (gray, None) when there is no such border.

    Wide borders are found on a small median-filtered copy (print does not survive it), thin ones
    (a few pixels along an edge, gone in the small copy) as edge rows and columns darker than
    half the paper."""
    h, w = gray.shape[:2]
    scale = 4
    small = cv2.resize(gray, (max(1, w // scale), max(1, h // scale)), interpolation=cv2.INTER_AREA)
    small = cv2.medianBlur(small, 5)
    paper = float(np.median(small))
    dark = np.where(small < 0.5 * paper, 255, 0).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    sh, sw = small.shape[:2]
    edge = np.zeros(n, dtype=bool)
    for i in range(1, n):
        x, y, bw, bh, _area = (int(v) for v in stats[i])
        touches = x == 0 or y == 0 or x + bw == sw or y + bh == sh
        # a border runs along the edge: long, and a real part of the image's frame
        if touches and max(bw / sw, bh / sh) >= 0.25:
            edge[i] = True
    border = np.where(edge[labels], 255, 0).astype(np.uint8)
    border = cv2.dilate(border, np.ones((3, 3), np.uint8))
    full = cv2.resize(border, (w, h), interpolation=cv2.INTER_NEAREST)
    _edge_strips(gray, full, 0.5 * paper)
    if not full.any():
        return gray, None
    out = gray.copy()
    out[full > 0] = int(paper)
    ys, xs = np.nonzero(full[::scale, ::scale] == 0)
    sheet = (float(xs.min() * scale), float(ys.min() * scale), float((xs.max() + 1) * scale),
             float((ys.max() + 1) * scale)) if len(xs) else None
    return out, sheet


def _edge_strips(gray: np.ndarray, mask: np.ndarray, dark: float, most: float = 0.02) -> None:
    """Mark in `mask` the rows and columns at each edge, inward up to `most` of the side, whose
    median is darker than `dark` (a thin copier edge), and a few pixels of margin beyond them."""
    h, w = gray.shape[:2]
    for side in ("top", "bottom", "left", "right"):
        size = h if side in ("top", "bottom") else w
        k = 0
        while k < most * size:
            idx = size - 1 - k if side in ("bottom", "right") else k
            line = gray[idx, ::4] if side in ("top", "bottom") else gray[::4, idx]
            if float(np.median(line)) >= dark:
                break
            k += 1
        if not k:
            continue
        k += 3
        strip = {"top": np.s_[:k, :], "bottom": np.s_[h - k:, :], "left": np.s_[:, :k], "right": np.s_[:, w - k:]}
        mask[strip[side]] = 255


def flatten_light(gray: np.ndarray, even_light: int) -> np.ndarray:
    """The page divided by its estimated paper brightness, when that brightness varies (by
    `even_light` grey levels or more, `ScanOptions.even_light`); print keeps its contrast to the
    paper around it, and the paper comes out at one grey everywhere."""
    h, w = gray.shape[:2]
    scale = 8
    small = cv2.resize(gray, (max(1, w // scale), max(1, h // scale)), interpolation=cv2.INTER_AREA)
    # text strokes are a few pixels here: a closing a few characters wide lifts them to the paper
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), 3)
    lo, hi = np.percentile(background, [5, 95])
    if hi - lo < even_light:
        return gray
    level = float(np.percentile(background, 90))
    field = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    out = gray.astype(np.float32) * (level / np.maximum(field, 1.0))
    return np.clip(out, 0, 255).astype(np.uint8)
