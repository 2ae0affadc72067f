"""Typed dependencies of the endpoints: settings, store, files and editions of the app, the caller's
token, the caller's job. Each is an `Annotated` alias, so a route states what it needs in its
signature and tests can see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.db import Store
from service.errors import ApiError
from service.schemas import JobRecord
from service.storage import FileStore
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


SettingsDep = Annotated[Settings, Depends(_settings)]
StoreDep = Annotated[Store, Depends(_store)]
FilesDep = Annotated[FileStore, Depends(_files)]
EditionsDep = Annotated[dict[str, Edition], Depends(_editions)]

_bearer = HTTPBearer(auto_error=False, description="An API token from `xxgk token create --name NAME`.")


def caller(store: StoreDep,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
           token: Annotated[str | None, Query(description="The API token, for links opened in a browser "
                                                          "(review page, page images); prefer the header")] = None,
           ) -> int:
    """The id of the caller's token: `Authorization: Bearer <token>` (or `?token=`), else 401."""
    given = credentials.credentials if credentials is not None else token
    if not given:
        raise ApiError(401, "unauthorized", "an API token is required: Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": "Bearer"})
    token_id = store.token_id(token=given)
    if token_id is None:
        raise ApiError(401, "unauthorized", "unknown API token", headers={"WWW-Authenticate": "Bearer"})
    return token_id


CallerDep = Annotated[int, Depends(caller)]


def owned_job(job_id: str, token_id: CallerDep, store: StoreDep) -> JobRecord:
    """The caller's job; another token's job is 404 as if it did not exist."""
    job = store.get_job(job_id=job_id, token_id=token_id)
    if job is None:
        raise ApiError(404, "not_found", f"no report job {job_id}")
    return job


JobDep = Annotated[JobRecord, Depends(owned_job)]
