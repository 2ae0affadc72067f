"""What every ingest backend offers: sniffing, a size limit, reading (sniff -> backend -> Document)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from xxgk.document import Document, FileFormat
from xxgk.options import PipelineOptions
from xxgk.settings import Settings
from xxgk.templates import Edition


@dataclass(frozen=True)
class IngestContext:
    """What the pipeline hands every backend: its settings (OCR engine, page limits, work folder), its
    options (text and scan thresholds) and its editions (the wordings that cut run-on text)."""

    settings: Settings
    options: PipelineOptions
    editions: dict[str, Edition]


class IngestBackend(Protocol):
    """One file format. A new format is a module with one of these and an entry in the registry."""

    format: FileFormat
    max_bytes: int
    """Larger files are refused before anything is read."""
    limit_of: str
    """How the size refusal names files of the format ("over the 300 MB limit for PDFs")."""
    suffixes: tuple[str, ...]
    """File names that promise the format: so named but sniffed as another, the file is refused as damaged."""
    misnamed: str
    """What that refusal says of such a file ("not a PDF (no %PDF header)")."""

    def claims(self, head: bytes, suffix: str) -> bool:
        """The file's first bytes (and, where bytes cannot tell, its lower-case suffix) are of this format."""
        ...

    def read(self, path: Path, *, doc_id: str, context: IngestContext,
             timings: dict[str, float] | None = None) -> Document:
        """The file as a Document (segments not yet labeled); `timings` collects stage seconds."""
        ...
