"""Text that a spreadsheet would run as a formula, made inert before it is written to CSV or XLSX.

A doc id comes from a client's file name and agency names, texts and check details from the
report: a value such as `=HYPERLINK(...)` or `+1+2` would become a live formula in Excel or
LibreOffice (CSV/formula injection). Every text cell that starts with `=`, `+`, `-`, `@`, a tab or
a carriage return is written with a leading `'`, which both programs show as text. Exempt are
texts that are plainly a number (`-3`, `+1.5`) or only dashes (`-`, `--`, the "not applicable"
marks of a report): they cannot start a formula, and escaping them would change what a reviewer reads.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[+-]?\d+(?:\.\d+)?|-+")


def inert(value: object) -> object:
    """The value to write: a formula-like text prefixed with `'`, anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _HARMLESS.fullmatch(value):
        return "'" + value
    return value
