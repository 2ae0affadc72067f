"""One job per token and file, against a real `xxgk serve` on 127.0.0.1: identical uploads racing each other
get one job, and a database written before the unique index is migrated when the server opens it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import httpx
import pytest

from tests.service.helpers import ServerProc, auth, make_token, submit
from xxgk.runners.jobs.store import hash_token

pytestmark = pytest.mark.slow


def test_dedupe_racing_identical_uploads_make_one_job(tmp_path: Path) -> None:
    server = ServerProc(tmp_path / "data", workers=0)
    try:
        token = make_token(server.data_dir, "alice")
        data = "一、总体情况\n本机关收到申请3件。\n".encode()
        barrier = threading.Barrier(12)
        answers: list[httpx.Response] = []
        lock = threading.Lock()

        def upload() -> None:
            barrier.wait()
            resp = submit(server.url, token, tmp_path, data=data, name="same.txt")
            with lock:
                answers.append(resp)

        threads = [threading.Thread(target=upload) for _ in range(12)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert sorted(r.status_code for r in answers) == [200] * 11 + [202], [r.text for r in answers]
        assert len({r.json()["id"] for r in answers}) == 1
        with sqlite3.connect(server.data_dir / "xxgk.db") as db:
            assert db.execute("select count(*) from jobs").fetchone() == (1,)
        assert not list((server.data_dir / "tmp").iterdir())
        rerun = submit(server.url, token, tmp_path, data=data, name="same.txt", rerun=True)
        assert rerun.status_code == 202 and rerun.json()["id"] != answers[0].json()["id"]
    finally:
        server.stop()


def test_dedupe_server_migrates_a_database_with_duplicate_jobs(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with sqlite3.connect(data_dir / "xxgk.db") as db:
        db.executescript((Path(__file__).parents[1] / "runners" / "jobs" / "data" / "schema_v1.sql").read_text())
        db.execute("insert into tokens (id, name, token_hash, created_at) values (1, 'old', ?, 1.0)",
                   (hash_token("xxgk_old_token"),))
        for job_id, created in (("a" * 32, 1.0), ("b" * 32, 2.0)):  # the same file twice: a race or a rerun
            db.execute("insert into jobs (id, token_id, sha256, kind, size, filename, doc_id, status, stage, attempts,"
                       " created_at, errors_json, timings_json) values (?, 1, ?, 'text', 3, 'r.txt', 'r', 'failed',"
                       " 'finished', 1, ?, '[]', '{}')", (job_id, "c" * 64, created))
    server = ServerProc(data_dir, workers=0)
    try:
        for job_id in ("a" * 32, "b" * 32):
            job = httpx.get(f"{server.url}/v1/reports/{job_id}", headers=auth("xxgk_old_token"))
            assert job.status_code == 200 and job.json()["status"] == "failed"
        with sqlite3.connect(data_dir / "xxgk.db") as db:
            revisions = dict(db.execute("select id, revision from jobs"))
            unique = db.execute("select sql from sqlite_master where name = 'ux_jobs_token_sha_revision'").fetchone()
        assert revisions == {"a" * 32: 0, "b" * 32: 1} and "UNIQUE" in unique[0]
    finally:
        server.stop()
