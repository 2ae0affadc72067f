"""The segment classifier: a character encoder per segment, a LayoutLM encoder over the page.

A report page holds hundreds of table cells; a character-level model at 512 tokens cannot see a
table, a model over segments can. Each segment's vector is built from its characters (a small
convolution, max- and mean-pooled) and its cues (see features.py); a LayoutLM encoder (built from
scratch: no pretrained Chinese weights can be downloaded here) adds 1-D order and 2-D box
positions and lets every segment attend to the table around it; a linear head gives its label.

It is a `transformers` PreTrainedModel, so checkpoints are `save_pretrained` folders with the
label map (`id2label`) in their config, loadable without network access.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import LayoutLMConfig, LayoutLMModel, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import TokenClassifierOutput

from xxgk.inference.labeling.features import KINDS, MAX_FIELD, MAX_FIELDS, SOURCES


class SegmentClassifierConfig(PretrainedConfig):
    model_type = "xxgk-segment-classifier"

    def __init__(self, char_vocab_size: int = 2, char_dim: int = 64, char_channels: int = 128,
                 hidden_size: int = 160, num_hidden_layers: int = 3, num_attention_heads: int = 4,
                 intermediate_size: int = 320, max_segments: int = 512, hidden_dropout_prob: float = 0.1,
                 **kwargs):
        super().__init__(**kwargs)
        self.char_vocab_size = char_vocab_size
        self.char_dim = char_dim
        self.char_channels = char_channels
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.max_segments = max_segments
        self.hidden_dropout_prob = hidden_dropout_prob


class SegmentClassifier(PreTrainedModel):
    config_class = SegmentClassifierConfig
    base_model_prefix = "segment_classifier"

    def __init__(self, config: SegmentClassifierConfig):
        super().__init__(config)
        h = config.hidden_size
        self.char_embeddings = nn.Embedding(config.char_vocab_size, config.char_dim, padding_idx=0)
        self.char_conv = nn.Conv1d(config.char_dim, config.char_channels, kernel_size=3, padding=1)
        self.segment_proj = nn.Linear(2 * config.char_channels, h)
        n_labels = len(config.id2label)
        self.cue_embeddings = nn.ModuleList([
            nn.Embedding(len(KINDS), h),
            nn.Embedding(MAX_FIELD + 1, h),
            nn.Embedding(MAX_FIELDS + 1, h),
            nn.Embedding(len(SOURCES), h),
            nn.Embedding(n_labels + 1, h),
            nn.Embedding(11, h),
        ])
        self.encoder = LayoutLMModel(LayoutLMConfig(
            vocab_size=2, hidden_size=h, num_hidden_layers=config.num_hidden_layers,
            num_attention_heads=config.num_attention_heads, intermediate_size=config.intermediate_size,
            max_position_embeddings=config.max_segments, max_2d_position_embeddings=1024, type_vocab_size=1,
            hidden_dropout_prob=config.hidden_dropout_prob, attention_probs_dropout_prob=config.hidden_dropout_prob,
        ))
        self.encoder.pooler = nn.Identity()  # labels are per segment; a pooled document vector is unused
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(h, n_labels)
        self.post_init()

    def segment_vectors(self, chars: torch.Tensor, cues: torch.Tensor) -> torch.Tensor:
        """(batch, segments, MAX_CHARS) ids and (batch, segments, 6) cues -> (batch, segments, hidden)."""
        b, n, c = chars.shape
        flat = chars.reshape(b * n, c)
        mask = (flat > 0).unsqueeze(1).float()
        x = self.char_embeddings(flat).transpose(1, 2)
        x = torch.relu(self.char_conv(x))
        pooled_max = (x - (1 - mask) * 1e4).max(dim=2).values * (mask.sum(2) > 0).float()
        pooled_mean = (x * mask).sum(2) / mask.sum(2).clamp(min=1.0)
        vec = self.segment_proj(torch.cat([pooled_max, pooled_mean], dim=1)).reshape(b, n, -1)
        for i, emb in enumerate(self.cue_embeddings):
            vec = vec + emb(cues[:, :, i])
        return vec

    def forward(self, chars: torch.Tensor, bbox: torch.Tensor, cues: torch.Tensor,
                attention_mask: torch.Tensor | None = None, labels: torch.Tensor | None = None,
                **_: object) -> TokenClassifierOutput:
        embeds = self.segment_vectors(chars, cues)
        hidden = self.encoder(inputs_embeds=embeds, bbox=bbox, attention_mask=attention_mask).last_hidden_state
        logits = self.classifier(self.dropout(hidden))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                               ignore_index=-100)
        return TokenClassifierOutput(loss=loss, logits=logits)
