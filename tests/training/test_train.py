"""Training code kept honest: a tiny model trained for a few steps, saved, reloaded and used."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file

from xxgk.inference.labeling.classifier import ONNX_FILE, ModelLabeler, batch_arrays
from xxgk.inference.labeling.features import featurize
from xxgk.inference.labeling.windows import windows
from xxgk.inference.pipeline import Pipeline
from xxgk.registry import resolve
from xxgk.templates import label_set, load_editions
from xxgk.training.config import load_train_config
from xxgk.training.export import export_onnx
from xxgk.training.segment_model import SegmentClassifier
from xxgk.training.train import batch_tensors, train

TINY = """
seed = 3
threads = 1
version = "tiny"
[data]
seed = 7
train_docs = 12
eval_seed = 8
eval_docs = 4
holdout_shapes = ["markdown"]
kinds = { text = 0.6, html = 0.2, pdf = 0.2 }
ablation_docs = 0
[model]
char_dim = 16
char_channels = 16
hidden_size = 32
num_hidden_layers = 1
num_attention_heads = 2
intermediate_size = 32
max_segments = 256
[optim]
steps = 6
batch_size = 2
warmup_steps = 2
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    (root / "tiny.toml").write_text(TINY, encoding="utf-8")
    config = load_train_config(root / "tiny.toml")
    metrics = train(config, load_editions(), root / "a", log=lambda _: None)
    train(config, load_editions(), root / "b", log=lambda _: None)
    return root, metrics


def test_train_writes_a_complete_checkpoint(tiny):
    root, metrics = tiny
    files = {p.name for p in (root / "a").iterdir()}
    assert {"model.safetensors", "model.onnx", "config.json", "vocab.json", "metrics.json", "README.md"} <= files
    config = json.loads((root / "a" / "config.json").read_text(encoding="utf-8"))
    assert list(config["id2label"].values()) == list(label_set(load_editions()))
    assert 0.0 <= metrics["macro_f1"] <= 1.0 and metrics["per_label"]
    assert "Token-level macro F1" in (root / "a" / "README.md").read_text(encoding="utf-8")


def test_train_is_deterministic_for_a_seed(tiny):
    root, _ = tiny
    a, b = load_file(str(root / "a" / "model.safetensors")), load_file(str(root / "b" / "model.safetensors"))
    assert a.keys() == b.keys()
    assert all((a[k] == b[k]).all() for k in a)


def test_trained_checkpoint_labels_documents(tiny):
    root, _ = tiny
    editions = load_editions()
    labeler = ModelLabeler(root / "a", editions, threads=1)
    assert labeler.model_version == "a"
    outcome = Pipeline(labeler=labeler, editions=editions).extract_document(_report_doc())
    assert all(s.label is not None and 0.0 < s.label_score <= 1.0 for s in outcome.document.segments)


def test_onnx_runtime_gives_the_trained_networks_probabilities(tiny):
    root, _ = tiny
    editions = load_editions()
    labeler = ModelLabeler(root / "a", editions, threads=1)
    feats = featurize(_report_doc(), labeler.vocab, labeler.lexicon, labeler.label_ids)
    spans = windows(len(feats), labeler.window, labeler.window // 4)
    model = SegmentClassifier.from_pretrained(str(root / "a"), dtype=torch.float32).eval()
    with torch.inference_mode():
        expected = torch.softmax(model(**batch_tensors([feats] * len(spans), spans)).logits, dim=-1).numpy()
    got = labeler.session.run(None, batch_arrays([feats] * len(spans), spans))[0]
    assert got.shape == expected.shape and np.abs(got - expected).max() < 1e-5


def test_the_shipped_runtime_file_is_the_export_of_the_shipped_weights(tmp_path):
    shipped = resolve()
    copy = tmp_path / shipped.name
    shutil.copytree(shipped, copy, ignore=shutil.ignore_patterns(ONNX_FILE))
    assert export_onnx(copy).read_bytes() == (shipped / ONNX_FILE).read_bytes()


def _report_doc():
    from xxgk.inference.ingest.text import ingest_text
    from xxgk.options import load_options

    text = Path(__file__).resolve().parents[2].joinpath("examples", "004_03aa3c703994b485.txt")
    return ingest_text(text.read_text(encoding="utf-8"), doc_id="x", source=str(text),
                       options=load_options().text)
