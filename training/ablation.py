"""Does the classifier earn its place? Pipeline cell accuracy with it vs with string matching alone.

Measured on generated reports damaged the way string matching fails: OCR-style character damage
in every label, headers split or read down a column, rows out of order. Scores come from
`xxgk.scoring`, the project scorer's comparison (cell accuracy on non-null gold cells, false reads on
null ones).
"""

from __future__ import annotations

import random

from xxgk.inference.labeling.base import Labeler
from xxgk.inference.pipeline import Pipeline
from xxgk.scoring import CorpusScore, score_set
from xxgk.templates import Edition
from xxgk.training.dataset import ingest_generated
from xxgk.training.synth.corpus import GeneratedDoc, generate_doc
from xxgk.training.synth.render_text import SHAPES, TextNoise, render_text

REPORTED = ("cell_accuracy", "nonzero_cell_accuracy", "false_reads")
"""The scorer's figures the model card shows for each labeler."""


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


def score(pipeline: Pipeline, docs: list[GeneratedDoc]) -> CorpusScore:
    """The pipeline's reports of `docs` against their gold, as the project scorer counts them."""
    return score_set(((gen.gold, pipeline.extract_document(ingest_generated(gen)).report) for gen in docs),
                     pipeline.options.review.below)


def ablation(labeler: Labeler, rules: Labeler, editions: dict[str, Edition], n: int = 60, seed: int = 4242) -> dict:
    docs = garbled_set(n, seed, editions)
    with_model = score(Pipeline(labeler=labeler, editions=editions), docs).summary()
    with_rules = score(Pipeline(labeler=rules, editions=editions), docs).summary()
    return {"docs": n, "seed": seed,
            "classifier": {k: with_model[k] for k in REPORTED}, "string_matching": {k: with_rules[k] for k in REPORTED}}
