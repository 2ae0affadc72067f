"""Does the classifier earn its place? Pipeline cell accuracy with it vs with string matching alone.

Measured on generated reports damaged the way string matching fails: OCR-style character damage
in every label, headers split or read down a column, rows out of order. Scores come from the same
comparison as the project scorer (cell accuracy on non-null gold cells, false reads on null ones).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from xxgk.inference.labeling.base import Labeler
from xxgk.inference.pipeline import Pipeline
from xxgk.training.dataset import ingest_generated
from xxgk.training.synth.corpus import GeneratedDoc, generate_doc
from xxgk.training.synth.render_text import SHAPES, TextNoise, render_text

from xxgk.templates import Edition


@dataclass(frozen=True)
class Score:
    cells: int
    correct: int
    nonzero: int
    nonzero_correct: int
    false_reads: int

    @property
    def accuracy(self) -> float:
        return round(100 * self.correct / self.cells, 2) if self.cells else 0.0

    @property
    def nonzero_accuracy(self) -> float:
        return round(100 * self.nonzero_correct / self.nonzero, 2) if self.nonzero else 0.0


def garbled_set(n: int, seed: int, editions: dict[str, Edition], garble: float = 0.15) -> list[GeneratedDoc]:
    """Text and HTML reports with damaged labels, shuffled rows and headers read down their columns."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        kind = "html" if i % 4 == 3 else "text"
        shape = SHAPES[i % len(SHAPES)] if kind == "text" else None
        gen = generate_doc(rng, editions, f"garbled{seed}_{i:04d}", kind, shape,  # type: ignore[arg-type]
                           edition_id=sorted(editions)[i % len(editions)], garble=garble, shuffle_rows=True)
        if kind == "text":
            noise = TextNoise(wrap_rate=0.15, vertical_t4=True, vertical_style=rng.choice(["spaced", "lines"]))
            gen.provenance = render_text(gen.layout, shape, rng, noise)  # type: ignore[arg-type]
            gen.content = gen.provenance.text.encode("utf-8")
        docs.append(gen)
    return docs


def score(pipeline: Pipeline, docs: list[GeneratedDoc]) -> Score:
    cells = correct = nonzero = nonzero_correct = false_reads = 0
    for gen in docs:
        outcome = pipeline.extract_document(ingest_generated(gen))
        got = outcome.report.cells if outcome.report else {}
        for key, gold in gen.gold["cells"].items():
            cell = got.get(key)
            value = cell.value if cell is not None else None
            if gold is None:
                false_reads += int(cell is not None and cell.value is not None and cell.status == "read")
                continue
            ok = value is not None and abs(float(value) - float(gold)) <= 1e-3 * max(1.0, abs(float(gold)))
            cells += 1
            correct += ok
            if gold != 0:
                nonzero += 1
                nonzero_correct += ok
    return Score(cells, correct, nonzero, nonzero_correct, false_reads)


def ablation(labeler: Labeler, rules: Labeler, editions: dict[str, Edition], n: int = 60, seed: int = 4242) -> dict:
    docs = garbled_set(n, seed, editions)
    with_model = score(Pipeline(labeler=labeler, editions=editions), docs)
    with_rules = score(Pipeline(labeler=rules, editions=editions), docs)
    return {
        "docs": n, "seed": seed,
        "classifier": {"cell_accuracy": with_model.accuracy, "nonzero_cell_accuracy": with_model.nonzero_accuracy,
                       "false_reads": with_model.false_reads},
        "string_matching": {"cell_accuracy": with_rules.accuracy,
                            "nonzero_cell_accuracy": with_rules.nonzero_accuracy,
                            "false_reads": with_rules.false_reads},
    }
