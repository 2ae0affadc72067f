"""What an office does to a report between the printer and the scanner: seals, copiers, faxes, folds.

`xxgk.training.synth.scan` ages the print and captures it like a scanner or a phone; these are the
marks that come from how offices handle paper, each a plain function of an image and an rng:

- `stamp_seal`: an official seal (a ring, a star, the office's name around the rim) in red or
  blue ink, stamped over the table; the ink is uneven and lets the print through (multiplied).
- `photocopy`: a copy of a copy: the contrast squeezed towards grey, the strokes thickened,
  and toner streaks from a dirty drum running the whole length of the sheet.
- `copier_frame`: where the copier's glass was larger than the sheet: the sheet shrunk a little
  and shifted inside a dark frame (with the placement's skew, a wedge).
- `fax`: the page as a fax machine sends it: black and white, with dropped and smeared lines.
- `fold`: a crease across the sheet, dark along its line with a soft shadow beside it.
- `motion_blur`: a phone moved while the photo was taken.

All draw from the given numpy Generator only, so a seed gives the same marks. Sizes are given at
`RENDER_DPI` and scaled to the image's dpi by the caller where it matters (`dpi` arguments).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from xxgk.inference.layout import RENDER_DPI

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SEAL_TEXT = "某某市人民政府办公室政务公开专用章"
"""Placeholder wording around the rim: the shape of a seal, no office's name."""
_SEAL_INKS = ((0.86, 0.18, 0.2), (0.8, 0.12, 0.16), (0.92, 0.3, 0.3), (0.2, 0.3, 0.82))
"""RGB fractions that seal inks let through: three reds and a blue."""


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:  # pragma: no cover - the font ships with the image the project runs on
        return ImageFont.load_default()


def seal_mask(radius: int, rng: np.random.Generator) -> np.ndarray:
    """A seal's ink coverage (0-1, float32, square of side 2 x radius): rim, inner ring, star and
    the wording around the rim, pressed unevenly."""
    side = 2 * radius + 2
    im = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(im)
    c = side / 2
    rim = max(3, round(radius * 0.07))
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=rim)
    star = [(c + 0.3 * radius * (1 if k % 2 == 0 else 0.4) * math.sin(math.pi * k / 5),
             c - 0.3 * radius * (1 if k % 2 == 0 else 0.4) * math.cos(math.pi * k / 5)) for k in range(10)]
    draw.polygon(star, fill=255)
    size = max(8, round(radius * 0.24))
    font = _font(size)
    n = len(SEAL_TEXT)
    for k, ch in enumerate(SEAL_TEXT):
        angle = -120 + 240 * k / (n - 1)  # degrees from the top, clockwise, over the upper rim
        glyph = Image.new("L", (size + 4, size + 4), 0)
        ImageDraw.Draw(glyph).text((2, 0), ch, font=font, fill=255)
        glyph = glyph.rotate(-angle, resample=Image.BILINEAR, expand=True)
        r = radius - rim - size * 0.7
        x = c + r * math.sin(math.radians(angle)) - glyph.width / 2
        y = c - r * math.cos(math.radians(angle)) - glyph.height / 2
        im.paste(255, (round(x), round(y)), glyph)
    ink = np.asarray(im, dtype=np.float32) / 255
    # uneven pressure: a smooth field between a faint and a full impression
    grain = cv2.resize(rng.uniform(0.45, 1.0, size=(8, 8)).astype(np.float32), (side, side),
                       interpolation=cv2.INTER_CUBIC)
    speckle = rng.uniform(0.75, 1.0, size=ink.shape).astype(np.float32)
    return np.clip(ink * grain * speckle, 0, 1)


def stamp_seal(bgr: np.ndarray, centre: tuple[float, float], radius: int, rng: np.random.Generator) -> np.ndarray:
    """The seal stamped at `centre` (pixels) on a BGR page: its ink multiplied over the print."""
    mask = seal_mask(radius, rng)
    ink = np.asarray(_SEAL_INKS[int(rng.integers(len(_SEAL_INKS)))][::-1], dtype=np.float32)
    mask = cv2.warpAffine(mask, cv2.getRotationMatrix2D((mask.shape[1] / 2, mask.shape[0] / 2),
                                                        float(rng.uniform(-30, 30)), 1.0), mask.shape[::-1])
    h, w = bgr.shape[:2]
    x0, y0 = round(centre[0] - mask.shape[1] / 2), round(centre[1] - mask.shape[0] / 2)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(w, x0 + mask.shape[1] - sx0), min(h, y0 + mask.shape[0] - sy0)
    if x1 <= x0 or y1 <= y0:
        return bgr
    part = mask[sy0:sy0 + y1 - y0, sx0:sx0 + x1 - x0, None]
    out = bgr.copy()
    region = out[y0:y1, x0:x1].astype(np.float32)
    out[y0:y1, x0:x1] = np.clip(region * (1 - part * (1 - ink)), 0, 255).astype(np.uint8)
    return out


def photocopy(gray: np.ndarray, rng: np.random.Generator, dpi: int = RENDER_DPI) -> np.ndarray:
    """A copy of a copy: strokes thickened, contrast squeezed (black goes grey, white a little
    grey), and 2-5 toner streaks down the whole sheet, some fading along their length."""
    out = cv2.erode(gray, np.ones((2, 2), np.uint8)) if rng.random() < 0.6 else gray
    squeeze = np.linspace(rng.uniform(70, 120), rng.uniform(225, 248), 256).round().astype(np.uint8)
    out = cv2.LUT(out, squeeze).astype(np.float32)
    h, w = out.shape[:2]
    scale = dpi / RENDER_DPI
    for _ in range(int(rng.integers(2, 6))):
        x = int(rng.integers(round(0.05 * w), round(0.95 * w)))
        width = max(1, round(rng.integers(2, 5) * scale))
        depth = rng.uniform(0.45, 0.8)
        fade = cv2.resize(rng.uniform(0.6, 1.0, size=(6, 1)).astype(np.float32), (1, h),
                          interpolation=cv2.INTER_CUBIC)[:, 0]
        out[:, x:x + width] *= (1 - (1 - depth) * fade)[:, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def copier_frame(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """The homography that shrinks the sheet a little and shifts it inside a w x h glass, so that a
    dark frame of 0.5-3% shows on every side (more on some)."""
    s = rng.uniform(0.94, 0.975)
    free_x, free_y = (1 - s) * w, (1 - s) * h
    dx = rng.uniform(0.15, 0.85) * free_x
    dy = rng.uniform(0.15, 0.85) * free_y
    return np.array([[s, 0, dx], [0, s, dy], [0, 0, 1]], dtype=np.float64)


def fax(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Black and white as a fax sends it: a fixed threshold a little below the middle grey, a few
    scan lines dropped (white) or smeared (the line above repeated), and salt-and-pepper specks."""
    lo, hi = np.percentile(gray[::4, ::4], [1, 60])
    level = lo + rng.uniform(0.5, 0.62) * (hi - lo)
    out = np.where(gray > level, 255, 0).astype(np.uint8)
    h = out.shape[0]
    for _ in range(int(rng.integers(3, 10))):
        y = int(rng.integers(1, h))
        if rng.random() < 0.5:
            out[y] = 255
        else:
            out[y] = out[y - 1]
    specks = rng.random(out.shape) < rng.uniform(0.0005, 0.002)
    out[specks] = 255 - out[specks]
    return out


def fold(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A multiplicative light field (float32) with a crease across the sheet: a dark line where the
    paper was folded, a soft shadow on one side of it and a faint highlight on the other."""
    h, w = shape
    horizontal = rng.random() < 0.75  # letters are folded in three across; sometimes down the middle
    n = h if horizontal else w
    at = rng.uniform(0.3, 0.7) * n
    pos = np.arange(n, dtype=np.float32) - at
    width = rng.uniform(0.01, 0.03) * n
    profile = 1 - rng.uniform(0.08, 0.2) * np.exp(-np.maximum(pos, 0) / width) * (pos >= 0)
    profile += rng.uniform(0.0, 0.04) * np.exp(np.minimum(pos, 0) / width) * (pos < 0)
    profile -= rng.uniform(0.15, 0.35) * np.exp(-(pos / 1.5) ** 2)
    field = np.broadcast_to(profile[:, None] if horizontal else profile[None, :], (h, w))
    return np.ascontiguousarray(field, dtype=np.float32)


def motion_blur(img: np.ndarray, rng: np.random.Generator, dpi: int = RENDER_DPI) -> np.ndarray:
    """The image smeared along a line of 3-7 px (at 200 dpi) in a random direction: a stroke doubled,
    still read by a person."""
    length = max(1, round(rng.uniform(1.5, 3.5) * dpi / RENDER_DPI))  # half the smear
    size = 2 * length + 1
    kernel = np.zeros((size, size), np.float32)
    a = rng.uniform(0, math.pi)
    dx, dy = math.cos(a) * length, math.sin(a) * length
    cv2.line(kernel, (round(length - dx), round(length - dy)), (round(length + dx), round(length + dy)), 1.0, 1)
    return cv2.filter2D(img, -1, kernel / kernel.sum())
