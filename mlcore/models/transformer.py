"""Transformer encoder classifier over short patches of the beat (a tiny ViT-style model)."""

from __future__ import annotations

import torch
from torch import nn


class BeatTransformer(nn.Module):
    def __init__(
        self,
        n_leads: int,
        length: int,
        n_rr: int,
        n_classes: int,
        d_model: int = 32,
        patch: int = 12,
        layers: int = 2,
        heads: int = 4,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.patches = nn.Conv1d(n_leads, d_model, kernel_size=patch, stride=patch)
        n_tokens = length // patch
        self.position = nn.Parameter(torch.zeros(1, n_tokens, d_model))
        layer = nn.TransformerEncoderLayer(
            d_model, heads, dim_feedforward=2 * d_model, dropout=dropout, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Sequential(
            nn.Linear(d_model + n_rr, 64), nn.ReLU(inplace=True), nn.Linear(64, n_classes)
        )

    def forward(self, x: torch.Tensor, rr: torch.Tensor) -> torch.Tensor:
        tokens = self.patches(x).transpose(1, 2) + self.position
        h = self.encoder(tokens).mean(dim=1)
        return self.head(torch.cat([h, rr], dim=1))
