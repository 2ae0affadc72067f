"""The string-matching labeler: the lexicon's best match per segment, with the table in context.

It is the fallback when no classifier checkpoint is available and the baseline the classifier is
measured against; its weaknesses (garbled labels, labels that only context identifies) are why the
classifier exists.
"""

from __future__ import annotations

from xxgk.document import Document, Segment
from xxgk.inference.labeling.lexicon import Lexicon
from xxgk.inference.metadata import is_agency_line, is_date_line, is_title
from xxgk.inference.numbers import looks_like_value
from xxgk.templates import Edition


class RuleLabeler:
    model_version = "rules-1"
    labels = None

    def __init__(self, editions: dict[str, Edition]):
        self.lexicon = Lexicon(editions)

    def __call__(self, doc: Document) -> Document:
        table: str | None = None
        for seg in doc.segments:
            seg.label, seg.label_score = self._label(seg, table)
            if seg.label.startswith("sec:"):
                name = seg.label[4:]
                table = name if name.startswith("t") else None
            elif seg.label.startswith(("row:", "col:")):
                table = seg.label.split(":", 1)[1].split(".")[0]
        return doc

    def _label(self, seg: Segment, table: str | None) -> tuple[str, float]:
        text = seg.text
        if is_date_line(text):
            return "meta.date", 0.95
        if looks_like_value(text):
            return "value", 0.99
        if is_title(text):
            return "title", 0.95
        match = self.lexicon.match(text, table)
        if match is not None:
            return match.label, 0.99 if match.score >= 0.99 else 0.95
        if is_agency_line(text):
            return "meta.agency", 0.9
        return "O", 0.95
