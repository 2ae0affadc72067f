"""The new-edition loop, end to end: a template revision the model never saw, flagged, corrected in
Label Studio, learned.

    python -m xxgk.annotations.demo --out out/demo-edition        (make demo-edition)

1. Generate N reports of the hypothetical edition 2025 (configs/demo/templates/2025.toml; text
   dumps, web pages and PDFs, some with OCR-like label damage) and treat them as real.
2. Before: the shipped model (seg-1) with the demo configs. It does not know the edition's labels,
   so string matching reads the tables and every cell is flagged; measured on the held-back reports.
3. Push k of them to Label Studio (a local server in its own folder unless --url is given),
   annotate them as a person would, through the SDK, with the true labels (the generator's), pull
   them back as training examples.
4. Fine-tune seg-1 on the k corrected reports mixed with generated reports of the OLD editions only
   (configs/demo/finetune.toml), register it in a models folder of the output (never models/).
5. After: the fine-tuned model on the held-back reports of the new edition, and on a clean
   generated set of the old editions (which must stay at 100%).

Writes `results.json` and `README.md` (the numbers) into the output folder.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from xxgk.annotations import studio
from xxgk.annotations.config import LABEL
from xxgk.annotations.tasks import decode_document
from xxgk.annotations.workflow import prepare_files, project_title, pull, push
from xxgk.inference.labeling.classifier import ModelLabeler
from xxgk.inference.pipeline import Pipeline
from xxgk.registry import register
from xxgk.resources import config_path, configs_dir, models_dir
from xxgk.scoring import score_doc
from xxgk.settings import Settings
from xxgk.templates import Edition, load_editions
from xxgk.training.config import TrainConfig, load_train_config
from xxgk.training.examples import read_examples
from xxgk.training.synth.corpus import GeneratedDoc, Kind, generate_doc
from xxgk.training.synth.transfer import labels_for

DEMO_DIR = config_path("demo")
TEMPLATES = DEMO_DIR / "templates"
FINETUNE = DEMO_DIR / "finetune.toml"
NEW_EDITION = "2025"
BASE = models_dir() / "seg-1"

Log = Callable[[str], None]


# ---------------------------------------------------------------- reports and scores


def generate_reports(out_dir: Path, n: int, seed: int, editions: dict[str, Edition], edition_ids: Sequence[str],
                     kinds: Sequence[Kind] = ("pdf", "text", "html"), garbled_share: float = 0.35,
                     damage: float = 1.0, prefix: str = "r") -> list[GeneratedDoc]:
    """n reports (files and gold) of the given editions in turn, kinds in turn, a share with damaged labels."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(n):
        garble = rng.uniform(0.03, 0.15) if rng.random() < garbled_share else 0.0
        gen = generate_doc(rng, editions, f"{prefix}{seed}_{i:03d}", kinds[i % len(kinds)], damage=damage,
                           edition_id=edition_ids[i % len(edition_ids)], garble=garble)
        (out_dir / gen.filename).write_bytes(gen.content)
        (out_dir / f"{gen.doc_id}.gold.json").write_text(json.dumps(gen.gold, ensure_ascii=False, indent=1),
                                                        encoding="utf-8")
        docs.append(gen)
    return docs


@dataclass
class Score:
    docs: int = 0
    failed: int = 0
    unseen_flagged: int = 0
    """Reports carrying the 'edition the model was never trained on' warning."""
    cells: int = 0
    correct: int = 0
    flagged: int = 0
    """Cells a reviewer is sent to (`CellOut.needs_review`), of all template cells."""
    template_cells: int = 0
    errors: int = 0
    errors_flagged: int = 0

    @property
    def accuracy(self) -> float:
        return round(100 * self.correct / self.cells, 2) if self.cells else 0.0

    @property
    def flagged_share(self) -> float:
        return round(100 * self.flagged / self.template_cells, 2) if self.template_cells else 0.0

    def summary(self) -> dict:
        return {**asdict(self), "cell_accuracy": self.accuracy, "cells_flagged": self.flagged_share,
                "errors_flagged": round(100 * self.errors_flagged / self.errors, 2) if self.errors else None}


def hard_reports(out_dir: Path, n: int, seed: int, editions: dict[str, Edition]) -> list[GeneratedDoc]:
    """The classifier's ablation set (training/ablation.py) of these editions: every label garbled, rows
    shuffled, headers wrapped and read down their columns; where string matching breaks down."""
    from xxgk.training.ablation import garbled_set

    out_dir.mkdir(parents=True, exist_ok=True)
    docs = garbled_set(n, seed, editions)
    for gen in docs:
        (out_dir / gen.filename).write_bytes(gen.content)
        (out_dir / f"{gen.doc_id}.gold.json").write_text(json.dumps(gen.gold, ensure_ascii=False, indent=1),
                                                        encoding="utf-8")
    return docs


def score(pipeline: Pipeline, folder: Path, gens: Sequence[GeneratedDoc]) -> Score:
    """The project scorer's cell accuracy and flag shares (`xxgk.scoring`), for the pipeline on the
    written reports."""
    out = Score()
    for gen in gens:
        report = pipeline.extract(folder / gen.filename, gen.doc_id).report
        out.docs += 1
        if report is None:
            out.failed += 1
        elif any("never trained on" in w for w in report.warnings):
            out.unseen_flagged += 1
        doc = score_doc(gen.gold, report, pipeline.options.review.below)
        out.template_cells += doc.cells
        out.flagged += doc.flagged
        out.cells += doc.scored
        out.correct += doc.correct
        out.errors += doc.scored - doc.correct
        out.errors_flagged += doc.errors_flagged
    return out


# ---------------------------------------------------------------- the annotator


def annotate_with_truth(ls, name: str, gens: dict[str, GeneratedDoc]) -> int:
    """What an annotator does, through the SDK: accept each task's pre-annotation, fixing every
    region's label to the true one (here the generator's), and submit. Returns the labels changed."""
    changed = 0
    for kind in ("image", "text"):
        project = studio.find_project(ls, project_title(name, kind))  # type: ignore[arg-type]
        if project is None:
            continue
        for task in ls.tasks.list(project=project.id, fields="all"):
            if task.annotations:
                continue
            doc = decode_document(task.data["document"])
            truth = dict(zip((f"s{s.id}" for s in doc.segments), labels_for(gens[doc.doc_id], doc), strict=True))
            prediction = task.predictions[0]
            result = []
            for item in prediction.result:
                item = {k: v for k, v in item.items() if k != "score"}
                if item["from_name"] == LABEL:
                    key = "rectanglelabels" if item["type"] == "rectanglelabels" else "labels"
                    gold = truth[item["id"]]
                    changed += item["value"][key] != [gold]
                    item["value"] = {**item["value"], key: [gold]}
                result.append(item)
            ls.annotations.create(id=task.id, result=result, parent_prediction=prediction.id, lead_time=60.0)
    return changed


# ---------------------------------------------------------------- the loop


@dataclass
class DemoOptions:
    n: int = 24
    """Reports of the new edition; k are pushed and corrected, the rest measure before and after."""
    k: int = 8
    seed: int = 2025
    old_docs: int = 6
    """Clean generated reports of the old editions that the fine-tuned model must still read exactly."""
    hard_docs: int = 12
    """Badly damaged reports (the ablation set) of the new edition and of the old ones (0: skip)."""
    finetune: Path = FINETUNE
    steps: int | None = None
    """Override of the fine-tuning config's optimiser steps (tests use few)."""
    train_docs: int | None = None


def run_demo(out: Path, options: DemoOptions, url: str | None = None, api_key: str | None = None,
             log: Log = print) -> dict:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if url:
        return run_loop(out, options, studio.connect(url, api_key), log)
    log("starting a local Label Studio (its own data folder; about a minute)")
    with studio.local_label_studio(out / "label-studio") as server:
        return run_loop(out, options, server.client(), log)


def run_loop(out: Path, options: DemoOptions, ls, log: Log = print) -> dict:
    """The loop against a Label Studio client; `out` must be empty."""
    editions = load_editions(TEMPLATES)
    log(f"editions {', '.join(editions)}; the new one, {NEW_EDITION}, has {len(editions[NEW_EDITION].cell_keys)} cells")
    gens = generate_reports(out / "reports", options.n, options.seed, editions, [NEW_EDITION])
    pushed, held = gens[:options.k], gens[options.k:]
    by_id = {g.doc_id: g for g in gens}

    base = Pipeline(labeler=ModelLabeler(BASE, editions), editions=editions)
    before = score(base, out / "reports", held)
    log(f"before ({BASE.name}): {before.summary()}")

    name = f"xxgk demo {NEW_EDITION}"
    push_dir = out / "pushed"
    push_dir.mkdir()
    for gen in pushed:
        shutil.copy(out / "reports" / gen.filename, push_dir / gen.filename)
    items = prepare_files([push_dir], base, log=log)
    push(ls, name, items, editions, log=log)
    changed = annotate_with_truth(ls, name, by_id)
    log(f"annotated {len(items)} documents through the SDK: {changed} labels corrected")
    pulled = pull(ls, name, out / "corrected", editions, log=lambda _: None)
    reviewed = score_reviewed(pulled, by_id, base.options.review.below)
    log(f"pulled {len(pulled)} corrected documents; their reports against the truth: {reviewed}")

    config = _config(options)
    models = Settings(models_dir=out / "models")  # a registry of the demo's own, never models/
    tuned_dir = models.models_dir / config.version
    start = time.time()
    metrics = _finetune(config, editions, tuned_dir, read_examples(out / "corrected"), log)
    seconds = round(time.time() - start)
    register(tuned_dir, config.version, make_current=True, settings=models)
    log(f"fine-tuned {config.version} in {seconds} s ({metrics.get('train_seconds')} s of training)")

    tuned = Pipeline(labeler=ModelLabeler(tuned_dir, editions), editions=editions)
    after = score(tuned, out / "reports", held)
    log(f"after ({config.version}): {after.summary()}")

    olds = [e for e in editions if e != NEW_EDITION]
    old_gens = generate_reports(out / "old", options.old_docs, options.seed + 1, editions, olds,
                                garbled_share=0.0, damage=0.0, prefix="old")
    old_base = score(base, out / "old", old_gens)
    old_after = score(tuned, out / "old", old_gens)
    log(f"old editions: {BASE.name} {old_base.accuracy}%, {config.version} {old_after.accuracy}%")
    hard: dict[str, dict] = {}
    if options.hard_docs:
        for which, eds in (("new", {NEW_EDITION: editions[NEW_EDITION]}),
                           ("old", {e: editions[e] for e in olds})):
            docs = hard_reports(out / f"hard-{which}", options.hard_docs, options.seed + 2, eds)
            hard[which] = {"docs": options.hard_docs, "editions": list(eds),
                           "before": score(base, out / f"hard-{which}", docs).summary(),
                           "after": score(tuned, out / f"hard-{which}", docs).summary()}
            log(f"damaged reports of the {which} edition(s): {hard[which]['before']['cell_accuracy']}% before, "
                f"{hard[which]['after']['cell_accuracy']}% after")
    results = {
        "edition": NEW_EDITION, "reports": options.n, "pushed_and_corrected": options.k,
        "trained_on": metrics.get("corrected", {}).get("train_docs"),
        "held_out_of_training": metrics.get("corrected", {}).get("held_out_docs"),
        "labels_corrected": changed, "reviewed_reports_vs_truth": reviewed,
        "before": {"model": BASE.name, **before.summary()},
        "after": {"model": config.version, **after.summary()},
        "old_editions": {"docs": options.old_docs, "before": old_base.summary(), "after": old_after.summary()},
        "damaged": hard,
        "finetune": {"config": _shown(options.finetune), "steps": config.optim.steps,
            "generated_docs": config.data.train_docs, "generated_editions": config.data.editions,
            "seconds": seconds, "train_seconds": metrics.get("train_seconds"), "threads": config.threads,
            "held_out_macro_f1": metrics.get("macro_f1"), "corrected": metrics.get("corrected")},
    }
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "README.md").write_text(_readme(results), encoding="utf-8")
    return results


def score_reviewed(pulled, gens: dict[str, GeneratedDoc], below: float) -> dict:
    """Cell accuracy of the reports read from the annotators' labels (should be all correct)."""
    docs = [score_doc(gens[p.doc_id].gold, p.outcome.report, below) for p in pulled]
    return {"docs": len(pulled), "cells": sum(d.scored for d in docs), "correct": sum(d.correct for d in docs)}


def _shown(path: Path) -> str:
    """A config's path as results show it: relative to the shipped configs when it is one of them."""
    return f"configs/{path.relative_to(configs_dir())}" if path.is_relative_to(configs_dir()) else str(path)


def _config(options: DemoOptions) -> TrainConfig:
    config = load_train_config(options.finetune)
    if options.steps is not None:
        config.optim.steps = options.steps
        config.optim.warmup_steps = min(config.optim.warmup_steps, max(1, options.steps // 5))
    if options.train_docs is not None:
        config.data.train_docs = options.train_docs
        config.data.eval_docs = min(config.data.eval_docs, options.train_docs)
    return config


def _finetune(config: TrainConfig, editions: dict[str, Edition], out: Path, examples, log: Log) -> dict:
    from xxgk.training.train import train

    return train(config, editions, out, log=log, base=BASE, corrected=examples,
                 command="python -m xxgk.annotations.demo (fine-tuning on Label Studio corrections)")


def _readme(r: dict) -> str:
    b, a, o, f = r["before"], r["after"], r["old_editions"], r["finetune"]
    return f"""# New-edition demo: edition {r['edition']} (hypothetical), before and after retraining

{r['reports']} generated reports of edition {r['edition']}; {r['pushed_and_corrected']} pushed to Label Studio,
corrected through the SDK ({r['labels_corrected']} labels changed) and pulled back; fine-tuning trained on
{r['trained_on']} of them ({r['held_out_of_training']} held out for its before/after label scores). Scores on the
other {r['reports'] - r['pushed_and_corrected']} reports (cells flagged: status other than read or confidence
below the review threshold, of all template cells, so cells a truncated table lacks count too):

| | model | cell accuracy | cells flagged | wrong cells flagged | reports flagged as unseen edition |
|---|---|---|---|---|---|
{_row('before', b)}
{_row('after', a)}

Old editions ({o['docs']} clean generated reports): {o['before']['cell_accuracy']}% before,
{o['after']['cell_accuracy']}% after.
{_damaged(r.get("damaged") or {})}
Fine-tuning: {f['steps']} steps, {f['generated_docs']} generated reports of editions {f['generated_editions']},
{f['seconds']} s in all ({f['train_seconds']} s training) on {f['threads']} threads.
"""


def _damaged(hard: dict) -> str:
    if not hard:
        return ""
    lines = ["\nBadly damaged reports (every label garbled, rows shuffled, headers read down their columns):\n",
             "| reports | before: cell accuracy, flagged | after: cell accuracy, flagged |", "|---|---|---|"]
    for h in hard.values():
        b, a = h["before"], h["after"]
        lines.append(f"| {h['docs']} of edition {', '.join(h['editions'])} | {b['cell_accuracy']}%, "
                     f"{b['cells_flagged']}% | {a['cell_accuracy']}%, {a['cells_flagged']}% |")
    return "\n".join(lines) + "\n"


def _row(when: str, s: dict) -> str:
    wrong = "no wrong cells" if s["errors_flagged"] is None else f"{s['errors_flagged']}%"
    return (f"| {when} | {s['model']} | {s['cell_accuracy']}% | {s['cells_flagged']}% | {wrong} "
            f"| {s['unseen_flagged']}/{s['docs']} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out") / "demo-edition")
    parser.add_argument("--n", type=int, default=DemoOptions.n)
    parser.add_argument("--k", type=int, default=DemoOptions.k)
    parser.add_argument("--seed", type=int, default=DemoOptions.seed)
    parser.add_argument("--url", default=None, help="a running Label Studio (default: start a local one)")
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args(argv)
    # stopped by a signal, still stop the local Label Studio (the `with` block's clean-up)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run_demo(args.out, DemoOptions(n=args.n, k=args.k, seed=args.seed), args.url, args.api_key)
    print((args.out / "README.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
