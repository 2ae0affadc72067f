"""Cheap checks that refuse a bad upload before a job exists, each with a status and a message.

The bytes are streamed to a temporary file while hashed and counted, so a too-large upload is cut
off at the limit. The type is sniffed from the bytes (the client's file name only settles HTML vs
text, as in `xxgk.inference.ingest`); PDFs are opened with PDFium to tell encrypted from corrupt and to
count pages; images are opened with Pillow and every page's size read from its header; text is
decoded and checked. Images and text go through the pipeline's own checks (`xxgk.inference.ingest`), so
an upload accepted here is not refused later for a reason known now. Nothing expensive runs here.

| refusal                                   | status | category          |
|-------------------------------------------|--------|-------------------|
| empty file, or text with nothing in it    | 400    | empty             |
| over the size limit, an image page over   | 413    | too_large         |
| the pipeline's pixel limit                |        |                   |
| archive, Office file, executable, binary, | 415    | unsupported_type  |
| JSON data                                 |        |                   |
| text in no known encoding                 | 415    | undecodable       |
| damaged PDF/image, `.pdf` that is no PDF  | 422    | corrupt           |
| password-protected PDF                    | 422    | encrypted         |
| more pages (PDF, TIFF) than the limit     | 422    | too_many_pages    |
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from xxgk.document import FileFormat
from xxgk.errors import ExtractionError
from xxgk.inference.ingest.backends.textual import MAX_TEXT_BYTES
from xxgk.inference.ingest.decode import report_text
from xxgk.inference.ingest.registry import sniff

log = logging.getLogger(__name__)
CHUNK = 1 << 20
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce")
STATUS = {"empty": 400, "too_large": 413, "unsupported_type": 415, "undecodable": 415, "corrupt": 422,
          "encrypted": 422, "too_many_pages": 422, "needs_ocr": 422}


_pdfium_lock = threading.Lock()
"""PDFium is not thread-safe, and the server checks uploads from its thread pool."""


class UploadRefused(Exception):
    def __init__(self, status: int, category: str, message: str):
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message

    @classmethod
    def of(cls, exc: ExtractionError) -> UploadRefused:
        """The pipeline's refusal, with its category and message, as an upload refusal."""
        return cls(STATUS.get(exc.error.category, 422), exc.error.category, exc.error.message)


@dataclass
class Received:
    """An upload on disk, hashed and checked, waiting to be moved to its content address."""

    tmp_path: Path
    sha256: str
    size: int
    kind: FileFormat
    pages: int | None
    filename: str

    @property
    def doc_id(self) -> str:
        return doc_id_for(self.filename, self.sha256)


def clean_filename(name: str | None) -> str:
    """The last component of a client's file name, printable, at most 200 characters (display only)."""
    raw = (name or "").replace("\x00", "")
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or "upload"


def doc_id_for(filename: str, sha256: str) -> str:
    """The report's doc id: the file name's stem, as `xxgk extract` names reports, else the hash."""
    stem = PurePosixPath(filename).stem if filename != "upload" else ""
    stem = re.sub(r"[\s/\\]+", "_", stem).strip("._")
    return stem[:150] or sha256[:16]


class UploadSink:
    """The upload's temporary file under `tmp_dir`, written as the bytes arrive: hashed and counted on
    the way, refused (413) the moment it passes `max_bytes`, so nothing bigger ever reaches the disk.

    `begin` names the file (from the client, for messages only), `write` takes the bytes, `finish`
    checks the whole file and hands it over; `discard` deletes it (after a refusal or a failure).
    """

    def __init__(self, tmp_dir: Path, max_bytes: int):
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
        self.path = Path(tmp_name)
        self._out: BinaryIO = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self.size = 0
        self.max_bytes = max_bytes
        self.name = "upload"

    def begin(self, filename: str | None) -> None:
        self.name = clean_filename(filename)

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise UploadRefused(413, "too_large", f"{self.name}: over the {_mb(self.max_bytes)} upload limit")
        self._digest.update(chunk)
        self._out.write(chunk)

    def finish(self, *, max_pages: int) -> Received:
        """Flush to disk and check the file (type, pages, decoding); raises `UploadRefused`."""
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        kind, pages = check(self.path, self.name, max_pages=max_pages)
        return Received(self.path, self._digest.hexdigest(), self.size, kind, pages, self.name)

    def discard(self) -> None:
        self._out.close()
        self.path.unlink(missing_ok=True)


def receive(stream: BinaryIO, *, filename: str | None, tmp_dir: Path, max_bytes: int, max_pages: int) -> Received:
    """Copy a file-like `stream` through an `UploadSink` and check it; raises `UploadRefused`.

    The caller moves the file to its content address, or deletes it on refusal (done here).
    """
    sink = UploadSink(tmp_dir, max_bytes)
    sink.begin(filename)
    try:
        while chunk := stream.read(CHUNK):
            sink.write(chunk)
        return sink.finish(max_pages=max_pages)
    except BaseException:
        sink.discard()
        raise


def check(path: Path, name: str, *, max_pages: int) -> tuple[FileFormat, int | None]:
    """The input kind and page count of a received file, or `UploadRefused` saying what is wrong."""
    size = path.stat().st_size
    if size == 0:
        raise UploadRefused(400, "empty", f"{name}: the file is empty")
    with path.open("rb") as fh:
        head = fh.read(8192)
    suffix = PurePosixPath(name).suffix.lower()
    if head.startswith(_EXECUTABLE_MAGIC):
        raise UploadRefused(415, "unsupported_type", f"{name}: an executable program, not a report; "
                                                     "upload a PDF, image, HTML page or text file")
    kind = sniff(head, suffix)
    if kind == "binary":
        raise UploadRefused(415, "unsupported_type", f"{name}: an archive or Office file (zip, docx, xls, ...); "
                                                     "export the report as PDF, HTML or text first")
    if suffix == ".pdf" and kind != "pdf":
        raise UploadRefused(422, "corrupt", f"{name}: named .pdf but not a PDF (no %PDF header); the file is "
                                            "damaged or was saved under the wrong name")
    try:
        if kind == "pdf":
            return "pdf", _pdf_pages(path, name, max_pages)
        if kind == "image":
            return "image", _image_pages(path, name, max_pages)
    except (UploadRefused, MemoryError):
        raise
    except ExtractionError as exc:
        raise UploadRefused.of(exc) from exc
    except Exception as exc:  # a parser choking on hostile bytes: the file is refused, the server carries on
        log.warning("%s: unexpected %s while checking the upload", name, type(exc).__name__, exc_info=True)
        raise UploadRefused(422, "corrupt", f"{name}: the file could not be read (damaged or not a "
                                            f"{kind.upper()} the readers understand)") from exc
    if size > MAX_TEXT_BYTES:
        raise UploadRefused(413, "too_large", f"{name}: {_mb(size)} is over the {_mb(MAX_TEXT_BYTES)} limit for "
                                              "text and HTML reports")
    try:
        report_text(path.read_bytes(), name)
    except ExtractionError as exc:
        raise UploadRefused.of(exc) from exc
    return ("html" if kind == "html" else "text"), None


def _pdf_pages(path: Path, name: str, max_pages: int) -> int:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    with _pdfium_lock:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
                raise UploadRefused(422, "encrypted", f"{name}: the PDF is encrypted and needs a password to "
                                                      "open; upload an unprotected copy") from exc
            raise UploadRefused(422, "corrupt", f"{name}: not a readable PDF (damaged or truncated)") from exc
        try:
            n = len(pdf)
        finally:
            pdf.close()
    if n == 0:
        raise UploadRefused(422, "corrupt", f"{name}: the PDF has no pages")
    if n > max_pages:
        raise UploadRefused(422, "too_many_pages", f"{name}: {n} pages is over the {max_pages}-page limit")
    return n


def _image_pages(path: Path, name: str, max_pages: int) -> int:
    """Pages of an image, each checked against the pipeline's pixel limit from its header (the pixels are
    never decoded here); then the file's structure is verified (checksums, truncation)."""
    from PIL import Image, UnidentifiedImageError

    from xxgk.inference.ingest.image_limits import check_frames, open_image

    with open_image(path, name) as im:
        n = check_frames(im, name, max_pages)
    if n > max_pages:
        raise UploadRefused(422, "too_many_pages", f"{name}: {n} pages is over the {max_pages}-page limit")
    try:
        with Image.open(path) as im:
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused(422, "corrupt", f"{name}: not a readable image (damaged or truncated)") from exc
    return n


def _mb(n: int | float) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"
