"""The job table's lease protocol on a temporary SQLite file: one holder per job, expiry, heartbeats,
fencing of a worker that lost its lease, and failing a job that keeps killing workers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from service.db import Store, hash_token
from service.schemas import JobCreate, JobResultSet


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'jobs.db'}")
    s.create_schema()
    yield s
    s.close()


def _job(store: Store, token_id: int, sha: str = "a" * 64):
    return store.add_job(job=JobCreate(token_id=token_id, sha256=sha, kind="text", size=3, filename="r.txt",
                                       doc_id="r"))


def test_db_tokens_are_stored_as_hashes(store: Store, tmp_path: Path) -> None:
    token, record = store.create_token(name="alice")
    assert store.token_id(token=token) == record.id
    assert store.token_id(token=token + "x") is None
    assert [t.name for t in store.list_tokens()] == ["alice"]
    assert token.encode() not in (tmp_path / "jobs.db").read_bytes()
    assert hash_token(token) != token


def test_db_jobs_are_scoped_to_their_token(store: Store) -> None:
    _, a = store.create_token(name="a")
    _, b = store.create_token(name="b")
    job = _job(store, a.id)
    assert store.get_job(job_id=job.id, token_id=a.id) is not None
    assert store.get_job(job_id=job.id, token_id=b.id) is None
    assert store.find_job(token_id=a.id, sha256=job.sha256).id == job.id
    assert store.find_job(token_id=b.id, sha256=job.sha256) is None
    newer = _job(store, a.id)
    assert store.find_job(token_id=a.id, sha256=job.sha256).id == newer.id


def test_db_a_job_has_one_holder_until_its_lease_expires(store: Store) -> None:
    _, t = store.create_token(name="a")
    job = _job(store, t.id)
    first = store.claim_job(worker_id="w1", lease_seconds=0.5, max_attempts=3)
    assert first.id == job.id and first.status == "running" and first.attempts == 1
    assert store.claim_job(worker_id="w2", lease_seconds=0.5, max_attempts=3) is None
    assert store.heartbeat(job_id=job.id, worker_id="w1", lease_seconds=0.5, stage="extracting")
    assert store.get_job(job_id=job.id).stage == "extracting"
    time.sleep(0.6)
    second = store.claim_job(worker_id="w2", lease_seconds=30, max_attempts=3)
    assert second.id == job.id and second.claimed_by == "w2" and second.attempts == 2
    # w1 woke up after losing its lease: it can neither renew nor store a result
    assert not store.heartbeat(job_id=job.id, worker_id="w1", lease_seconds=30)
    result = JobResultSet(status="done", outcome="success", result_json="{}")
    assert not store.finish_job(job_id=job.id, worker_id="w1", result=result)
    assert store.finish_job(job_id=job.id, worker_id="w2", result=result)
    done = store.get_job(job_id=job.id)
    assert done.status == "done" and done.result_json == "{}" and done.lease_until is None
    assert store.claim_job(worker_id="w3", lease_seconds=30, max_attempts=3) is None


def test_db_concurrent_claims_never_share_a_job(store: Store) -> None:
    _, t = store.create_token(name="a")
    jobs = {_job(store, t.id, sha=f"{i:064d}").id for i in range(30)}
    taken: list[str] = []
    lock = threading.Lock()

    def claim(worker: str) -> None:
        while (job := store.claim_job(worker_id=worker, lease_seconds=60, max_attempts=3)) is not None:
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(taken) == sorted(jobs)


def test_db_job_that_keeps_killing_workers_fails_with_a_message(store: Store) -> None:
    _, t = store.create_token(name="a")
    job = _job(store, t.id)
    for attempt in (1, 2):
        claimed = store.claim_job(worker_id=f"w{attempt}", lease_seconds=0.05, max_attempts=2)
        assert claimed.attempts == attempt
        time.sleep(0.1)
    assert store.claim_job(worker_id="w3", lease_seconds=0.05, max_attempts=2) is None
    failed = store.get_job(job_id=job.id)
    assert failed.status == "failed" and failed.outcome == "failure"
    assert "stopped 2 times" in failed.errors[0].message


def test_db_released_job_is_queued_again_without_counting_the_attempt(store: Store) -> None:
    _, t = store.create_token(name="a")
    job = _job(store, t.id)
    store.claim_job(worker_id="w1", lease_seconds=60, max_attempts=3)
    assert store.release_job(job_id=job.id, worker_id="w1")
    again = store.claim_job(worker_id="w2", lease_seconds=60, max_attempts=3)
    assert again.id == job.id and again.attempts == 1
    assert store.count_jobs() == {"running": 1}
