"""Embedded worker processes for `xxgk serve --workers N`, restarted if one dies.

Each is a spawned process running `xxgk.runners.jobs.worker.run_worker_process`; it stops after the job in
hand on SIGTERM, and by itself when the server process that started it is gone (so a server killed
with -9 and restarted does not leave extra workers behind). A worker killed mid-job loses nothing:
its job is claimed again when the lease runs out.

Restarts back off: a worker that dies soon after it started (a crash at start-up, a file that kills
it at once) is restarted after `worker_restart_backoff_seconds`, doubling with each quick death up
to `worker_restart_backoff_max_seconds`; one that ran for a while is restarted at once.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess

from xxgk.settings import Settings

log = logging.getLogger(__name__)


def _child(settings: Settings, parent_pid: int) -> None:
    from xxgk.runners.jobs.worker import run_worker_process

    run_worker_process(settings, parent_pid=parent_pid)


STABLE_SECONDS = 60.0
"""A worker that ran this long before it died was not dying of its start: restart it at once."""


@dataclass
class Backoff:
    """When to restart one worker slot after its process died."""

    base: float
    cap: float
    quick_deaths: int = 0

    def delay(self, lived_seconds: float) -> float:
        if lived_seconds >= STABLE_SECONDS:
            self.quick_deaths = 0
            return 0.0
        self.quick_deaths += 1
        return min(self.cap, self.base * 2 ** (self.quick_deaths - 1))


@dataclass
class _Slot:
    proc: BaseProcess
    started: float
    backoff: Backoff
    restart_at: float | None = None


class WorkerPool:
    def __init__(self, settings: Settings, n: int, *, grace_seconds: float = 10.0):
        self.settings = settings
        self.n = n
        self.grace_seconds = grace_seconds
        self.slots: list[_Slot] = []
        self._ctx = mp.get_context("spawn")
        self._stopping = threading.Event()
        self._monitor = threading.Thread(target=self._watch, name="worker-pool", daemon=True)

    def _spawn(self) -> BaseProcess:
        proc = self._ctx.Process(target=_child, args=(self.settings, os.getpid()), name="xxgk-worker", daemon=False)
        proc.start()
        log.info("started worker process %s", proc.pid)
        return proc

    def start(self) -> None:
        self.slots = [_Slot(self._spawn(), time.monotonic(),
                            Backoff(self.settings.worker_restart_backoff_seconds,
                                    self.settings.worker_restart_backoff_max_seconds)) for _ in range(self.n)]
        self._monitor.start()

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            now = time.monotonic()
            for slot in self.slots:
                if self._stopping.is_set() or slot.proc.is_alive():
                    continue
                if slot.restart_at is None:
                    delay = slot.backoff.delay(now - slot.started)
                    slot.restart_at = now + delay
                    log.warning("worker process %s exited (%s); starting another in %.1f s", slot.proc.pid,
                                slot.proc.exitcode, delay)
                if now >= slot.restart_at:
                    slot.proc, slot.started, slot.restart_at = self._spawn(), time.monotonic(), None

    @property
    def procs(self) -> list[BaseProcess]:
        return [slot.proc for slot in self.slots]

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
