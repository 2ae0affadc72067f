"""Train the segment classifier from generated reports and register it under models/.

`xxgk train` runs this with a config from configs/train/; the same config and thread count give
the same checkpoint. Steps: generate and ingest the corpus (labels from provenance), build the
character vocabulary, train on windows of segments, evaluate on a held-out set (its own seed and
text shapes the training set never saw), write the checkpoint, vocabulary, metrics and card.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from xxgk.inference.labeling.classifier import VOCAB_FILE, batch_arrays
from xxgk.inference.labeling.features import Features, build_vocab, featurize
from xxgk.inference.labeling.lexicon import Lexicon
from xxgk.inference.labeling.windows import owners, windows
from xxgk.templates import Edition, label_set
from xxgk.training.card import write_card
from xxgk.training.config import TrainConfig
from xxgk.training.dataset import Mix, generate_one
from xxgk.training.evaluate import token_scores
from xxgk.training.examples import LabeledDocument
from xxgk.training.export import export_onnx
from xxgk.training.finetune import expand_model, merged_vocab
from xxgk.training.segment_model import SegmentClassifier, SegmentClassifierConfig
from xxgk.training.synth.render_text import SHAPES

Log = Callable[[str], None]


@dataclass
class Corpus:
    doc_ids: list[str]
    kinds: list[str]
    texts: list[list[str]]
    labels: list[list[str]]
    docs: list  # ingested Documents, featurised once the vocabulary is known


def _mix(config: TrainConfig, holdout: bool) -> Mix:
    d = config.data
    shapes = tuple(SHAPES) if holdout else tuple(s for s in SHAPES if s not in d.holdout_shapes)
    return Mix(kinds=tuple(d.kinds.items()), garbled_share=d.garbled_share,  # type: ignore[arg-type]
               garble_range=d.garble_range, shuffled_share=d.shuffled_share, shapes=shapes)


def generate_corpus(n: int, seed: int, mix: Mix, editions: dict[str, Edition], workers: int) -> Corpus:
    """n generated, ingested and labeled documents; each from its own seed, so workers do not matter."""
    corpus = Corpus([], [], [], [], [])
    args = [(seed, i, mix, editions) for i in range(n)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for doc_id, kind, doc, labels in pool.map(generate_one, args, chunksize=16):
            corpus.doc_ids.append(doc_id)
            corpus.kinds.append(kind)
            corpus.docs.append(doc)
            corpus.texts.append([s.text for s in doc.segments])
            corpus.labels.append(labels)
    return corpus


def _features(corpus: Corpus, vocab: dict[str, int], editions: dict[str, Edition],
              label_ids: dict[str, int]) -> list[Features]:
    lexicon = Lexicon(editions)
    return [featurize(doc, vocab, lexicon, label_ids) for doc in corpus.docs]


def _vocab(corpus: Corpus, editions: dict[str, Edition]) -> dict[str, int]:
    wordings = [w for e in editions.values() for t in e.spec.tables for g in t.groups
                for f in (*g.rows, *g.cols) for w in (*f.wordings, *f.path)]
    return build_vocab([t for texts in corpus.texts for t in texts] + wordings, min_count=2)


def _label_batch(ids: list[np.ndarray], spans: list[tuple[int, int]]) -> torch.Tensor:
    width = max(e - s for s, e in spans)
    out = np.full((len(spans), width), -100, dtype=np.int64)
    for k, (a, (s, e)) in enumerate(zip(ids, spans, strict=True)):
        out[k, : e - s] = a[s:e]
    return torch.from_numpy(out)


def batch_tensors(items: list[Features], spans: list[tuple[int, int]]) -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(v) for k, v in batch_arrays(items, spans).items()}


def predict(model: SegmentClassifier, feats: Features) -> np.ndarray:
    n = len(feats)
    size = model.config.max_segments
    spans = windows(n, size, size // 4)
    with torch.inference_mode():
        logits = model(**batch_tensors([feats] * len(spans), spans)).logits.numpy()
    who = owners(n, spans)
    return np.array([logits[w, i - spans[w][0]].argmax() for i, w in enumerate(who)], dtype=np.int64)


def train(config: TrainConfig, editions: dict[str, Edition], out_dir: Path, log: Log = print,
          base: Path | None = None, command: str = "xxgk train",
          corrected: list[LabeledDocument] | None = None) -> dict:
    """Train (or fine-tune from `base`) and write the checkpoint folder; returns the metrics.

    `corrected`: annotated documents (see training/examples.py); a quarter is held out for the
    before/after comparison, the rest is mixed into the generated training windows, repeated
    `data.corrected_repeat` times so a handful of documents weighs against thousands generated.
    """
    start = time.time()
    torch.set_num_threads(config.threads)
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    labels = label_set(editions)
    label_ids = {lab: i for i, lab in enumerate(labels)}
    fit, held = _split_corrected(corrected or [])
    log(f"generating {config.data.train_docs} training and {config.data.eval_docs} held-out documents"
        + (f"; {len(fit)} corrected documents to train on, {len(held)} held out" if corrected else ""))
    generated = {k: e for k, e in editions.items() if not config.data.editions or k in config.data.editions}
    train_corpus = generate_corpus(config.data.train_docs, config.data.seed, _mix(config, False), generated,
                                   config.threads)
    eval_corpus = generate_corpus(config.data.eval_docs, config.data.eval_seed, _mix(config, True), editions,
                                  config.threads)
    _add_corrected(train_corpus, fit)
    gen_seconds = time.time() - start
    vocab = _vocab(train_corpus, editions)
    if base is not None:
        vocab = merged_vocab(json.loads((base / VOCAB_FILE).read_text(encoding="utf-8")), vocab)
    train_feats = _features(train_corpus, vocab, editions, label_ids)
    eval_feats = _features(eval_corpus, vocab, editions, label_ids)
    train_ids = [np.array([label_ids[x] for x in labs], dtype=np.int64) for labs in train_corpus.labels]
    log(f"corpus ready in {time.time() - start:.0f} s: {sum(map(len, train_feats))} training segments, "
        f"vocabulary {len(vocab)}")
    before = _corrected_scores(base, held, editions) if base is not None and held else None

    model = _model(config, vocab, labels, base)
    size = config.model.max_segments
    pool = []
    for d, f in enumerate(train_feats):
        repeat = config.data.corrected_repeat if train_corpus.kinds[d] == "corrected" else 1
        pool += [(d, s, e) for s, e in windows(len(f), size, config.optim.window_overlap)] * repeat
    train_start = time.time()
    _fit(model, config, pool, train_feats, train_ids, log)
    train_seconds = time.time() - train_start
    model.eval()
    metrics = _evaluate(model, eval_feats, eval_corpus, labels)
    metrics.update(train_docs=config.data.train_docs, eval_docs=config.data.eval_docs,
                   generation_seconds=round(gen_seconds), train_seconds=round(train_seconds),
                   total_seconds=round(time.time() - start), parameters=sum(p.numel() for p in model.parameters()),
                   threads=config.threads, kinds=dict(config.data.kinds), holdout_shapes=config.data.holdout_shapes)
    save(model, vocab, out_dir, metrics)
    if corrected:
        metrics["corrected"] = {"train_docs": len(fit), "held_out_docs": len(held), "before": before,
                                "after": _corrected_scores(out_dir, held, editions) if held else None}
    if config.data.ablation_docs:
        log("ablation: pipeline cell accuracy with the classifier vs string matching on garbled reports")
        metrics["pipeline_ablation"] = run_ablation(out_dir, editions, config.threads, config.data.ablation_docs)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    write_card(out_dir, config, metrics, command, base=base)
    log(f"macro F1 {metrics['macro_f1']} on held-out; wrote {out_dir}")
    return metrics


def _fit(model: SegmentClassifier, config: TrainConfig, pool: list[tuple[int, int, int]],
         feats: list[Features], ids: list[np.ndarray], log: Log) -> None:
    optim = torch.optim.AdamW(model.parameters(), lr=config.optim.learning_rate,
                              weight_decay=config.optim.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(optim, _schedule(config.optim.warmup_steps, config.optim.steps))
    rng = random.Random(config.seed)
    model.train()
    start = time.time()
    for step in range(1, config.optim.steps + 1):
        batch = rng.sample(pool, min(config.optim.batch_size, len(pool)))
        spans = [(s, e) for _, s, e in batch]
        inputs = batch_tensors([feats[d] for d, _, _ in batch], spans)
        out = model(**inputs, labels=_label_batch([ids[d] for d, _, _ in batch], spans))
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        sched.step()
        optim.zero_grad()
        if step % 50 == 0 or step == config.optim.steps:
            log(f"step {step}/{config.optim.steps} loss {out.loss.item():.4f} "
                f"({(time.time() - start) / step:.2f} s/step)")


def _split_corrected(docs: list[LabeledDocument]) -> tuple[list[LabeledDocument], list[LabeledDocument]]:
    """Every fourth document held out (at least one when there are two or more)."""
    if len(docs) < 2:
        return docs, []
    held = [d for i, d in enumerate(docs) if i % 4 == 3] or [docs[-1]]
    return [d for d in docs if d not in held], held


def _add_corrected(corpus: Corpus, docs: list[LabeledDocument]) -> None:
    for ex in docs:
        corpus.doc_ids.append(ex.document.doc_id)
        corpus.kinds.append("corrected")
        corpus.docs.append(ex.document)
        corpus.texts.append([s.text for s in ex.document.segments])
        corpus.labels.append(ex.labels)


def _corrected_scores(model_dir: Path, docs: list[LabeledDocument], editions: dict[str, Edition]) -> dict:
    """Token scores of a checkpoint on annotated documents, with the checkpoint's own vocabulary and labels."""
    from xxgk.inference.labeling.classifier import ModelLabeler

    labeler = ModelLabeler(model_dir, editions)
    gold: list[str] = []
    pred: list[str] = []
    for ex in docs:
        doc = ex.document.model_copy(deep=True)
        labeler(doc)
        gold += ex.labels
        pred += [s.label or "O" for s in doc.segments]
    macro, _ = token_scores(gold, pred)
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    return {"model": model_dir.name, "macro_f1": macro, "accuracy": round(accuracy, 4)}


def run_ablation(model_dir: Path, editions: dict[str, Edition], threads: int, n: int = 60) -> dict:
    from xxgk.inference.labeling.classifier import ModelLabeler
    from xxgk.inference.labeling.rules import RuleLabeler
    from xxgk.training.ablation import ablation

    return ablation(ModelLabeler(model_dir, editions, threads=threads), RuleLabeler(editions), editions, n=n)


def _model(config: TrainConfig, vocab: dict[str, int], labels: tuple[str, ...],
           base: Path | None) -> SegmentClassifier:
    if base is not None:
        model = SegmentClassifier.from_pretrained(str(base), dtype=torch.float32)
        return expand_model(model, len(vocab), labels)
    cfg = SegmentClassifierConfig(char_vocab_size=len(vocab), id2label=dict(enumerate(labels)),
                                  label2id={lab: i for i, lab in enumerate(labels)}, **config.model.model_dump())
    return SegmentClassifier(cfg)


def _schedule(warmup: int, total: int) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return factor


def _evaluate(model: SegmentClassifier, feats: list[Features], corpus: Corpus, labels: tuple[str, ...]) -> dict:
    gold: list[str] = []
    pred: list[str] = []
    by_kind: dict[str, tuple[list[str], list[str]]] = {}
    for f, gold_labels, kind in zip(feats, corpus.labels, corpus.kinds, strict=True):
        p = [labels[i] for i in predict(model, f)]
        gold += gold_labels
        pred += p
        g_k, p_k = by_kind.setdefault(kind, ([], []))
        g_k += gold_labels
        p_k += p
    macro, per_label = token_scores(gold, pred)
    return {
        "macro_f1": macro,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4),
        "macro_f1_by_kind": {k: token_scores(g, p)[0] for k, (g, p) in sorted(by_kind.items())},
        "per_label": [s.__dict__ for s in per_label],
    }


def save(model: SegmentClassifier, vocab: dict[str, int], out_dir: Path, metrics: dict) -> None:
    """Weights in float16 (half the size; inference casts back), the onnxruntime file exported from
    them, vocabulary and metrics beside them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model.to(torch.float16).save_pretrained(str(out_dir))
    model.to(torch.float32)
    export_onnx(out_dir)
    (out_dir / VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
