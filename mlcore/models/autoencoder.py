"""Convolutional autoencoder trained on normal beats; its reconstruction error is the anomaly score."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ConvAutoencoder(nn.Module):
    """``pool`` > 1 averages the input over ``pool`` samples first and reconstructs that coarser beat:
    at 360 Hz, pool=2 keeps everything below 90 Hz (the input is band-passed to 40 Hz) at a quarter
    of the cost."""

    def __init__(
        self, n_leads: int, length: int, latent: int = 16, width: int = 16, pool: int = 1
    ) -> None:
        super().__init__()
        self.pool = pool
        length = length // pool
        self.length = length
        self.n_leads = n_leads
        self.encoder = nn.Sequential(
            nn.Conv1d(n_leads, width, 7, stride=2, padding=3),
            nn.ReLU(inplace=True),
            nn.Conv1d(width, 2 * width, 5, stride=2, padding=2),
            nn.ReLU(inplace=True),
            nn.Conv1d(2 * width, 2 * width, 5, stride=2, padding=2),
            nn.ReLU(inplace=True),
        )
        self.steps = (length + 7) // 8
        self.width = width
        self.to_latent = nn.Linear(2 * width * self.steps, latent)
        self.from_latent = nn.Linear(latent, 2 * width * self.steps)
        self.decoder = nn.Sequential(
            nn.ConvTranspose1d(2 * width, 2 * width, 4, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.ConvTranspose1d(2 * width, width, 4, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.ConvTranspose1d(width, width, 4, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv1d(width, n_leads, 7, padding=3),
        )

    def target(self, x: torch.Tensor) -> torch.Tensor:
        """What the decoder reconstructs: the input, averaged over ``pool`` samples."""
        return F.avg_pool1d(x, self.pool) if self.pool > 1 else x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.encoder(self.target(x))
        z = self.to_latent(h.flatten(1))
        h = self.from_latent(z).view(-1, 2 * self.width, self.steps)
        y = self.decoder(h)
        if y.shape[-1] != self.length:
            y = F.interpolate(y, size=self.length, mode="linear", align_corners=False)
        return y

    def score(self, x: torch.Tensor) -> torch.Tensor:
        """Mean squared reconstruction error per beat: the anomaly score."""
        return ((self(x) - self.target(x)) ** 2).mean(dim=(1, 2))
