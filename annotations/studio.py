"""Talking to Label Studio through `label-studio-sdk` (v2), and running a local server for tests and demos.

Where the server is and the key to it come from `StudioSettings` (`XXGK_LABEL_STUDIO_URL`,
`XXGK_LABEL_STUDIO_API_KEY`): a personal access token (Account & Settings) or a legacy token both
work. The server itself lives in its own virtual environment (`.venv-ls`, made by `make setup`):
Label Studio pins Django and many other packages that must not decide this project's versions.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

IMPORT_BATCH = 10
"""Tasks per import request (a task with page images is a few hundred KB per page)."""


class StudioSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XXGK_LABEL_STUDIO_", extra="ignore")

    url: str = "http://127.0.0.1:8080"
    """Label Studio server."""

    api_key: str | None = None
    """Personal access token or legacy token of the Label Studio user pushing and pulling."""

    bin: Path | None = None
    """`label-studio` executable for local servers (tests, the demo); default: `.venv-ls/bin/label-studio`,
    else the one on PATH."""


def connect(url: str | None = None, api_key: str | None = None, settings: StudioSettings | None = None) -> LabelStudio:
    from label_studio_sdk import LabelStudio

    settings = settings or StudioSettings()
    key = api_key or settings.api_key
    if not key:
        raise ValueError("no Label Studio API key: pass --api-key or set XXGK_LABEL_STUDIO_API_KEY")
    return LabelStudio(base_url=(url or settings.url).rstrip("/"), api_key=key, timeout=300)


# ---------------------------------------------------------------- projects and tasks


def find_project(ls: LabelStudio, title: str) -> Any | None:
    for project in ls.projects.list(title=title):
        if project.title == title:
            return project
    return None


def ensure_project(ls: LabelStudio, title: str, label_config: str, description: str = "") -> tuple[Any, bool]:
    """(project, created): the project of that title, made if missing; its labeling config is
    replaced when it differs (a new edition adds labels; Label Studio refuses a config that would
    orphan existing annotations, which is the right answer)."""
    project = find_project(ls, title)
    if project is None:
        project = ls.projects.create(title=title, label_config=label_config, description=description,
                                     sampling="Sequential sampling", show_collab_predictions=True,
                                     show_skip_button=True, enable_empty_annotation=False)
        return project, True
    if (project.label_config or "").strip() != label_config.strip():
        ls.projects.update(id=project.id, label_config=label_config)
    return project, False


def task_doc_ids(ls: LabelStudio, project_id: int) -> set[str]:
    return {str((t.data or {}).get("doc_id")) for t in ls.tasks.list(project=project_id, fields="task_only",
                                                                     include="id,data")}


def import_tasks(ls: LabelStudio, project_id: int, tasks: list[dict]) -> list[int]:
    """Import tasks in order (their ids follow it), a few per request; returns the task ids."""
    ids: list[int] = []
    for i in range(0, len(tasks), IMPORT_BATCH):
        resp = ls.projects.import_tasks(project_id, request=tasks[i:i + IMPORT_BATCH], return_task_ids=True)
        ids += list(resp.task_ids or [])
    # Label Studio remembers the first imported model version and then shows only its predictions;
    # documents read by string matching carry another version, so show every prediction.
    ls.projects.update(id=project_id, model_version="")
    return ids


def finished_tasks(ls: LabelStudio, project_id: int) -> Iterator[tuple[Any, dict]]:
    """(task, annotation) for every task with a submitted annotation: its latest one not cancelled."""
    for task in ls.tasks.list(project=project_id, fields="all"):
        annotations = [a for a in (task.annotations or []) if not a.get("was_cancelled")]
        if annotations:
            yield task, max(annotations, key=lambda a: (a.get("updated_at") or "", a.get("id") or 0))


# ---------------------------------------------------------------- a local server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def label_studio_bin(settings: StudioSettings | None = None) -> Path | None:
    settings = settings or StudioSettings()
    if settings.bin is not None:
        return settings.bin if settings.bin.exists() else None
    local = Path(".venv-ls") / "bin" / "label-studio"  # `make setup` puts it beside the checkout
    if local.exists():
        return local.resolve()
    found = shutil.which("label-studio")
    return Path(found) if found else None


@dataclass
class LocalStudio:
    url: str
    api_key: str
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def client(self) -> LabelStudio:
        return connect(self.url, self.api_key)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def local_label_studio(data_dir: Path, port: int | None = None, timeout: float = 600.0,
                       settings: StudioSettings | None = None) -> Iterator[LocalStudio]:
    """Start Label Studio on 127.0.0.1 with its data (SQLite, uploads) in `data_dir`, yield it once
    `/health` answers, and stop it (its whole process group) on exit.

    Offline: no version check, no analytics. The first start in a fresh folder migrates the database
    (one to two minutes on two busy cores); later starts take about half a minute. The user and its
    legacy API token are made from the environment at first start.
    """
    exe = label_studio_bin(settings)
    if exe is None:
        raise FileNotFoundError("label-studio is not installed: run `make setup` (it makes .venv-ls) "
                                "or set XXGK_LABEL_STUDIO_BIN")
    data_dir.mkdir(parents=True, exist_ok=True)
    token_file = data_dir / "xxgk-api-token"
    if not token_file.exists():
        token_file.write_text(secrets.token_hex(20), encoding="utf-8")
    token = token_file.read_text(encoding="utf-8").strip()
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ,
           "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
           "LABEL_STUDIO_USERNAME": "annotator@xxgk.local",
           "LABEL_STUDIO_PASSWORD": token[:16],
           "LABEL_STUDIO_USER_TOKEN": token,
           "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
           "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
           "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
           "DJANGO_DB": "sqlite"}
    log = data_dir / "server.log"
    with log.open("ab") as out:
        proc = subprocess.Popen([str(exe), "start", "--no-browser", "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=data_dir, start_new_session=True,
                                preexec_fn=_die_with_parent)
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(f"label-studio exited with {proc.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"label-studio not healthy at {url} after {timeout:.0f} s; see {log}")
            time.sleep(2)
        yield LocalStudio(url, token, data_dir, proc, log)
    finally:
        _stop(proc)


def _die_with_parent() -> None:
    """In the child: ask Linux to stop the server when the process that started it dies, even by a
    signal that skips clean-up (elsewhere this is a no-op)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
