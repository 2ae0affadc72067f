"""Bounds on what a client can make the server read: the size of a request body and the time it
may take to arrive.

`BodyLimit` is a pure ASGI middleware in front of every route. A body declared (Content-Length)
or streamed (chunked) past its limit is answered 413 the moment the limit is passed, and the app
behind it never sees a byte more; a body that stops arriving for `read_timeout` seconds is
answered 408. The upload route gets the upload limit plus room for the multipart envelope (the
exact limit on the file itself is `uploads.UploadSink`'s); every other route, which reads no body,
gets `OTHER_BODY_BYTES`. Either way the connection is closed afterwards, so the rest of an
oversized body is never read.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xxgk.service.errors import error_response

MULTIPART_SLACK = 256 * 1024
"""Room for the multipart envelope (boundaries, part headers, a `rerun` field) around the file."""
OTHER_BODY_BYTES = 64 * 1024
"""Largest body of a request to any other route (none of them reads one)."""


class _Refused(Exception):
    def __init__(self, status: int, category: str, message: str):
        super().__init__(message)
        self.status, self.category, self.message = status, category, message


class BodyLimit:
    def __init__(self, app: ASGIApp, *, upload_path: str, upload_bytes: int, read_timeout: float):
        self.app = app
        self.upload_path = upload_path
        self.upload_bytes = upload_bytes
        self.read_timeout = read_timeout

    def limit(self, scope: Scope) -> int:
        if scope["method"] == "POST" and scope["path"].rstrip("/") == self.upload_path:
            return self.upload_bytes + MULTIPART_SLACK
        return OTHER_BODY_BYTES

    def _too_large(self, limit: int) -> _Refused:
        what = f"the {self.upload_bytes / 2**20:g} MB upload limit" if limit > OTHER_BODY_BYTES else \
            f"the {limit // 1024} KB limit for a request body here"
        return _Refused(413, "too_large", f"the request body is over {what}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"]) if scope["type"] == "http" else {}
        declared = headers.get(b"content-length", b"")
        if scope["type"] != "http" or (not declared.strip(b"0") and b"transfer-encoding" not in headers):
            await self.app(scope, receive, send)  # no body: nothing to bound
            return
        limit = self.limit(scope)
        if declared.isdigit() and int(declared) > limit:
            await _answer(self._too_large(limit), scope, receive, send)
            return
        received, complete = 0, False
        refused: _Refused | None = None
        started = replaced = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.read_timeout

        async def limited_receive() -> Message:
            nonlocal received, complete, refused
            if refused is not None:
                raise refused
            if complete:  # the body is in: later calls only wait for a disconnect
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                refused = _Refused(408, "request_timeout", f"the request body did not arrive within "
                                                           f"{self.read_timeout:g} s")
                raise refused from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > limit:
                    refused = self._too_large(limit)
                    raise refused
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, replaced
            if message["type"] == "http.response.start":
                started = True
                if refused is not None:  # the app answered the refusal its own way: ours instead
                    replaced = True
                    await _answer(refused, scope, receive, send)
                    return
            elif replaced:
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if refused is None:
                raise
            if not started:  # whatever the app made of the refusal, the client gets it as it is
                await _answer(refused, scope, receive, send)


async def _answer(refused: _Refused, scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(refused.status, refused.category, refused.message, headers={"Connection": "close"})
    await response(scope, receive, send)
