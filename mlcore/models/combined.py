"""Classifier and autoencoder used together: the anomaly score is an extra input to a small head.

The head starts as the identity on the classifier's logits (score weight zero) and is fitted with both
sub-models frozen, so it can only learn how much the reconstruction error should move each class.
"""

from __future__ import annotations

import torch
from torch import nn

from mlcore.models.autoencoder import ConvAutoencoder


class CombinedModel(nn.Module):
    def __init__(self, classifier: nn.Module, autoencoder: ConvAutoencoder, n_classes: int) -> None:
        super().__init__()
        self.classifier = classifier
        self.autoencoder = autoencoder
        self.head = nn.Linear(n_classes + 1, n_classes)
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.weight[:, :n_classes] = torch.eye(n_classes)
            self.head.bias.zero_()

    def forward(self, x: torch.Tensor, rr: torch.Tensor) -> torch.Tensor:
        logits = self.classifier(x, rr)
        score = torch.log(self.autoencoder.score(x) + 1e-6)[:, None]
        return self.head(torch.cat([logits, score], dim=1))
