"""The ingest backends in sniffing order, and the sniff that picks one from a file's first bytes.

Formats told by magic bytes come first; then archives and office files, which no backend reads,
are refused; then the formats read as text, plain text last since it takes whatever is left. The
type is sniffed from the bytes, not trusted from the name (the name only settles HTML vs text).
"""

from __future__ import annotations

from typing import Literal

from xxgk.document import FileFormat
from xxgk.inference.ingest.backends.base import IngestBackend
from xxgk.inference.ingest.backends.html import HtmlBackend
from xxgk.inference.ingest.backends.image import ImageBackend
from xxgk.inference.ingest.backends.pdf import PdfBackend
from xxgk.inference.ingest.backends.text import TextBackend

BY_MAGIC: tuple[IngestBackend, ...] = (PdfBackend(), ImageBackend())
"""Formats told by their first bytes."""
AS_TEXT: tuple[IngestBackend, ...] = (HtmlBackend(), TextBackend())
"""Formats read as decoded text, after archives are ruled out; the last claims anything."""
ARCHIVE_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
"""Zip (and docx, xlsx), OLE (doc, xls), gzip, 7z, RAR: no report format, refused as `binary`."""
BACKENDS: dict[FileFormat, IngestBackend] = {b.format: b for b in (*BY_MAGIC, *AS_TEXT)}


def sniff(head: bytes, suffix: str) -> FileFormat | Literal["binary"]:
    """The format of a file from its first bytes and lower-case suffix, or `binary` for an archive."""
    for backend in BY_MAGIC:
        if backend.claims(head, suffix):
            return backend.format
    if head.startswith(ARCHIVE_MAGIC):
        return "binary"
    return next(b.format for b in AS_TEXT if b.claims(head, suffix))


def promised_by(suffix: str) -> IngestBackend | None:
    """The backend whose format a file name with this lower-case suffix promises, if any."""
    return next((b for b in BACKENDS.values() if suffix in b.suffixes), None)
