"""Web pages (`xxgk.inference.ingest.html`): told by their markup, or by a .html/.htm name."""

from __future__ import annotations

from xxgk.document import Document, FileFormat
from xxgk.inference.ingest.backends.base import IngestContext
from xxgk.inference.ingest.backends.textual import TextualBackend


class HtmlBackend(TextualBackend):
    format: FileFormat = "html"

    def claims(self, head: bytes, suffix: str) -> bool:
        lowered = head[:4096].lower()
        return (suffix in (".html", ".htm") or b"<html" in lowered or b"<table" in lowered
                or b"<!doctype html" in lowered)

    def parse(self, text: str, *, doc_id: str, source: str, context: IngestContext) -> Document:
        from xxgk.inference.ingest.html import ingest_html

        return ingest_html(text, doc_id=doc_id, source=source)
