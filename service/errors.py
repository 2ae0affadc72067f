"""`ApiError`: every refusal of the service as `{"error": {"category", "message"}}` with a status."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse


class ApiError(Exception):
    def __init__(self, status: int, category: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.headers = headers


def error_response(status: int, category: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"category": category, "message": message}}, status_code=status, headers=headers)


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.category, exc.message, exc.headers)
