"""The output contract (shared/spec/output_contract.md) as typed models.

One `Report` per input report. Every cell key of the report's edition is present; a value not in
the source is null with status `missing`. Serialisation drops empty optional fields of a cell but
always keeps `value` and `status`, as the contract shows.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"
CellStatus = Literal["read", "inferred", "corrected", "missing"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CellOut(_Model):
    value: int | float | None
    status: CellStatus
    confidence: float | None = None
    page: int | None = None
    bbox: list[float] | None = None
    text: str | None = None
    rule: str | None = None

    def needs_review(self, below: float) -> bool:
        """A cell a reviewer should look at: any status but `read`, or read with a confidence under
        `below` (the review threshold, `PipelineOptions.review.below`)."""
        return self.status != "read" or (self.confidence is not None and self.confidence < below)

    def to_dict(self) -> dict[str, Any]:
        out = self.model_dump(exclude_none=True)
        out["value"] = self.value
        return out


class CheckOut(_Model):
    rule: str
    column: str | None = None
    row: str | None = None
    ok: bool | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        out = self.model_dump(exclude_none=True)
        out["ok"] = self.ok
        return out


class Meta(_Model):
    agency: str | None = None
    year: int | None = None
    edition: str | None = None
    publish_date: str | None = None
    pages: int | None = None
    input_kind: str
    model_version: str | None = None


class MetaEvidence(_Model):
    """Where one meta field was read: the kind of place (`title`, `page_title`, `html_meta`, `field`,
    `heading_block`, `dateline`, `signature`, `period`, `prose`), the text there, and how far
    the value is trusted (below the review threshold a reviewer should check it)."""

    source: str
    text: str
    confidence: float


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    doc_id: str
    meta: Meta
    cells: dict[str, CellOut]
    checks: list[CheckOut] = Field(default_factory=list)
    sections: dict[str, str] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    meta_evidence: dict[str, MetaEvidence] = Field(default_factory=dict)
    """Per meta field (agency, year, publish_date) found, where it was read."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "doc_id": self.doc_id,
            "meta": self.meta.model_dump(),
            "cells": {k: c.to_dict() for k, c in self.cells.items()},
            "checks": [c.to_dict() for c in self.checks],
            "sections": self.sections,
            "warnings": self.warnings,
            "meta_evidence": {k: e.model_dump() for k, e in self.meta_evidence.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.model_validate_json(text)
