"""The worker: claim a job with a lease, keep the lease alive, run the pipeline, store the result.

A job is never lost: its row is committed before the upload is answered, a worker holds it only
while it renews its lease (a heartbeat thread, every `heartbeat_seconds`), and a job whose worker
died (kill -9, out of memory, machine gone) is claimed again once the lease has run out. Storing
the result is conditional on still holding the lease, so a worker that lost its job (paused past
its lease) cannot overwrite the work of the one that took it over.

`xxgk worker` runs one worker in the foreground; `xxgk serve --workers N` starts N of them as
child processes (`run_worker_process`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from xxgk.inference.pipeline import Outcome, Pipeline
from xxgk.runners.inputs import Job, extract_one
from xxgk.runners.jobs.files import FileStore
from xxgk.runners.jobs.records import JobError, JobRecord, JobResultSet
from xxgk.runners.jobs.store import Store
from xxgk.settings import Settings

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


EXIT_TIMED_OUT = 75
"""Exit status of a worker process that stopped itself because its job ran past its deadline."""


class _Lease:
    """Renews a job's lease in the background while the job runs; `stage` is reported with it.

    At the attempt's deadline it stops renewing, records the attempt as failed (`Store.time_out_job`)
    and calls `on_timeout`: the extraction in the main thread cannot be interrupted (it may be stuck
    in native code), so a worker process exits there and then and is started again by its pool.
    """

    def __init__(self, store: Store, job: JobRecord, worker_id: str, settings: Settings,
                 on_timeout: Callable[[], None]):
        self.store, self.job_id, self.worker_id, self.settings = store, job.id, worker_id, settings
        self.deadline = job.deadline_at
        self.on_timeout = on_timeout
        self.stage: str | None = None
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{job.id[:8]}", daemon=True)

    def __enter__(self) -> _Lease:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def set_stage(self, stage: str) -> None:
        self.stage = stage
        self._renew()

    def _renew(self) -> None:
        try:
            if not self.store.heartbeat(job_id=self.job_id, worker_id=self.worker_id,
                                        lease_seconds=self.settings.lease_seconds, stage=self.stage):
                self.lost = True
        except Exception:  # a database hiccup: try again next beat, the lease has slack
            log.warning("heartbeat for job %s failed", self.job_id, exc_info=True)

    def _beat(self) -> None:
        while not self._stop.wait(self._next_wait()):
            if self.deadline is not None and time.time() >= self.deadline:
                self._time_out()
                return
            self._renew()

    def _next_wait(self) -> float:
        wait = self.settings.heartbeat_seconds
        return wait if self.deadline is None else max(0.0, min(wait, self.deadline - time.time()))

    def _time_out(self) -> None:
        self.lost = True
        try:
            status = self.store.time_out_job(job_id=self.job_id, worker_id=self.worker_id,
                                             max_attempts=self.settings.max_attempts,
                                             timeout_seconds=self.settings.job_timeout_seconds)
        except Exception:  # the deadline still holds in the database: the lease runs out there
            log.warning("job %s: recording its timeout failed", self.job_id, exc_info=True)
            status = None
        log.warning("job %s ran past its %g s deadline: %s", self.job_id, self.settings.job_timeout_seconds,
                    status or "no longer held")
        self.on_timeout()


class Worker:
    def __init__(self, settings: Settings, *, store: Store | None = None, files: FileStore | None = None,
                 pipeline: Pipeline | None = None, worker_id: str | None = None,
                 on_timeout: Callable[[], None] | None = None):
        """`on_timeout` runs when a job passes its deadline (in the lease thread); by default the job's result
        is only dropped when its extraction returns, `run_worker_process` exits the process instead."""
        self.settings = settings
        self.store = store or Store.of(settings)
        self.files = files or FileStore(Path(settings.data_dir))
        self._pipeline = pipeline
        self.worker_id = worker_id or new_worker_id()
        self.stop = threading.Event()
        self.on_timeout = on_timeout or (lambda: None)

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline()
        return self._pipeline

    def run(self, *, max_jobs: int | None = None) -> int:
        """Process jobs until `stop` is set (or `max_jobs` are done); returns how many were processed."""
        _ = self.pipeline  # load the model before the first claim, so a lease is not spent on it
        log.info("worker %s ready", self.worker_id)
        done = 0
        while not self.stop.is_set() and (max_jobs is None or done < max_jobs):
            if self.run_one():
                done += 1
            else:
                self.stop.wait(self.settings.poll_seconds)
        return done

    def run_one(self) -> bool:
        """Claim and process one job; False when none was waiting."""
        job = self.store.claim_job(worker_id=self.worker_id, lease_seconds=self.settings.lease_seconds,
                                   max_attempts=self.settings.max_attempts,
                                   timeout_seconds=self.settings.job_timeout_seconds)
        if job is None:
            return False
        self.process(job)
        return True

    def process(self, job: JobRecord) -> None:
        log.info("job %s (%s, attempt %d): claimed", job.id, job.filename, job.attempts)
        with _Lease(self.store, job, self.worker_id, self.settings, self.on_timeout) as lease:
            if self.settings.worker_test_delay > 0:  # test hook, off by default (see Settings)
                lease.set_stage("test_delay")
                time.sleep(self.settings.worker_test_delay)
            lease.set_stage("extracting")
            blob = self.files.blob_path(job.sha256, job.kind)
            if blob.is_file():
                outcome = extract_one(self.pipeline, Job(blob, job.doc_id))
            else:
                outcome = Outcome(str(blob), job.doc_id, "failure", errors=[])
                outcome.errors = [_error("storage", "internal", "the uploaded file is gone from the data folder")]
            lease.set_stage("saving")
            result = self._result(job, outcome, str(blob))
        if lease.lost:
            log.warning("job %s: lease lost to another worker; result dropped", job.id)
            return
        if not self.store.finish_job(job_id=job.id, worker_id=self.worker_id, result=result):
            log.warning("job %s: lease lost before saving; result dropped", job.id)
            return
        log.info("job %s: %s (%s)", job.id, result.status, outcome.status)

    def _page_image(self, name: str | None) -> Path | None:
        """The pipeline's image of a page (scans), absolute or under the pipeline's work folder."""
        return _page_image_path(name, getattr(self.settings, "work_dir", None))

    def _result(self, job: JobRecord, outcome: Outcome, blob: str) -> JobResultSet:
        """The stored form of an outcome; the server's file path never appears in what a client sees."""
        errors = [JobError(stage=e.stage, category=e.category, page=e.page,
                           message=e.message.replace(blob, job.filename))
                  for e in outcome.errors]
        document_path = None
        if outcome.document is not None:
            doc = outcome.document.model_copy(update={"source": job.filename})
            scratch = set()
            for page in doc.pages:
                image = self._page_image(page.image)
                if image is not None:
                    self.files.keep_page_image(job.sha256, page.number, image)
                    image.unlink(missing_ok=True)  # the pipeline's scratch copy: kept only in the page store
                    scratch.add(image.parent)
                    page.image = f"{page.number}.png"
                elif page.image and self.files.page_path(job.sha256, page.number).is_file():
                    page.image = f"{page.number}.png"  # a worker on the same file stored it (and took the scratch)
                else:
                    page.image = None
            for folder in scratch:
                with contextlib.suppress(OSError):  # not empty: something else of the pipeline's is there
                    folder.rmdir()
            document_path = self.files.save_document(job.id, doc)
        report = outcome.report
        return JobResultSet(status="done" if report is not None else "failed", outcome=outcome.status,
                            errors=errors, timings={k: round(v, 4) for k, v in outcome.timings.items()},
                            result_json=report.to_json() if report is not None else None,
                            document_path=document_path)


def _page_image_path(name: str | None, work_dir: Path | None) -> Path | None:
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute() and work_dir is not None:
        path = work_dir / path
    return path if path.is_file() else None


def _error(stage: str, category: str, message: str):
    from xxgk.errors import StageError

    return StageError(stage, category, message)  # type: ignore[arg-type]


def run_worker_process(settings: Settings, parent_pid: int | None = None) -> None:
    """Entry point of a worker process: SIGTERM/SIGINT stop it after the job in hand, and so does the
    death of `parent_pid` (the server that started it as an embedded worker)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def _exit_timed_out() -> None:
        logging.shutdown()
        os._exit(EXIT_TIMED_OUT)  # the extraction cannot be interrupted; the pool starts a fresh worker

    worker = Worker(settings, on_timeout=_exit_timed_out)

    def _stop(_signum, _frame) -> None:
        worker.stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if parent_pid is not None:
        def _orphaned() -> None:
            while not worker.stop.wait(1.0):
                if os.getppid() != parent_pid:
                    log.info("server process %s is gone; stopping", parent_pid)
                    worker.stop.set()

        threading.Thread(target=_orphaned, name="parent-watch", daemon=True).start()
    try:
        worker.run()
    finally:
        worker.store.close()
