"""Bounded load test of the HTTP service: N submissions from C concurrent clients against a local
`xxgk serve --workers W` on a temporary data folder.

    python benchmarks/load_test.py [--n 200] [--clients 20] [--workers 2] [--mode closed|burst]
    make loadtest

Each report is a distinct generated file (text, HTML and born-digital PDF in turn, with gold), so
nothing is deduplicated. `closed`: every client submits one file, polls until its job is finished,
then submits the next. `burst`: every client submits all its files back to back, then polls them.
A warm-up job runs first (workers load the classifier), outside the measurement.

Reported: throughput (finished reports/s over the run), submit latency and time-to-result
percentiles (p50/p95/p99, seen by the client, polling every 0.2 s), that no job was lost (every
accepted job finished, and the database holds exactly the accepted jobs), cell accuracy against the
generator's gold, and peak memory of the server and its workers (sum of RSS sampled every 0.25 s,
and the sum of each process's own peak, VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
XXGK = Path(sys.executable).parent / "xxgk"


@dataclass
class Sample:
    path: Path
    job_id: str | None = None
    status_code: int | None = None
    submit_s: float | None = None
    result_s: float | None = None
    status: str | None = None
    outcome: str | None = None
    cells_ok: int = 0
    cells_total: int = 0


@dataclass
class MemoryProbe:
    """Peak summed RSS of a process tree, sampled in the background."""

    root: int
    peak_rss: int = 0
    hwm: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def tree(self) -> list[int]:
        pids, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as fh:
                        todo.extend(int(c) for c in fh.read().split())
            except OSError:
                continue
        return pids

    @staticmethod
    def status(pid: int) -> dict[str, int]:
        out = {}
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith(("VmRSS:", "VmHWM:")):
                        out[line.split(":")[0]] = int(line.split()[1]) * 1024
        except OSError:
            pass
        return out

    def sample(self) -> None:
        total = 0
        for pid in self.tree():
            st = self.status(pid)
            total += st.get("VmRSS", 0)
            if "VmHWM" in st:
                self.hwm[pid] = max(self.hwm.get(pid, 0), st["VmHWM"])
        self.peak_rss = max(self.peak_rss, total)

    def run(self) -> None:
        while not self._stop.wait(0.25):
            self.sample()

    def start(self) -> None:
        threading.Thread(target=self.run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self.sample()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    qs = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return {"p50": round(qs[49], 3), "p95": round(qs[94], 3), "p99": round(qs[98], 3), "max": round(max(values), 3)}


def generate(out: Path, n: int, seed: int) -> list[Path]:
    from xxgk.training.synth.corpus import write_set

    docs = write_set(out, n, seed=seed, kinds=("text", "html", "text", "pdf"))
    return [out / d.filename for d in docs]


def wait_finished(client: httpx.Client, job_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/reports/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    return {"status": "timeout"}


def score(client: httpx.Client, sample: Sample) -> None:
    gold = json.loads(sample.path.with_name(f"{sample.path.stem}.gold.json").read_text(encoding="utf-8"))
    result = client.get(f"/v1/reports/{sample.job_id}/result").json()
    sample.cells_total = len(gold["cells"])
    sample.cells_ok = sum(1 for k, v in gold["cells"].items() if result["cells"].get(k, {}).get("value") == v)


def submit(client: httpx.Client, sample: Sample) -> float:
    start = time.perf_counter()
    resp = client.post("/v1/reports", files={"file": (sample.path.name, sample.path.read_bytes())})
    sample.submit_s = time.perf_counter() - start
    sample.status_code = resp.status_code
    if resp.status_code == 202:
        sample.job_id = resp.json()["id"]
    return start


def client_loop(url: str, token: str, work: queue.Queue, mode: str, timeout: float) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        mine: list[tuple[Sample, float]] = []
        while True:
            try:
                sample = work.get_nowait()
            except queue.Empty:
                break
            start = submit(client, sample)
            if mode == "closed":
                mine = [(sample, start)]
                _finish(client, mine, timeout)
            else:
                mine.append((sample, start))
        if mode == "burst":
            _finish(client, mine, timeout)


def _finish(client: httpx.Client, samples: list[tuple[Sample, float]], timeout: float) -> None:
    for sample, start in samples:
        if sample.job_id is None:
            continue
        job = wait_finished(client, sample.job_id, timeout)
        sample.result_s = time.perf_counter() - start
        sample.status, sample.outcome = job["status"], job.get("outcome")
        if sample.status == "done":
            score(client, sample)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--mode", choices=("closed", "burst"), default="closed")
    ap.add_argument("--threads", type=int, default=1,
                    help="Classifier threads per worker (XXGK_THREADS); 1 keeps W workers on W cores.")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--timeout", type=float, default=1800, help="Seconds a client waits for one result.")
    ap.add_argument("--out", type=Path, default=None, help="Write the summary JSON here too.")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="xxgk-load-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"generating {args.n + 1} reports ...", file=sys.stderr)
        files = generate(tmp / "reports", args.n + 1, args.seed)
        data_dir, port = tmp / "data", free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_")}
        env["XXGK_DATA_DIR"] = str(data_dir)
        env["XXGK_THREADS"] = str(args.threads)
        from xxgk.runners.jobs.store import Store
        from xxgk.settings import Settings

        store = Store.of(Settings(data_dir=data_dir))
        token, _ = store.create_token(name="load-test")
        url = f"http://127.0.0.1:{port}"
        log = (tmp / "server.log").open("wb")
        server = subprocess.Popen([str(XXGK), "serve", "--port", str(port), "--workers", str(args.workers)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        probe = MemoryProbe(server.pid)
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            probe.start()
            print("warm-up job ...", file=sys.stderr)
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
                warm = Sample(files[0])
                submit(client, warm)
                wait_finished(client, warm.job_id, args.timeout)
                time.sleep(3 * args.workers)  # every worker has loaded its model by now

            samples = [Sample(p) for p in files[1:]]
            work: queue.Queue = queue.Queue()
            for s in samples:
                work.put(s)
            print(f"{args.n} submissions from {args.clients} clients ({args.mode}) against {args.workers} "
                  "workers ...", file=sys.stderr)
            start = time.perf_counter()
            threads = [threading.Thread(target=client_loop, args=(url, token, work, args.mode, args.timeout))
                       for _ in range(args.clients)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            elapsed = time.perf_counter() - start
            probe.stop()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()

        accepted = [s for s in samples if s.job_id]
        finished = [s for s in accepted if s.status in ("done", "failed")]
        counts = store.count_jobs()
        store.close()
        summary = {
            "n": args.n, "clients": args.clients, "workers": args.workers, "threads": args.threads,
            "mode": args.mode,
            "cpus": os.cpu_count(), "seconds": round(elapsed, 2),
            "throughput_reports_per_s": round(len(finished) / elapsed, 3),
            "accepted": len(accepted), "refused": len(samples) - len(accepted),
            "done": sum(1 for s in finished if s.status == "done"),
            "failed": sum(1 for s in finished if s.status == "failed"),
            "outcomes": {o: sum(1 for s in finished if s.outcome == o)
                         for o in ("success", "partial_success", "failure")},
            "lost": len(accepted) - len(finished),
            "db_jobs": counts, "db_jobs_total": sum(counts.values()),
            "submit_latency_s": percentiles([s.submit_s for s in samples if s.submit_s is not None]),
            "time_to_result_s": percentiles([s.result_s for s in finished if s.result_s is not None]),
            "cell_accuracy": round(sum(s.cells_ok for s in finished) / max(1, sum(s.cells_total for s in finished)),
                                   5),
            "peak_rss_mb_sampled": round(probe.peak_rss / 2**20, 1),
            "sum_of_process_peaks_mb": round(sum(probe.hwm.values()) / 2**20, 1),
            "processes": len(probe.hwm),
        }
        summary["no_job_lost"] = summary["lost"] == 0 and summary["db_jobs_total"] == len(accepted) + 1
    text = json.dumps(summary, indent=1)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    sys.exit(0 if summary["no_job_lost"] and summary["refused"] == 0 else 1)


if __name__ == "__main__":
    main()
