"""The training run's settings, validated: one TOML file per run (configs/train/*.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataConfig(_Strict):
    seed: int
    train_docs: int
    eval_seed: int
    eval_docs: int
    holdout_shapes: list[str] = []
    kinds: dict[str, float]
    garbled_share: float = 0.35
    garble_range: tuple[float, float] = (0.03, 0.25)
    shuffled_share: float = 0.2
    ablation_docs: int = 60
    """Garbled reports for the classifier vs string-matching comparison after training (0: skip)."""
    corrected_repeat: int = 10
    """Times each corrected (annotated) document's windows enter the training pool."""
    editions: list[str] = []
    """Editions the generated training documents are drawn from (empty: every configured edition).
    Fine-tuning on corrected reports of a new edition lists the old ones here, so the new edition is
    learned from the corrections alone; the held-out set still covers every edition."""


class ModelConfig(_Strict):
    char_dim: int = 64
    char_channels: int = 128
    hidden_size: int = 160
    num_hidden_layers: int = 3
    num_attention_heads: int = 4
    intermediate_size: int = 320
    max_segments: int = 512
    hidden_dropout_prob: float = 0.1


class OptimConfig(_Strict):
    steps: int
    batch_size: int = 8
    learning_rate: float = 1.5e-3
    warmup_steps: int = 100
    weight_decay: float = 0.01
    window_overlap: int = 128


class TrainConfig(_Strict):
    seed: int
    threads: int = 2
    version: str
    data: DataConfig
    model: ModelConfig
    optim: OptimConfig


def load_train_config(path: Path) -> TrainConfig:
    with path.open("rb") as fh:
        return TrainConfig.model_validate(tomllib.load(fh))
