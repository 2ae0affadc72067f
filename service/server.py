"""`xxgk serve`: uvicorn running the app, with N embedded worker processes."""

from __future__ import annotations

import logging

from xxgk.settings import Settings


def serve(settings: Settings, *, workers: int = 0, log_level: str = "info") -> None:
    import uvicorn

    from xxgk.service.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings, workers=workers)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level, access_log=False,
                timeout_graceful_shutdown=15)


def run_worker(settings: Settings) -> None:
    from xxgk.runners.jobs.worker import run_worker_process

    run_worker_process(settings)
