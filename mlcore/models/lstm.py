"""LSTM classifier: a strided convolution shortens the beat, a bidirectional LSTM reads it."""

from __future__ import annotations

import torch
from torch import nn


class BeatLSTM(nn.Module):
    def __init__(
        self,
        n_leads: int,
        length: int,
        n_rr: int,
        n_classes: int,
        hidden: int = 32,
        stride: int = 4,
    ) -> None:
        super().__init__()
        self.embed = nn.Sequential(
            nn.Conv1d(n_leads, 16, kernel_size=2 * stride, stride=stride, padding=stride // 2),
            nn.ReLU(inplace=True),
        )
        self.lstm = nn.LSTM(16, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(
            nn.Linear(4 * hidden + n_rr, 64), nn.ReLU(inplace=True), nn.Linear(64, n_classes)
        )

    def forward(self, x: torch.Tensor, rr: torch.Tensor) -> torch.Tensor:
        seq = self.embed(x).transpose(1, 2)  # (batch, steps, 16)
        out, _ = self.lstm(seq)
        summary = torch.cat([out.mean(dim=1), out.amax(dim=1)], dim=1)
        return self.head(torch.cat([summary, rr], dim=1))
