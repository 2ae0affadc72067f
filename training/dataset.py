"""Labeled training documents: generated reports, ingested like real input, labeled from provenance.

The classifier must learn from what the ingesters make of a file (segments split, merged, wrapped
as real dumps are), not from the generator's own structure, so each generated document is
rendered, ingested by the production ingester, and its segments take the labels of the rendered
pieces they came from. Labels come from the generator, never by hand.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xxgk.document import Document
from xxgk.inference.ingest.html import ingest_html
from xxgk.inference.ingest.text import ingest_text
from xxgk.templates import Edition
from xxgk.training.synth.corpus import GeneratedDoc, Kind, generate_doc
from xxgk.training.synth.render_text import SHAPES
from xxgk.training.synth.transfer import labels_for


@dataclass(frozen=True)
class Mix:
    """What a set of generated training documents looks like."""

    kinds: tuple[tuple[Kind, float], ...] = (("text", 0.55), ("html", 0.2), ("pdf", 0.25))
    garbled_share: float = 0.35
    garble_range: tuple[float, float] = (0.03, 0.25)
    shuffled_share: float = 0.2
    shapes: tuple[str, ...] = SHAPES


def ingest_generated(gen: GeneratedDoc) -> Document:
    from xxgk.inference.ingest import default_context

    context = default_context()
    if gen.kind == "text":
        return ingest_text(gen.content.decode("utf-8"), doc_id=gen.doc_id, source=gen.filename,
                           editions=context.editions, options=context.options.text)
    if gen.kind == "html":
        return ingest_html(gen.content.decode("utf-8"), doc_id=gen.doc_id, source=gen.filename)
    from xxgk.inference.ingest.pdf import ingest_pdf

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / gen.filename
        path.write_bytes(gen.content)
        return ingest_pdf(path, doc_id=gen.doc_id, settings=context.settings, options=context.options)


def generate_one(args: tuple[int, int, Mix, dict[str, Edition]]) -> tuple[str, str, Document, list[str]]:
    """Document i of the set `seed`: its own random stream, so sets split over processes are identical."""
    seed, i, mix, editions = args
    rng = random.Random(f"{seed}:{i}")
    kind = rng.choices([k for k, _ in mix.kinds], [w for _, w in mix.kinds])[0]
    shape = rng.choice(mix.shapes) if kind == "text" else None
    garble = rng.uniform(*mix.garble_range) if rng.random() < mix.garbled_share else 0.0
    shuffled = rng.random() < mix.shuffled_share
    gen = generate_doc(rng, editions, f"gen{seed}_{i:05d}", kind, shape,  # type: ignore[arg-type]
                       edition_id=sorted(editions)[i % len(editions)], garble=garble, shuffle_rows=shuffled)
    doc = ingest_generated(gen)
    return gen.doc_id, gen.kind, doc, labels_for(gen, doc)


def generate_documents(n: int, seed: int, editions: dict[str, Edition], mix: Mix = Mix()):
    """(doc id, kind, ingested document, segment labels) for documents 0..n-1 of the set `seed`."""
    for i in range(n):
        yield generate_one((seed, i, mix, editions))


