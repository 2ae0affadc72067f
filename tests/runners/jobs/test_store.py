"""The job table's lease protocol on a temporary SQLite file: one holder per job, expiry, heartbeats,
fencing of a worker that lost its lease, and failing a job that keeps killing workers."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from xxgk.runners.jobs.records import JobCreate, JobResultSet
from xxgk.runners.jobs.store import Store, hash_token


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'jobs.db'}")
    s.create_schema()
    yield s
    s.close()


def _job(store: Store, token_id: int, sha: str = "a" * 64, *, rerun: bool = True):
    job, _ = store.queue_job(job=JobCreate(token_id=token_id, sha256=sha, kind="text", size=3, filename="r.txt",
                                           doc_id="r"), rerun=rerun)
    return job


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


def test_db_racing_identical_uploads_make_one_job(store: Store) -> None:
    """Insert-or-return under the unique index: 16 threads queue the same bytes at once, one job comes out."""
    _, t = store.create_token(name="a")
    barrier = threading.Barrier(16)
    results: list[tuple[str, bool]] = []
    lock = threading.Lock()

    def upload() -> None:
        barrier.wait()
        job, existing = store.queue_job(job=JobCreate(token_id=t.id, sha256="c" * 64, kind="text", size=3,
                                                      filename="r.txt", doc_id="r"))
        with lock:
            results.append((job.id, existing))

    threads = [threading.Thread(target=upload) for _ in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len({job_id for job_id, _ in results}) == 1
    assert sorted(existing for _, existing in results) == [False] + [True] * 15
    assert store.count_jobs() == {"queued": 1}


def test_db_rerun_adds_a_revision_and_becomes_the_job_returned(store: Store) -> None:
    _, t = store.create_token(name="a")
    first = _job(store, t.id, rerun=False)
    again = _job(store, t.id, rerun=False)
    rerun = _job(store, t.id, rerun=True)
    assert again.id == first.id and (first.revision, rerun.revision) == (0, 1)
    assert _job(store, t.id, rerun=False).id == rerun.id


def _old_database(path: Path) -> None:
    """A database as the previous schema wrote it, with duplicate jobs of one token for the same bytes."""
    with sqlite3.connect(path) as db:
        db.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text())
        db.execute("insert into tokens (id, name, token_hash, created_at) values (1, 'old', ?, 1.0)",
                   (hash_token("xxgk_old"),))
        for i, (sha, created) in enumerate([("a" * 64, 30.0), ("a" * 64, 10.0), ("a" * 64, 20.0), ("b" * 64, 5.0)]):
            db.execute("insert into jobs (id, token_id, sha256, kind, size, filename, doc_id, status, stage, attempts,"
                       " created_at, errors_json, timings_json) values (?, 1, ?, 'text', 3, 'r.txt', 'r', 'done',"
                       " 'finished', 1, ?, '[]', '{}')", (f"{i:032d}", sha, created))


def test_db_old_database_is_migrated_in_place_keeping_duplicate_jobs(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    try:
        jobs = {j: store.get_job(job_id=f"{j:032d}") for j in range(4)}
        assert [jobs[j].revision for j in range(4)] == [2, 0, 1, 0]  # numbered by creation time
        assert store.find_job(token_id=1, sha256="a" * 64).id == jobs[0].id  # the newest, as before
        token_id = store.token_id(token="xxgk_old")
        job, existing = store.queue_job(job=JobCreate(token_id=token_id, sha256="a" * 64, kind="text", size=3,
                                                      filename="r.txt", doc_id="r"))
        assert existing and job.id == jobs[0].id
        assert store.revoke_token(token_id=token_id).revoked_at is not None
        with sqlite3.connect(path) as db:
            indexes = {name: sql for name, sql in db.execute("select name, sql from sqlite_master where type='index'")}
        assert "ux_jobs_token_sha_revision" in indexes and "UNIQUE" in indexes["ux_jobs_token_sha_revision"]
        assert "ix_jobs_token_sha" not in indexes
    finally:
        store.close()
    again = Store(f"sqlite:///{path}")  # a second run finds nothing to do
    from xxgk.runners.jobs.migrate import upgrade

    assert upgrade(again.engine) == []
    again.close()


def test_db_revoked_token_and_its_sessions_stop_working(store: Store) -> None:
    token, t = store.create_token(name="a")
    job = _job(store, t.id)
    secret = store.create_session(token_id=t.id, job_id=job.id, ttl_seconds=60)
    assert store.session_token_id(secret=secret, job_id=job.id) == t.id
    assert store.session_token_id(secret=secret, job_id="f" * 32) is None  # a session opens one job only
    expired = store.create_session(token_id=t.id, job_id=job.id, ttl_seconds=-1)
    assert store.session_token_id(secret=expired, job_id=job.id) is None
    assert store.delete_expired_sessions() == 1
    store.revoke_token(token_id=t.id)
    assert store.token_id(token=token) is None
    assert store.session_token_id(secret=secret, job_id=job.id) is None
    assert [r.revoked_at is not None for r in store.list_tokens()] == [True]


def test_db_no_lease_outlives_the_attempts_deadline(store: Store) -> None:
    _, t = store.create_token(name="a")
    job = _job(store, t.id)
    claimed = store.claim_job(worker_id="w1", lease_seconds=60, max_attempts=3, timeout_seconds=0.3)
    assert claimed.deadline_at == pytest.approx(claimed.started_at + 0.3)
    assert store.heartbeat(job_id=job.id, worker_id="w1", lease_seconds=60)
    assert store.get_job(job_id=job.id).lease_until == pytest.approx(claimed.deadline_at)  # capped, not +60 s
    time.sleep(0.4)
    assert not store.heartbeat(job_id=job.id, worker_id="w1", lease_seconds=60)  # past the deadline: lost
    again = store.claim_job(worker_id="w2", lease_seconds=60, max_attempts=3, timeout_seconds=30)
    assert again.id == job.id and again.attempts == 2 and again.claimed_by == "w2"


def test_db_timed_out_attempt_counts_and_the_last_one_fails_the_job(store: Store) -> None:
    _, t = store.create_token(name="a")
    job = _job(store, t.id)
    store.claim_job(worker_id="w1", lease_seconds=60, max_attempts=2, timeout_seconds=5)
    assert store.time_out_job(job_id=job.id, worker_id="w1", max_attempts=2, timeout_seconds=5) == "queued"
    queued = store.get_job(job_id=job.id)
    assert queued.status == "queued" and queued.attempts == 1 and "queued again" in queued.errors[0].message
    store.claim_job(worker_id="w2", lease_seconds=60, max_attempts=2, timeout_seconds=5)
    assert store.time_out_job(job_id=job.id, worker_id="w1", max_attempts=2, timeout_seconds=5) is None  # not w1's
    assert store.time_out_job(job_id=job.id, worker_id="w2", max_attempts=2, timeout_seconds=5) == "failed"
    failed = store.get_job(job_id=job.id)
    assert failed.status == "failed" and failed.attempts == 2
    assert "longer than the 5 s limit" in failed.errors[0].message
    assert store.claim_job(worker_id="w3", lease_seconds=60, max_attempts=2) is None
