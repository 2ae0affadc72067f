"""Every refusal of the service as `{"error": {"category", "message"}}` with a status: the service's own
(`ApiError`), Starlette's (unknown path 404, wrong method 405), FastAPI's request validation (422)
and unhandled exceptions (500, logged with their traceback, never shown to the client)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from xxgk.service.headers import security_headers

log = logging.getLogger(__name__)

CATEGORY = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            408: "request_timeout", 409: "conflict", 413: "too_large", 415: "unsupported_type",
            422: "invalid_request", 429: "too_many_requests", 500: "internal", 503: "unavailable"}


class ApiError(Exception):
    def __init__(self, status: int, category: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.headers = headers


def error_response(status: int, category: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"category": category, "message": message}}, status_code=status, headers=headers)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.category, exc.message, exc.headers)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(exc.status_code, CATEGORY.get(exc.status_code, "error"), str(exc.detail), exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = ["{}: {}".format(".".join(str(p) for p in e.get("loc", ())), e.get("msg", "invalid"))
                for e in exc.errors()]
    return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    """Answered by Starlette outside the middleware stack, hence the security headers added here."""
    log.error("%s %s: unhandled %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
    return error_response(500, "internal", "internal error; the request was not completed (see the server log)",
                          headers=security_headers(request.url.path))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
