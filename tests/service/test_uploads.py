"""Upload checks without a server: kinds sniffed from bytes, limits, refusals, file names."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from xxgk.service.uploads import UploadRefused, clean_filename, doc_id_for, receive


def _receive(tmp_path: Path, data: bytes, name: str, max_bytes: int = 2**20, max_pages: int = 10):
    return receive(io.BytesIO(data), filename=name, tmp_dir=tmp_path, max_bytes=max_bytes, max_pages=max_pages)


def test_uploads_text_and_html_are_sniffed_and_hashed(tmp_path: Path) -> None:
    import hashlib

    text = "政府信息公开工作年度报告\n一、总体情况\n".encode()
    got = _receive(tmp_path, text, "r.txt")
    assert got.kind == "text" and got.size == len(text) and got.sha256 == hashlib.sha256(text).hexdigest()
    assert got.tmp_path.read_bytes() == text
    html = b"<html><body><table><tr><td>1</td></tr></table></body></html>"
    assert _receive(tmp_path, html, "page.bin").kind == "html"
    assert _receive(tmp_path, "报告".encode("gb18030"), "r.txt").kind == "text"


@pytest.mark.parametrize(("data", "status", "category"), [
    (b"", 400, "empty"),
    (b"x" * (2**20 + 1), 413, "too_large"),
    (b"PK\x03\x04rest-of-a-zip", 415, "unsupported_type"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), 415, "unsupported_type"),
    (bytes(range(32)) * 200, 415, "unsupported_type"),
])
def test_uploads_refusals_leave_no_file(tmp_path: Path, data: bytes, status: int, category: str) -> None:
    with pytest.raises(UploadRefused) as err:
        _receive(tmp_path, data, "in.txt")
    assert (err.value.status, err.value.category) == (status, category)
    assert "in.txt" in err.value.message
    assert not list(tmp_path.iterdir())


def test_uploads_client_file_names_are_only_displayed(tmp_path: Path) -> None:
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\x\\报告 2020.pdf") == "报告 2020.pdf"
    assert clean_filename("\x00\n") == "upload"
    assert clean_filename(None) == "upload"
    assert doc_id_for("报告 2020.pdf", "ab" * 32) == "报告_2020"
    assert doc_id_for("upload", "ab" * 32) == "ab" * 8
