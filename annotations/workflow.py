"""`xxgk annotate push` and `pull`: documents to Label Studio with the pipeline's labels, corrections back.

push: run the pipeline on report files (or take a service job's document), order the documents
lowest confidence first, and import them as tasks with the labels as pre-annotations. PDFs, scans
and photos go to the project `NAME` (page images with boxes), text dumps and web pages to
`NAME (text)` (the text with labelled spans). Documents already in the project are skipped.

pull: every task with a submitted annotation becomes, in the output folder,
  <doc_id>.example.json  the corrected document and one label per segment (`xxgk train --from`);
  <doc_id>.json          the contract JSON the rule layer reads from the corrected labels and texts;
  <doc_id>.gold.json     its values in the scorer's gold format, to keep a reviewed report as truth.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.annotations import studio
from xxgk.annotations.config import TaskKind, labeling_config
from xxgk.annotations.convert import Changes, apply_annotation
from xxgk.annotations.tasks import (
    Prepared,
    build_task,
    decode_document,
    image_data_url,
    order_for_review,
    page_images,
    task_kind,
)
from xxgk.contract import Report
from xxgk.document import Document
from xxgk.inference.pipeline import Outcome, Pipeline
from xxgk.runners.batch import write_json
from xxgk.runners.inputs import find_inputs, plan_jobs
from xxgk.templates import Edition
from xxgk.training.examples import LabeledDocument, write_example

Log = Callable[[str], None]
ANNOTATION_VERSION = "annotation"
"""`meta.model_version` of a report read from an annotator's labels."""


def project_title(name: str, kind: TaskKind) -> str:
    return name if kind == "image" else f"{name} (text)"


# ---------------------------------------------------------------- push


def prepare_outcome(outcome: Outcome, labeler_version: str, review_below: float,
                    source: Path | None = None) -> Prepared | None:
    """A pipeline outcome as a document to push, its cells flagged at `review_below`; None when nothing
    was read (no segments, no labels)."""
    doc = outcome.document
    if doc is None or not doc.segments or not any(s.label for s in doc.segments):
        return None
    report = outcome.report
    version = report.meta.model_version if report and report.meta.model_version else labeler_version
    pages = page_images(doc, source) if task_kind(doc) == "image" else None
    return Prepared(doc, report, version or "unknown", pages, outcome.status, review_below=review_below)


def prepare_files(inputs: Sequence[Path], pipeline: Pipeline, log: Log = print) -> list[Prepared]:
    """Run the pipeline on report files and folders; files it cannot read are reported and left out."""
    out = []
    for job in plan_jobs(find_inputs(inputs)):
        outcome = pipeline.extract(job.path, job.doc_id)
        item = prepare_outcome(outcome, pipeline.labeler.model_version, pipeline.options.review.below, job.path)
        if item is None:
            reason = "; ".join(e.message for e in outcome.errors) or "nothing read"
            log(f"error: {job.path}: {reason}")
            continue
        out.append(item)
    return out


def prepare_job(job_id: str, settings=None) -> Prepared:
    """A service job's document (labelled by the worker) and result, with its page images."""
    from xxgk.options import load_options
    from xxgk.runners.jobs.files import FileStore
    from xxgk.runners.jobs.store import Store
    from xxgk.settings import get_settings

    settings = settings or get_settings()
    store = Store.of(settings)
    try:
        record = store.get_job(job_id=job_id)
    finally:
        store.close()
    if record is None:
        raise LookupError(f"no service job {job_id} in {settings.data_dir}")
    files = FileStore(settings.data_dir)
    doc = files.load_document(record.document_path)
    if doc is None:
        raise LookupError(f"job {job_id} has no stored document (status {record.status})")
    report = Report.from_json(record.result_json) if record.result_json else None
    pages = None
    if task_kind(doc) == "image":
        from PIL import Image

        pages = []
        for page in doc.pages:
            path = files.page_image(record.sha256, record.kind, page.number)
            if path is None:
                raise LookupError(f"job {job_id}: no image of page {page.number}")
            with Image.open(path) as im:
                pages.append(image_data_url(im, photographic=doc.input_kind != "pdf"))
    version = report.meta.model_version if report and report.meta.model_version else "unknown"
    return Prepared(doc, report, version, pages, record.outcome or "success",
                    review_below=load_options(settings.pipeline_config).review.below)


@dataclass
class PushResult:
    imported: dict[str, list[int]] = field(default_factory=dict)
    """Project title -> task ids created, in review order."""
    skipped: list[str] = field(default_factory=list)
    """Doc ids already in their project."""


def push(ls, name: str, items: Sequence[Prepared], editions: dict[str, Edition], log: Log = print) -> PushResult:
    result = PushResult()
    for kind in ("image", "text"):
        mine = order_for_review(i for i in items if i.kind == kind)
        if not mine:
            continue
        title = project_title(name, kind)  # type: ignore[arg-type]
        project, created = studio.ensure_project(
            ls, title, labeling_config(kind, editions),  # type: ignore[arg-type]
            description="xxgk: correct each segment's label, box and text; submit when the document is right.")
        known = set() if created else studio.task_doc_ids(ls, project.id)
        fresh = [i for i in mine if i.document.doc_id not in known]
        result.skipped += [i.document.doc_id for i in mine if i.document.doc_id in known]
        ids = studio.import_tasks(ls, project.id, [build_task(i) for i in fresh]) if fresh else []
        result.imported[title] = ids
        log(f"{title}: {len(ids)} tasks imported (lowest confidence first), "
            f"{len(mine) - len(fresh)} already there")
    return result


# ---------------------------------------------------------------- pull


class AnnotatedLabels:
    """A labeler that keeps the labels an annotator gave (the segments arrive labelled)."""

    model_version = ANNOTATION_VERSION
    labels = None

    def __call__(self, doc: Document) -> Document:
        for seg in doc.segments:
            seg.label = seg.label or "O"
            seg.label_score = 1.0
        return doc


def corrected_outcome(example: LabeledDocument, pipeline: Pipeline) -> Outcome:
    """The rule layer on the annotator's labels and texts: what the corrected document says."""
    doc = example.document.model_copy(deep=True)
    for seg, label in zip(doc.segments, example.labels, strict=True):
        seg.label = label
    return pipeline.extract_document(doc)


def gold_of(report: Report, note: str) -> dict:
    """The report's values in the scorer's gold format."""
    return {"doc_id": report.doc_id, "source": report.doc_id,
            "meta": {k: v for k, v in (("agency", report.meta.agency), ("year", report.meta.year),
                                      ("edition", report.meta.edition)) if v is not None},
            "cells": {k: c.value for k, c in report.cells.items()},
            "notes": [note]}


@dataclass
class Pulled:
    doc_id: str
    project: str
    task_id: int
    annotation_id: int | None
    changes: Changes
    example: LabeledDocument
    outcome: Outcome


def pull(ls, name: str, out_dir: Path, editions: dict[str, Edition], log: Log = print,
         pipeline: Pipeline | None = None) -> list[Pulled]:
    """Write examples, corrected contract JSON and gold for every annotated task of the project(s)."""
    pipeline = pipeline or Pipeline(labeler=AnnotatedLabels(), editions=editions)
    out_dir.mkdir(parents=True, exist_ok=True)
    pulled: list[Pulled] = []
    found = False
    for kind in ("image", "text"):
        title = project_title(name, kind)  # type: ignore[arg-type]
        project = studio.find_project(ls, title)
        if project is None:
            continue
        found = True
        for task, annotation in studio.finished_tasks(ls, project.id):
            doc = decode_document(task.data["document"])
            correction = apply_annotation(doc, annotation.get("result") or [])
            write_example(correction.example, out_dir)
            outcome = corrected_outcome(correction.example, pipeline)
            note = f"reviewed in Label Studio: project {title!r}, task {task.id}, annotation {annotation.get('id')}"
            if outcome.report is not None:
                write_json(outcome.report, out_dir)
                (out_dir / f"{doc.doc_id}.gold.json").write_text(
                    json.dumps(gold_of(outcome.report, note), ensure_ascii=False, indent=1), encoding="utf-8")
            else:
                log(f"error: {doc.doc_id}: the corrected labels give no report: "
                    + "; ".join(e.message for e in outcome.errors))
            log(f"{doc.doc_id}: {correction.changes}")
            pulled.append(Pulled(doc.doc_id, title, task.id, annotation.get("id"), correction.changes,
                                 correction.example, outcome))
    if not found:
        raise LookupError(f"no Label Studio project {name!r} (or {project_title(name, 'text')!r})")
    return pulled
