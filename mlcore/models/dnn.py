"""Dense (multi-layer perceptron) baseline on the flattened beat window plus RR features."""

from __future__ import annotations

import torch
from torch import nn


class BeatDNN(nn.Module):
    def __init__(
        self,
        n_leads: int,
        length: int,
        n_rr: int,
        n_classes: int,
        hidden: int = 128,
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_leads * length + n_rr, hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden // 2, n_classes),
        )

    def forward(self, x: torch.Tensor, rr: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x.flatten(1), rr], dim=1))
