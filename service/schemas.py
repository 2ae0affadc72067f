"""API models, one per use: what a client sees (`JobPublic`, `JobAccepted`, `ErrorBody`). API responses
never carry results, paths or other tokens' data; the stored records are `xxgk.runners.jobs.records`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from xxgk.document import FileFormat
from xxgk.runners.jobs.records import JobError, JobRecord, JobStatus, OutcomeStatus


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


class JobLinks(BaseModel):
    self: str
    result: str
    csv: str
    xlsx: str
    review: str


class JobPublic(BaseModel):
    """`GET /v1/reports/{id}`: where a job stands."""

    id: str
    status: JobStatus
    stage: str
    """Progress: `queued`, `claimed`, `extracting`, `saving`, `finished`."""
    outcome: OutcomeStatus | None
    """Once finished: `success`, `partial_success` (a report with warnings or failed checks) or `failure`."""
    filename: str
    doc_id: str
    sha256: str
    kind: FileFormat
    size: int
    pages: int | None
    attempts: int
    created_at: str
    started_at: str | None
    finished_at: str | None
    errors: list[JobError]
    timings: dict[str, float]
    links: JobLinks

    @classmethod
    def of(cls, job: JobRecord, prefix: str = "/v1/reports") -> JobPublic:
        base = f"{prefix}/{job.id}"
        return cls(id=job.id, status=job.status, stage=job.stage, outcome=job.outcome, filename=job.filename,
                   doc_id=job.doc_id, sha256=job.sha256, kind=job.kind, size=job.size, pages=job.pages,
                   attempts=job.attempts, created_at=_iso(job.created_at) or "", started_at=_iso(job.started_at),
                   finished_at=_iso(job.finished_at), errors=job.errors, timings=job.timings,
                   links=JobLinks(self=base, result=f"{base}/result", csv=f"{base}/result.csv",
                                  xlsx=f"{base}/result.xlsx", review=f"{base}/review"))


class JobAccepted(BaseModel):
    """`POST /v1/reports`: the job id at once; `existing` when the same file was already submitted."""

    id: str
    status: JobStatus
    existing: bool
    links: JobLinks


class ErrorDetail(BaseModel):
    category: str
    message: str


class ErrorBody(BaseModel):
    """Every 4xx answer of the service: a category a program can branch on, a message a person reads."""

    error: ErrorDetail
