"""What the formats read as text share: one size limit, and decoding with its refusals
(`xxgk.inference.ingest.decode`) before the format's own parser sees the text."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from xxgk.document import Document
from xxgk.inference.ingest.backends.base import IngestContext
from xxgk.inference.ingest.decode import report_text

MAX_TEXT_BYTES = 20 * 1024 * 1024


class TextualBackend(ABC):
    """A format read from decoded text; subclasses give `format`, `claims` and `parse`."""

    max_bytes: int = MAX_TEXT_BYTES
    limit_of: str = "text and HTML reports"
    suffixes: tuple[str, ...] = ()
    misnamed: str = ""

    def read(self, path: Path, *, doc_id: str, context: IngestContext,
             timings: dict[str, float] | None = None) -> Document:
        source = str(path)
        return self.parse(report_text(path.read_bytes(), source), doc_id=doc_id, source=source, context=context)

    @abstractmethod
    def parse(self, text: str, *, doc_id: str, source: str, context: IngestContext) -> Document:
        """The decoded text as a Document."""
