"""The HTTP API end to end against a real `xxgk serve` subprocess with one embedded worker: real files
uploaded over HTTP, results compared with the generator's gold, exports, review page, page images,
tokens, deduplication and refusals."""

from __future__ import annotations

import io
import json
import random
import socket
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption

from tests.helpers.pdfs import PdfWriter
from tests.service.helpers import XXGK, ServerProc, auth, make_token, service_env, submit, wait_done

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pdf_job(server: ServerProc, token: str, reports: dict[str, Path]) -> dict:
    resp = submit(server.url, token, reports["pdf"])
    assert resp.status_code == 202, resp.text
    return wait_done(server.url, token, resp.json()["id"])


@pytest.fixture(scope="module")
def text_job(server: ServerProc, token: str, reports: dict[str, Path]) -> dict:
    resp = submit(server.url, token, reports["text"])
    assert resp.status_code == 202, resp.text
    return wait_done(server.url, token, resp.json()["id"])


def _gold(path: Path) -> dict:
    return json.loads(path.with_name(f"{path.stem}.gold.json").read_text(encoding="utf-8"))


def _assert_matches_gold(result: dict, gold: dict) -> None:
    wrong = {k: (v, result["cells"].get(k, {}).get("value")) for k, v in gold["cells"].items()
             if result["cells"].get(k, {}).get("value") != v}
    assert not wrong, f"{len(wrong)} cells differ from gold (gold, got): {dict(list(wrong.items())[:5])}"
    assert result["meta"]["edition"] == gold["meta"]["edition"]


def test_routes_submit_answers_at_once_with_a_job_and_stores_bytes_by_hash(server: ServerProc, token: str,
                                                                           reports: dict[str, Path]) -> None:
    path = reports["text"]
    data = path.read_bytes().replace("政府".encode(), "政 府".encode(), 1)  # new bytes: a new job
    resp = submit(server.url, token, path, data=data, name="../../etc/evil name.txt")
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert body["status"] == "queued" and body["existing"] is False and len(body["id"]) == 32
    job = httpx.get(f"{server.url}{body['links']['self']}", headers=auth(token)).json()
    assert job["filename"] == "evil name.txt" and job["kind"] == "text"
    stored = list((server.data_dir / "blobs").rglob(f"{job['sha256']}*"))
    assert [p.name for p in stored] == [f"{job['sha256']}.txt"]
    assert stored[0].read_bytes() == data
    assert not list(server.data_dir.rglob("evil*"))


def test_routes_pdf_result_matches_gold(server: ServerProc, token: str, pdf_job: dict,
                                        reports: dict[str, Path]) -> None:
    assert pdf_job["status"] == "done", pdf_job
    assert pdf_job["kind"] == "pdf" and pdf_job["pages"] >= 1 and pdf_job["attempts"] == 1
    assert pdf_job["started_at"] and pdf_job["finished_at"] and pdf_job["stage"] == "finished"
    result = httpx.get(f"{server.url}/v1/reports/{pdf_job['id']}/result", headers=auth(token)).json()
    _assert_matches_gold(result, _gold(reports["pdf"]))
    located = [c for c in result["cells"].values() if c["status"] == "read" and c.get("bbox")]
    assert located and all(c["page"] >= 1 for c in located)


def test_routes_text_result_matches_gold(server: ServerProc, token: str, text_job: dict,
                                         reports: dict[str, Path]) -> None:
    assert text_job["status"] == "done", text_job
    assert text_job["outcome"] in ("success", "partial_success")
    result = httpx.get(f"{server.url}/v1/reports/{text_job['id']}/result", headers=auth(token)).json()
    _assert_matches_gold(result, _gold(reports["text"]))
    assert result["doc_id"] == reports["text"].stem


def test_routes_csv_and_xlsx_exports(server: ServerProc, token: str, pdf_job: dict) -> None:
    base = f"{server.url}/v1/reports/{pdf_job['id']}"
    result = httpx.get(f"{base}/result", headers=auth(token)).json()
    csv_resp = httpx.get(f"{base}/result.csv", headers=auth(token))
    assert csv_resp.status_code == 200 and csv_resp.headers["content-type"].startswith("text/csv")
    header, row = csv_resp.content.decode("utf-8-sig").splitlines()[:2]
    columns = header.split(",")
    values = dict(zip(columns, row.split(","), strict=True))
    assert values["doc_id"] == result["doc_id"] and values["status"] == pdf_job["outcome"]
    key = "t3.new_received.total"
    assert values[key] == str(result["cells"][key]["value"])
    xlsx = httpx.get(f"{base}/result.xlsx", headers=auth(token))
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert wb.sheetnames == ["reports", "cells", "checks"]
    assert len(list(wb["cells"].iter_rows())) == len(result["cells"]) + 1


def test_routes_review_page_shows_pages_boxes_tables_and_highlights(server: ServerProc, token: str,
                                                                    pdf_job: dict) -> None:
    base = f"{server.url}/v1/reports/{pdf_job['id']}"
    result = httpx.get(f"{base}/result", headers=auth(token)).json()
    html = httpx.get(f"{base}/review", headers=auth(token)).text
    for n in range(1, pdf_job["pages"] + 1):
        assert f'src="pages/{n}.png"' in html
    assert "<svg viewBox=" in html and '<rect class="cell"' in html
    read = next(k for k, c in result["cells"].items() if c["status"] == "read" and c.get("bbox"))
    assert f'id="box-{read}"' in html and f'href="#box-{read}"' in html
    assert html.count("<table class=grid") >= 3 and 'data-key="t3.granted.total"' in html
    flagged = {k: c for k, c in result["cells"].items()
               if c["status"] in ("inferred", "corrected", "missing") or (c.get("confidence") or 1) < 0.9}
    for key, cell in flagged.items():
        td = html[html.index(f'<td data-key="{key}"'):][:200]
        assert "class=" in td.split(">")[0], (key, cell, td)
    for check in (c for c in result["checks"] if c["ok"] is False):
        assert f"{check['rule']}[{check.get('column') or check.get('row')}]" in html


def test_routes_page_image_is_the_page_at_200_dpi(server: ServerProc, token: str, pdf_job: dict) -> None:
    resp = httpx.get(f"{server.url}/v1/reports/{pdf_job['id']}/pages/1.png", headers=auth(token), timeout=60)
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(resp.content)) as im:
        assert abs(im.width - 1654) <= 2 and abs(im.height - 2339) <= 2  # A4 at 200 dpi
    missing = httpx.get(f"{server.url}/v1/reports/{pdf_job['id']}/pages/{pdf_job['pages'] + 1}.png",
                        headers=auth(token))
    assert missing.status_code == 404


def test_routes_review_of_text_shows_segments_not_images(server: ServerProc, token: str, text_job: dict) -> None:
    html = httpx.get(f"{server.url}/v1/reports/{text_job['id']}/review", headers=auth(token)).text
    assert "<img" not in html and "class=text-view" in html and "<table class=grid" in html
    assert httpx.get(f"{server.url}/v1/reports/{text_job['id']}/pages/1.png", headers=auth(token)).status_code == 404


def test_routes_tokens_see_only_their_own_jobs(server: ServerProc, token: str, pdf_job: dict) -> None:
    other = make_token(server.data_dir, "bob")
    base = f"{server.url}/v1/reports/{pdf_job['id']}"
    for suffix in ("", "/result", "/result.csv", "/result.xlsx", "/review", "/pages/1.png"):
        resp = httpx.get(base + suffix, headers=auth(other))
        assert resp.status_code == 404, suffix
        assert resp.json()["error"]["category"] == "not_found"
        assert httpx.get(base + suffix).status_code == 401, suffix
        assert httpx.get(base + suffix, headers=auth("xxgk_wrong")).status_code == 401, suffix
    assert httpx.get(base + "/review", params={"token": token}).status_code == 200


def test_routes_same_file_resubmitted_gives_the_existing_job_unless_rerun(server: ServerProc, token: str,
                                                                          pdf_job: dict,
                                                                          reports: dict[str, Path]) -> None:
    again = submit(server.url, token, reports["pdf"], name="renamed.pdf")
    assert again.status_code == 200 and again.json()["id"] == pdf_job["id"] and again.json()["existing"] is True
    rerun = submit(server.url, token, reports["pdf"], rerun=True)
    assert rerun.status_code == 202 and rerun.json()["id"] != pdf_job["id"]
    other = submit(server.url, make_token(server.data_dir, "carol"), reports["pdf"])
    assert other.status_code == 202 and other.json()["id"] not in (pdf_job["id"], rerun.json()["id"])
    blobs = list((server.data_dir / "blobs").rglob(f"{pdf_job['sha256']}*"))
    assert len(blobs) == 1


def _pdf(path: Path, pages: int, encrypt: StandardEncryption | None = None) -> bytes:
    pdf = PdfWriter(path, encrypt=encrypt)
    for i in range(pages):
        if i:
            pdf.page_break()
        pdf.text(f"第{i + 1}页")
    pdf.save()
    return path.read_bytes()


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, bytes, int, str]]:
    tmp = tmp_path_factory.mktemp("bad")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    good = _pdf(tmp / "ok.pdf", 1)
    return {
        "empty": ("empty.txt", b"", 400, "empty"),
        "blank text": ("blank.txt", b" \n\t\n", 400, "empty"),
        "too large": ("big.txt", "数".encode() * (2**20 // 3 + 10), 413, "too_large"),
        "docx": ("report.docx", docx.getvalue(), 415, "unsupported_type"),
        "zip": ("reports.zip", docx.getvalue(), 415, "unsupported_type"),
        "exe": ("setup.exe", b"MZ\x90\x00\x03" + bytes(range(256)) * 8, 415, "unsupported_type"),
        "random .pdf": ("x.pdf", random.Random(0).randbytes(4096), 422, "corrupt"),
        "truncated pdf": ("cut.pdf", good[: len(good) // 3], 422, "corrupt"),
        "encrypted pdf": ("locked.pdf", _pdf(tmp / "locked.pdf", 1, StandardEncryption("user", "owner")),
                          422, "encrypted"),
        "too many pages": ("long.pdf", _pdf(tmp / "long.pdf", 21), 422, "too_many_pages"),
        "broken png": ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 422, "corrupt"),
    }


@pytest.mark.parametrize("case", ["empty", "blank text", "too large", "docx", "zip", "exe", "random .pdf",
                                  "truncated pdf", "encrypted pdf", "too many pages", "broken png"])
def test_routes_bad_uploads_are_refused_with_a_clear_4xx(server: ServerProc, token: str, case: str,
                                                         bad_files: dict, tmp_path: Path) -> None:
    name, data, status, category = bad_files[case]
    resp = submit(server.url, token, tmp_path, data=data, name=name)
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["category"] == category
    assert name in error["message"]


def test_routes_huge_declared_upload_is_refused_before_reading(server: ServerProc, token: str) -> None:
    """50 MB announced, nothing sent: the answer comes from the headers alone."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall((f"POST /v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                      "Content-Type: multipart/form-data; boundary=x\r\n"
                      f"Content-Length: {50 * 2**20}\r\n\r\n").encode())
        answer = b""
        while b'"too_large"' not in answer and (chunk := sock.recv(65536)):
            answer += chunk
        answer = answer.decode()
    assert answer.startswith("HTTP/1.1 413") and '"too_large"' in answer


def test_routes_upload_without_file_or_token(server: ServerProc, token: str, reports: dict[str, Path]) -> None:
    assert httpx.post(f"{server.url}/v1/reports", headers=auth(token)).status_code == 422
    resp = httpx.post(f"{server.url}/v1/reports", files={"file": ("a.txt", b"x")})
    assert resp.status_code == 401 and resp.json()["error"]["category"] == "unauthorized"


def test_routes_openapi_document_lists_the_endpoints(server: ServerProc) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    for path in ("/v1/reports", "/v1/reports/{job_id}", "/v1/reports/{job_id}/result",
                 "/v1/reports/{job_id}/result.csv", "/v1/reports/{job_id}/result.xlsx",
                 "/v1/reports/{job_id}/review", "/v1/reports/{job_id}/pages/{number}.png"):
        assert path in spec["paths"], path
    assert "HTTPBearer" in json.dumps(spec["components"]["securitySchemes"])


def test_routes_token_cli_prints_a_token_and_stores_only_its_hash(server: ServerProc) -> None:
    proc = subprocess.run([str(XXGK), "token", "create", "--name", "cli"], env=service_env(server.data_dir),
                          capture_output=True, text=True, timeout=60, check=True)
    new = proc.stdout.strip()
    assert new.startswith("xxgk_") and len(new) > 30
    assert httpx.get(f"{server.url}/v1/tokens/me", headers=auth(new)).status_code == 200
    with sqlite3.connect(server.data_dir / "xxgk.db") as db:
        rows = db.execute("select name, token_hash from tokens").fetchall()
    assert ("cli", new) not in rows and all(new not in h for _, h in rows)
    assert new.encode() not in (server.data_dir / "xxgk.db").read_bytes()


def test_routes_image_upload_is_accepted_and_its_page_image_served(server: ServerProc, token: str,
                                                                   reports: dict[str, Path], tmp_path: Path) -> None:
    """A scan as PNG: accepted, stored under a .png content address; the job ends done (OCR available)
    or failed saying OCR is needed, never stuck; the page image is the upload."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(reports["pdf"])
    image = pdf[0].render(scale=200 / 72).to_pil()
    pdf.close()
    png = tmp_path / "scan.png"
    image.save(png)
    resp = submit(server.url, token, png)
    assert resp.status_code == 202, resp.text
    job = wait_done(server.url, token, resp.json()["id"])
    assert job["kind"] == "image" and job["pages"] == 1
    assert (server.data_dir / "blobs" / job["sha256"][:2] / f"{job['sha256']}.png").is_file()
    if job["status"] == "failed":
        assert job["errors"] and job["errors"][0]["category"] == "needs_ocr", job
        assert str(server.data_dir) not in json.dumps(job)  # no server path leaks into messages
        assert "scan.png" in job["errors"][0]["message"]
    page = httpx.get(f"{server.url}/v1/reports/{job['id']}/pages/1.png", headers=auth(token), timeout=60)
    assert page.status_code == 200
    with Image.open(io.BytesIO(page.content)) as im:
        assert im.size == image.size
    assert httpx.get(f"{server.url}/v1/reports/{job['id']}/review", headers=auth(token)).status_code == 200


def test_routes_exports_of_a_formula_named_file_hold_no_formula(server: ServerProc, token: str,
                                                                reports: dict[str, Path]) -> None:
    """The doc id comes from the client's file name: `=1+2*3.txt` must not become a formula cell."""
    data = reports["text"].read_bytes().replace("政府".encode(), "政　府".encode(), 1)
    resp = submit(server.url, token, reports["text"], data=data, name="=1+2*3.txt")
    assert resp.status_code == 202, resp.text
    job = wait_done(server.url, token, resp.json()["id"])
    assert job["status"] == "done" and job["doc_id"] == "=1+2*3"
    base = f"{server.url}/v1/reports/{job['id']}"
    csv_text = httpx.get(f"{base}/result.csv", headers=auth(token)).content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("'=1+2*3,")
    wb = load_workbook(io.BytesIO(httpx.get(f"{base}/result.xlsx", headers=auth(token)).content))
    assert wb["reports"]["A2"].value == "'=1+2*3" and wb["reports"]["A2"].data_type == "s"
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
