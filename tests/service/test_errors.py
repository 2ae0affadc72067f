"""One error shape and the security headers on every answer, against a real `xxgk serve` on 127.0.0.1:
the service's own refusals, unknown paths (404), wrong methods (405), invalid requests (422) and an
unhandled exception (500) all come back as `{"error": {"category", "message"}}` with the headers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.helpers import ServerProc, auth, make_token, submit

pytestmark = pytest.mark.slow

SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
                    "x-frame-options": "DENY", "cache-control": "no-store"}


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProc]:
    srv = ServerProc(tmp_path_factory.mktemp("errors"), workers=0)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def token(bare: ServerProc) -> str:
    return make_token(bare.data_dir, "alice")


def assert_secured(resp: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value, (name, resp.status_code, dict(resp.headers))
    csp = resp.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp


def assert_error(resp: httpx.Response, status: int, category: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"category", "message"}, body
    assert body["error"]["category"] == category and body["error"]["message"], body
    assert_secured(resp)
    return body["error"]


@pytest.fixture(scope="module")
def job(bare: ServerProc, token: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    resp = submit(bare.url, token, tmp_path_factory.mktemp("job"), data="一、总体情况\n".encode(), name="r.txt")
    assert resp.status_code == 202, resp.text
    return resp.json()


def test_errors_have_one_shape_everywhere(bare: ServerProc, token: str, job: dict) -> None:
    assert_error(httpx.get(f"{bare.url}/v1/nothing-here", headers=auth(token)), 404, "not_found")
    assert_error(httpx.get(f"{bare.url}/v1/reports/{'0' * 32}", headers=auth(token)), 404, "not_found")
    resp = httpx.delete(f"{bare.url}/v1/reports", headers=auth(token))
    assert_error(resp, 405, "method_not_allowed")
    assert "POST" in resp.headers["allow"]
    error = assert_error(httpx.get(f"{bare.url}/v1/reports/{job['id']}/pages/one.png", headers=auth(token)),
                         422, "invalid_request")
    assert "number" in error["message"]
    assert_error(httpx.post(f"{bare.url}/v1/reports", headers=auth(token)), 422, "invalid_request")
    assert_error(httpx.post(f"{bare.url}/v1/reports", headers=auth(token), data={"rerun": "true"}),
                 422, "invalid_request")
    assert_error(httpx.get(f"{bare.url}/v1/tokens/me"), 401, "unauthorized")


def test_errors_unhandled_exception_is_a_500_in_the_same_shape(bare: ServerProc, token: str, tmp_path: Path) -> None:
    """A job row the server cannot read (damaged by hand): a 500 with the error shape and the headers, no
    traceback or internals in the answer, and the server keeps serving."""
    job = submit(bare.url, token, tmp_path, data="二、主动公开\n".encode(), name="r.txt").json()
    with sqlite3.connect(bare.data_dir / "xxgk.db") as db:
        db.execute("update jobs set errors_json = '{not json' where id = ?", (job["id"],))
    resp = httpx.get(f"{bare.url}/v1/reports/{job['id']}", headers=auth(token))
    error = assert_error(resp, 500, "internal")
    assert "Traceback" not in resp.text and "json" not in error["message"].lower()
    assert httpx.get(f"{bare.url}/healthz").status_code == 200


def test_errors_success_answers_carry_the_headers_too(bare: ServerProc, token: str) -> None:
    for resp in (httpx.get(f"{bare.url}/v1/tokens/me", headers=auth(token)), httpx.get(f"{bare.url}/healthz"),
                 httpx.get(f"{bare.url}/openapi.json")):
        assert resp.status_code == 200
        assert_secured(resp)
    docs = httpx.get(f"{bare.url}/docs")
    assert docs.status_code == 200 and docs.headers["x-frame-options"] == "DENY"
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]  # Swagger UI's assets
