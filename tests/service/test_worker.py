"""A job accepted is never lost: kill -9 a worker (and the server) mid-job, start new ones, and the
job is claimed again once its lease runs out and finishes with the right numbers.

The worker's test hook `XXGK_WORKER_TEST_DELAY` keeps a job in hand (heartbeating) long enough
to kill its worker at a known point.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from tests.service.helpers import ServerProc, auth, make_token, start_worker, submit, wait_done

pytestmark = pytest.mark.slow

LEASE = {"lease_seconds": 3, "heartbeat_seconds": 0.5, "poll_seconds": 0.2}


def _wait_stage(url: str, token: str, job_id: str, stage: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/v1/reports/{job_id}", headers=auth(token), timeout=30).json()
        if job["status"] == "running" and job["stage"] == stage:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached stage {stage}: {job}")


def _holder_pid(data_dir: Path, job_id: str) -> int:
    with sqlite3.connect(data_dir / "xxgk.db") as db:
        (claimed_by,) = db.execute("select claimed_by from jobs where id = ?", (job_id,)).fetchone()
    return int(claimed_by.split(":")[1])


def _assert_gold(url: str, token: str, job: dict, report: Path) -> None:
    result = httpx.get(f"{url}/v1/reports/{job['id']}/result", headers=auth(token)).json()
    gold = json.loads(report.with_name(f"{report.stem}.gold.json").read_text(encoding="utf-8"))
    assert {k: result["cells"][k]["value"] for k in gold["cells"]} == gold["cells"]


def test_worker_and_server_killed_mid_job_then_restarted_finish_the_job(tmp_path: Path,
                                                                        reports: dict[str, Path]) -> None:
    server = ServerProc(tmp_path, workers=0, **LEASE)
    token = make_token(tmp_path, "alice")
    doomed = start_worker(tmp_path, worker_test_delay=60, **LEASE)
    survivor = None
    try:
        job_id = submit(server.url, token, reports["text"]).json()["id"]
        _wait_stage(server.url, token, job_id, "test_delay")
        assert _holder_pid(tmp_path, job_id) == doomed.pid
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        server.kill9()

        server = ServerProc(tmp_path, workers=0, **LEASE)  # same data folder, new port
        job = httpx.get(f"{server.url}/v1/reports/{job_id}", headers=auth(token)).json()
        assert job["status"] == "running" and job["attempts"] == 1  # held by a dead worker, not lost
        assert httpx.get(f"{server.url}/v1/reports/{job_id}/result", headers=auth(token)).status_code == 409

        survivor = start_worker(tmp_path, **LEASE)
        job = wait_done(server.url, token, job_id)
        assert job["status"] == "done" and job["attempts"] == 2, job
        assert _holder_pid(tmp_path, job_id) == survivor.pid
        _assert_gold(server.url, token, job, reports["text"])
    finally:
        for proc in (doomed, survivor):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(30)
        server.stop()


def test_worker_embedded_worker_killed_mid_job_is_replaced_and_the_job_finishes(tmp_path: Path,
                                                                                reports: dict[str, Path]) -> None:
    server = ServerProc(tmp_path, workers=1, worker_test_delay=3, **LEASE)
    token = make_token(tmp_path, "alice")
    try:
        job_id = submit(server.url, token, reports["pdf"]).json()["id"]
        _wait_stage(server.url, token, job_id, "test_delay")
        first = _holder_pid(tmp_path, job_id)
        os.kill(first, signal.SIGKILL)
        job = wait_done(server.url, token, job_id)
        assert job["status"] == "done" and job["attempts"] == 2, job
        assert _holder_pid(tmp_path, job_id) != first
        _assert_gold(server.url, token, job, reports["pdf"])
    finally:
        server.stop()
