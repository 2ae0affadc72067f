"""The schema of `configs/prose_facts.toml`: which statements count as facts, the patterns that find
them, and the cells of each edition they must equal."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xxgk.resources import config_path
from xxgk.templates import Edition

DEFAULT_CONFIG = config_path("prose_facts.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactSpec(_Strict):
    id: str
    label: str
    kind: Literal["count", "money"] = "count"
    units: tuple[str, ...]
    cells: tuple[str, ...] = ()
    editions: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    also: tuple[tuple[str, ...], ...] = ()
    context: str = ""
    stated: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    exclude: str = ""

    @model_validator(mode="after")
    def _check(self) -> FactSpec:
        if bool(self.cells) == bool(self.editions):
            raise ValueError(f"fact {self.id}: give exactly one of `cells` and `editions`")
        for p in self.stated:
            if "<N>" not in p:
                raise ValueError(f"fact {self.id}: stated pattern without <N>: {p}")
        return self

    @property
    def rule(self) -> str:
        return f"prose.{self.id}"

    def cells_for(self, edition: Edition) -> tuple[str, ...]:
        """The cells of this edition the statement must equal (summed); empty when it has none."""
        keys = self.editions.get(edition.id, ()) if self.editions else self.cells
        return tuple(k for k in keys if k in edition.cell_keys_set)

    @property
    def table(self) -> str | None:
        """The table part whose prose is about this fact (its context words are implied there)."""
        keys = self.cells or next(iter(self.editions.values()), ())
        return keys[0].split(".")[0] if keys else None


class QuantitySpec(_Strict):
    units: tuple[str, ...]


class ProseConfig(_Strict):
    version: str
    max_sentence_chars: int = 400
    macros: dict[str, str] = Field(default_factory=dict)
    quantities: QuantitySpec
    facts: tuple[FactSpec, ...]


def load_config(path: Path = DEFAULT_CONFIG) -> ProseConfig:
    with path.open("rb") as fh:
        return ProseConfig.model_validate(tomllib.load(fh))
