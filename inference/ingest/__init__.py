"""Any supported file into a `Document`: sniff -> backend -> Document.

The type is sniffed from the bytes, not trusted from the name; each format is read by its backend
(`xxgk.inference.ingest.backends`, listed in `xxgk.inference.ingest.registry`).

Bad input is refused here with an `ExtractionError` a user can act on (empty, too large, not a
report format, corrupt, encrypted, scanned without OCR), before anything expensive runs.
Images and the scanned pages of PDFs go through OCR (`xxgk.inference.ingest.scan`); `timings`, when
given, collects the seconds of its stages (rasterize, orientation, ocr_detect, grid, layout, ocr_read).
"""

from __future__ import annotations

from pathlib import Path

from xxgk.document import Document
from xxgk.errors import ExtractionError
from xxgk.inference.ingest.backends.base import IngestContext
from xxgk.inference.ingest.registry import BACKENDS, promised_by, sniff


def default_context() -> IngestContext:
    """The process's settings, the options and editions they name: for reading a file outside a pipeline."""
    from xxgk.options import load_options
    from xxgk.settings import get_settings
    from xxgk.templates import load_editions

    settings = get_settings()
    return IngestContext(settings, load_options(settings.pipeline_config), load_editions(settings.templates_dir))


def ingest(path: Path, doc_id: str | None = None, timings: dict[str, float] | None = None,
           context: IngestContext | None = None) -> Document:
    """Read a report file into a Document (segments not yet labeled), with the pipeline's settings,
    options and editions (`context`; the process defaults when read outside a pipeline)."""
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
    suffix = path.suffix.lower()
    kind = sniff(head, suffix)
    promised = promised_by(suffix)
    if promised is not None and promised.format != kind:
        raise ExtractionError("ingest", "corrupt",
                              f"{source}: named {suffix} but {promised.misnamed}; the file is damaged or was saved "
                              "under the wrong name")
    if kind == "binary":
        raise ExtractionError("ingest", "unsupported_type",
                              f"{source}: an archive or office file; export the report as PDF, HTML "
                              "or text first")
    backend = BACKENDS[kind]
    if size > backend.max_bytes:
        raise ExtractionError("ingest", "too_large",
                              f"{source}: {size / 2**20:.0f} MB is over the "
                              f"{backend.max_bytes // 2**20} MB limit for {backend.limit_of}")
    return backend.read(path, doc_id=doc_id, context=context or default_context(), timings=timings)
