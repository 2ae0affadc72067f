"""A `multipart/form-data` request body read as it streams, its file part written straight into a sink.

FastAPI's own form parsing reads the whole body (spooling files to disk) before any dependency
runs, so the caller's token would be checked only after the upload. The upload route instead
declares no body parameters (its token is checked first) and reads the body here: the one file
part goes chunk by chunk into the sink (the upload's temporary file, which counts, hashes and
refuses at the size limit), other fields are kept only if small, and the part count is bounded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD_BYTES = 1024
"""Largest non-file field (`rerun=true` needs 4 bytes)."""
MAX_PARTS = 8
MAX_HEADER_BYTES = 4096
"""Largest header line of a part (a long file name fits; the parser enforces it)."""


class FormError(Exception):
    """The body is not the form the route expects; the message says what is wrong."""


class FileSink(Protocol):
    def begin(self, filename: str | None) -> None: ...

    def write(self, chunk: bytes) -> None: ...


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    has_file: bool = False


class _Reader:
    """python-multipart's callbacks: header lines of a part, then its data to the sink or a field."""

    def __init__(self, file_field: str, sink: FileSink):
        self.file_field, self.sink = file_field, sink
        self.form = Form()
        self.parts = 0
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._name: str | None = None
        self._to_sink = False
        self._data = bytearray()

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise FormError(f"more than {MAX_PARTS} parts in the form")
        self._disposition, self._name, self._to_sink, self._data = b"", None, False, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name, self._header_value = bytearray(), bytearray()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if self._name == self.file_field and b"filename" in options:
            if self.form.has_file:
                raise FormError(f"more than one `{self.file_field}` part; upload one file per request")
            self.form.has_file = self._to_sink = True
            self.sink.begin(options[b"filename"].decode("utf-8", "replace"))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._to_sink:
            self.sink.write(data[start:end])
            return
        self._data += data[start:end]
        if len(self._data) > MAX_FIELD_BYTES:
            raise FormError(f"form field `{self._name}` is over {MAX_FIELD_BYTES} bytes")

    def on_part_end(self) -> None:
        if not self._to_sink and self._name:
            self.form.fields[self._name] = self._data.decode("utf-8", "replace")


async def read_form(content_type: str | None, body: AsyncIterator[bytes], *, file_field: str,
                    sink: FileSink) -> Form:
    """Parse the body as it arrives; the file part named `file_field` goes to `sink`.

    Raises `FormError` for a body that is not multipart/form-data or is malformed; whatever the sink
    raises (its size limit) comes through unchanged.
    """
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise FormError(f"expected a multipart/form-data body with a `{file_field}` part")
    reader = _Reader(file_field, sink)
    callbacks = {name: getattr(reader, name) for name in (
        "on_part_begin", "on_part_data", "on_part_end", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished")}
    parser = MultipartParser(boundary, callbacks, max_header_size=MAX_HEADER_BYTES)  # type: ignore[arg-type]
    try:
        async for chunk in body:
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise FormError(f"a malformed multipart/form-data body ({exc})") from exc
    if not reader.form.has_file:
        raise FormError(f"no `{file_field}` part with a file in the form")
    return reader.form
