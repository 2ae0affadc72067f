"""The ingest registry: every file format has one backend, sniffing picks it from the bytes, and a
backend sees only files of its format (sniff -> backend -> Document)."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from xxgk.document import Document, FileFormat
from xxgk.errors import ExtractionError
from xxgk.inference.ingest import ingest
from xxgk.inference.ingest.backends.base import IngestContext
from xxgk.inference.ingest.registry import BACKENDS, promised_by, sniff
from xxgk.inference.pipeline import Pipeline


def test_every_format_has_one_backend() -> None:
    assert set(BACKENDS) == set(get_args(FileFormat))
    assert all(b.format == f for f, b in BACKENDS.items())


@pytest.mark.parametrize(("head", "suffix", "kind"), [
    (b"%PDF-1.7\n", ".pdf", "pdf"),
    (b"\n\n%PDF-1.4", ".bin", "pdf"),
    (b"junk" * 10 + b"%PDF-1.4", ".txt", "pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ".webp", "image"),
    (b"PK\x03\x04", ".docx", "binary"),
    (b"<!DOCTYPE html><html>", ".txt", "html"),
    ("一、总体情况".encode(), ".htm", "html"),
    ("一、总体情况".encode(), ".txt", "text"),
])
def test_sniff_reads_the_bytes(head: bytes, suffix: str, kind: str) -> None:
    assert sniff(head, suffix) == kind


def test_only_a_pdf_name_promises_its_format() -> None:
    assert promised_by(".pdf") is BACKENDS["pdf"]
    assert promised_by(".txt") is None and promised_by(".png") is None


def test_ingest_hands_the_file_to_the_sniffed_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str, IngestContext]] = []

    def read(self, path: Path, *, doc_id: str, context: IngestContext, timings=None) -> Document:
        seen.append((self.format, doc_id, context))
        return Document(doc_id=doc_id, source=str(path), input_kind="html")

    monkeypatch.setattr(type(BACKENDS["html"]), "read", read)
    (tmp_path / "r.txt").write_text("<table><tr><td>1</td></tr></table>", encoding="utf-8")
    assert ingest(tmp_path / "r.txt").doc_id == "r"
    assert [s[:2] for s in seen] == [("html", "r")] and isinstance(seen[0][2], IngestContext)
    pipeline = Pipeline()
    pipeline.extract(tmp_path / "r.txt", doc_id="again")
    assert seen[-1][1:] == ("again", pipeline.ingest_context)


def test_misnamed_and_oversized_files_are_refused_before_reading(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "r.pdf").write_text("一、总体情况", encoding="utf-8")
    with pytest.raises(ExtractionError, match=r"named \.pdf but not a PDF \(no %PDF header\)"):
        ingest(tmp_path / "r.pdf")
    monkeypatch.setattr(type(BACKENDS["text"]), "max_bytes", 4)
    (tmp_path / "r.txt").write_text("一、总体情况", encoding="utf-8")
    with pytest.raises(ExtractionError, match="limit for text and HTML reports") as err:
        ingest(tmp_path / "r.txt")
    assert err.value.error.category == "too_large"
