"""A text or HTML report's bytes into its text, or the refusal a user can act on.

The text backends (`xxgk.inference.ingest.backends.textual`) read through it, and the service checks
uploads with it, so an upload it accepts is never refused later.
"""

from __future__ import annotations

import json

from xxgk.errors import ExtractionError


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; refuses binary content.

    A UTF-16 BOM settles the encoding: bytes after it that are not UTF-16 (an odd length, a lone
    surrogate) are refused as undecodable rather than read as something else.
    """
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExtractionError("ingest", "undecodable",
                              f"{source}: not text in UTF-8, UTF-16 or GB18030, and not a PDF, "
                              "HTML page or image")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.01 * min(len(text), 20000):
        raise ExtractionError("ingest", "unsupported_type",
                              f"{source}: binary content; expected a PDF, image, HTML or text report")
    return text


def report_text(data: bytes, source: str) -> str:
    """The text of a text or HTML report, or the refusal `ingest` gives (undecodable, binary, empty,
    JSON data); the service checks uploads with it, so an upload it accepts is never refused later."""
    text = decode_text(data, source)
    if not text.strip():
        raise ExtractionError("ingest", "empty", f"{source}: the file has no text")
    if _is_json(text):
        raise ExtractionError("ingest", "unsupported_type",
                              f"{source}: JSON data (an extraction result or a gold file?), not a report; "
                              "give the report itself as PDF, image, HTML or text")
    return text


def _is_json(text: str) -> bool:
    """Structured data rather than a report's text: a text report never parses as a JSON object or list."""
    if text.lstrip()[:1] not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
