"""The extraction pipeline: ingest, label, detect the edition, assemble, reconcile, report, prose.

Each stage takes the document (or the previous stage's plain result) and returns its own; the
pipeline only sequences them, times them, and turns an `ExtractionError` into a failed `Outcome`
so one bad file never stops a batch.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from xxgk.contract import Report
from xxgk.document import Document
from xxgk.errors import ExtractionError, StageError
from xxgk.inference.assemble import Assembler
from xxgk.inference.edition import detect_edition
from xxgk.inference.ingest import ingest
from xxgk.inference.ingest.backends.base import IngestContext
from xxgk.inference.labeling.base import Labeler
from xxgk.inference.metadata import extract_meta
from xxgk.inference.prose.reader import ProseReader, default_reader
from xxgk.inference.report import build_report, read_table, yuan_columns
from xxgk.inference.sections import Wordings, split_sections
from xxgk.options import PipelineOptions, load_options
from xxgk.registry import resolve
from xxgk.settings import Settings, get_settings
from xxgk.templates import Edition, load_editions

log = logging.getLogger(__name__)

Status = Literal["success", "partial_success", "failure"]


@dataclass
class Outcome:
    """What happened to one input: the report if there is one, errors and timings either way."""

    source: str
    doc_id: str
    status: Status
    report: Report | None = None
    errors: list[StageError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    document: Document | None = None


class Pipeline:
    """The stages in order, with what they share: the editions, the labeler and the options.

    `settings` (default: the process's) names where editions, models and options are read from;
    `options` (default: `settings.pipeline_config`) are the costs, confidences and thresholds every
    stage is handed explicitly, so a changed value reaches its stage and nothing else.
    """

    def __init__(self, labeler: Labeler | None = None, editions: dict[str, Edition] | None = None,
                 prose: ProseReader | None = None, *, settings: Settings | None = None,
                 options: PipelineOptions | None = None):
        self.settings = settings or get_settings()
        self.options = options or load_options(self.settings.pipeline_config)
        self.editions = editions or load_editions(self.settings.templates_dir)
        self.labeler = labeler or default_labeler(self.editions, self.settings)
        self.ingest_context = IngestContext(self.settings, self.options, self.editions)
        self.headings = Wordings.from_editions(self.editions.values())
        self.prose = prose or default_reader()
        known = self.labeler.labels
        self.unseen = {e.id for e in self.editions.values() if known is not None and not e.label_keys <= known}
        """Editions with labels the labeler cannot give (a new edition's config before retraining)."""
        self._rules: Labeler | None = None

    def _cover_unseen_edition(self, doc: Document) -> tuple[Document, str, str | None]:
        """(document, labeler version, unseen edition): when string matching, which knows every
        configured wording, finds the tables follow an edition the model never learned, its labels
        replace the model's, so the new layout is read and flagged instead of silently mis-mapped."""
        if not self.unseen:
            return doc, self.labeler.model_version, None
        from xxgk.inference.labeling.rules import RuleLabeler

        self._rules = self._rules or RuleLabeler(self.editions)
        matched = self._rules(doc.model_copy(deep=True))
        guess = detect_edition(matched, self.editions, extract_meta(matched).year, self.options.reading)
        if guess.edition is None or guess.edition.id not in self.unseen:
            return doc, self.labeler.model_version, None
        return matched, self._rules.model_version, guess.edition.id

    def extract(self, path: Path, doc_id: str | None = None) -> Outcome:
        doc_id = doc_id or path.stem
        timings: dict[str, float] = {}
        try:
            with _timed(timings, "ingest"):
                doc = ingest(path, doc_id=doc_id, timings=timings, context=self.ingest_context)
        except ExtractionError as exc:
            return Outcome(str(path), doc_id, "failure", errors=[exc.error], timings=timings)
        return self.extract_document(doc, timings)

    def extract_document(self, doc: Document, timings: dict[str, float] | None = None) -> Outcome:
        timings = {} if timings is None else timings
        outcome = Outcome(doc.source, doc.doc_id, "failure", timings=timings, document=doc)
        if not doc.segments:
            outcome.errors.append(StageError("ingest", "no_tables", f"{doc.source}: no text found"))
            return outcome
        with _timed(timings, "label"):
            self.labeler(doc)
            doc, labeler_version, unseen = self._cover_unseen_edition(doc)
        with _timed(timings, "rules"):
            meta = extract_meta(doc)
            guess = detect_edition(doc, self.editions, meta.year, self.options.reading)
            if guess.edition is None:
                category = "no_tables" if guess.error and guess.error.startswith("no report") else "unknown_edition"
                outcome.errors.append(StageError("edition", category, f"{doc.source}: {guess.error}"))
                return outcome
            edition = guess.edition
            assembly = Assembler(edition, self.options.reading)(doc)
            table = read_table(edition, assembly, frozenset(doc.damage), yuan_columns(doc, edition),
                               options=self.options)
            warnings = [*doc.warnings, *([guess.warning] if guess.warning else []), *table.warnings]
            split = split_sections(doc, self.headings)
            report = build_report(doc=doc, edition=edition, table=table, meta=meta,
                                  model_version=labeler_version, sections=split.texts(), warnings=warnings)
            if unseen:
                flag_unseen_edition(report, unseen, self.labeler.model_version,
                                    self.options.confidence.unseen_edition)
        with _timed(timings, "prose"):
            # the prose's numbers against the cells: adds checks and warnings, never changes a cell
            self.prose(report, split, edition)
        outcome.report = report
        failed = any(c.ok is False for c in report.checks)
        outcome.status = "partial_success" if (report.warnings or failed) else "success"
        return outcome


def flag_unseen_edition(report: Report, edition: str, model_version: str, confidence: float) -> None:
    """A report read by string matching because the model does not know its edition: every cell
    is flagged for review (its confidence at most `confidence`), and the warning says what
    retraining would fix."""
    report.warnings.insert(0, f"the tables follow edition {edition}, which model {model_version} was never trained "
                              "on: read by string matching and flagged for review; retrain with corrected "
                              "reports of this edition (xxgk annotate, xxgk train --from)")
    for cell in report.cells.values():
        if cell.confidence is not None:
            cell.confidence = min(cell.confidence, confidence)


def default_labeler(editions: dict[str, Edition], settings: Settings) -> Labeler:
    """The classifier of the registered model version, or string matching when asked or when none is.

    ONNX Runtime is imported only when a classifier is used, so the rule path stays light.
    """
    from xxgk.inference.labeling.rules import RuleLabeler

    if settings.labeler == "rules":
        return RuleLabeler(editions)
    model_dir = resolve(settings=settings)
    if model_dir is None:
        if settings.labeler == "model":
            raise FileNotFoundError(f"no model registered in {settings.models_dir}; run `xxgk train`")
        log.warning("no classifier registered in %s: labeling by string matching", settings.models_dir)
        return RuleLabeler(editions)
    from xxgk.inference.labeling.classifier import ModelLabeler

    return ModelLabeler(model_dir, editions, threads=settings.threads)


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
