"""Process-wide settings, read once from `XXGK_*` environment variables.

This is the only place the environment is read, so every knob is documented here and tests can
build a `Settings` explicitly instead of patching the environment.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XXGK_", extra="ignore")

    templates_dir: Path = REPO_ROOT / "configs" / "templates"
    """Edition configs, one TOML file per template edition."""

    models_dir: Path = REPO_ROOT / "models"
    """Registered classifier checkpoints, one folder per model version, and `CURRENT` naming the default."""

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
    """OCR engine for scanned pages and images (a name in `inference.ocr.ENGINES`)."""

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
    """PDFs with more pages are refused at upload time (422)."""

    upload_timeout_seconds: float = 300.0
    """A request body (an upload) must arrive within this long, or it is refused (408) and the
    connection closed: a client trickling bytes cannot hold a connection and a temporary file forever."""

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

    worker_test_delay: float = 0.0
    """TEST HOOK, off (0) by default: seconds a worker waits, heartbeating, after claiming a job and
    before extracting it, so tests can kill a worker mid-job. Never set it in production."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
