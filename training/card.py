"""The model card written beside every checkpoint: data, size, metrics, and the command that made it."""

from __future__ import annotations

from pathlib import Path

from xxgk.training.config import TrainConfig


def _ablation_text(ab: dict | None) -> str:
    if not ab:
        return ""
    m, r = ab["classifier"], ab["string_matching"]
    return (f"\n## Ablation: pipeline cell accuracy on {ab['docs']} badly garbled reports (seed {ab['seed']})\n"
            "OCR-style damage in every label, headers wrapped and read down their columns, rows out of order.\n\n"
            "| labeler | cell accuracy | non-zero cell accuracy | false reads |\n|---|---|---|---|\n"
            f"| classifier | {m['cell_accuracy']} | {m['nonzero_cell_accuracy']} | {m['false_reads']} |\n"
            f"| string matching alone | {r['cell_accuracy']} | {r['nonzero_cell_accuracy']} | {r['false_reads']} |\n")


def _corrected_text(c: dict | None) -> str:
    if not c:
        return ""
    lines = [f"\n## Corrected documents\n{c['train_docs']} annotated documents trained on, "
             f"{c['held_out_docs']} held out.\n"]
    for when in ("before", "after"):
        if c.get(when):
            s = c[when]
            lines.append(f"- {when} (`{s['model']}`): macro F1 {s['macro_f1']}, accuracy {s['accuracy']}")
    return "\n".join(lines) + "\n"


def write_card(out_dir: Path, config: TrainConfig, metrics: dict, command: str, base: Path | None = None) -> None:
    size_mb = sum(p.stat().st_size for p in out_dir.glob("*.safetensors")) / 2**20
    rows = "\n".join(f"| `{s['label']}` | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
                     for s in metrics["per_label"])
    by_kind = ", ".join(f"{k}: {v:.4f}" for k, v in metrics["macro_f1_by_kind"].items())
    extra = _ablation_text(metrics.get("pipeline_ablation")) + _corrected_text(metrics.get("corrected"))
    origin = f"fine-tuned from `{base.name}`" if base else "trained from scratch (no pretrained weights)"
    text = f"""# Segment classifier `{out_dir.name}`

Labels every segment of a 政府信息公开工作年度报告 (table cell, text field, PDF word run, OCR line)
with one of {len(metrics['per_label'])} labels seen in evaluation (section headings, row and column
labels of the template editions, values, row groups, headers, title, metadata, other text).
Character CNN per segment + LayoutLM encoder ({config.model.num_hidden_layers} layers, hidden
{config.model.hidden_size}) over windows of {config.model.max_segments} segments, {origin}.

## Data
Generated reports only (labels come from the generator, never by hand): {metrics['train_docs']}
training documents (seed {config.data.seed}), kinds {metrics['kinds']}; {config.data.garbled_share:.0%}
with OCR-style label damage (rate {config.data.garble_range[0]}–{config.data.garble_range[1]}),
{config.data.shuffled_share:.0%} with rows out of order. Held-out set: {metrics['eval_docs']}
documents, seed {config.data.eval_seed}, including text shapes never trained on:
{', '.join(metrics['holdout_shapes']) or 'none'}.

## Size and cost
{metrics['parameters']:,} parameters, {size_mb:.1f} MB of float16 safetensors. Corpus generation
{metrics['generation_seconds']} s, training {metrics['train_seconds']} s ({config.optim.steps} steps of
{config.optim.batch_size} windows) on {metrics['threads']} CPU threads.

## Held-out metrics
Token-level macro F1: **{metrics['macro_f1']}** (accuracy {metrics['accuracy']}); by input kind: {by_kind}.
{extra}

| label | precision | recall | F1 | support |
|---|---|---|---|---|
{rows}

## Reproduce
`{command}` (seed {config.seed}, {config.threads} threads; the same config and thread count give the
same weights).
"""
    (out_dir / "README.md").write_text(text, encoding="utf-8")
