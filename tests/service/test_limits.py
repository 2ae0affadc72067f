"""Nothing unbounded, against a real `xxgk serve` on 127.0.0.1: request bodies are cut off at their limit
while they stream and only after the token was checked, slow bodies time out, hostile files are refused
with a 4xx before a job exists, and page images are rendered small and away from the server process."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.service.helpers import ServerProc, auth, make_token, multipart_head, raw_chunked_post, submit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProc]:
    """A server without workers (jobs stay queued), a 1 MB upload limit and a 3 s body timeout."""
    srv = ServerProc(tmp_path_factory.mktemp("limits"), workers=0, max_upload_mb=1, upload_timeout_seconds=3)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def token(bare: ServerProc) -> str:
    return make_token(bare.data_dir, "alice")


def _tmp_files(server: ServerProc) -> list[Path]:
    return [p for p in (server.data_dir / "tmp").iterdir() if p.is_file()]


def test_limits_chunked_upload_without_token_is_refused_before_the_body_is_read(bare: ServerProc) -> None:
    answer, sent = raw_chunked_post(bare.port, "/v1/reports", {"Content-Type": "multipart/form-data; boundary=b"},
                                    total=200 * 2**20)
    assert answer.startswith("HTTP/1.1 401"), answer[:300]
    assert '"unauthorized"' in answer
    assert sent < 20 * 2**20  # answered long before 200 MB went out
    assert not _tmp_files(bare)


def test_limits_query_token_does_not_open_the_upload(bare: ServerProc, token: str) -> None:
    answer, _ = raw_chunked_post(bare.port, f"/v1/reports?token={token}",
                                 {"Content-Type": "multipart/form-data; boundary=b"}, total=8 * 2**20)
    assert answer.startswith("HTTP/1.1 401"), answer[:300]


def test_limits_chunked_upload_over_the_limit_is_cut_off_while_streaming(bare: ServerProc, token: str) -> None:
    """No Content-Length: the 1 MB limit is enforced on the bytes as they arrive, nothing over it is kept."""
    answer, sent = raw_chunked_post(
        bare.port, "/v1/reports", {**auth(token), "Content-Type": "multipart/form-data; boundary=b"},
        total=200 * 2**20, prefix=multipart_head("huge.txt"))
    assert answer.startswith("HTTP/1.1 413"), answer[:300]
    assert '"too_large"' in answer and "over the 1 MB upload limit" in answer
    assert sent < 20 * 2**20
    assert not _tmp_files(bare)


def test_limits_file_part_over_the_limit_is_refused_with_its_name(bare: ServerProc, token: str,
                                                                  tmp_path: Path) -> None:
    resp = submit(bare.url, token, tmp_path, data=b"x" * (2**20 + 10), name="big.txt")
    assert resp.status_code == 413 and resp.json()["error"]["category"] == "too_large"
    assert "big.txt" in resp.json()["error"]["message"]
    assert not _tmp_files(bare)


def test_limits_body_that_stops_arriving_times_out(bare: ServerProc, token: str) -> None:
    answer, _ = raw_chunked_post(bare.port, "/v1/reports",
                                 {**auth(token), "Content-Type": "multipart/form-data; boundary=b"},
                                 total=128 * 1024, pause_after=64 * 1024, pause=30, prefix=multipart_head("slow.txt"))
    assert answer.startswith("HTTP/1.1 408"), answer[:300]
    assert '"request_timeout"' in answer
    assert not _tmp_files(bare)


def test_limits_body_on_a_route_that_reads_none_is_capped(bare: ServerProc, token: str) -> None:
    resp = httpx.request("GET", f"{bare.url}/v1/tokens/me", headers=auth(token), content=b"x" * (256 * 1024))
    assert resp.status_code == 413 and resp.json()["error"]["category"] == "too_large"


def _png(size: tuple[int, int]) -> bytes:
    """A 1-bit PNG of that size: a few hundred KB of file for hundreds of megapixels."""
    out = io.BytesIO()
    Image.new("1", size, 1).save(out, "PNG")
    return out.getvalue()


def _tiff(sizes: list[tuple[int, int]]) -> bytes:
    frames = [Image.new("1", size, 1) for size in sizes]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile() -> dict[str, tuple[str, bytes, int, str, str]]:
    """name, bytes, status, category, words of the pipeline's own message."""
    return {
        "decompression bomb": ("bomb.png", _png((30000, 30000)), 413, "too_large", "too large to read"),
        "over the pixel limit": ("wide.png", _png((11000, 10000)), 413, "too_large", "over the 100 MP limit"),
        "huge later tiff page": ("pages.tif", _tiff([(1240, 1754), (11000, 10000)]), 413, "too_large",
                                 "page 2 is 11000 x 10000 pixels"),
        "odd utf-16": ("r.txt", b"\xff\xfeA", 415, "undecodable", "not text in UTF-8, UTF-16 or GB18030"),
        "json data": ("result.json", json.dumps({"doc_id": "x", "cells": {}}).encode(), 415, "unsupported_type",
                      "JSON data"),
    }


@pytest.mark.parametrize("case", ["decompression bomb", "over the pixel limit", "huge later tiff page", "odd utf-16",
                                  "json data"])
def test_limits_hostile_files_are_refused_at_upload_with_the_pipelines_reason(bare: ServerProc, token: str,
                                                                              hostile: dict, case: str,
                                                                              tmp_path: Path) -> None:
    name, data, status, category, words = hostile[case]
    assert len(data) < 1024 * 1024
    resp = submit(bare.url, token, tmp_path, data=data, name=name)
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["category"] == category and name in error["message"] and words in error["message"], error
    assert not _tmp_files(bare)
    assert httpx.get(f"{bare.url}/healthz").status_code == 200


def test_limits_multi_page_tiff_counts_its_pages(bare: ServerProc, token: str, tmp_path: Path) -> None:
    resp = submit(bare.url, token, tmp_path, data=_tiff([(1240, 1754)] * 3), name="three.tif")
    assert resp.status_code == 202, resp.text
    job = httpx.get(f"{bare.url}{resp.json()['links']['self']}", headers=auth(token)).json()
    assert job["kind"] == "image" and job["pages"] == 3
