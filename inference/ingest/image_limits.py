"""What an image file may be before any of its pixels are decoded: readable, and no page (frame) over
`MAX_IMAGE_PIXELS` or too small to be a page. `ingest_image` and the service's upload checks both
use these, so an upload is refused for the same reasons, with the same words, as `xxgk extract`.

Light on purpose (Pillow only): the HTTP server imports it without the OCR stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from xxgk.errors import ExtractionError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_IMAGE_PIXELS = 100_000_000
"""Frames larger than this (100 MP, a 600-dpi A2 sheet) are refused."""


def open_image(path: Path, source: str) -> Image:
    """The image's header, opened lazily (nothing decoded yet); a file Pillow refuses as a decompression
    bomb is `too_large`."""
    from PIL import Image as PIL
    from PIL import UnidentifiedImageError

    try:
        return PIL.open(path)
    except PIL.DecompressionBombError as exc:
        raise ExtractionError("ingest", "too_large",
                              f"{source}: the image is too large to read ({exc}); the limit is "
                              f"{MAX_IMAGE_PIXELS // 10**6} MP a page, scan at 200-300 dpi") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ExtractionError("ingest", "corrupt", f"{source}: not a readable image ({exc}); the file is "
                              "damaged or in an unsupported format") from exc


def _check_size(size: tuple[int, int], source: str, number: int) -> None:
    w, h = size
    where = f"page {number} is " if number > 1 else ""
    if w * h > MAX_IMAGE_PIXELS:
        raise ExtractionError("ingest", "too_large",
                              f"{source}: {where}{w} x {h} pixels ({w * h / 1e6:.0f} MP), over the "
                              f"{MAX_IMAGE_PIXELS // 10**6} MP limit; scan at 200-300 dpi")
    if w < 50 or h < 50:
        raise ExtractionError("ingest", "corrupt", f"{source}: {where}a {w} x {h} pixel image, too small to be a page")


def check_frames(im: Image, source: str, max_frames: int) -> int:
    """The number of frames (pages), after checking the size of each of the first `max_frames` from its
    header: a multi-page TIFF can hide a huge page behind a small first one. Seeks back to frame 0.

    A damaged first frame is `corrupt`; checking stops at a damaged later one, where reading stops too.
    """
    n_frames = getattr(im, "n_frames", 1)
    for index in range(min(n_frames, max_frames)):
        try:
            im.seek(index)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            if index == 0:
                raise ExtractionError("ingest", "corrupt", f"{source}: the image cannot be decoded ({exc}); "
                                      "the file is damaged or truncated") from exc
            break
        _check_size(im.size, source, index + 1)
    im.seek(0)
    return n_frames
