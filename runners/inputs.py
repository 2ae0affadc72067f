"""Which files a run takes and under which doc ids, and one file's extraction that never crashes a run.

Shared by every runner (local batches, Ray tasks, service workers, Label Studio push), so a folder
contributes the same files and ids, and a crashing file becomes a failed outcome, wherever it runs.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xxgk.errors import StageError

if TYPE_CHECKING:
    from xxgk.inference.pipeline import Outcome, Pipeline

log = logging.getLogger(__name__)

REPORT_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".pdf", ".png", ".jpg", ".jpeg", ".tif",
                             ".tiff"})


@dataclass(frozen=True)
class Job:
    path: Path
    doc_id: str


def find_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files named explicitly (always tried: ingest sniffs the type) plus report files under folders.

    Hidden files and folders are skipped in a walk (macOS `._x.pdf` forks, `.git`). Sorted and
    de-duplicated so the same command gives the same doc ids and output order every time.
    """
    found: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            for child in path.rglob("*"):
                rel = child.relative_to(path).parts
                if child.is_file() and child.suffix.lower() in REPORT_SUFFIXES and \
                        not any(p.startswith(".") for p in rel):
                    found.setdefault(child.resolve(), child)
        else:
            found.setdefault(path.resolve(), path)
    return sorted(found.values(), key=lambda p: p.as_posix())


def plan_jobs(paths: Sequence[Path]) -> list[Job]:
    """One job per file; a stem seen before (`a/r.txt`, `b/r.txt`) gets `-2`, `-3`, ... so no
    report's JSON overwrites another's. Taken ids are reserved first, so a real `r-2` keeps its id."""
    taken = {p.stem for p in paths}
    seen: set[str] = set()
    jobs = []
    for path in paths:
        doc_id = path.stem
        if doc_id in seen:
            n = 2
            while f"{path.stem}-{n}" in taken:
                n += 1
            doc_id = f"{path.stem}-{n}"
            taken.add(doc_id)
        seen.add(doc_id)
        jobs.append(Job(path, doc_id))
    return jobs


def extract_one(pipeline: Pipeline, job: Job) -> Outcome:
    """The pipeline's outcome; an unexpected exception becomes a failed outcome, not a crash.

    The traceback is logged at debug level, so `--debug` shows it and normal runs stay one line.
    """
    try:
        return pipeline.extract(job.path, doc_id=job.doc_id)
    except Exception as exc:
        from xxgk.inference.pipeline import Outcome

        log.debug("%s: traceback\n%s", job.path, traceback.format_exc())
        message = " ".join(f"internal error: {type(exc).__name__}: {exc}".split())
        return Outcome(str(job.path), job.doc_id, "failure",
                       errors=[StageError("pipeline", "internal", message)])
