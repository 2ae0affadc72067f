"""The prose's own numbers, checked against the tables: the report's first cross-check.

Reports say in words what their tables say in cells (`2020年，我局收到政府信息公开申请3件，上年度
留存政府信息公开申请1件`, `本年度未收到依申请公开政府信息`). This stage finds those statements and
adds one `prose.<fact>` check per statement to the report, with the sentence quoted in its detail:
ok true when the cells agree, false when they do not, null when the edition has no such cell or the
cell is missing (a truncated table). It never changes a cell. It also fills the report's agency,
year and publication date from the prose when the title block and signature gave none.

What counts as a statement, and which cells it must match, lives in `configs/prose_facts.toml`.
The reading itself: the jieba segmenter (the only Chinese tokenizer that works offline here) cuts
words, spaCy's sentencizer rules cut sentences, and its Matcher rules mark quantities (number token
plus unit token, Arabic or Chinese numerals, or one token such as `三件`), all in
`xxgk.inference.zh_text` without importing spaCy; the config's patterns then run over each sentence
with its quantities abstracted to placeholders. jieba's dictionary loads on first use, once per
process; after that a report takes a few milliseconds, since only paragraphs that mention a fact's
words are parsed.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from xxgk.inference.meta_config import default_meta_config
from xxgk.inference.meta_text import dateline
from xxgk.inference.metadata import clean_agency, parse_date
from xxgk.inference.sections import SectionSplit
from xxgk.inference.zh_text import QuantityReader

from xxgk.contract import CheckOut, MetaEvidence, Report
from xxgk.resources import config_path
from xxgk.templates import Edition

log = logging.getLogger(__name__)

DEFAULT_CONFIG = config_path("prose_facts.toml")
SENTENCE_END = ["。", "！", "？", "；", "!", "?", ";"]
SECTION_NAMES = {"preamble": "引言", "overview": "总体情况", "t2": "主动公开", "t3": "依申请公开",
                 "t4": "行政复议诉讼", "problems": "存在的主要问题", "other": "其他事项"}
_QUANTITY_MARK = re.compile(r"⟦(\d+)⟧")
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": "."})
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUMBER = "零〇一二两三四五六七八九十百千万"
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")
WAN_TOLERANCE = 0.01
"""Amounts in 万元 agree when they differ by at most this (tables round to two decimals)."""


# ---------------------------------------------------------------- config


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


@dataclass(frozen=True)
class _Compiled:
    spec: FactSpec
    stated: tuple[re.Pattern[str], ...]
    absent: tuple[re.Pattern[str], ...]
    context: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    keywords: re.Pattern[str]


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for name, value in macros.items():
        pattern = pattern.replace(f"<{name}>", value)
    return pattern.replace("<N>", r"⟦(?P<q>\d+)⟧")


def load_config(path: Path = DEFAULT_CONFIG) -> ProseConfig:
    with path.open("rb") as fh:
        return ProseConfig.model_validate(tomllib.load(fh))


# ---------------------------------------------------------------- sentences and quantities


@lru_cache(maxsize=4)
def nlp_for(units: tuple[str, ...]) -> QuantityReader:
    """Sentences and quantities of these units; one reader (and one jieba dictionary) per process."""
    return QuantityReader(units, SENTENCE_END, numeral=rf"(?:\d+(?:\.\d+)?|[{_CN_NUMBER}]+)")


def parse_number(text: str) -> int | float | None:
    """`3`, `12.5`, `三`, `二十三`, `一百零五`, `两` -> the number; None for anything else."""
    text = text.translate(_FULLWIDTH)
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    if not text or any(c not in _CN_NUMBER for c in text):
        return None
    total, section, digit = 0, 0, None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Quantity:
    value: int | float
    unit: str
    text: str


def _split_quantity(text: str, units: Sequence[str]) -> Quantity | None:
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            value = parse_number(text[: -len(unit)])
            if value is not None:
                return Quantity(value, unit, text)
    return None


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class ProseFact:
    """One statement of the prose about a table number."""

    fact: str
    value: int | float
    unit: str
    sentence: str
    where: str
    """The part the sentence sits in (`overview`, `t3`, ..., or `preamble`)."""
    absent: bool = False
    """Stated as an absence (`未收到…申请`), hence 0."""


def normalize(text: str) -> str:
    """Full-width digits to ASCII, spaces dropped (dumps space out numbers: `申请 3 件`)."""
    return "".join(text.translate(_FULLWIDTH).split())


class ProseReader:
    """Finds the config's facts in a report's prose and checks them against its cells."""

    def __init__(self, config: ProseConfig | None = None):
        self.config = config or load_config()
        macros = self.config.macros
        self.facts = tuple(_Compiled(
            spec=f,
            stated=tuple(re.compile(_expand(p, macros)) for p in f.stated),
            absent=tuple(re.compile(_expand(p, macros)) for p in f.absent),
            context=re.compile(f.context) if f.context else None,
            exclude=re.compile(f.exclude) if f.exclude else None,
            keywords=re.compile(f.context or f.id),
        ) for f in self.config.facts)
        triggers = [f.context for f in self.config.facts if f.context]
        self._trigger = re.compile("|".join(f"(?:{t})" for t in triggers) or "$^")

    # -- reading

    def facts_in(self, paragraphs: Sequence[tuple[str, str]], year: int | None = None) -> list[ProseFact]:
        """Every statement in the (where, text) paragraphs, in document order.

        A sentence that names another year than the report's (`与2019年相比`) states nothing here.
        """
        todo = [(where, normalize(text)) for where, text in paragraphs]
        tables = {f.spec.table for f in self.facts}
        todo = [(w, t) for w, t in todo if t and (w in tables or self._trigger.search(t))]
        if not todo:
            return []
        nlp = nlp_for(self.config.quantities.units)
        out: list[ProseFact] = []
        for (where, _), doc in zip(todo, nlp.pipe(t for _, t in todo), strict=True):
            for sent in doc.sents:
                text = sent.text
                if len(text) > self.config.max_sentence_chars:
                    continue
                years = {int(y) for y in _YEAR_IN_TEXT.findall(text)}
                if year is not None and years - {year}:
                    continue
                quantities = [q for q in doc.quantities if sent.start <= q.start and q.end <= sent.end]
                out.extend(self._sentence_facts(sent, quantities, where))
        return out

    def _sentence_facts(self, sent, spans, where: str) -> list[ProseFact]:
        text = sent.text
        parts: list[str] = []
        found: list[Quantity | None] = []
        pos = sent.start_char
        for span in spans:
            parts.append(sent.doc.text[pos:span.start_char])
            parts.append(f"⟦{len(found)}⟧")
            found.append(_split_quantity(span.text, self.config.quantities.units))
            pos = span.end_char
        parts.append(sent.doc.text[pos:sent.end_char])
        abstract = "".join(parts)
        best: dict[int, tuple[int, _Compiled]] = {}
        out: list[ProseFact] = []
        for fact in self.facts:
            if fact.context and not (fact.context.search(text) or where == fact.spec.table):
                continue
            for pattern in fact.stated:
                for m in pattern.finditer(abstract):
                    q = int(m.group("q"))
                    quantity = found[q]
                    if quantity is None or quantity.unit not in fact.spec.units:
                        continue
                    if fact.exclude and fact.exclude.search(_QUANTITY_MARK.sub("", m.group())):
                        continue
                    length = m.end() - m.start()
                    if q not in best or length < best[q][0]:
                        best[q] = (length, fact)
            for pattern in fact.absent:
                if pattern.search(abstract):
                    out.append(ProseFact(fact.spec.id, 0, "", text, where, absent=True))
                    break
        for q in sorted(best):
            fact = best[q][1]
            quantity = found[q]
            assert quantity is not None
            value = quantity.value
            if fact.spec.kind == "money":
                value = round(value / 10000, 6) if quantity.unit == "元" else value
            out.append(ProseFact(fact.spec.id, value, quantity.unit, text, where))
        return out

    # -- checking

    def checks(self, facts: Sequence[ProseFact], report: Report, edition: Edition) -> list[CheckOut]:
        """One check per distinct (fact, value), quoting the first sentence that states it."""
        specs = {f.spec.id: f.spec for f in self.facts}
        seen: set[tuple[str, float]] = set()
        out = []
        for fact in facts:
            key = (fact.fact, float(fact.value))
            if key in seen:
                continue
            seen.add(key)
            out.append(self._check(specs[fact.fact], fact, report, edition))
        return out

    def _check(self, spec: FactSpec, fact: ProseFact, report: Report, edition: Edition) -> CheckOut:
        said = "无（0）" if fact.absent else f"{_fmt(fact.value)}{'万元' if spec.kind == 'money' else fact.unit}"
        if spec.kind == "money" and fact.unit == "元" and not fact.absent:
            said = f"{_fmt(round(fact.value * 10000, 2))}元 = {_fmt(fact.value)}万元"
        quote = f"正文（{SECTION_NAMES.get(fact.where, fact.where)}）「{fact.sentence}」：{spec.label} {said}"
        keys = spec.cells_for(edition)
        if not keys:
            return CheckOut(rule=spec.rule, ok=None,
                            detail=f"{quote}；{edition.id} 版表格没有对应的单元格，未核对")
        values = [report.cells[k].value if k in report.cells else None for k in keys]
        names = " + ".join(f"{k}（{edition.label_text(k)}）" for k in keys)
        if any(v is None for v in values):
            gone = [k for k, v in zip(keys, values, strict=True) if v is None]
            return CheckOut(rule=spec.rule, ok=None,
                            detail=f"{quote}；表格 {names} 缺失（{', '.join(gone)} 无值），未核对")
        table = sum(v for v in values if v is not None)
        shown = " + ".join(_fmt(v) for v in values if v is not None)
        table_text = f"{shown} = {_fmt(table)}" if len(values) > 1 else _fmt(table)
        if _same(fact.value, table, spec.kind):
            return CheckOut(rule=spec.rule, ok=True, detail=f"{quote}；表格 {names} = {table_text}，一致")
        for alt in spec.also:
            alt_keys = [k for k in alt if k in report.cells]
            alt_values = [report.cells[k].value for k in alt_keys]
            if len(alt_keys) == len(alt) and all(v is not None for v in alt_values) and \
                    _same(fact.value, sum(v for v in alt_values if v is not None), spec.kind):
                return CheckOut(rule=spec.rule, ok=True,
                                detail=f"{quote}；表格 {' + '.join(alt)} = "
                                       f"{' + '.join(_fmt(v) for v in alt_values if v is not None)}，"
                                       f"一致（正文数含 {' + '.join(alt[1:])}）")
        return CheckOut(rule=spec.rule, ok=False, detail=f"{quote}；表格 {names} = {table_text}，不一致")

    # -- the stage

    def __call__(self, report: Report, split: SectionSplit, edition: Edition) -> Report:
        """Add the prose checks (and warnings) to the report; fill missing meta from the prose."""
        paragraphs = split.paragraphs()
        _fill_meta(report, paragraphs)
        facts = self.facts_in(paragraphs, report.meta.year)
        checks = self.checks(facts, report, edition)
        report.checks.extend(checks)
        for c in checks:
            if c.ok is False:
                report.warnings.append(f"{c.rule}: prose disagrees with the table: {c.detail}")
        return report


def _same(a: float, b: float, kind: str) -> bool:
    if kind == "money":
        return abs(a - b) <= WAN_TOLERANCE + 1e-9
    return a == b


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


# ---------------------------------------------------------------- meta from prose

_ORG_SUFFIX = "局|委员会|办公室|办公厅|人民政府|政府|中心|管理委员会|管委会|办事处|厅|委|院|署|所|站|馆|队"
_NOT_IN_NAME = "政府和|和省|和市|有关|决策|部署|的|在|对|了|及|与"
_PLACE = "(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|镇|乡|街道)"
_AGENCY_IN_PROSE = re.compile(
    rf"(?:^|[,，。;；:：、(（]|\d{{4}}年度?)"
    rf"(?P<name>(?:(?!{_NOT_IN_NAME})[\u4e00-\u9fff]){{2,10}}?{_PLACE}"
    rf"(?:(?!{_NOT_IN_NAME})[\u4e00-\u9fff]){{1,18}}?(?:{_ORG_SUFFIX}))"
    rf"(?=政府信息公开|政务公开|信息公开|依据|根据|按照|坚持|认真|深入|严格|全面|高度|围绕|紧紧|始终|"
    rf"积极|持续|扎实|不断|切实|进一步|共|在|的|[,，。;；、]|$)")
_LEAD_WORDS = re.compile(r"^(?:本报告是|本报告由|本报告|特向社会公布|现将|公布|发布|根据|按照|是|由|为)+")
_BOOK_TITLE = re.compile(r"《[^》]*》")
_YEAR_REPORT = re.compile(r"(20\d{2})年度?[\u4e00-\u9fff]{0,20}?(?:政府信息公开|政务公开)"
                          r"(?:工作)?(?:年度)?(?:报告|年报)")
_YEAR_OPENING = re.compile(r"^(20\d{2})年(?:度)?[,，]")
_PUBLISHED = re.compile(r"(?:发布|印发|公开|成文)(?:日期|时间)[:：]?\s*(20\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)")


def prose_meta(paragraphs: Sequence[tuple[str, str]]) -> tuple[str | None, int | None, str | None]:
    """(agency, year, publication date) the prose states, each None when it does not."""
    opening = [(w, normalize(t)) for w, t in paragraphs if w in ("preamble", "overview")][:12]
    counts: dict[str, int] = {}
    for _, text in opening:
        for m in _AGENCY_IN_PROSE.finditer(_BOOK_TITLE.sub("", text)):
            name = clean_agency(_LEAD_WORDS.sub("", m.group("name")))
            if name:
                counts[name] = counts.get(name, 0) + 1
    agency = max(counts, key=lambda k: counts[k]) if counts else None
    year = None
    for _, text in opening:
        m = _YEAR_REPORT.search(_BOOK_TITLE.sub("", text))
        if m:
            year = int(m.group(1))
            break
    if year is None:
        first = next((t for w, t in opening if w == "overview"), "")
        m = _YEAR_OPENING.search(first)
        year = int(m.group(1)) if m else None
    date = None
    for _, text in paragraphs:
        m = _PUBLISHED.search(normalize(text))
        if m:
            date = parse_date(m.group(1))
            break
    if date is None and year is not None:
        tail = [normalize(t) for w, t in paragraphs if w == "other"][-2:]
        for text in reversed(tail):
            found = dateline(text)
            if found and int(found[:4]) == year + 1:
                date = found
                break
    return agency, year, date


def _fill_meta(report: Report, paragraphs: Sequence[tuple[str, str]]) -> None:
    meta = report.meta
    if meta.agency and meta.year and meta.publish_date:
        return
    agency, year, date = prose_meta(paragraphs)
    trust = default_meta_config().confidence.prose
    for name, value in (("agency", agency), ("year", year), ("publish_date", date)):
        if getattr(meta, name) is None and value is not None:
            setattr(meta, name, value)
            report.warnings.append(f"meta.{name} taken from the prose: {value}")
            report.meta_evidence[name] = MetaEvidence(source="prose", text=str(value), confidence=trust)


@lru_cache(maxsize=1)
def default_reader() -> ProseReader:
    return ProseReader()
