"""Whether this installation can read scanned pages and images: OCR is the `scan` extra."""

from __future__ import annotations

from xxgk.errors import ExtractionError
from xxgk.extras import MissingExtra, require


def require_ocr(source: str) -> None:
    """Refuse `source`'s images or scanned pages as `needs_ocr`, with the command that installs the
    `scan` extra, when it is missing (checked before the OCR modules fail to import)."""
    try:
        require("scan", "reading scanned pages and images")
    except MissingExtra as exc:
        raise ExtractionError("ingest", "needs_ocr", f"{source}: {exc}") from exc
