"""Throughput of the pipeline on scanned pages: seconds per page by stage, pages per minute, memory.

`xxgk bench` runs the whole pipeline (`Pipeline.extract`) over report files, one after another in
this process, and adds up `Outcome.timings`: the scan stages the ingester reports (rasterize,
orientation, ocr_detect, grid, layout, ocr_read; see `xxgk.inference.ingest.scan`), the rest of ingest,
then labeling, rules and prose. Model loading (OCR engine, classifier) happens before the clock
starts and is reported apart: a batch pays it once.

Without inputs it generates a small scanned set (`xxgk.training.synth.corpus.write_scan_set`: mild to
heavy, both editions, rotations, skew, 150 dpi, photos) in a temporary folder, and scores it
against its gold (`xxgk.scoring`), so one command says both how fast and how well.

Memory: the peak resident set of the process (`getrusage`), which includes the models (a set it
generates is written by a child process, so that rendering pages does not count), and its growth
after the first document, which is what a long batch or a 100-page scan adds (pages are
read one at a time, so it should stay flat).

Cold start: `xxgk extract` of one text and one HTML report, each in a fresh process, as a user
checking one report (or a script calling the CLI per file) runs it: wall seconds from launch to
exit (interpreter, imports, model loading and the work) and the child's peak resident set.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

COLD_RUNS = 3
"""Fresh processes per cold-start input; the median is reported (other load on the machine varies)."""

SCAN_STAGES = ("rasterize", "orientation", "ocr_detect", "ocr_read", "grid", "layout")
LATER_STAGES = ("label", "rules", "prose")


@dataclass(frozen=True)
class ColdStart:
    """`xxgk extract` of one file in a fresh process."""

    kind: str
    seconds: float
    """Median wall seconds from launch to exit."""
    peak_rss_mb: float
    """Largest peak resident set of the runs."""
    ok: bool

    def line(self) -> str:
        failed = "" if self.ok else " (FAILED)"
        return f"  {self.kind:<5} {self.seconds:5.2f} s  {self.peak_rss_mb:4.0f} MB peak{failed}"


@dataclass
class BenchResult:
    files: int = 0
    pages: int = 0
    failed: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    startup: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    rss_after_first_mb: float = 0.0
    score: dict | None = None
    """The scorer's summary, when the inputs came with gold."""
    cold: list[ColdStart] = field(default_factory=list)

    def lines(self) -> list[str]:
        pages = max(self.pages, 1)
        out = []
        if self.cold:
            out += [f"cold start: one report per fresh `xxgk extract` process (median of {COLD_RUNS})",
                    *(c.line() for c in self.cold)]
        out += [f"{self.files} files, {self.pages} pages, {self.failed} failed; models loaded in {self.startup:.1f} s "
               "(once per process, not counted below)",
               f"{self.seconds / pages:.2f} s/page wall ({self.cpu_seconds / pages:.2f} s/page CPU), "
               f"{60 * self.pages / max(self.seconds, 1e-9):.1f} pages/min",
               "stage         s/page   share"]
        for stage, secs in self.stages.items():
            out.append(f"  {stage:<11} {secs / pages:6.2f}  {100 * secs / max(self.seconds, 1e-9):5.1f}%")
        out.append(f"peak memory {self.peak_rss_mb:.0f} MB resident "
                   f"(+{self.peak_rss_mb - self.rss_after_first_mb:.0f} MB after the first file)")
        if self.score:
            out.append(f"accuracy: {json.dumps(self.score, ensure_ascii=False)}")
        return out


def _rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024


def _stage_table(timings: dict[str, float]) -> dict[str, float]:
    scan = {s: timings.get(s, 0.0) for s in SCAN_STAGES}
    out = dict(scan)
    out["ingest_other"] = max(0.0, timings.get("ingest", 0.0) - sum(scan.values()))
    for s in LATER_STAGES:
        out[s] = timings.get(s, 0.0)
    for s, v in timings.items():
        if s not in out and s != "ingest":
            out[s] = v
    return out


def warm_up(pipeline: object) -> float:
    """Load the OCR engine (and, through the pipeline's construction, the classifier) up front."""
    from xxgk.inference.ocr import get_engine
    from xxgk.settings import get_settings

    start = time.perf_counter()
    settings = get_settings()
    get_engine(settings.ocr_engine, threads=settings.ocr_threads)
    return time.perf_counter() - start


def run_bench(paths: Sequence[Path], pipeline: object | None = None, pred_dir: Path | None = None,
              on_file: Callable[[Path, float, int], None] | None = None) -> BenchResult:
    """Extract every file with one pipeline and add up where the time went; reports are written
    to `pred_dir` (for scoring) when given."""
    from xxgk.inference.pipeline import Pipeline
    from xxgk.runners.batch import write_json

    result = BenchResult()
    start = time.perf_counter()
    pipe: Pipeline = pipeline or Pipeline()  # type: ignore[assignment]
    result.startup = warm_up(pipe) + (time.perf_counter() - start if pipeline is None else 0.0)
    totals: dict[str, float] = {}
    wall = cpu = 0.0
    for i, path in enumerate(paths):
        t0, c0 = time.perf_counter(), time.process_time()
        outcome = pipe.extract(path)
        dt = time.perf_counter() - t0
        wall += dt
        cpu += time.process_time() - c0
        for k, v in outcome.timings.items():
            totals[k] = totals.get(k, 0.0) + v
        n_pages = len(outcome.document.pages) if outcome.document is not None else 0
        result.pages += n_pages
        result.failed += outcome.status == "failure"
        if pred_dir is not None and outcome.report is not None:
            pred_dir.mkdir(parents=True, exist_ok=True)
            write_json(outcome.report, pred_dir)
        result.files += 1
        if i == 0:
            result.rss_after_first_mb = _rss_mb()
        if on_file is not None:
            on_file(path, dt, n_pages)
    result.seconds, result.cpu_seconds = wall, cpu
    result.stages = _stage_table(totals)
    result.peak_rss_mb = _rss_mb()
    return result


def cold_start(path: Path, kind: str, out_dir: Path, runs: int = COLD_RUNS) -> ColdStart:
    """Extract `path` in `runs` fresh processes, one after another; the wall seconds and peak memory
    of each child come from the kernel (`wait4`), so the bench's own memory does not count."""
    command = [sys.executable, "-c", "from xxgk.cli.main import main; main()", "extract", str(path),
               "--out", str(out_dir)]
    seconds, peaks, ok = [], [], True
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        peaks.append(usage.ru_maxrss / 1024 / 1024 if sys.platform == "darwin" else usage.ru_maxrss / 1024)
        ok = ok and child.returncode == 0
    return ColdStart(kind, statistics.median(seconds), max(peaks), ok)


def cold_start_inputs(out_dir: Path, seed: int) -> dict[str, Path]:
    """One generated text report and one HTML report (kind -> file)."""
    from xxgk.training.synth.corpus import write_set

    return {kind: out_dir / kind / write_set(out_dir / kind, 1, seed, kinds=(kind,))[0].filename
            for kind in ("text", "html")}


def generate_scans(out_dir: Path, n: int, seed: int) -> list[Path]:
    """A generated scanned set with gold files (mild to heavy, both editions, geometric cases),
    written by a child process: rendering and degrading pages takes more memory than reading them,
    and the peak this process reports is the reading's."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_write_scans, out_dir, n, seed).result()


def _write_scans(out_dir: Path, n: int, seed: int) -> list[Path]:
    from xxgk.training.synth.corpus import write_scan_set

    return [out_dir / d.filename for d in write_scan_set(out_dir, n, seed=seed)]

