"""The FastAPI app factory. Nothing is created at import: `create_app(settings)` builds an app whose
lifespan opens the database and the file store (and starts embedded workers when asked), so every
test can run its own app on its own temporary data folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from xxgk import __version__
from xxgk.options import load_options
from xxgk.runners.jobs.files import FileStore
from xxgk.runners.jobs.render import PageRenderer
from xxgk.runners.jobs.store import Store
from xxgk.service.errors import install_error_handlers
from xxgk.service.headers import SecurityHeaders
from xxgk.service.limits import BodyLimit
from xxgk.service.retention import Janitor
from xxgk.service.routes import PREFIX as UPLOAD_PATH
from xxgk.service.routes import router
from xxgk.settings import Settings, get_settings
from xxgk.templates import load_editions

DESCRIPTION = """Submit 政府信息公开工作年度报告 files (PDF, image, HTML or text) and get exact, checked table numbers.

Every call needs `Authorization: Bearer <token>` (`xxgk token create --name NAME`); a token sees only its own
jobs. `POST /v1/reports` answers at once with a job id; poll `GET /v1/reports/{id}` until `status` is `done`
or `failed`, then fetch `/result` (the output contract JSON), `/result.csv`, `/result.xlsx` or the HTML `/review`.
"""


def create_app(settings: Settings | None = None, *, workers: int = 0) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.store = Store.of(settings)
        app.state.files = FileStore(Path(settings.data_dir))
        app.state.renderer = PageRenderer(processes=settings.render_processes, timeout=settings.render_timeout_seconds,
                                          memory_mb=settings.render_memory_mb, tmp_dir=app.state.files.tmp_dir)
        app.state.editions = load_editions(settings.templates_dir)
        app.state.options = load_options(settings.pipeline_config)
        pool = None
        if workers > 0:
            from xxgk.runners.jobs.pool import WorkerPool

            pool = WorkerPool(settings, workers)
            pool.start()
        app.state.pool = pool
        janitor = Janitor(app.state.store, app.state.files, settings)
        janitor.start()
        try:
            yield
        finally:
            janitor.stop()
            if pool is not None:
                pool.stop()
            app.state.store.close()

    app = FastAPI(title="xxgk", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(router)
    app.add_middleware(BodyLimit, upload_path=UPLOAD_PATH, upload_bytes=int(settings.max_upload_mb * 2**20),
                       read_timeout=settings.upload_timeout_seconds)
    app.add_middleware(SecurityHeaders)  # outermost: refusals of BodyLimit get the headers too

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, object]:
        return {"ok": True, "version": __version__}

    return app
