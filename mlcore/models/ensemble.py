"""Several classifiers of one architecture whose class probabilities are averaged.

Each member is trained with a different fold held out (``mlcore.train.folds``), so together they have
seen all the training data and their average varies much less with the seed than one model does.
"""

from __future__ import annotations

import torch
from torch import nn


class Ensemble(nn.Module):
    def __init__(self, members: list[nn.Module]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor, rr: torch.Tensor) -> torch.Tensor:
        """Log of the members' mean probabilities: softmax of it gives that mean back."""
        probs = torch.stack([torch.softmax(m(x, rr), dim=1) for m in self.members]).mean(dim=0)
        return torch.log(probs.clamp_min(1e-12))
