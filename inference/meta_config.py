"""The metadata reader's configuration (`configs/metadata.toml`), typed and validated.

Which words end an agency name, which words make a name a clause, which field labels and page
meta tags carry the title, agency and publication date, and how far each place is trusted: all
wording lives in the config, so a new site's labels or a new kind of agency is a config edit.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from xxgk.resources import config_path

DEFAULT_CONFIG = config_path("metadata.toml")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgencyWords(_Model):
    suffixes: tuple[str, ...]
    places: tuple[str, ...]
    clause_starts: tuple[str, ...]
    sentence_starts: tuple[str, ...]
    clause_words: tuple[str, ...]
    min_length: int
    max_length: int
    departments: tuple[str, ...]


class TitleWords(_Model):
    phrase: str
    max_length: int
    navigation: tuple[str, ...]
    separators: tuple[str, ...]
    record_labels: tuple[str, ...]
    trail_words: tuple[str, ...]
    lead_words: tuple[str, ...]
    noise: str


class FieldLabels(_Model):
    title: tuple[str, ...]
    agency: tuple[str, ...]
    publish_date: tuple[str, ...]


class HtmlMeta(_Model):
    title: tuple[str, ...]
    agency: tuple[str, ...]
    publish_date: tuple[str, ...]
    page_title: bool


class Trust(_Model):
    title: float
    field: float
    page_title: float
    heading_block: float
    signature: float
    period: float
    dateline: float
    published: float
    prose: float
    agreed: float
    disputed: float
    mended: float


class MetaConfig(_Model):
    version: str
    agency: AgencyWords
    title: TitleWords
    fields: FieldLabels
    html: HtmlMeta
    confidence: Trust


def load_meta_config(path: Path = DEFAULT_CONFIG) -> MetaConfig:
    with path.open("rb") as fh:
        return MetaConfig.model_validate(tomllib.load(fh))


@lru_cache(maxsize=1)
def default_meta_config() -> MetaConfig:
    return load_meta_config()
