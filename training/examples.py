"""Corrected training examples on disk: a document and the label of each of its segments.

Annotators' corrections (annotations/, via Label Studio) are written in this form and fine-tuning
reads it, so the two sides agree on one plain format: `<doc_id>.example.json` holding the
`Document` (segments with text, boxes, physical rows) and one label per segment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from xxgk.document import Document

SUFFIX = ".example.json"


@dataclass
class LabeledDocument:
    document: Document
    labels: list[str]

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.document.segments):
            raise ValueError(f"{self.document.doc_id}: {len(self.labels)} labels for "
                             f"{len(self.document.segments)} segments")


def write_example(example: LabeledDocument, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{example.document.doc_id}{SUFFIX}"
    payload = {"document": example.document.model_dump(mode="json"), "labels": example.labels}
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def read_examples(folder: Path) -> list[LabeledDocument]:
    """Every example of a folder, sorted by doc id (training order must not depend on the file system)."""
    out = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        out.append(LabeledDocument(Document.model_validate(payload["document"]), payload["labels"]))
    if not out:
        raise FileNotFoundError(f"no corrected examples (*{SUFFIX}) in {folder}")
    return out
