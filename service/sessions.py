"""Review pages in a browser without the API token in any later URL, page or log.

A browser cannot send `Authorization: Bearer`, so the review page (and only it, only on GET) takes
the token once as `?token=`: the server answers with a review session, a random secret in a cookie
(`HttpOnly`: no script reads it; `SameSite=Strict`: no other site's page sends it; `Path` the job's
own URLs: it opens that one job, read-only) that lasts `review_session_seconds`, and a page that
moves on to the review URL without the token. Only the secret's hash is stored; revoking the token
ends its sessions.

The hop is a page with a meta refresh rather than a redirect: a link followed from another site (a
mail, a chat) is a cross-site navigation, and browsers withhold a Strict cookie from every request
of a cross-site redirect chain, but send it on a navigation the service's own page starts.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from xxgk.runners.jobs.store import Store
from xxgk.settings import Settings

COOKIE = "xxgk_review"
SAFE_METHODS = ("GET", "HEAD")
ENTRY_PAGE = ("<!doctype html><html lang=en><meta charset=utf-8><meta http-equiv=refresh content=\"0;url=review\">"
              "<title>Opening the review page</title><p>Opening <a href=review>the review page</a>…</p></html>")


def job_path(job_id: str) -> str:
    return f"/v1/reports/{job_id}"


def open_review(store: Store, settings: Settings, request: Request, *, token_id: int, job_id: str) -> HTMLResponse:
    """The answer to `GET .../review?token=`: a session cookie for this job and a page that opens the review."""
    secret = store.create_session(token_id=token_id, job_id=job_id, ttl_seconds=settings.review_session_seconds)
    response = HTMLResponse(ENTRY_PAGE)
    response.set_cookie(COOKIE, secret, max_age=int(settings.review_session_seconds), path=job_path(job_id),
                        httponly=True, samesite="strict",
                        secure=settings.cookie_secure or request.url.scheme == "https")
    return response


def session_caller(request: Request, store: Store) -> int | None:
    """The token id behind the request's review session, for a GET of the session's own job; else None."""
    secret = request.cookies.get(COOKIE)
    job_id = request.path_params.get("job_id")
    if not secret or not job_id or request.method not in SAFE_METHODS:
        return None
    return store.session_token_id(secret=secret, job_id=job_id)
