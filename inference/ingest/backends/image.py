"""Image files (PNG, JPEG, TIFF, GIF, BMP, WebP), read by OCR (`xxgk.inference.ingest.image`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xxgk.document import Document, FileFormat
from xxgk.inference.ingest.backends.base import IngestContext

MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")


@dataclass(frozen=True)
class ImageBackend:
    format: FileFormat = "image"
    max_bytes: int = 300 * 1024 * 1024
    limit_of: str = "images"
    suffixes: tuple[str, ...] = ()
    misnamed: str = ""

    def claims(self, head: bytes, suffix: str) -> bool:
        return head.startswith(MAGIC) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")

    def read(self, path: Path, *, doc_id: str, context: IngestContext,
             timings: dict[str, float] | None = None) -> Document:
        from xxgk.inference.ingest.image import ingest_image
        from xxgk.inference.ingest.ocr_check import require_ocr

        require_ocr(str(path))

        return ingest_image(path, doc_id=doc_id, timings=timings, settings=context.settings,
                            options=context.options)
