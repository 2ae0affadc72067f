"""Any supported file into a `Document`: the type is sniffed from the bytes, not trusted from the name.

Bad input is refused here with an `ExtractionError` a user can act on (empty, too large, not a
report format, corrupt, encrypted, scanned without OCR), before anything expensive runs.
Images and the scanned pages of PDFs go through OCR (`xxgk.inference.ingest.scan`); `timings`, when
given, collects the seconds of its stages (rasterize, orientation, ocr_detect, grid, layout, ocr_read).
"""

from __future__ import annotations

import json
from pathlib import Path

from xxgk.inference.ingest.ocr_check import require_ocr

from xxgk.document import Document
from xxgk.errors import ExtractionError

MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_PDF_BYTES = 300 * 1024 * 1024
MAX_IMAGE_BYTES = 300 * 1024 * 1024
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")


def sniff(head: bytes, suffix: str) -> str:
    """`pdf`, `html`, `text` or `image` from the first bytes; the suffix only settles html vs text."""
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        return "image"
    if head.startswith(_BINARY_MAGIC):
        return "binary"
    lowered = head[:4096].lower()
    if suffix in (".html", ".htm") or b"<html" in lowered or b"<table" in lowered or b"<!doctype html" in lowered:
        return "html"
    return "text"


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; refuses binary content.

    A UTF-16 BOM settles the encoding: bytes after it that are not UTF-16 (an odd length, a lone
    surrogate) are refused as undecodable rather than read as something else.
    """
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExtractionError("ingest", "undecodable",
                              f"{source}: not text in UTF-8, UTF-16 or GB18030, and not a PDF, "
                              "HTML page or image")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.01 * min(len(text), 20000):
        raise ExtractionError("ingest", "unsupported_type",
                              f"{source}: binary content; expected a PDF, image, HTML or text report")
    return text


def report_text(data: bytes, source: str) -> str:
    """The text of a text or HTML report, or the refusal `ingest` gives (undecodable, binary, empty,
    JSON data); the service checks uploads with it, so an upload it accepts is never refused later."""
    text = decode_text(data, source)
    if not text.strip():
        raise ExtractionError("ingest", "empty", f"{source}: the file has no text")
    if _is_json(text):
        raise ExtractionError("ingest", "unsupported_type",
                              f"{source}: JSON data (an extraction result or a gold file?), not a report; "
                              "give the report itself as PDF, image, HTML or text")
    return text


def ingest(path: Path, doc_id: str | None = None, timings: dict[str, float] | None = None) -> Document:
    """Read a report file into a Document (segments not yet labeled)."""
    source = str(path)
    doc_id = doc_id or path.stem
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExtractionError("ingest", "corrupt", f"{source}: cannot read: {exc.strerror}") from exc
    if size == 0:
        raise ExtractionError("ingest", "empty", f"{source}: the file is empty")
    with path.open("rb") as fh:
        head = fh.read(8192)
    kind = sniff(head, path.suffix.lower())
    if path.suffix.lower() == ".pdf" and kind != "pdf":
        raise ExtractionError("ingest", "corrupt",
                              f"{source}: named .pdf but not a PDF (no %PDF header); the file is damaged "
                              "or was saved under the wrong name")
    if kind == "binary":
        raise ExtractionError("ingest", "unsupported_type",
                              f"{source}: an archive or office file; export the report as PDF, HTML "
                              "or text first")
    if kind == "image":
        if size > MAX_IMAGE_BYTES:
            raise ExtractionError("ingest", "too_large",
                                  f"{source}: {size / 2**20:.0f} MB is over the "
                                  f"{MAX_IMAGE_BYTES // 2**20} MB limit for images")
        require_ocr(source)
        from xxgk.inference.ingest.image import ingest_image

        return ingest_image(path, doc_id=doc_id, timings=timings)
    if kind == "pdf":
        if size > MAX_PDF_BYTES:
            raise ExtractionError("ingest", "too_large",
                                  f"{source}: {size / 2**20:.0f} MB is over the "
                                  f"{MAX_PDF_BYTES // 2**20} MB limit for PDFs")
        from xxgk.inference.ingest.pdf import ingest_pdf

        return ingest_pdf(path, doc_id=doc_id, timings=timings)
    if size > MAX_TEXT_BYTES:
        raise ExtractionError("ingest", "too_large",
                              f"{source}: {size / 2**20:.0f} MB is over the "
                              f"{MAX_TEXT_BYTES // 2**20} MB limit for text and HTML reports")
    text = report_text(path.read_bytes(), source)
    if kind == "html":
        from xxgk.inference.ingest.html import ingest_html

        return ingest_html(text, doc_id=doc_id, source=source)
    from xxgk.inference.ingest.text import ingest_text

    return ingest_text(text, doc_id=doc_id, source=source)


def _is_json(text: str) -> bool:
    """Structured data rather than a report's text: a text report never parses as a JSON object or list."""
    if text.lstrip()[:1] not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
