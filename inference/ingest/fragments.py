"""Labels a crawler wrote one text node per line, broken at their brackets and commas.

A page whose table labels are marked up in several inline elements comes out of a crawler as
`（` `二` `）` `部分公开` `（` `区分处理的` `，` `只计这一情形` `，` `不计其他情形` `）`, each on a line of
its own. Alone, none of these lines is a label: a bracket reads like nothing (or a stray value), an
enumerator like a column header, and a qualifier like a second copy of the row. The pieces are put
back together by what punctuation itself says, never by the wordings of a template:

- a bracket opened is closed before the label ends (`（` … `）`);
- a line that is only an enumerator (`（二）`, `二、`, `1.`) numbers the text after it;
- a line starting with a comma, an enumeration comma or a closing bracket continues the line
  before, and a line ending with a comma continues on the next;
- a bracketed qualifier (`（区分处理的，只计这一情形，不计其他情形）`) between a label and the label's
  first number belongs to that label.

Where the caller knows the template's wordings (`spells`), a label wrapped without punctuation
(`二、上年结转政府信息` / `公开申请数量`) joins too: two lines that together spell a row label more
closely than the first alone (`二、上年结转政府信息公开申` / `请数量` is near enough to be read as a
label by itself), the second being no label of its own. Read apart, the tail would be taken for
another row ending the same way.

Only short lines without numbers join (`max_fragment` characters each, `max_joined_label` in all):
a value, a sentence of prose or a space-laid row never becomes part of a label.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_OPEN = "（(【〔"
_CLOSE = "）)】〕"
_LEADING = tuple("，,、）)】〕：:")
_TRAILING = tuple("，,、")
_ENUMERATOR = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])$")
_QUALIFIER = re.compile(r"^[（(](?![一二三四五六七八九十]{1,3}[）)]$).*[）)]$")
_NUMBER = re.compile(r"^[+\-]?\d[\d.,]*(?:\s*万?元)?$")
_SEPARATED = re.compile(r"\t|\||\S {2,}\S|\u3000")

Line = tuple[str, int]


def _balance(text: str) -> int:
    return sum(ch in _OPEN for ch in text) - sum(ch in _CLOSE for ch in text)


def _joinable(text: str, max_fragment: int) -> bool:
    """A line that may be a piece of a label: short, one field, not a number."""
    stripped = text.strip(" \u3000")
    return (bool(stripped) and len(stripped) <= max_fragment and not _NUMBER.match(stripped)
            and not _SEPARATED.search(stripped))


Spells = Callable[[str], "int | None"]
"""Edits between a text and the nearest of the template's row labels, None when it is none of
them (`RunOnSplitter.row_distance`)."""


def _continues(current: str, nxt: str, spells: Spells | None) -> bool:
    """Whether the line `nxt` is the next piece of the label being put together in `current`."""
    if _balance(current) > 0 or _ENUMERATOR.match(current) or current.endswith(_TRAILING):
        return True
    if nxt.startswith(_LEADING):
        return True
    if spells is None or spells(nxt) is not None:
        return False
    joined, alone = spells(current + nxt), spells(current)
    return joined is not None and (alone is None or joined < alone)


def label_groups(lines: list[Line], max_fragment: int, max_joined_label: int,
                 fixed: frozenset[int] = frozenset(), spells: Spells | None = None) -> list[list[Line]]:
    """Consecutive lines grouped so that each group is one label (or any other line, alone); lines
    starting at an offset in `fixed` (read by another rule) stay alone; `spells` joins a label
    wrapped without punctuation."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    text = ""
    for line in lines:
        stripped = line[0].strip(" \u3000")
        joinable = line[1] not in fixed and _joinable(line[0], max_fragment)
        fits = len(text) + len(stripped) <= max_joined_label
        if current and joinable and fits and _continues(text, stripped, spells):
            current.append(line)
            text += stripped
            continue
        if current:
            groups.append(current)
        current, text = ([line], stripped) if joinable else ([], "")
        if not current:
            groups.append([line])
    if current:
        groups.append(current)
    return _attach_qualifiers(groups, max_fragment, max_joined_label)


def _text(group: list[Line]) -> str:
    return "".join(t.strip(" \u3000") for t, _ in group)


def _attach_qualifiers(groups: list[list[Line]], max_fragment: int, max_joined_label: int) -> list[list[Line]]:
    """A bracketed qualifier put together from several lines, between a label and a number, joins
    the label."""
    out: list[list[Line]] = []
    for n, group in enumerate(groups):
        text = _text(group)
        after = _text(groups[n + 1]) if n + 1 < len(groups) else ""
        before = _text(out[-1]) if out else ""
        if (_QUALIFIER.match(text) and _NUMBER.match(after.strip(" \u3000")) and out
                and all(_joinable(t, max_fragment) for t, _ in out[-1]) and _balance(before) == 0
                and len(before) + len(text) <= max_joined_label):
            out[-1] = [*out[-1], *group]
        else:
            out.append(group)
    return out
