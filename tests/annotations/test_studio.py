"""The whole round trip against a real Label Studio server (slow: the server takes a minute or two
to start in a fresh folder): push the pipeline's labels, annotate through the SDK as a person
would (a changed number, a changed label, a moved box), pull, fine-tune on the pulled examples, and
the new-edition loop in small."""

from __future__ import annotations

import copy

import pytest

from tests.helpers.paths import REPO_ROOT
from xxgk.annotations import studio
from xxgk.annotations.config import LABEL, TRANSCRIPTION, config_labels
from xxgk.annotations.coords import from_percent
from xxgk.annotations.demo import DemoOptions, run_loop
from xxgk.annotations.tasks import decode_document
from xxgk.annotations.workflow import prepare_files, project_title, pull, push
from xxgk.inference.labeling.classifier import ModelLabeler
from xxgk.inference.pipeline import Pipeline
from xxgk.templates import label_set, load_editions
from xxgk.training.config import load_train_config
from xxgk.training.examples import read_examples
from xxgk.training.train import train

pytestmark = pytest.mark.slow

EXAMPLES = REPO_ROOT / "examples"
PDF, TEXT = "generated_2021_report", "004_03aa3c703994b485"
BASE = REPO_ROOT / "models" / "seg-1"
TINY_FINETUNE = """
seed = 3
threads = 2
version = "tiny-ft"
[data]
seed = 7
train_docs = 4
eval_seed = 8
eval_docs = 2
kinds = { text = 0.6, html = 0.2, pdf = 0.2 }
ablation_docs = 0
corrected_repeat = 2
[model]
[optim]
steps = 4
batch_size = 2
learning_rate = 5e-4
warmup_steps = 1
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if studio.label_studio_bin() is None:
        pytest.skip("label-studio not installed (make setup makes .venv-ls)")
    with studio.local_label_studio(tmp_path_factory.mktemp("label-studio")) as running:
        yield running


@pytest.fixture(scope="module")
def ls(server):
    return server.client()


@pytest.fixture(scope="module")
def pushed(ls, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    for name in (f"{PDF}.pdf", f"{TEXT}.txt"):
        (folder / name).write_bytes((EXAMPLES / name).read_bytes())
    pipeline = Pipeline()
    items = prepare_files([folder], pipeline)
    result = push(ls, "round trip", items, pipeline.editions, log=lambda _: None)
    return {i.document.doc_id: i for i in items}, result


def _task(ls, title: str):
    project = studio.find_project(ls, title)
    (task,) = list(ls.tasks.list(project=project.id, fields="all"))
    return task


def _item(result: list[dict], rid: str, name: str) -> dict:
    return next(r for r in result if r["id"] == rid and r["from_name"] == name)


def test_push_makes_projects_with_the_label_set_and_predictions(ls, pushed):
    items, result = pushed
    assert sorted(result.imported) == ["round trip", "round trip (text)"]
    labels = label_set(load_editions())
    for kind, doc_id in (("image", PDF), ("text", TEXT)):
        project = studio.find_project(ls, project_title("round trip", kind))
        assert config_labels(project.label_config) == labels
        task = _task(ls, project.title)
        assert task.data["doc_id"] == doc_id
        (prediction,) = task.predictions
        assert prediction.model_version == "seg-1" and 0 < prediction.score <= 1
        assert decode_document(task.data["document"]) == items[doc_id].document
    image_task = _task(ls, "round trip")
    assert len(image_task.data["pages"]) == 3 and image_task.data["pages"][0].startswith("data:image/png;base64,")


def test_push_again_skips_documents_already_there(ls, pushed):
    items, _ = pushed
    again = push(ls, "round trip", list(items.values()), load_editions(), log=lambda _: None)
    assert sorted(again.skipped) == sorted(items) and not any(again.imported.values())


@pytest.fixture(scope="module")
def pulled(ls, pushed, tmp_path_factory):
    """An annotator's corrections, written through the SDK, then pulled back."""
    items, _ = pushed
    pdf_doc = items[PDF].document
    cell = items[PDF].report.cells["t3.new_received.natural_person"]
    number = next(s for s in pdf_doc.segments if s.page == cell.page and s.bbox == pytest.approx(cell.bbox, abs=1))
    title = next(s for s in pdf_doc.segments if s.label == "title")
    moved = next(s for s in pdf_doc.segments if s.label == "value" and s.text.strip() and s.id != number.id)

    task = _task(ls, "round trip")
    result = copy.deepcopy(task.predictions[0].result)
    _item(result, f"s{number.id}", TRANSCRIPTION)["value"]["text"] = ["417"]
    _item(result, f"s{title.id}", LABEL)["value"]["rectanglelabels"] = ["O"]
    for name in (LABEL, TRANSCRIPTION):  # the box widened to the left
        rect = _item(result, f"s{moved.id}", name)["value"]
        rect.update(x=rect["x"] - 1.0, width=rect["width"] + 1.0)
    new_rect = _item(result, f"s{moved.id}", LABEL)["value"]
    ls.annotations.create(id=task.id, result=result, parent_prediction=task.predictions[0].id)

    text_doc = items[TEXT].document
    text_task = _task(ls, "round trip (text)")
    text_result = copy.deepcopy(text_task.predictions[0].result)
    label_seg = next(s for s in text_doc.segments if s.label == "row:t3.new_received")
    value_seg = next(s for s in text_doc.segments[label_seg.id + 1:] if s.label == "value")
    _item(text_result, f"s{value_seg.id}", TRANSCRIPTION)["value"]["text"] = ["58"]
    heading = next(s for s in text_doc.segments if s.label == "sec:overview")
    _item(text_result, f"s{heading.id}", LABEL)["value"]["labels"] = ["O"]
    ls.annotations.create(id=text_task.id, result=text_result, parent_prediction=text_task.predictions[0].id)

    out = tmp_path_factory.mktemp("pulled")
    found = {p.doc_id: p for p in pull(ls, "round trip", out, load_editions(), log=lambda _: None)}
    page = next(p for p in pdf_doc.pages if p.number == moved.page)
    targets = {"number": number, "title": title, "moved": moved,
               "moved_box": from_percent(new_rect, page.width, page.height),
               "text_value": value_seg, "heading": heading}
    return out, found, targets


def test_pull_keeps_a_changed_number_label_and_box(pulled):
    out, found, t = pulled
    example = found[PDF].example
    segs = {s.bbox: (s, lab) for s, lab in zip(example.document.segments, example.labels, strict=True)}
    assert segs[t["number"].bbox][0].text == "417"
    assert segs[t["title"].bbox][1] == "O"
    (moved, moved_label), = [(s, lab) for s, lab in zip(example.document.segments, example.labels, strict=True)
                             if s.page == t["moved"].page and s.bbox == pytest.approx(t["moved_box"])]
    assert moved.bbox == pytest.approx(t["moved_box"]) and moved.bbox != t["moved"].bbox
    assert moved_label == "value" and moved.row == t["moved"].row
    assert found[PDF].changes.relabelled == 1 and found[PDF].changes.retyped == 1 and found[PDF].changes.moved == 1
    report = found[PDF].outcome.report
    assert report.cells["t3.new_received.natural_person"].value == 417
    assert report.meta.model_version == "annotation"
    assert {p.name for p in out.iterdir()} >= {f"{PDF}.example.json", f"{PDF}.json", f"{PDF}.gold.json"}


def test_pull_keeps_text_task_corrections(pulled):
    _, found, t = pulled
    example = found[TEXT].example
    assert example.document.segments[t["text_value"].id].text == "58"
    assert example.labels[t["heading"].id] == "O"
    assert found[TEXT].outcome.report.cells["t3.new_received.natural_person"].value == 58


def test_pulled_examples_fine_tune_a_model(pulled, tmp_path):
    out, _, _ = pulled
    examples = read_examples(out)
    assert len(examples) == 2
    (tmp_path / "tiny.toml").write_text(TINY_FINETUNE, encoding="utf-8")
    config = load_train_config(tmp_path / "tiny.toml")
    metrics = train(config, load_editions(), tmp_path / "ft", log=lambda _: None, base=BASE, corrected=examples)
    assert metrics["corrected"]["train_docs"] == 1 and metrics["corrected"]["after"]["model"] == "ft"
    labeler = ModelLabeler(tmp_path / "ft", load_editions(), threads=1)
    doc = labeler(examples[0].document.model_copy(deep=True))
    assert all(s.label in labeler.labels for s in doc.segments)


def test_new_edition_loop_in_small(ls, tmp_path):
    """The demo's loop with few reports and steps: flagged before, known after, old editions intact."""
    results = run_loop(tmp_path / "demo", DemoOptions(n=5, k=3, steps=30, train_docs=8, old_docs=2, hard_docs=0), ls,
                       log=lambda _: None)
    before, after = results["before"], results["after"]
    assert before["unseen_flagged"] == before["docs"] == 2 and before["cells_flagged"] == 100.0
    reviewed = results["reviewed_reports_vs_truth"]
    assert reviewed["docs"] == 3 and reviewed["correct"] == reviewed["cells"]
    assert after["unseen_flagged"] == 0 and after["model"] == "seg-1-2025"
    assert results["old_editions"]["after"]["cell_accuracy"] == 100.0
    assert (tmp_path / "demo" / "models" / "seg-1-2025" / "config.json").exists()
    assert results["finetune"]["generated_editions"] == ["2019", "2021"]
