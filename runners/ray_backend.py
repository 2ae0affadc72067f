"""`xxgk extract --backend ray`: the same pipeline per file, as Ray tasks.

Each Ray worker process builds the pipeline once (the classifier loads on its first file) and then
extracts files one at a time; the driver takes outcomes as they finish, so `run_batch` writes JSON,
moves the progress bar and prints error lines exactly as with the local backend. An unexpected
exception in a file is a failed outcome (`extract_one`); a Ray worker that dies takes only its file
with it, reported as an internal error.

Ray is imported only here and only for this backend. A local instance is started with
`ray_cpus` CPUs and no dashboard, unless `XXGK_RAY_ADDRESS` names a cluster (whose workers must
see the same input paths).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from typing import Any

from xxgk.errors import StageError
from xxgk.extras import require
from xxgk.inference.pipeline import Outcome, Pipeline
from xxgk.runners.inputs import Job, extract_one
from xxgk.settings import Settings, get_settings

_PIPELINE: Pipeline | None = None
"""One pipeline per Ray worker process, built on its first task."""


def _one_core() -> None:
    """OpenCV's thread pool uses every core whatever Ray's `num_cpus` says (its pip wheels run
    pthreads, not OpenMP): a task given one CPU keeps its image work on one."""
    try:
        import cv2
    except ImportError:  # no `scan` extra: text, HTML and PDF reports never call OpenCV
        return
    cv2.setNumThreads(1)


def _extract(settings: Settings, job: Job) -> Outcome:
    global _PIPELINE
    if _PIPELINE is None:
        _one_core()
        _PIPELINE = Pipeline(settings=settings)
    outcome = extract_one(_PIPELINE, job)
    outcome.document = None  # large, and not needed by the driver
    return outcome


def _init_ray(settings: Settings) -> Any:
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a local throwaway instance needs no token file
    require("ray", "--backend ray")
    import ray

    if not ray.is_initialized():
        if settings.ray_address:
            ray.init(address=settings.ray_address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            ray.init(num_cpus=settings.ray_cpus, include_dashboard=False, logging_level=logging.WARNING,
                     log_to_driver=False)
    return ray


def ray_outcomes(jobs: Sequence[Job], settings: Settings | None = None) -> Iterator[Outcome]:
    """Outcomes of `jobs` in the order they finish."""
    settings = settings or get_settings()
    ray = _init_ray(settings)
    started_here = not settings.ray_address
    # One CPU per task: the classifier and each OCR model in a worker get one thread, so that n tasks
    # keep n cores busy instead of fighting over them.
    task_settings = settings.model_copy(update={"threads": 1, "ocr_threads": 1})
    remote = ray.remote(num_cpus=1, max_retries=0)(_extract)
    pending = {remote.remote(task_settings, job): job for job in jobs}
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                job = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception as exc:  # the worker process died (out of memory, killed)
                    message = " ".join(f"internal error: Ray task failed: {type(exc).__name__}".split())
                    yield Outcome(str(job.path), job.doc_id, "failure",
                                  errors=[StageError("pipeline", "internal", message)])
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()
