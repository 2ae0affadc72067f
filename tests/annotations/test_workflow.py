"""Preparing documents to push, without a server: from report files and from a service job."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tests.helpers.paths import REPO_ROOT
from xxgk.annotations.tasks import build_task
from xxgk.annotations.workflow import AnnotatedLabels, corrected_outcome, gold_of, prepare_files, prepare_job
from xxgk.inference.pipeline import Pipeline
from xxgk.runners.jobs.files import FileStore
from xxgk.runners.jobs.records import JobCreate
from xxgk.runners.jobs.store import Store
from xxgk.runners.jobs.worker import Worker
from xxgk.settings import Settings
from xxgk.training.examples import LabeledDocument

PDF = REPO_ROOT / "examples" / "generated_2021_report.pdf"


def test_prepare_files_renders_pdf_pages_and_skips_unreadable_files(tmp_path: Path):
    shutil.copy(PDF, tmp_path / "r.pdf")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    errors: list[str] = []
    (item,) = prepare_files([tmp_path], Pipeline(), log=errors.append)
    assert item.kind == "image" and len(item.pages) == 3 and item.model_version == "seg-1"
    assert item.report is not None and 0.9 < item.confidence <= 1.0
    assert len(errors) == 1 and "empty.txt" in errors[0]
    task = build_task(item)
    assert task["data"]["edition"] == "2021" and task["data"]["flagged_cells"] == 0


def test_prepare_job_takes_a_service_jobs_document_and_pages(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'jobs.db'}")
    store = Store.of(settings)
    store.create_schema()
    files = FileStore(tmp_path)
    _, token = store.create_token(name="t")
    sha = hashlib.sha256(PDF.read_bytes()).hexdigest()
    upload = files.tmp_dir / "upload"
    shutil.copy(PDF, upload)
    files.put_blob(upload, sha, "pdf")
    job, _ = store.queue_job(job=JobCreate(token_id=token.id, sha256=sha, kind="pdf", size=PDF.stat().st_size, pages=3,
                                      filename=PDF.name, doc_id="job-doc"))
    assert Worker(settings, store=store, files=files).run(max_jobs=1) == 1
    store.close()
    item = prepare_job(job.id, settings)
    assert item.document.doc_id == "job-doc" and len(item.pages) == 3
    assert item.report.meta.edition == "2021" and item.model_version == "seg-1"


def test_corrected_outcome_reads_the_annotated_labels(tmp_path: Path):
    shutil.copy(PDF, tmp_path / "r.pdf")
    (item,) = prepare_files([tmp_path], Pipeline())
    doc = item.document.model_copy(deep=True)
    labels = [s.label for s in doc.segments]
    for s in doc.segments:
        s.label = s.label_score = None
    pipeline = Pipeline(labeler=AnnotatedLabels(), editions=Pipeline().editions)
    outcome = corrected_outcome(LabeledDocument(doc, labels), pipeline)
    report = outcome.report
    assert report.meta.model_version == "annotation"
    assert {k: c.value for k, c in report.cells.items()} == {k: c.value for k, c in item.report.cells.items()}
    gold = gold_of(report, "reviewed")
    assert gold["cells"]["t3.new_received.total"] == report.cells["t3.new_received.total"].value
    assert gold["meta"]["edition"] == "2021"
