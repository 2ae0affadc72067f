"""Clean-up by age: nothing the service stores grows without bound.

Every `cleanup_interval_seconds` (and once at start) the server deletes jobs finished more than
`retention_days` ago: their rows (results, errors), review documents and review sessions; then, for
each file no remaining job refers to, its page images and its uploaded bytes (unless the same bytes
were uploaded again in the last `BLOB_GRACE_SECONDS`: that upload may be about to queue its job).
Expired review sessions and upload leftovers in `tmp/` go too. Queued and running jobs are never
touched. Several servers sharing one database may sweep at once: every step tolerates the others.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from xxgk.runners.jobs.files import FileStore
from xxgk.runners.jobs.store import Store
from xxgk.settings import Settings

log = logging.getLogger(__name__)

BLOB_GRACE_SECONDS = 600.0
BATCH = 500


@dataclass
class Swept:
    jobs: int = 0
    blobs: int = 0
    sessions: int = 0
    tmp_files: int = 0


def sweep(store: Store, files: FileStore, retention_days: float) -> Swept:
    """One clean-up pass (see the module docstring); `retention_days` 0 keeps every job."""
    swept = Swept(sessions=store.delete_expired_sessions(), tmp_files=files.sweep_tmp())
    if retention_days <= 0:
        return swept
    before = time.time() - retention_days * 86400
    while batch := store.delete_finished_jobs(before=before, limit=BATCH):
        swept.jobs += len(batch)
        for _job_id, _sha, document in batch:
            files.delete_document(document)
        for sha256 in {sha for _, sha, _ in batch}:
            if not store.sha_in_use(sha256=sha256):
                files.delete_pages(sha256)
                swept.blobs += files.delete_blob(sha256, unused_for=BLOB_GRACE_SECONDS)
        if len(batch) < BATCH:
            break
    return swept


class Janitor:
    """Runs `sweep` in a background thread of the server until stopped."""

    def __init__(self, store: Store, files: FileStore, settings: Settings):
        self.store, self.files, self.settings = store, files, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="janitor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        while True:
            try:
                swept = sweep(self.store, self.files, self.settings.retention_days)
                if swept.jobs or swept.tmp_files:
                    log.info("clean-up: %d jobs past %g days, %d uploaded files, %d review sessions, %d upload "
                             "leftovers deleted", swept.jobs, self.settings.retention_days, swept.blobs,
                             swept.sessions, swept.tmp_files)
            except Exception:  # a database hiccup: the next pass catches up
                log.warning("clean-up failed", exc_info=True)
            if self._stop.wait(self.settings.cleanup_interval_seconds):
                return
