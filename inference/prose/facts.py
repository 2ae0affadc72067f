"""The statements of a report's paragraphs: each fact of the config the prose states, with its value.

Only paragraphs that mention a fact's words, or sit in its table's part, are parsed; the config's
patterns run over each sentence with its quantities abstracted to placeholders (`⟦0⟧`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from xxgk.inference.prose.config import FactSpec, ProseConfig
from xxgk.inference.prose.nlp import nlp_for
from xxgk.inference.prose.quantities import Quantity, normalize, split_quantity

_QUANTITY_MARK = re.compile(r"⟦(\d+)⟧")
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")


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


@dataclass(frozen=True)
class _Compiled:
    spec: FactSpec
    stated: tuple[re.Pattern[str], ...]
    absent: tuple[re.Pattern[str], ...]
    context: re.Pattern[str] | None
    exclude: re.Pattern[str] | None


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for name, value in macros.items():
        pattern = pattern.replace(f"<{name}>", value)
    return pattern.replace("<N>", r"⟦(?P<q>\d+)⟧")


class FactFinder:
    """Finds the config's facts in a report's paragraphs."""

    def __init__(self, config: ProseConfig):
        self.config = config
        macros = self.config.macros
        self.facts = tuple(_Compiled(
            spec=f,
            stated=tuple(re.compile(_expand(p, macros)) for p in f.stated),
            absent=tuple(re.compile(_expand(p, macros)) for p in f.absent),
            context=re.compile(f.context) if f.context else None,
            exclude=re.compile(f.exclude) if f.exclude else None,
        ) for f in self.config.facts)
        triggers = [f.context for f in self.config.facts if f.context]
        self._trigger = re.compile("|".join(f"(?:{t})" for t in triggers) or "$^")

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
            found.append(split_quantity(span.text, self.config.quantities.units))
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
