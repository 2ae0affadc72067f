"""Process-wide settings, read once from `XXGK_*` environment variables.

This is the only place the environment is read, so every knob is documented here and tests can
build a `Settings` explicitly instead of patching the environment.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from xxgk import options, resources


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XXGK_", extra="ignore")

    templates_dir: Path = Field(default_factory=lambda: resources.config_path("templates"))
    """Edition configs, one TOML file per template edition."""

    pipeline_config: Path = Field(default_factory=options.shipped_path)
    """The pipeline's tuning (`xxgk.options.PipelineOptions`: reading costs, confidences, scan
    thresholds, the review threshold); default: the shipped `configs/pipeline.toml`."""

    models_dir: Path = Field(default_factory=resources.models_dir)
    """Registered classifier checkpoints, one folder per model version, and `CURRENT` naming the default
    (default: the shipped registry; `xxgk train` registers new versions here, so point it at a writable
    folder when the package is installed read-only)."""

    model: str | None = None
    """Model version (a folder of `models_dir`) or checkpoint path to label with; default: `CURRENT`."""

    labeler: Literal["auto", "model", "rules"] = "auto"
    """`auto` uses the classifier when a checkpoint is registered, else string matching (with a warning)."""

    threads: int = 2
    """CPU threads for the classifier."""

    ray_address: str | None = None
    """`xxgk extract --backend ray`: address of a running Ray cluster; default: start a local one."""

    ray_cpus: int = 2
    """CPUs of the local Ray instance `--backend ray` starts (one file per CPU at a time)."""

    # --- scans and OCR ---
    work_dir: Path = Path(tempfile.gettempdir()) / "xxgk"
    """Scratch space: corrected page images of scanned inputs (`<work_dir>/pages/<doc>-<hash>/page-NNN.png`,
    named in `Page.image` for review pages and Label Studio), overwritten when a file is read again."""

    ocr_engine: str = "rapidocr"
    """OCR engine for scanned pages and images (a name in `xxgk.inference.ocr.ENGINES`)."""

    ocr_threads: int = 2
    """onnxruntime threads per OCR model."""

    ocr_max_pages: int = 100
    """Pages of one document read by OCR; later scanned pages are skipped with a warning (about 3 s each)."""

    # --- HTTP service (`xxgk serve`, `xxgk worker`, `xxgk token`) ---
    data_dir: Path = Path.home() / ".local" / "share" / "xxgk"
    """Service state: uploaded files (content-addressed by sha256), rendered page images, documents for
    review, and the SQLite database when `database_url` is not set."""

    database_url: str | None = None
    """SQLAlchemy URL of the jobs database; default `sqlite:///<data_dir>/xxgk.db`. A PostgreSQL URL
    (`postgresql+psycopg://...`) works too (install its driver)."""

    host: str = "127.0.0.1"
    port: int = 8000

    max_upload_mb: float = 50.0
    """Largest accepted upload; bigger ones are refused with 413 before anything is stored."""

    max_pdf_pages: int = 500
    """PDFs with more pages are refused: at upload time by the service (422), and by the PDF reader
    (`too_many_pages`) for `xxgk extract`."""

    upload_timeout_seconds: float = 300.0
    """A request body (an upload) must arrive within this long, or it is refused (408) and the
    connection closed: a client trickling bytes cannot hold a connection and a temporary file forever."""

    render_processes: int = 2
    """Page images for review pages rendered at once, each in its own child process."""

    render_timeout_seconds: float = 30.0
    """A page image render is killed after this long (and the page not tried again for an hour)."""

    render_memory_mb: int = 1024
    """Address-space limit of a page image render (a page image is at most 25 MP)."""

    review_session_seconds: float = 3600.0
    """Lifetime of a review session: opening `/v1/reports/{id}/review?token=...` in a browser sets a cookie
    for that job's pages, valid this long (the token itself never appears in the page)."""

    cookie_secure: bool = False
    """Mark review cookies `Secure` (HTTPS only) even when the request reached the server over plain HTTP:
    set it behind a TLS-terminating proxy. Requests the server itself sees as https always get it."""

    lease_seconds: float = 60.0
    """How long a worker's claim on a job lasts without a heartbeat; a job whose worker died is taken
    again by another worker after this long."""

    heartbeat_seconds: float = 10.0
    """How often a working worker renews its lease (well under `lease_seconds`)."""

    poll_seconds: float = 0.5
    """How long an idle worker waits before looking for queued jobs again."""

    max_attempts: int = 3
    """A job whose worker died this many times fails (a file that crashes workers must not loop)."""

    job_timeout_seconds: float = 1800.0
    """Longest one attempt at a job may take (a 100-page scan needs about 6 minutes on two cores). Past it
    the attempt counts as failed: the worker stops (its pool starts a fresh one) and the job is queued
    again, or fails after `max_attempts` attempts."""

    worker_restart_backoff_seconds: float = 1.0
    """Delay before restarting an embedded worker that died soon after it started; doubles with each such
    death, up to `worker_restart_backoff_max_seconds`."""

    worker_restart_backoff_max_seconds: float = 60.0

    retention_days: float = 30.0
    """Finished jobs older than this are deleted with their results, review documents, page images and
    uploaded files (when no other job uses the same file); 0 keeps everything."""

    cleanup_interval_seconds: float = 3600.0
    """How often the server looks for jobs past `retention_days` (and expired review sessions)."""

    worker_test_delay: float = 0.0
    """TEST HOOK, off (0) by default: seconds a worker waits, heartbeating, after claiming a job and
    before extracting it, so tests can kill a worker mid-job. Never set it in production."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
