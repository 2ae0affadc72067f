"""Errors a user can act on: what went wrong, at which stage, in words, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["empty", "too_large", "unsupported_type", "corrupt", "encrypted", "needs_ocr",
                   "no_tables", "unknown_edition", "undecodable", "too_many_pages", "internal"]


@dataclass(frozen=True)
class StageError:
    stage: str
    category: Category
    message: str
    page: int | None = None


class ExtractionError(Exception):
    """Raised by a stage for a bad input; the pipeline turns it into a failed outcome."""

    def __init__(self, stage: str, category: Category, message: str, page: int | None = None):
        super().__init__(message)
        self.error = StageError(stage, category, message, page)
