"""Embedded worker processes for `xxgk serve --workers N`, restarted if one dies.

Each is a spawned process running `service.worker.run_worker_process`; it stops after the job in
hand on SIGTERM, and by itself when the server process that started it is gone (so a server killed
with -9 and restarted does not leave extra workers behind). A worker killed mid-job loses nothing:
its job is claimed again when the lease runs out.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
from multiprocessing.process import BaseProcess

from xxgk.settings import Settings

log = logging.getLogger(__name__)


def _child(settings: Settings, parent_pid: int) -> None:
    from service.worker import run_worker_process

    run_worker_process(settings, parent_pid=parent_pid)


class WorkerPool:
    def __init__(self, settings: Settings, n: int, *, grace_seconds: float = 10.0):
        self.settings = settings
        self.n = n
        self.grace_seconds = grace_seconds
        self.procs: list[BaseProcess] = []
        self._ctx = mp.get_context("spawn")
        self._stopping = threading.Event()
        self._monitor = threading.Thread(target=self._watch, name="worker-pool", daemon=True)

    def _spawn(self) -> BaseProcess:
        proc = self._ctx.Process(target=_child, args=(self.settings, os.getpid()), name="xxgk-worker", daemon=False)
        proc.start()
        log.info("started worker process %s", proc.pid)
        return proc

    def start(self) -> None:
        self.procs = [self._spawn() for _ in range(self.n)]
        self._monitor.start()

    def _watch(self) -> None:
        while not self._stopping.wait(2.0):
            for i, proc in enumerate(self.procs):
                if not proc.is_alive() and not self._stopping.is_set():
                    log.warning("worker process %s exited (%s); starting another", proc.pid, proc.exitcode)
                    self.procs[i] = self._spawn()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.pid is not None]

    def stop(self) -> None:
        """SIGTERM (finish the job in hand), then SIGKILL after the grace period; jobs cut off are
        claimed again later, never lost."""
        self._stopping.set()
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(self.grace_seconds)
            if proc.is_alive():
                proc.kill()
                proc.join()
