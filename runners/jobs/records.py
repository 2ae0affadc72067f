"""What the durable job store holds and takes: a job (`JobRecord`), a new job (`JobCreate`), a worker's
result (`JobResultSet`), an API token (`TokenRecord`). Database rows never leave
`xxgk.runners.jobs.store`; the HTTP service turns these into its API models (`xxgk.service.schemas`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from xxgk.document import FileFormat

JobStatus = Literal["queued", "running", "done", "failed"]
OutcomeStatus = Literal["success", "partial_success", "failure"]


class JobError(BaseModel):
    stage: str
    category: str
    message: str
    page: int | None = None


class JobCreate(BaseModel):
    """A validated upload, stored on disk, becoming a queued job."""

    model_config = ConfigDict(extra="forbid")

    token_id: int
    sha256: str
    kind: FileFormat
    size: int
    pages: int | None = None
    filename: str
    doc_id: str


class JobRecord(BaseModel):
    """One row of the jobs table, as the service and workers use it."""

    id: str
    token_id: int
    sha256: str
    revision: int = 0
    kind: FileFormat
    size: int
    pages: int | None
    filename: str
    doc_id: str
    status: JobStatus
    stage: str
    attempts: int
    claimed_by: str | None
    lease_until: float | None
    heartbeat_at: float | None
    deadline_at: float | None = None
    created_at: float
    started_at: float | None
    finished_at: float | None
    outcome: OutcomeStatus | None
    errors: list[JobError] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    result_json: str | None = None
    document_path: str | None = None


class JobResultSet(BaseModel):
    """What a worker stores when it finishes a job."""

    status: Literal["done", "failed"]
    outcome: OutcomeStatus
    errors: list[JobError] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    result_json: str | None = None
    document_path: str | None = None


class TokenRecord(BaseModel):
    id: int
    name: str
    created_at: float
    revoked_at: float | None = None
