"""1-D CNN beat classifier: beat morphology (conv stack) plus RR features (small MLP)."""

from __future__ import annotations

import torch
from torch import nn


def conv_block(c_in: int, c_out: int, kernel: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
        nn.BatchNorm1d(c_out),
        nn.ReLU(inplace=True),
    )


class BeatCNN(nn.Module):
    def __init__(
        self,
        n_leads: int,
        length: int,
        n_rr: int,
        n_classes: int,
        width: int = 32,
        dropout: float = 0.3,
        morphology_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        # Training only: hide the whole morphology vector of some beats so the head must also learn
        # to classify from RR features alone (premature beats with normal-looking QRS, i.e. SVEB).
        self.morphology_dropout = morphology_dropout
        self.features = nn.Sequential(
            conv_block(n_leads, width // 2, 7, stride=2),
            nn.MaxPool1d(2),
            conv_block(width // 2, width, 5),
            nn.MaxPool1d(2),
            conv_block(width, 2 * width, 5),
            nn.MaxPool1d(2),
            conv_block(2 * width, 2 * width, 3),
        )
        self.n_rr = n_rr
        rr_width = 16 if n_rr else 0
        self.rr = nn.Sequential(nn.Linear(n_rr, rr_width), nn.ReLU(inplace=True)) if n_rr else None
        self.head = nn.Sequential(
            nn.Linear(4 * width + rr_width, 64),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(64, n_classes),
        )

    def forward(self, x: torch.Tensor, rr: torch.Tensor) -> torch.Tensor:
        h = self.features(x)
        morphology = torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)
        if self.training and self.morphology_dropout > 0:
            keep = torch.rand(len(x), 1, device=x.device) >= self.morphology_dropout
            morphology = morphology * keep
        parts = [morphology]
        if self.rr is not None:
            parts.append(self.rr(rr))
        return self.head(torch.cat(parts, dim=1))
