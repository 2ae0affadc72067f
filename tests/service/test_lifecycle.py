"""Jobs end and old data goes, against a real `xxgk serve` on 127.0.0.1: an attempt that runs past the job
deadline counts as failed (the worker stops, a fresh one is started and the job retried, then failed),
and finished jobs past the retention are deleted with their files."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from tests.service.helpers import ServerProc, auth, make_token, submit, wait_done

pytestmark = pytest.mark.slow


def test_lifecycle_hung_job_times_out_each_attempt_then_fails(tmp_path: Path, reports: dict[str, Path]) -> None:
    """`worker_test_delay` makes every attempt hang (heartbeating) far past the 4 s deadline."""
    server = ServerProc(tmp_path, workers=1, job_timeout_seconds=4, worker_test_delay=600, max_attempts=2,
                        lease_seconds=3, heartbeat_seconds=0.5, poll_seconds=0.2, worker_restart_backoff_seconds=0.5)
    try:
        token = make_token(tmp_path, "alice")
        start = time.monotonic()
        job = wait_done(server.url, token, submit(server.url, token, reports["text"]).json()["id"], timeout=240)
        assert job["status"] == "failed" and job["attempts"] == 2, job
        assert "longer than the 4 s limit" in job["errors"][0]["message"]
        assert time.monotonic() - start < 200  # two deadlines and two worker starts, not the 600 s hang
        log = server.log.read_text()
        assert log.count("ran past its 4 s deadline") == 2 and "exited (75)" in log
        assert httpx.get(f"{server.url}/healthz").status_code == 200
    finally:
        server.stop()


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_lifecycle_finished_jobs_past_the_retention_are_deleted_with_their_files(
        tmp_path: Path, reports: dict[str, Path]) -> None:
    server = ServerProc(tmp_path, workers=0, retention_days=1, cleanup_interval_seconds=0.5)
    try:
        token = make_token(tmp_path, "alice")
        old = submit(server.url, token, reports["pdf"]).json()
        recent = submit(server.url, token, tmp_path, data="一、总体情况\n".encode(), name="recent.txt").json()
        page = httpx.get(f"{server.url}/v1/reports/{old['id']}/pages/1.png", headers=auth(token), timeout=60)
        assert page.status_code == 200
        sha = httpx.get(f"{server.url}/v1/reports/{old['id']}", headers=auth(token)).json()["sha256"]
        blob = server.data_dir / "blobs" / sha[:2] / f"{sha}.pdf"
        pages = server.data_dir / "pages" / sha
        assert blob.is_file() and pages.is_dir()
        with sqlite3.connect(server.data_dir / "xxgk.db") as db:  # finished two days ago, and the recent one now
            db.execute("update jobs set status = 'done', stage = 'finished', finished_at = ? where id = ?",
                       (time.time() - 2 * 86400, old["id"]))
            db.execute("update jobs set status = 'done', stage = 'finished', finished_at = ? where id = ?",
                       (time.time(), recent["id"]))
        _age(blob, 2)
        deadline = time.monotonic() + 30
        while blob.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not blob.exists() and not pages.exists()
        gone = httpx.get(f"{server.url}/v1/reports/{old['id']}", headers=auth(token))
        assert gone.status_code == 404 and gone.json()["error"]["category"] == "not_found"
        assert httpx.get(f"{server.url}/v1/reports/{recent['id']}", headers=auth(token)).status_code == 200
        assert list((server.data_dir / "blobs").rglob("*.txt"))  # the recent job's file stays
    finally:
        server.stop()
