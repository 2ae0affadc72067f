"""Helpers for the service tests: real servers as `xxgk serve` / `xxgk worker` subprocesses on 127.0.0.1, a free
port, and a temporary data folder (SQLite database, uploads) of their own per test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from xxgk.runners.jobs.store import Store
from xxgk.settings import Settings

XXGK = Path(sys.executable).parent / "xxgk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(data_dir: Path, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_")}
    env["XXGK_DATA_DIR"] = str(data_dir)
    env.update({f"XXGK_{k.upper()}": str(v) for k, v in settings.items()})
    return env


class ServerProc:
    """`xxgk serve` as a subprocess; `url` once healthy."""

    def __init__(self, data_dir: Path, *, workers: int = 1, **settings: object):
        if not XXGK.exists():
            pytest.skip(f"console script not installed at {XXGK} (pip install -e .)")
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"server-{self.port}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.env = service_env(data_dir, **settings)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([str(XXGK), "serve", "--port", str(self.port), "--workers", str(workers)],
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy after {timeout}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill9(self) -> None:
        self.proc.kill()
        self.proc.wait()


def start_worker(data_dir: Path, **settings: object) -> subprocess.Popen:
    log = (data_dir / "workers.log").open("ab")
    return subprocess.Popen([str(XXGK), "worker"], env=service_env(data_dir, **settings), stdout=log,
                            stderr=subprocess.STDOUT)


def make_token(data_dir: Path, name: str) -> str:
    store = Store.of(Settings(data_dir=data_dir))
    token, _ = store.create_token(name=name)
    store.close()
    return token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def submit(url: str, token: str, path: Path, *, data: bytes | None = None, name: str | None = None,
           rerun: bool = False) -> httpx.Response:
    content = path.read_bytes() if data is None else data
    form = {"rerun": "true"} if rerun else {}
    return httpx.post(f"{url}/v1/reports", headers=auth(token), files={"file": (name or path.name, content)},
                      data=form, timeout=60)


def wait_done(url: str, token: str, job_id: str, timeout: float = 180.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/v1/reports/{job_id}", headers=auth(token), timeout=30).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} not finished after {timeout}s: {job}")


def raw_chunked_post(port: int, path: str, headers: dict[str, str], total: int, *, chunk: int = 64 * 1024,
                     pause_after: int | None = None, pause: float = 0.0, prefix: bytes = b"") -> tuple[str, int]:
    """POST `prefix` then up to `total` bytes as a chunked body over a raw socket, reading the answer as soon
    as one comes.

    Returns the answer (status line, headers, body) and how many body bytes were sent before the server
    answered or closed the connection; after `pause_after` bytes the sender waits `pause` seconds.
    """
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    block = f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n"
    sent = 0
    answered = threading.Event()

    def send_body(sock: socket.socket) -> None:
        nonlocal sent
        try:
            if prefix:
                sock.sendall(f"{len(prefix):x}\r\n".encode() + prefix + b"\r\n")
            while sent < total and not answered.is_set():
                if pause_after is not None and sent == pause_after:
                    time.sleep(pause)
                sock.sendall(block)
                sent += chunk
        except OSError:  # the server closed the connection: it read no more
            pass

    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n{head}\r\n".encode())
        sender = threading.Thread(target=send_body, args=(sock,), daemon=True)
        sender.start()
        answer = b""
        try:
            while not (b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}")) and (more := sock.recv(65536)):
                answer += more
        except OSError:
            pass
        answered.set()
        at_answer = sent
        sock.shutdown(socket.SHUT_RDWR)
        sender.join(10)
    return answer.decode("utf-8", "replace"), at_answer


def multipart_head(name: str, boundary: str = "b") -> bytes:
    """The start of a multipart/form-data body whose `file` part (named `name`) follows."""
    return (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
