"""Many report files in, one JSON per report plus optional CSV/XLSX tables out.

The command line and the HTTP service both run batches through here, so the rules live in one
place: which files a folder contributes, how doc ids stay unique, that one bad or crashing file
never stops the rest, and what gets written where.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from xxgk.contract import Report
from xxgk.options import load_options
from xxgk.runners.inputs import Job, extract_one
from xxgk.settings import get_settings
from xxgk.templates import Edition, load_editions

if TYPE_CHECKING:  # the stages load when a batch runs, so the CLI's options and help stay light
    from xxgk.inference.pipeline import Outcome, Pipeline

log = logging.getLogger(__name__)

FORMATS = ("json", "csv", "xlsx")
BACKENDS = ("local", "ray")
Backend = Literal["local", "ray"]
CSV_NAME = "reports.csv"
XLSX_NAME = "reports.xlsx"


@dataclass
class BatchResult:
    """Outcomes in job order (without their `document`, which is large and not needed after writing)."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> int:
        return self.count("failure")

    def summary(self) -> str:
        n = len(self.outcomes)
        per = self.seconds / n if n else 0.0
        return (f"{n} report{'s' if n != 1 else ''}: {self.count('success')} ok, "
                f"{self.count('partial_success')} partial, {self.failed} failed; {per:.3f} s/report")


def parse_formats(text: str) -> tuple[str, ...]:
    """`"json,csv"` -> `("json", "csv")`; raises ValueError naming the bad entry."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        raise ValueError(f"unknown format {', '.join(bad) or repr(text)}; choose from {', '.join(FORMATS)}")
    return names


def error_line(outcome: Outcome) -> str:
    """`error: <file>: <message>` on one line; stage messages that already name the file aren't doubled."""
    prefix = f"{outcome.source}: "
    messages = [e.message.removeprefix(prefix) for e in outcome.errors] or ["no report produced"]
    return " ".join(f"error: {outcome.source}: {'; '.join(messages)}".split())


def run_batch(jobs: Sequence[Job], out_dir: Path, formats: Sequence[str], *,
              pipeline: Pipeline | None = None,
              on_outcome: Callable[[Outcome], None] | None = None,
              backend: Backend = "local") -> BatchResult:
    """Extract every job, writing `<doc_id>.json` as each finishes and the tables at the end.

    `on_outcome` is called after each file (progress bars, error lines). `backend="ray"` runs the
    same pipeline per file as Ray tasks (`xxgk.runners.ray_backend`); files then finish in any order,
    but the outcomes, the tables and everything written are the same as with the local backend.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    start = time.perf_counter()
    if backend == "ray":
        from xxgk.runners.ray_backend import ray_outcomes

        settings = pipeline.settings if pipeline is not None else get_settings()
        editions = pipeline.editions if pipeline is not None else load_editions(settings.templates_dir)
        options = pipeline.options if pipeline is not None else load_options(settings.pipeline_config)
        outcomes: Iterable[Outcome] = ray_outcomes(jobs, settings)
    else:
        from xxgk.inference.pipeline import Pipeline

        pipeline = pipeline or Pipeline()
        editions, options = pipeline.editions, pipeline.options
        outcomes = (extract_one(pipeline, job) for job in jobs)
    for outcome in outcomes:
        outcome.document = None
        log.debug("%s: %s, %s", outcome.source, outcome.status,
                  ", ".join(f"{k} {v:.3f}s" for k, v in outcome.timings.items()))
        if outcome.report is not None and "json" in formats:
            write_json(outcome.report, out_dir)
        result.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    if backend == "ray":  # back to job order, as the local backend gives them
        order = {job.doc_id: i for i, job in enumerate(jobs)}
        result.outcomes.sort(key=lambda o: order.get(o.doc_id, len(order)))
    write_tables(result.outcomes, out_dir, formats, editions, options.review.below)
    result.seconds = time.perf_counter() - start
    return result


def write_json(report: Report, out_dir: Path) -> Path:
    path = out_dir / f"{report.doc_id}.json"
    path.write_text(report.to_json() + "\n", encoding="utf-8")
    return path


def write_tables(outcomes: Sequence[Outcome], out_dir: Path, formats: Sequence[str],
                 editions: dict[str, Edition], review_below: float) -> None:
    """`reports.csv` / `reports.xlsx` over every report of the batch (failed files have no row); the
    XLSX colours cells under `review_below`."""
    done = [(o.report, o.status) for o in outcomes if o.report is not None]
    reports = [report for report, _ in done]
    statuses = {report.doc_id: status for report, status in done}
    if "csv" in formats:
        from xxgk.runners.export import write_csv

        write_csv(out_dir / CSV_NAME, reports, statuses, editions)
    if "xlsx" in formats:
        from xxgk.runners.export import write_xlsx  # openpyxl: a third of a second to import

        write_xlsx(out_dir / XLSX_NAME, reports, statuses, editions, review_below=review_below)
