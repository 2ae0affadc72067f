"""The one interface every labeler implements, so the pipeline does not care which one runs."""

from __future__ import annotations

from typing import Protocol

from xxgk.document import Document


class Labeler(Protocol):
    model_version: str
    """Recorded in every output, so a result can be traced to the model that produced it."""

    labels: frozenset[str] | None
    """The labels it can give; None when it can give every label the edition configs define."""

    def __call__(self, doc: Document) -> Document:
        """Set `label` and `label_score` on every segment and return the same document."""
        ...
