"""Every SQL statement of the service: jobs and API tokens, behind one `Store`.

SQLite (the default, one file under the data folder) and PostgreSQL both work: claims are a
compare-and-set `UPDATE ... WHERE` on the row, so no database-specific locking is needed and two
workers can never hold one job. Times are epoch seconds (floats), compared the same way everywhere.

Durability: a job row is committed before the upload is answered; a worker holds a job only while
its lease (`lease_until`) is in the future and renews it by heartbeat. A job whose worker died is
claimed again once the lease has passed; after `max_attempts` such deaths it fails with a message.

One job per token and file: a unique index on (token, sha256, revision) makes "the same bytes from
the same token give the existing job" hold under concurrent uploads (insert, or return the row
that won); `rerun` adds the next revision. Existing databases are brought up to this schema by
`xxgk.runners.jobs.migrate` when a `Store` opens them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from pathlib import Path

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    case,
    create_engine,
    delete,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from xxgk.runners.jobs.migrate import FINISHED_INDEX, UNIQUE_INDEX, upgrade
from xxgk.runners.jobs.records import JobCreate, JobError, JobRecord, JobResultSet, TokenRecord
from xxgk.settings import Settings

TOKEN_PREFIX = "xxgk_"


class Base(DeclarativeBase):
    pass


class TokenRow(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("tokens.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """0 for the first job of a token's file, then one more per `rerun`."""
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    filename: Mapped[str] = mapped_column(String(300))
    doc_id: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    stage: Mapped[str] = mapped_column(String(30), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    heartbeat_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    deadline_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    """When the current attempt must be over (`job_timeout_seconds` after its claim); no lease outlives it."""
    created_at: Mapped[float] = mapped_column(Float)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    errors_json: Mapped[str] = mapped_column(Text, default="[]")
    timings_json: Mapped[str] = mapped_column(Text, default="{}")
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    document_path: Mapped[str | None] = mapped_column(String(300), nullable=True)

    __table_args__ = (
        Index(UNIQUE_INDEX, "token_id", "sha256", "revision", unique=True),
        Index("ix_jobs_status_created", "status", "created_at"),
        Index(FINISHED_INDEX, "finished_at"),
    )


class SessionRow(Base):
    """A review session: a browser's cookie (only its hash stored) for one job, on behalf of one token."""

    __tablename__ = "sessions"

    secret_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("tokens.id"))
    job_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


def _token_record(row: TokenRow) -> TokenRecord:
    return TokenRecord(id=row.id, name=row.name, created_at=row.created_at, revoked_at=row.revoked_at)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def database_url(settings: Settings) -> str:
    return settings.database_url or f"sqlite:///{Path(settings.data_dir) / 'xxgk.db'}"


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # WAL: readers never block the writer; FULL: commits survive
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


def _record(row: JobRow) -> JobRecord:
    return JobRecord(
        id=row.id, token_id=row.token_id, sha256=row.sha256, revision=row.revision, kind=row.kind, size=row.size,
        pages=row.pages, filename=row.filename, doc_id=row.doc_id, status=row.status, stage=row.stage,
        attempts=row.attempts, claimed_by=row.claimed_by, lease_until=row.lease_until, heartbeat_at=row.heartbeat_at,
        deadline_at=row.deadline_at, created_at=row.created_at, started_at=row.started_at,
        finished_at=row.finished_at, outcome=row.outcome,
        errors=[JobError(**e) for e in json.loads(row.errors_json or "[]")],
        timings=json.loads(row.timings_json or "{}"), result_json=row.result_json,
        document_path=row.document_path)


class Store:
    """The jobs and tokens tables. Every method is one short transaction; arguments are keyword-only."""

    def __init__(self, url: str):
        self.engine = make_engine(url)

    @classmethod
    def of(cls, settings: Settings) -> Store:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        store = cls(database_url(settings))
        store.create_schema()
        return store

    def create_schema(self) -> None:
        """Upgrade an existing database in place (`xxgk.runners.jobs.migrate`), then create what is missing."""
        upgrade(self.engine)
        Base.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------- tokens

    def create_token(self, *, name: str) -> tuple[str, TokenRecord]:
        """A new random token (returned once, in clear) and its record; only its hash is stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with Session(self.engine) as s, s.begin():
            row = TokenRow(name=name, token_hash=hash_token(token), created_at=time.time())
            s.add(row)
            s.flush()
            record = _token_record(row)
        return token, record

    def token_id(self, *, token: str) -> int | None:
        """The id of a live token; None for an unknown or revoked one."""
        with Session(self.engine) as s:
            return s.scalar(select(TokenRow.id).where(TokenRow.token_hash == hash_token(token),
                                                      TokenRow.revoked_at.is_(None)))

    def list_tokens(self) -> list[TokenRecord]:
        with Session(self.engine) as s:
            return [_token_record(r) for r in s.scalars(select(TokenRow).order_by(TokenRow.id)).all()]

    def revoke_token(self, *, token_id: int) -> TokenRecord | None:
        """Revoke a token for good, with every review session opened with it; None when there is no such
        token. Its jobs stay (until their retention ends) but nobody can reach them."""
        now = time.time()
        with Session(self.engine) as s, s.begin():
            row = s.get(TokenRow, token_id)
            if row is None:
                return None
            if row.revoked_at is None:
                row.revoked_at = now
            s.execute(delete(SessionRow).where(SessionRow.token_id == token_id))
            return _token_record(row)

    # ---------------------------------------------------------------- review sessions

    def create_session(self, *, token_id: int, job_id: str, ttl_seconds: float) -> str:
        """A new review session for one job; returns its secret (the cookie), of which only the hash is kept."""
        secret = secrets.token_urlsafe(32)
        now = time.time()
        with Session(self.engine) as s, s.begin():
            s.add(SessionRow(secret_hash=hash_token(secret), token_id=token_id, job_id=job_id, created_at=now,
                             expires_at=now + ttl_seconds))
        return secret

    def session_token_id(self, *, secret: str, job_id: str) -> int | None:
        """The token behind a live session for this job; None when unknown, expired, for another job, or
        its token was revoked."""
        with Session(self.engine) as s:
            return s.scalar(select(SessionRow.token_id).join(TokenRow, TokenRow.id == SessionRow.token_id)
                            .where(SessionRow.secret_hash == hash_token(secret), SessionRow.job_id == job_id,
                                   SessionRow.expires_at > time.time(), TokenRow.revoked_at.is_(None)))

    def delete_expired_sessions(self) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(SessionRow).where(SessionRow.expires_at <= time.time())).rowcount

    # ---------------------------------------------------------------- jobs: API side

    def queue_job(self, *, job: JobCreate, rerun: bool = False) -> tuple[JobRecord, bool]:
        """The job for a token's upload and whether it existed: the latest job of the token for the same
        bytes, else (or with `rerun`) a new queued one.

        Insert-or-return: the insert of revision 0 (or latest + 1 for a rerun) succeeds for one of any
        number of racing identical uploads; the others' inserts break the unique index, and they read
        and return the winner's job.
        """
        for _ in range(8):
            latest = self.find_job(token_id=job.token_id, sha256=job.sha256)
            if latest is not None and not rerun:
                return latest, True
            try:
                return self._insert_job(job, revision=0 if latest is None else latest.revision + 1), False
            except IntegrityError:
                continue  # another upload took this revision: read again
        raise RuntimeError(f"could not queue a job for {job.sha256}: too much contention")

    def _insert_job(self, job: JobCreate, *, revision: int) -> JobRecord:
        with Session(self.engine) as s, s.begin():
            row = JobRow(id=uuid.uuid4().hex, status="queued", stage="queued", attempts=0, created_at=time.time(),
                         errors_json="[]", timings_json="{}", revision=revision, **job.model_dump())
            s.add(row)
            s.flush()
            return _record(row)

    def find_job(self, *, token_id: int, sha256: str) -> JobRecord | None:
        """The token's latest job (highest revision) for these bytes, if any."""
        with Session(self.engine) as s:
            row = s.scalars(select(JobRow).where(JobRow.token_id == token_id, JobRow.sha256 == sha256)
                            .order_by(JobRow.revision.desc()).limit(1)).first()
            return _record(row) if row else None

    def get_job(self, *, job_id: str, token_id: int | None = None) -> JobRecord | None:
        """The job, or None when it does not exist or belongs to another token."""
        with Session(self.engine) as s:
            query = select(JobRow).where(JobRow.id == job_id)
            if token_id is not None:
                query = query.where(JobRow.token_id == token_id)
            row = s.scalars(query).first()
            return _record(row) if row else None

    def count_jobs(self) -> dict[str, int]:
        with Session(self.engine) as s:
            rows = s.execute(select(JobRow.status, func.count()).group_by(JobRow.status)).all()
            return {status: n for status, n in rows}

    # ---------------------------------------------------------------- jobs: worker side

    def _claimable(self, now: float):
        return or_(JobRow.status == "queued", (JobRow.status == "running") & (JobRow.lease_until < now))

    def _fail_abandoned(self, *, job_id: str, max_attempts: int) -> None:
        """Fail a job whose lease expired after `max_attempts` claims: the file keeps killing workers."""
        now = time.time()
        error = JobError(stage="worker", category="internal",
                         message=f"the worker processing this file stopped {max_attempts} times without "
                                 "finishing (crash, out of memory, or past the time limit); not retried again")
        with self.engine.begin() as conn:
            conn.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == "running", JobRow.lease_until < now,
                       JobRow.attempts >= max_attempts)
                .values(status="failed", outcome="failure", stage="finished", finished_at=now, lease_until=None,
                        errors_json=json.dumps([error.model_dump()], ensure_ascii=False)))

    def claim_job(self, *, worker_id: str, lease_seconds: float, max_attempts: int,
                  timeout_seconds: float | None = None) -> JobRecord | None:
        """Take the oldest queued job, or one whose worker's lease ran out; None when there is none.

        Each candidate is taken by a conditional UPDATE that only succeeds while it is still claimable,
        so concurrent workers (processes, machines) never share a job. An idle poll only reads. The
        attempt must be over by `deadline_at`, `timeout_seconds` from now: no heartbeat renews the lease
        past it, so even a worker that never gives up loses the job then.
        """
        now = time.time()
        with self.engine.connect() as conn:
            candidates = conn.execute(select(JobRow.id, JobRow.status, JobRow.attempts).where(self._claimable(now))
                                      .order_by(JobRow.created_at).limit(8)).all()
        for job_id, status, attempts in candidates:
            if status == "running" and attempts >= max_attempts:
                self._fail_abandoned(job_id=job_id, max_attempts=max_attempts)
                continue
            now = time.time()
            with self.engine.begin() as conn:
                res = conn.execute(
                    update(JobRow).where(JobRow.id == job_id, self._claimable(now))
                    .values(status="running", stage="claimed", claimed_by=worker_id, lease_until=now + lease_seconds,
                            heartbeat_at=now, started_at=now, attempts=JobRow.attempts + 1,
                            deadline_at=None if timeout_seconds is None else now + timeout_seconds))
            if res.rowcount == 1:
                return self.get_job(job_id=job_id)
        return None

    def heartbeat(self, *, job_id: str, worker_id: str, lease_seconds: float, stage: str | None = None) -> bool:
        """Renew the lease, never past the attempt's deadline (and record the stage); False when this worker
        no longer holds the job or its deadline has passed."""
        now = time.time()
        renewed = now + lease_seconds
        values: dict = {"heartbeat_at": now,
                        "lease_until": case((JobRow.deadline_at < renewed, JobRow.deadline_at), else_=renewed)}
        if stage is not None:
            values["stage"] = stage
        with self.engine.begin() as conn:
            res = conn.execute(update(JobRow).where(JobRow.id == job_id, JobRow.claimed_by == worker_id,
                                                    JobRow.status == "running",
                                                    or_(JobRow.deadline_at.is_(None), JobRow.deadline_at > now))
                               .values(**values))
            return res.rowcount == 1

    def time_out_job(self, *, job_id: str, worker_id: str, max_attempts: int, timeout_seconds: float) -> str | None:
        """The worker's attempt ran past its deadline and counts as failed: the job is queued again, or fails
        after `max_attempts` attempts. Returns the job's new status; None when the worker no longer held it."""
        now = time.time()
        message = (f"extraction took longer than the {timeout_seconds:g} s limit per attempt "
                   "(job_timeout_seconds) and was stopped")
        held = (JobRow.id == job_id, JobRow.claimed_by == worker_id, JobRow.status == "running")
        with self.engine.begin() as conn:
            final = JobError(stage="worker", category="internal", message=f"{message}; {max_attempts} attempts, "
                                                                          "not retried again")
            res = conn.execute(update(JobRow).where(*held, JobRow.attempts >= max_attempts).values(
                status="failed", outcome="failure", stage="finished", finished_at=now, lease_until=None,
                deadline_at=None, errors_json=json.dumps([final.model_dump()], ensure_ascii=False)))
            if res.rowcount == 1:
                return "failed"
            retry = JobError(stage="worker", category="internal", message=f"{message}; queued again")
            res = conn.execute(update(JobRow).where(*held).values(
                status="queued", stage="queued", claimed_by=None, lease_until=None, deadline_at=None,
                errors_json=json.dumps([retry.model_dump()], ensure_ascii=False)))
            return "queued" if res.rowcount == 1 else None

    def finish_job(self, *, job_id: str, worker_id: str, result: JobResultSet) -> bool:
        """Store the result; False (nothing stored) when the lease was lost to another worker."""
        with self.engine.begin() as conn:
            res = conn.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.claimed_by == worker_id, JobRow.status == "running")
                .values(status=result.status, outcome=result.outcome, stage="finished", finished_at=time.time(),
                        lease_until=None, deadline_at=None, result_json=result.result_json,
                        document_path=result.document_path,
                        errors_json=json.dumps([e.model_dump() for e in result.errors], ensure_ascii=False),
                        timings_json=json.dumps(result.timings)))
            return res.rowcount == 1

    def release_job(self, *, job_id: str, worker_id: str) -> bool:
        """Give a job back to the queue (a worker stopping mid-job); the attempt does not count."""
        with self.engine.begin() as conn:
            res = conn.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.claimed_by == worker_id, JobRow.status == "running")
                .values(status="queued", stage="queued", claimed_by=None, lease_until=None, deadline_at=None,
                        attempts=JobRow.attempts - 1))
            return res.rowcount == 1

    # ---------------------------------------------------------------- retention

    def delete_finished_jobs(self, *, before: float, limit: int = 500) -> list[tuple[str, str, str | None]]:
        """Delete up to `limit` jobs finished before `before` (epoch seconds), with their review sessions;
        returns (job id, sha256, document path) of each, so their files can go too."""
        with Session(self.engine) as s, s.begin():
            rows = s.execute(select(JobRow.id, JobRow.sha256, JobRow.document_path)
                             .where(JobRow.finished_at < before, JobRow.status.in_(("done", "failed")))
                             .order_by(JobRow.finished_at).limit(limit)).all()
            ids = [r.id for r in rows]
            if ids:
                s.execute(delete(SessionRow).where(SessionRow.job_id.in_(ids)))
                s.execute(delete(JobRow).where(JobRow.id.in_(ids)))
            return [(r.id, r.sha256, r.document_path) for r in rows]

    def sha_in_use(self, *, sha256: str) -> bool:
        """Whether any job (of any token, in any state) still refers to these bytes."""
        with Session(self.engine) as s:
            return s.scalar(select(JobRow.id).where(JobRow.sha256 == sha256).limit(1)) is not None
