"""The token lifecycle against a real `xxgk serve` on 127.0.0.1: tokens only in the Authorization header,
except once on the review page, which exchanges it for an HttpOnly, SameSite=Strict session cookie for that
job and never writes it into a page; `xxgk token revoke` ends the token and its sessions at once."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.helpers import XXGK, ServerProc, auth, make_token, service_env, submit, wait_done

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProc]:
    srv = ServerProc(tmp_path_factory.mktemp("tokens"), workers=1, review_session_seconds=600)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def pdf_job(server: ServerProc, token: str, reports: dict[str, Path]) -> dict:
    resp = submit(server.url, token, reports["pdf"])
    assert resp.status_code == 202, resp.text
    job = wait_done(server.url, token, resp.json()["id"])
    assert job["status"] == "done", job
    return job


def _open_review(server: ServerProc, token: str, job_id: str) -> tuple[httpx.Response, str]:
    """A browser opening the review link with the token: the answer, and the session cookie it set."""
    resp = httpx.get(f"{server.url}/v1/reports/{job_id}/review", params={"token": token})
    assert resp.status_code == 200, resp.text
    return resp, resp.cookies["xxgk_review"]


def test_tokens_review_link_opens_a_cookie_session_and_the_token_never_reaches_a_page(
        server: ServerProc, token: str, pdf_job: dict) -> None:
    base = f"{server.url}/v1/reports/{pdf_job['id']}"
    entry, session = _open_review(server, token, pdf_job["id"])
    cookie = entry.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert f"Path=/v1/reports/{pdf_job['id']}" in cookie and "Max-Age=600" in cookie
    assert token not in entry.text and token not in cookie and 'content="0;url=review"' in entry.text
    page = httpx.get(f"{base}/review", cookies={"xxgk_review": session})
    assert page.status_code == 200 and token not in page.text and "?token" not in page.text
    assert 'src="pages/1.png"' in page.text
    csp = page.headers["content-security-policy"]
    assert "img-src 'self'" in csp and "style-src 'sha256-" in csp and "script-src" not in csp
    image = httpx.get(f"{base}/pages/1.png", cookies={"xxgk_review": session}, timeout=60)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert httpx.get(f"{base}/result", cookies={"xxgk_review": session}).status_code == 200  # read-only, this job


def test_tokens_session_opens_its_own_job_only_and_never_a_write(server: ServerProc, token: str, pdf_job: dict,
                                                                 tmp_path: Path) -> None:
    _, session = _open_review(server, token, pdf_job["id"])
    other = submit(server.url, token, tmp_path, data="一、总体情况\n".encode(), name="other.txt").json()
    assert httpx.get(f"{server.url}/v1/reports/{other['id']}", cookies={"xxgk_review": session}).status_code == 401
    upload = httpx.post(f"{server.url}/v1/reports", cookies={"xxgk_review": session},
                        files={"file": ("x.txt", "一、总体情况\n".encode())})
    assert upload.status_code == 401
    assert httpx.get(f"{server.url}/v1/tokens/me", cookies={"xxgk_review": session}).status_code == 401
    forged = httpx.get(f"{server.url}/v1/reports/{pdf_job['id']}/review", cookies={"xxgk_review": "forged"})
    assert forged.status_code == 401


def test_tokens_in_urls_are_refused_everywhere_but_the_review_link(server: ServerProc, token: str,
                                                                   pdf_job: dict) -> None:
    base = f"{server.url}/v1/reports/{pdf_job['id']}"
    for suffix in ("", "/result", "/result.csv", "/result.xlsx", "/pages/1.png"):
        resp = httpx.get(base + suffix, params={"token": token})
        assert resp.status_code == 401, suffix
        assert "Authorization: Bearer" in resp.json()["error"]["message"]
    assert httpx.get(f"{server.url}/v1/tokens/me", params={"token": token}).status_code == 401
    post = httpx.post(f"{server.url}/v1/reports", params={"token": token}, files={"file": ("x.txt", b"x")})
    assert post.status_code == 401
    assert httpx.get(f"{base}/review", params={"token": "xxgk_wrong"}).status_code == 401
    other = make_token(server.data_dir, "mallory")
    assert httpx.get(f"{base}/review", params={"token": other}).status_code == 404  # not mallory's job


def test_tokens_revoke_ends_the_token_and_its_sessions(server: ServerProc, pdf_job: dict, tmp_path: Path,
                                                       reports: dict[str, Path]) -> None:
    doomed = make_token(server.data_dir, "doomed")
    job = submit(server.url, doomed, reports["pdf"]).json()
    _, session = _open_review(server, doomed, job["id"])
    base = f"{server.url}/v1/reports/{job['id']}"
    assert httpx.get(base, headers=auth(doomed)).status_code == 200
    assert httpx.get(f"{base}/review", cookies={"xxgk_review": session}).status_code == 200
    env = service_env(server.data_dir)
    listed = subprocess.run([str(XXGK), "token", "list"], env=env, capture_output=True, text=True, check=True)
    token_id = next(line.split("\t")[0] for line in listed.stdout.splitlines() if "\tdoomed\t" in line)
    proc = subprocess.run([str(XXGK), "token", "revoke", token_id], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "revoked" in proc.stderr
    resp = httpx.get(base, headers=auth(doomed))
    assert resp.status_code == 401 and resp.json()["error"]["category"] == "unauthorized"
    assert httpx.get(f"{base}/review", cookies={"xxgk_review": session}).status_code == 401
    assert httpx.get(f"{base}/review", params={"token": doomed}).status_code == 401
    listed = subprocess.run([str(XXGK), "token", "list"], env=env, capture_output=True, text=True, check=True)
    assert any("\tdoomed\trevoked " in line for line in listed.stdout.splitlines())
    missing = subprocess.run([str(XXGK), "token", "revoke", "9999"], env=env, capture_output=True, text=True)
    assert missing.returncode == 1 and "no token 9999" in missing.stderr
