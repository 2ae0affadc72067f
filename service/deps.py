"""Typed dependencies of the endpoints: settings, store, files, editions and pipeline options of the app, the caller's
token, the caller's job. Each is an `Annotated` alias, so a route states what it needs in its
signature and tests can see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from xxgk.options import PipelineOptions
from xxgk.runners.jobs.files import FileStore
from xxgk.runners.jobs.records import JobRecord
from xxgk.runners.jobs.render import PageRenderer
from xxgk.runners.jobs.store import Store
from xxgk.service.errors import ApiError
from xxgk.service.sessions import session_caller
from xxgk.settings import Settings
from xxgk.templates import Edition


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _store(request: Request) -> Store:
    return request.app.state.store


def _files(request: Request) -> FileStore:
    return request.app.state.files


def _editions(request: Request) -> dict[str, Edition]:
    return request.app.state.editions


def _options(request: Request) -> PipelineOptions:
    return request.app.state.options


def _renderer(request: Request) -> PageRenderer:
    return request.app.state.renderer


SettingsDep = Annotated[Settings, Depends(_settings)]
StoreDep = Annotated[Store, Depends(_store)]
FilesDep = Annotated[FileStore, Depends(_files)]
EditionsDep = Annotated[dict[str, Edition], Depends(_editions)]
OptionsDep = Annotated[PipelineOptions, Depends(_options)]
RendererDep = Annotated[PageRenderer, Depends(_renderer)]

_bearer = HTTPBearer(auto_error=False, description="An API token from `xxgk token create --name NAME`.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def caller(request: Request, store: StoreDep, credentials: BearerDep) -> int:
    """The id of the caller's token: `Authorization: Bearer <token>`, or on a GET of a job the review session
    opened for it (`xxgk.service.sessions`); else 401. A token in the URL is refused here: only the review page
    takes one, once, to open a session."""
    if credentials is not None:
        token_id = store.token_id(token=credentials.credentials)
        if token_id is None:
            raise _unauthorized("unknown or revoked API token")
        return token_id
    token_id = session_caller(request, store)
    if token_id is not None:
        return token_id
    if "token" in request.query_params:
        raise _unauthorized("a token in the URL is accepted only when opening a review page "
                            "(GET /v1/reports/{id}/review?token=...); send it as Authorization: Bearer <token>")
    raise _unauthorized("an API token is required: Authorization: Bearer <token>")


CallerDep = Annotated[int, Depends(caller)]


def owned_job(job_id: str, token_id: CallerDep, store: StoreDep) -> JobRecord:
    """The caller's job; another token's job is 404 as if it did not exist."""
    job = store.get_job(job_id=job_id, token_id=token_id)
    if job is None:
        raise ApiError(404, "not_found", f"no report job {job_id}")
    return job


JobDep = Annotated[JobRecord, Depends(owned_job)]
