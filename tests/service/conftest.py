"""Fixtures of the service tests: report files with gold, and one real server per module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.helpers import ServerProc, make_token


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A generated born-digital PDF and a text report (a shared seed when present), each with gold."""
    from xxgk.training.synth.corpus import write_set

    out = tmp_path_factory.mktemp("reports")
    write_set(out / "pdf", 1, seed=5, kinds=("pdf",))
    seeds = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "seeds"
    text_dir = out / "text"
    if any(seeds.glob("*.txt")):
        text_dir.mkdir()
        src = sorted(seeds.glob("*.txt"))[0]
        shutil.copy(src, text_dir / src.name)
        shutil.copy(src.with_suffix(".gold.json"), text_dir / f"{src.stem}.gold.json")
    else:
        write_set(text_dir, 1, seed=5, kinds=("text",))
    return {"pdf": next((out / "pdf").glob("*.pdf")), "text": next(text_dir.glob("*.txt"))}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProc]:
    """One server with one embedded worker, small limits so refusals are cheap to provoke."""
    srv = ServerProc(tmp_path_factory.mktemp("service"), workers=1, max_upload_mb=1, max_pdf_pages=20)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def token(server: ServerProc) -> str:
    """An API token of the module's server."""
    return make_token(server.data_dir, "alice")
