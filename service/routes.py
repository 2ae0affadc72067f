"""The `/v1` endpoints. Each route is thin: checks in `uploads`, SQL in `db`, files in `storage`,
HTML in `review`, tables in `xxgk.runners.export`."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from xxgk.contract import Report
from xxgk.runners.export import write_csv, write_xlsx
from xxgk.runners.jobs.files import FileStore
from xxgk.runners.jobs.records import JobCreate, JobRecord
from xxgk.runners.jobs.render import RenderBusy, RenderFailed
from xxgk.runners.jobs.store import Store
from xxgk.service.deps import (
    BearerDep,
    CallerDep,
    EditionsDep,
    FilesDep,
    JobDep,
    OptionsDep,
    RendererDep,
    SettingsDep,
    StoreDep,
    caller,
    owned_job,
)
from xxgk.service.errors import ApiError
from xxgk.service.multipart import FormError, read_form
from xxgk.service.review import REVIEW_CSP, render_review
from xxgk.service.schemas import ErrorBody, JobAccepted, JobPublic
from xxgk.service.sessions import open_review
from xxgk.service.uploads import Received, UploadRefused, UploadSink

router = APIRouter(prefix="/v1")
PREFIX = "/v1/reports"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ERRORS = {code: {"model": ErrorBody} for code in (400, 401, 404, 409, 413, 415, 422, 503)}


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "The report file"},
        "rerun": {"type": "boolean", "default": False,
                  "description": "Extract again even if this token already submitted the same bytes"}}}}}}}


@router.post("/reports", status_code=202, response_model=JobAccepted, responses=_ERRORS, openapi_extra=UPLOAD_BODY,
             summary="Submit a report file (PDF, image, HTML or text)")
async def submit_report(request: Request, token_id: CallerDep, store: StoreDep, files: FilesDep,
                        settings: SettingsDep, response: Response,
                        rerun_query: Annotated[bool, Query(alias="rerun", include_in_schema=False)] = False,
                        ) -> JobAccepted:
    """Stores the bytes (by sha256) and queues a job; answers at once with its id (202).

    The same bytes from the same token give the existing job (200, `existing: true`) unless `rerun=true`.
    Refused with a 4xx JSON error: no token (401, before the body is read), empty (400), too large (413,
    as soon as the limit is passed), not a report format (415), corrupt, encrypted or too many pages (422).
    """
    sink = await run_in_threadpool(UploadSink, files.tmp_dir, int(settings.max_upload_mb * 2**20))
    try:
        form = await read_form(request.headers.get("content-type"), request.stream(), file_field="file", sink=sink)
        received = await run_in_threadpool(sink.finish, max_pages=settings.max_pdf_pages)
    except BaseException as exc:
        sink.discard()
        if isinstance(exc, UploadRefused):
            raise ApiError(exc.status, exc.category, exc.message) from exc
        if isinstance(exc, FormError):
            raise ApiError(422, "invalid_request", str(exc)) from exc
        if isinstance(exc, ClientDisconnect):
            raise ApiError(400, "bad_request", "the client went away before the upload was complete") from exc
        raise
    rerun = rerun_query or form.fields.get("rerun", "").strip().lower() in ("true", "1", "yes", "on")
    job, existing = await run_in_threadpool(_queue, store, files, token_id, received, rerun)
    if existing:
        response.status_code = 200
    return _accepted(job, existing=existing)


def _queue(store: Store, files: FileStore, token_id: int, received: Received, rerun: bool) -> tuple[JobRecord, bool]:
    """The job for an accepted upload: the token's existing one for these bytes, or a new queued one.

    The bytes go to their content address first (a no-op when they are there), so a job is never
    visible to a worker before its file."""
    files.put_blob(received.tmp_path, received.sha256, received.kind)
    return store.queue_job(job=JobCreate(token_id=token_id, sha256=received.sha256, kind=received.kind,
                                         size=received.size, pages=received.pages, filename=received.filename,
                                         doc_id=received.doc_id), rerun=rerun)


def _accepted(job: JobRecord, *, existing: bool) -> JobAccepted:
    public = JobPublic.of(job, PREFIX)
    return JobAccepted(id=job.id, status=job.status, existing=existing, links=public.links)


@router.get("/reports/{job_id}", response_model=JobPublic, responses=_ERRORS, summary="Where a job stands")
def get_report(job: JobDep) -> JobPublic:
    return JobPublic.of(job, PREFIX)


def _finished_report(job: JobRecord) -> Report:
    if job.status in ("queued", "running"):
        raise ApiError(409, "not_ready", f"job {job.id} is {job.status} (stage {job.stage}); "
                                         f"poll GET {PREFIX}/{job.id} until it is done")
    if job.result_json is None:
        reasons = "; ".join(e.message for e in job.errors) or "no report produced"
        raise ApiError(422, "failed", f"{job.filename} gave no report: {reasons}")
    return Report.from_json(job.result_json)


@router.get("/reports/{job_id}/result", responses={**_ERRORS, 200: {"description": "The output contract JSON"}},
            summary="The report (output contract JSON)")
def get_result(job: JobDep) -> Response:
    _finished_report(job)
    return Response(job.result_json, media_type="application/json")


def _table_file(job: JobRecord, files: FilesDep, suffix: str,
                write: Callable[[Path, list[Report], dict[str, str]], None]) -> bytes:
    """The finished job's report written by `write(path, reports, statuses)` to a temporary file, as bytes."""
    report = _finished_report(job)
    statuses = {report.doc_id: job.outcome or "success"}
    with tempfile.TemporaryDirectory(dir=files.tmp_dir) as tmp:
        path = Path(tmp) / f"report{suffix}"
        write(path, [report], statuses)
        return path.read_bytes()


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/reports/{job_id}/result.csv", responses=_ERRORS, summary="The report as one CSV row (UTF-8, BOM)")
def get_result_csv(job: JobDep, editions: EditionsDep, files: FilesDep) -> Response:
    def write(path: Path, reports: list[Report], statuses: dict[str, str]) -> None:
        write_csv(path, reports, statuses, editions)

    return Response(_table_file(job, files, ".csv", write), media_type="text/csv; charset=utf-8",
                    headers=_download(f"{job.id}.csv"))


@router.get("/reports/{job_id}/result.xlsx", responses=_ERRORS, summary="The report as XLSX (reports, cells, checks)")
def get_result_xlsx(job: JobDep, editions: EditionsDep, files: FilesDep, options: OptionsDep) -> Response:
    def write(path: Path, reports: list[Report], statuses: dict[str, str]) -> None:
        write_xlsx(path, reports, statuses, editions, review_below=options.review.below)

    return Response(_table_file(job, files, ".xlsx", write), media_type=XLSX_TYPE,
                    headers=_download(f"{job.id}.xlsx"))


@router.get("/reports/{job_id}/review", response_class=HTMLResponse, responses=_ERRORS,
            summary="HTML review page: page images with boxes, tables, highlights")
def get_review(job_id: str, request: Request, store: StoreDep, files: FilesDep, editions: EditionsDep,
               options: OptionsDep, settings: SettingsDep, credentials: BearerDep,
               token: Annotated[str | None, Query(description="For a browser: the API token, once. The answer sets "
                                                              "a review session cookie for this job and opens the "
                                                              "page without the token in its URL.")] = None,
               ) -> HTMLResponse:
    if token is not None and credentials is None:
        token_id = store.token_id(token=token)
        if token_id is None:
            raise ApiError(401, "unauthorized", "unknown or revoked API token")
        job = owned_job(job_id, token_id, store)
        return open_review(store, settings, request, token_id=token_id, job_id=job.id)
    job = owned_job(job_id, caller(request, store, credentials), store)
    if job.status in ("queued", "running"):
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=3>"
                            f"<title>{job.status}</title><p>Job {job.id} is {job.status} (stage {job.stage}); "
                            "this page reloads until it is done.</p>")
    report = Report.from_json(job.result_json) if job.result_json else None
    edition = editions.get(report.meta.edition or "") if report else None
    document = files.load_document(job.document_path)
    return HTMLResponse(render_review(job, report, document, edition, options.review.below),
                        headers={"Content-Security-Policy": REVIEW_CSP})


@router.get("/reports/{job_id}/pages/{number}.png", responses={**_ERRORS, 200: {"content": {"image/png": {}}}},
            response_class=FileResponse, summary="Page image (PNG, 200 dpi or less) for the review page")
async def get_page_image(job: JobDep, number: int, files: FilesDep, renderer: RendererDep) -> FileResponse:
    """The page at 200 dpi (the frame of the boxes), or smaller for a page bigger than A2; rendered once, in
    a child process with memory and time limits, then served from the cache."""
    if job.kind not in ("pdf", "image") or number < 1 or (job.pages is not None and number > job.pages):
        raise ApiError(404, "not_found", f"job {job.id} has no page image {number}")
    path = files.page_path(job.sha256, number)
    blob = files.blob_path(job.sha256, job.kind)
    if not path.is_file():
        if not blob.is_file():
            raise ApiError(404, "not_found", f"job {job.id} has no page image {number}")
        try:
            rendered = await renderer.render(blob, job.kind, number, path)
        except RenderBusy as exc:
            raise ApiError(503, "unavailable", str(exc), headers={"Retry-After": "5"}) from exc
        except RenderFailed as exc:
            raise ApiError(422, "unrenderable", str(exc)) from exc
        if not rendered:
            raise ApiError(404, "not_found", f"job {job.id} has no page image {number}")
    return FileResponse(path, media_type="image/png")


@router.get("/tokens/me", summary="Check a token")
def whoami(token_id: CallerDep) -> dict[str, int]:
    return {"token_id": token_id}
