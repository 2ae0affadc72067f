"""Security headers on every answer of the service, errors and 500s included.

Every response gets `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
`X-Frame-Options: DENY`, `Cache-Control: no-store` (reports are private: no shared cache or browser
disk keeps them) and a Content-Security-Policy that allows nothing (`default-src 'none'`,
`frame-ancestors 'none'`). A response that sets its own policy keeps it: the review page allows
its page images and its one inline stylesheet by hash (`xxgk.service.review.CSP`). The OpenAPI pages
(`/docs`, `/redoc`) load FastAPI's Swagger UI and ReDoc assets from their CDN, so they get a
policy naming it.

`SecurityHeaders` is a pure ASGI middleware (it never buffers a body); Starlette answers an
unhandled exception outside the middleware stack, so the 500 handler adds `security_headers()`
itself (`xxgk.service.errors`).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCKED_DOWN = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""Nothing may load, run or frame: JSON, CSV, XLSX, PNG and the service's small HTML pages."""

DOCS = ("default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
        "style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
        "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
        "https://cdn.redoc.ly; worker-src blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'")
"""Swagger UI and ReDoc as FastAPI serves them (CDN scripts and an inline bootstrap script)."""

DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def security_headers(path: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": DOCS if path in DOCS_PATHS else LOCKED_DOWN,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


class SecurityHeaders:
    """Adds `security_headers()` to every HTTP response, keeping any of them the response set itself."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in security_headers(scope["path"]).items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
