"""PDF files: text pages from their text layer, scanned ones by OCR (`xxgk.inference.ingest.pdf`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xxgk.document import Document, FileFormat
from xxgk.inference.ingest.backends.base import IngestContext


@dataclass(frozen=True)
class PdfBackend:
    format: FileFormat = "pdf"
    max_bytes: int = 300 * 1024 * 1024
    limit_of: str = "PDFs"
    suffixes: tuple[str, ...] = (".pdf",)
    misnamed: str = "not a PDF (no %PDF header)"

    def claims(self, head: bytes, suffix: str) -> bool:
        """The header, or one after up to a kilobyte of junk (which PDF readers accept too)."""
        return head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:1024]

    def read(self, path: Path, *, doc_id: str, context: IngestContext,
             timings: dict[str, float] | None = None) -> Document:
        from xxgk.inference.ingest.pdf import ingest_pdf

        return ingest_pdf(path, doc_id=doc_id, timings=timings, settings=context.settings, options=context.options)
