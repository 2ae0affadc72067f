"""The `xxgk` command line: a click group, one thin command per job.

Commands parse options, report to the terminal and set the exit status; the work itself lives in
modules the HTTP service shares (`inference.batch` for extraction).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from tqdm import tqdm

from inference.batch import error_line, find_inputs, parse_formats, plan_jobs, run_batch
from inference.pipeline import Outcome
from xxgk import __version__
from xxgk.settings import REPO_ROOT


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
def main() -> None:
    """Exact, checked numbers from 政府信息公开工作年度报告 annual reports."""


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
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors and stage timings.")
def extract(inputs: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], debug: bool) -> None:
    """Extract the tables of report files and folders (searched recursively) into OUT.

    Exit status: 0 when every input gave a report, 1 when any failed, 2 for usage errors.
    """
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

        result = run_batch(jobs, out_dir, formats, on_outcome=report)
    click.echo(result.summary(), err=True)
    sys.exit(1 if result.failed else 0)


@main.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=REPO_ROOT / "configs" / "train" / "segment_classifier.toml", show_default=True,
              help="Training run config (data, model size, steps, seeds).")
@click.option("--version", "version", default=None, help="Model version to register (default: the config's).")
@click.option("--current/--no-current", default=True, show_default=True,
              help="Make the new version the default of the pipeline (models/CURRENT).")
def train(config_path: Path, version: str | None, current: bool) -> None:
    """Train the segment classifier on generated reports and register it under models/."""
    from training.config import load_train_config
    from training.train import train as run_training
    from xxgk.models import register
    from xxgk.settings import get_settings
    from xxgk.templates import load_editions

    config = load_train_config(config_path)
    version = version or config.version
    out = get_settings().models_dir / version
    if out.exists():
        raise click.UsageError(f"model version {version} already exists at {out}; pick another --version")
    command = f"xxgk train --config {config_path} --version {version}"
    run_training(config, load_editions(), out, log=lambda line: click.echo(line, err=True), command=command)
    register(out, version, make_current=current)
    click.echo(f"registered {version}" + (" as current" if current else ""), err=True)
