"""Image files (PNG, JPEG, TIFF with any number of pages, BMP, GIF, WebP) into a Document by OCR.

Each frame is one page, decoded one at a time (a 100-page TIFF never sits in memory whole).
Resolution: a frame is resampled to the pipeline's 200-dpi frame (`xxgk.inference.ingest.scan`), so
a 150-dpi scan is upscaled and a 300-dpi one downscaled, and every box is in pixels of the
stored 200-dpi page image. The resolution comes from the file's dpi tag when that gives a
plausible paper size (5.5 to 24 inches on the long side); otherwise the image is taken for an
A4 page (11.69 inches long), which is what a tagless scan or a screenshot of a report is.

Refused with a reason: a file the image library cannot decode or a truncated one (`corrupt`),
and one with a frame of more than `MAX_IMAGE_PIXELS` pixels (`too_large`), every frame checked from
its header before any pixels are decoded (`xxgk.inference.ingest.image_limits`, which the service's
upload checks use too).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from xxgk.document import Document
from xxgk.errors import ExtractionError
from xxgk.inference.ingest.image_limits import check_frames, open_image
from xxgk.inference.ingest.scan import open_reader
from xxgk.inference.ingest.segments import SegmentBuilder
from xxgk.options import PipelineOptions
from xxgk.settings import Settings

A4_LONG_INCHES = 297 / 25.4


def frame_dpi(size: tuple[int, int], tagged: object) -> float:
    """The frame's resolution: its dpi tag when plausible, else that of an A4 page."""
    long_px = max(size)
    try:
        dpi = float(tagged[0]) if isinstance(tagged, tuple | list) else float(tagged)  # type: ignore[arg-type]
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    dpi = round(dpi, 0)  # PNG and BMP store pixels per metre: 150 dpi comes back as 149.9994
    if 50 <= dpi <= 2400 and 5.5 <= long_px / dpi <= 24:
        return dpi
    return long_px / A4_LONG_INCHES


def _pixels(frame) -> np.ndarray:  # frame: PIL.Image.Image
    if frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return np.asarray(frame)
    if frame.mode in ("L", "1", "LA"):
        return np.asarray(frame.convert("L"))
    return np.asarray(frame.convert("RGB"))  # colour kept: a seal is told from print by it


def ingest_image(path: Path, *, doc_id: str, settings: Settings, options: PipelineOptions,
                 timings: dict[str, float] | None = None) -> Document:
    """Read an image file's pages by OCR (page limits from `settings`, thresholds from `options.scan`)."""
    from PIL import ImageOps

    source = str(path)
    im = open_image(path, source)
    with im:
        n_frames = check_frames(im, source, settings.ocr_max_pages)
        reader = open_reader(doc_id, source, settings, options.scan, timings)
        doc = Document(doc_id=doc_id, source=source, input_kind="image")
        builder = SegmentBuilder()
        for index in range(n_frames):
            number = index + 1
            if index >= settings.ocr_max_pages:
                doc.warnings.append(f"pages {number}-{n_frames} were not read: over the limit of "
                                    f"{settings.ocr_max_pages} OCR pages per document")
                break
            try:
                with reader._timed("rasterize"):
                    im.seek(index)
                    dpi = frame_dpi(im.size, im.info.get("dpi"))
                    frame = ImageOps.exif_transpose(im) if index == 0 else im
                    pixels = _pixels(frame)
            except (OSError, SyntaxError, ValueError, EOFError) as exc:
                if index == 0:
                    raise ExtractionError("ingest", "corrupt", f"{source}: the image cannot be decoded ({exc}); "
                                          "the file is damaged or truncated") from exc
                doc.warnings.append(f"page {number} of the image could not be decoded ({exc}); later pages skipped")
                break
            scanned = reader.read(pixels, number, dpi)
            del pixels
            doc.pages.append(scanned.page)
            doc.warnings.extend(scanned.warnings)
            builder.page(number, scanned.items, source="ocr")
    doc.segments = builder.segments
    if doc.pages and not doc.segments:
        doc.warnings.append("no text was found on any page")
    return doc
