"""Plain text (`xxgk.inference.ingest.text`): whatever no other backend claims, sniffed last."""

from __future__ import annotations

from xxgk.document import Document, FileFormat
from xxgk.inference.ingest.backends.base import IngestContext
from xxgk.inference.ingest.backends.textual import TextualBackend


class TextBackend(TextualBackend):
    format: FileFormat = "text"

    def claims(self, head: bytes, suffix: str) -> bool:
        return True

    def parse(self, text: str, *, doc_id: str, source: str, context: IngestContext) -> Document:
        from xxgk.inference.ingest.text import ingest_text

        return ingest_text(text, doc_id=doc_id, source=source, options=context.options.text,
                           editions=context.editions)
