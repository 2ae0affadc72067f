"""The `xxgk` command line: a click group, one thin command per job.

Commands parse options, report to the terminal and set the exit status; the work itself lives in
modules the HTTP service shares (`xxgk.runners.batch` for extraction). Each command imports what
it runs inside its body, so a command loads only its own dependencies (`xxgk extract one.txt`
never imports the service, Ray or the chart and training libraries).
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xxgk import __version__
from xxgk.extras import MissingExtra, require
from xxgk.resources import config_path
from xxgk.runners.batch import BACKENDS, parse_formats

if TYPE_CHECKING:
    from xxgk.inference.pipeline import Outcome


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
def main() -> None:
    """Exact, checked numbers from 政府信息公开工作年度报告 annual reports."""


def _require(extra: str, feature: str) -> None:
    """Stop with the pip command that installs a missing extra, instead of an ImportError later."""
    try:
        require(extra, feature)
    except MissingExtra as exc:
        raise click.ClickException(str(exc)) from exc


def _formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    try:
        return parse_formats(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <doc_id>.json and the batch tables (created if needed).")
@click.option("--format", "-f", "formats", default="json", show_default=True, callback=_formats,
              help="Comma-separated: json (one file per report), csv, xlsx (one table per batch).")
@click.option("--backend", type=click.Choice(BACKENDS), default="local", show_default=True,
              help="local: one file after another in this process; ray: files as Ray tasks in parallel.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors and stage timings.")
def extract(inputs: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], backend: str, debug: bool) -> None:
    """Extract the tables of report files and folders (searched recursively) into OUT.

    Exit status: 0 when every input gave a report, 1 when any failed, 2 for usage errors.
    """
    from tqdm import tqdm

    from xxgk.runners.batch import error_line, run_batch
    from xxgk.runners.inputs import find_inputs, plan_jobs

    if backend == "ray":
        _require("ray", "--backend ray")
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    jobs = plan_jobs(find_inputs(inputs))
    if not jobs:
        raise click.UsageError(f"no report files found in {', '.join(map(str, inputs))}")
    # The bar is for people watching a terminal; CI logs get only error lines and the summary.
    with tqdm(total=len(jobs), unit="report", file=sys.stderr,
              disable=len(jobs) < 2 or not sys.stderr.isatty()) as bar:

        def report(outcome: Outcome) -> None:
            if outcome.status == "failure":
                bar.write(error_line(outcome), file=sys.stderr)
            bar.update()

        result = run_batch(jobs, out_dir, formats, on_outcome=report, backend=backend)
    click.echo(result.summary(), err=True)
    sys.exit(1 if result.failed else 0)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the tables, the findings and the charts (created if needed).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=config_path("crosscheck.toml"), show_default=True,
              help="What is compared across years and the jump thresholds.")
@click.option("--charts/--no-charts", default=True, show_default=True, help="One PNG chart per agency.")
def crosscheck(inputs: tuple[Path, ...], out_dir: Path, config_path: Path, charts: bool) -> None:
    """Check extracted reports (the JSON of `xxgk extract`) year against year, per agency.

    Exit status: 0 when every JSON file was an extracted report, 1 when any was not (the others are
    still checked), 2 for usage errors.
    """
    if charts:
        _require("charts", "xxgk crosscheck --charts (or give --no-charts)")
    from xxgk.analysis.crosscheck import crosscheck as check_years
    from xxgk.analysis.crosscheck import load_config, load_reports
    from xxgk.analysis.write import write_outputs
    from xxgk.options import load_options
    from xxgk.settings import get_settings
    from xxgk.templates import load_editions

    loaded = load_reports(inputs)
    for line in loaded.errors:
        click.echo(line, err=True)
    if not loaded.reports:
        raise click.UsageError(f"no extracted reports (xxgk extract JSON) in {', '.join(map(str, inputs))}")
    config = load_config(config_path)
    result = check_years(loaded.reports, config)
    settings = get_settings()
    written = write_outputs(loaded.reports, result, out_dir, load_editions(settings.templates_dir), config,
                            review_below=load_options(settings.pipeline_config).review.below, charts=charts)
    failed = sum(1 for f in result.findings if f.ok is False)
    click.echo(f"{len(loaded.reports)} reports, {len(result.series)} agencies, {failed} failed cross-year "
               f"findings, {len(written.charts)} charts; written to {out_dir}", err=True)
    sys.exit(1 if loaded.errors else 0)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--generate", "n_generate", default=6, show_default=True, type=click.IntRange(min=1),
              help="Without INPUTS: how many scanned reports to generate (mild to heavy, both editions).")
@click.option("--seed", default=0, show_default=True, help="Seed of the generated set.")
@click.option("--keep", "keep_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Keep the generated scans, gold files and predictions in this folder.")
@click.option("--cold-start/--no-cold-start", default=True, show_default=True,
              help="Time `xxgk extract` of a generated text and HTML report in fresh processes.")
def bench(inputs: tuple[Path, ...], n_generate: int, seed: int, keep_dir: Path | None, cold_start: bool) -> None:
    """Time the pipeline: a report from a cold start, then scanned reports: seconds per page by
    stage, pages per minute, memory.

    INPUTS are report files or folders; without them a scanned set is generated and scored.
    """
    import tempfile

    from xxgk.options import load_options
    from xxgk.runners.bench import cold_start as cold_run
    from xxgk.runners.bench import cold_start_inputs, generate_scans, run_bench
    from xxgk.runners.inputs import find_inputs
    from xxgk.scoring import score_dir
    from xxgk.settings import get_settings

    if not inputs:
        _require("scan-synth", "xxgk bench without INPUTS (it generates scanned reports)")
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        work = keep_dir or Path(tmp)
        cold = []
        if cold_start:
            for kind, path in cold_start_inputs(work / "cold", seed).items():
                click.echo(f"cold start: extracting {path.name} in fresh processes ...", err=True)
                cold.append(cold_run(path, kind, work / "cold" / "pred"))
        if inputs:
            paths, gold_dir = find_inputs(inputs), None
        else:
            click.echo(f"generating {n_generate} scanned reports in {work / 'scans'} ...", err=True)
            paths, gold_dir = generate_scans(work / "scans", n_generate, seed), work / "scans"
        if not paths:
            raise click.UsageError(f"no report files found in {', '.join(map(str, inputs))}")
        result = run_bench(paths, pred_dir=work / "pred",
                           on_file=lambda p, s, n: click.echo(f"  {p.name}: {n} pages, {s:.1f} s", err=True))
        result.cold = cold
        if gold_dir is not None:
            below = load_options(get_settings().pipeline_config).review.below
            result.score = score_dir(gold_dir, work / "pred", below).summary()
    for line in result.lines():
        click.echo(line)


GENERATED_SETS: dict[str, dict] = {
    "gen-text": {"kinds": ("text",)},
    "gen-text-garbled": {"kinds": ("text",), "garble": 0.02},
    "gen-crawler": {"kinds": ("text",), "shapes": ("nodes", "runon")},
    "gen-crawler-garbled": {"kinds": ("text",), "shapes": ("nodes", "runon"), "garble": 0.02},
    "gen-html": {"kinds": ("html",)},
    "gen-pdf": {"kinds": ("pdf",)},
}
"""Generated sets `xxgk eval` writes and scores: keyword arguments of `xxgk.training.synth.corpus.write_set`."""


@main.command("eval")
@click.option("--shared", "shared_dir", default=Path("../shared"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The shared folder: data/seeds, data/real/<kind>/ and eval/score.py.")
@click.option("--out", "-o", "out_dir", default=Path("out/eval"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Predictions, one folder per set.")
@click.option("--generated", "n_generated", default=24, show_default=True, type=click.IntRange(min=0),
              help="Reports per generated set (0: no generated sets).")
@click.option("--scans", "n_scans", default=0, show_default=True, type=click.IntRange(min=0),
              help="Reports in a generated scan set (OCR: seconds a page).")
@click.option("--only", default="", help="Comma-separated set names (or prefixes) to run, e.g. seeds,real-text.")
@click.option("--seed", default=7, show_default=True, help="Seed of the generated sets.")
def evaluate(shared_dir: Path, out_dir: Path, n_generated: int, n_scans: int, only: str, seed: int) -> None:
    """Score every labelled set: the seeds, each folder of data/real and generated sets.

    Prints one row of the scorer's summary per set, then the reliability of the confidences.
    """
    from xxgk.inference.pipeline import Pipeline
    from xxgk.runners.batch import run_batch
    from xxgk.runners.evaluation.reliability import reliability
    from xxgk.runners.evaluation.scoring import SetScore, reliability_table, run_scorer, summary_table
    from xxgk.runners.inputs import find_inputs, plan_jobs

    sets = _eval_sets(shared_dir, out_dir / "generated", n_generated, n_scans, seed,
                      [p.strip() for p in only.split(",") if p.strip()])
    if not sets:
        raise click.UsageError(f"no labelled sets found under {shared_dir} (or none matches --only)")
    scorer = shared_dir / "eval" / "score.py"
    pipeline = Pipeline()
    scores = []
    for name, gold_dir in sets:
        click.echo(f"{name}: extracting {gold_dir} ...", err=True)
        pred_dir = out_dir / name
        result = run_batch(plan_jobs(find_inputs([gold_dir])), pred_dir, ("json",), pipeline=pipeline)
        scored = run_scorer(scorer, gold_dir, pred_dir)
        table = reliability(gold_dir, pred_dir, pipeline.editions, pipeline.options.review.below)
        scores.append(SetScore(name, scored["summary"], table, result.failed))
    for line in [*summary_table(scores), "", *reliability_table(scores)]:
        click.echo(line)


def _eval_sets(shared: Path, gen_dir: Path, n_generated: int, n_scans: int, seed: int,
               only: list[str]) -> list[tuple[str, Path]]:
    """(name, folder of inputs beside their gold) for each labelled set, generating the generated ones."""
    wanted = (lambda name: any(name.startswith(p) for p in only)) if only else (lambda name: True)
    sets = [("seeds", shared / "data" / "seeds")]
    real = shared / "data" / "real"
    sets += [(f"real-{d.name}", d) for d in sorted(real.iterdir()) if d.is_dir()] if real.is_dir() else []
    sets = [(n, d) for n, d in sets if wanted(n) and any(d.glob("*.gold.json"))]
    generated = {name: kw for name, kw in GENERATED_SETS.items() if n_generated}
    if n_scans:
        generated["gen-scan"] = {"kinds": ("scan",)}
    for name, kwargs in generated.items():
        if not wanted(name):
            continue
        _require("scan-synth" if name == "gen-scan" else "train", f"the generated set {name} of xxgk eval")
        from xxgk.training.synth.corpus import write_set

        folder = gen_dir / name
        shutil.rmtree(folder, ignore_errors=True)  # a set from an older generator would score the wrong thing
        write_set(folder, n_scans if name == "gen-scan" else n_generated, seed, **kwargs)
        sets.append((name, folder))
    return sets


DEFAULT_TRAIN_CONFIG = config_path("train", "segment_classifier.toml")
FINETUNE_CONFIG = config_path("train", "finetune.toml")


@main.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=DEFAULT_TRAIN_CONFIG, show_default=True,
              help="Training run config (data, model size, steps, seeds).")
@click.option("--version", "version", default=None, help="Model version to register (default: the config's).")
@click.option("--current/--no-current", default=True, show_default=True,
              help="Make the new version the default of the pipeline (models/CURRENT).")
@click.option("--from", "corrected_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Corrected examples (xxgk annotate pull) to fine-tune on.")
@click.option("--base", "base", default=None,
              help="Checkpoint to fine-tune: a version in models/ or a path (default with --from: CURRENT).")
def train(config_path: Path, version: str | None, current: bool, corrected_dir: Path | None,
          base: str | None) -> None:
    """Train the segment classifier on generated reports (or fine-tune one on corrections)."""
    _require("train", "xxgk train")
    from xxgk.registry import register, resolve
    from xxgk.settings import get_settings
    from xxgk.templates import load_editions
    from xxgk.training.config import load_train_config
    from xxgk.training.examples import read_examples
    from xxgk.training.train import train as run_training

    if corrected_dir is not None and config_path == DEFAULT_TRAIN_CONFIG:
        config_path = FINETUNE_CONFIG
    config = load_train_config(config_path)
    version = version or config.version
    out = get_settings().models_dir / version
    if out.exists():
        raise click.UsageError(f"model version {version} already exists at {out}; pick another --version")
    base_dir = resolve(base) if (base or corrected_dir) else None
    corrected = read_examples(corrected_dir) if corrected_dir else None
    command = (f"xxgk train --config {config_path} --version {version}"
               + (f" --from {corrected_dir} --base {base_dir.name if base_dir else ''}" if corrected_dir else ""))
    run_training(config, load_editions(), out, log=lambda line: click.echo(line, err=True), command=command,
                 base=base_dir, corrected=corrected)
    register(out, version, make_current=current)
    click.echo(f"registered {version}" + (" as current" if current else ""), err=True)


@main.command("onnx")
@click.argument("versions", nargs=-1)
def onnx_export(versions: tuple[str, ...]) -> None:
    """Write model.onnx, the file extraction runs, beside the weights of registered checkpoints.

    VERSIONS are names in models/ or checkpoint folders (default: the current version). `xxgk train`
    does this itself; this command is for checkpoints trained before, or copied without it.
    """
    _require("train", "xxgk onnx")
    from xxgk.registry import resolve
    from xxgk.training.export import export_onnx

    for version in versions or (None,):
        checkpoint = resolve(version)
        if checkpoint is None:
            raise click.UsageError("no model registered; run `xxgk train`")
        click.echo(f"wrote {export_onnx(checkpoint)}", err=True)


@main.command()
@click.option("--host", default=None, help="Address to listen on (default: XXGK_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: XXGK_PORT, 8000).")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0),
              help="Worker processes to start with the server (0: run `xxgk worker` separately).")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Run the HTTP service (OpenAPI at /docs); jobs live in the database of XXGK_DATA_DIR."""
    _require("service", "xxgk serve")
    from xxgk.service.server import serve as run_server
    from xxgk.settings import get_settings

    updates = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    run_server(get_settings().model_copy(update=updates), workers=workers)


@main.command()
def worker() -> None:
    """Run one worker: take jobs of the service's database, extract them, store the results."""
    _require("service", "xxgk worker")
    from xxgk.service.server import run_worker
    from xxgk.settings import get_settings

    run_worker(get_settings())


@main.group()
def token() -> None:
    """API tokens of the HTTP service (only their hashes are stored)."""
    _require("service", "xxgk token")


@token.command("create")
@click.option("--name", required=True, help="Who or what the token is for.")
def token_create(name: str) -> None:
    """Print a new token; it is shown only this once."""
    from xxgk.runners.jobs.store import Store
    from xxgk.settings import get_settings

    store = Store.of(get_settings())
    secret, record = store.create_token(name=name)
    store.close()
    click.echo(secret)
    click.echo(f"token {record.id} ({record.name}) created; send it as Authorization: Bearer <token>", err=True)


@token.command("list")
def token_list() -> None:
    """Token ids, names and state (never the tokens)."""
    from datetime import UTC, datetime

    from xxgk.runners.jobs.store import Store
    from xxgk.settings import get_settings

    store = Store.of(get_settings())
    for record in store.list_tokens():
        state = "active" if record.revoked_at is None else \
            f"revoked {datetime.fromtimestamp(record.revoked_at, UTC):%Y-%m-%d %H:%M} UTC"
        click.echo(f"{record.id}\t{record.name}\t{state}")
    store.close()


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID (see `xxgk token list`) at once, with every review session opened with it."""
    from xxgk.runners.jobs.store import Store
    from xxgk.settings import get_settings

    store = Store.of(get_settings())
    record = store.revoke_token(token_id=token_id)
    store.close()
    if record is None:
        raise click.ClickException(f"no token {token_id}; `xxgk token list` shows the ids")
    click.echo(f"token {record.id} ({record.name}) revoked; its jobs stay until their retention ends", err=True)


@main.group()
def annotate() -> None:
    """Correct the classifier's labels in Label Studio: push documents, pull the corrections.

    The server and key: --url/--api-key or XXGK_LABEL_STUDIO_URL/XXGK_LABEL_STUDIO_API_KEY.
    """
    _require("annotate", "xxgk annotate")


_url_option = click.option("--url", default=None, help="Label Studio URL (default: XXGK_LABEL_STUDIO_URL).")
_key_option = click.option("--api-key", default=None, help="Label Studio API key (default: XXGK_LABEL_STUDIO_API_KEY).")


def _studio(url: str | None, api_key: str | None):
    from xxgk.annotations import studio

    try:
        return studio.connect(url, api_key)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@annotate.command("push")
@click.argument("sources", nargs=-1, required=True)
@click.option("--project", required=True, help="Project name (text dumps and web pages go to 'NAME (text)').")
@_url_option
@_key_option
def annotate_push(sources: tuple[str, ...], project: str, url: str | None, api_key: str | None) -> None:
    """Push report files, folders or service job ids to Label Studio with the pipeline's labels.

    Tasks are ordered lowest confidence first; documents already in the project are skipped.
    Exit status: 0 when every source was pushed, 1 when any could not be read.
    """
    from xxgk.annotations.workflow import prepare_files, prepare_job, push
    from xxgk.inference.pipeline import Pipeline

    pipeline = Pipeline()
    files = [Path(s) for s in sources if Path(s).exists()]
    jobs = [s for s in sources if not Path(s).exists()]
    errors: list[str] = []
    items = prepare_files(files, pipeline, log=errors.append) if files else []
    for job_id in jobs:
        try:
            items.append(prepare_job(job_id))
        except LookupError as exc:
            errors.append(f"error: {exc}")
    for line in errors:
        click.echo(line, err=True)
    if not items:
        raise click.UsageError("nothing to push")
    result = push(_studio(url, api_key), project, items, pipeline.editions,
                  log=lambda line: click.echo(line, err=True))
    click.echo(f"pushed {sum(map(len, result.imported.values()))} documents, {len(result.skipped)} already there",
               err=True)
    sys.exit(1 if errors else 0)


@annotate.command("pull")
@click.option("--project", required=True, help="Project name given to push.")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <doc_id>.example.json (xxgk train --from), <doc_id>.json and <doc_id>.gold.json.")
@_url_option
@_key_option
def annotate_pull(project: str, out_dir: Path, url: str | None, api_key: str | None) -> None:
    """Pull submitted annotations as training examples and corrected reports."""
    from xxgk.annotations.workflow import pull
    from xxgk.templates import load_editions

    try:
        pulled = pull(_studio(url, api_key), project, out_dir, load_editions(),
                      log=lambda line: click.echo(line, err=True))
    except LookupError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"{len(pulled)} annotated documents written to {out_dir}; "
               f"fine-tune with: xxgk train --from {out_dir}", err=True)
