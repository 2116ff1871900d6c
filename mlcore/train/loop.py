"""Training loops: weighted cross-entropy for classifiers, MSE for the autoencoder.

Both use Adam, early stopping on a validation score and keep only the best weights (in memory, written
once at the end by the caller). A tqdm bar shows epochs with the latest validation score.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm import tqdm


@dataclass(frozen=True)
class Arrays:
    x: np.ndarray  # float32 (n, leads, length)
    rr: np.ndarray  # float32 (n, k), already standardised
    y: np.ndarray  # int64 (n,)


@dataclass(frozen=True)
class Settings:
    epochs: int = 30
    patience: int = 6
    batch_size: int = 256
    lr: float = 2e-3
    weight_decay: float = 1e-4
    weight_power: float = 0.5  # class weight = (n_max / n_class) ** weight_power
    max_weight: float | None = None  # ... at most this (a class of a handful of beats, e.g. Q)
    augment: bool = True
    seed: int = 0
    max_per_class: int = 8000  # larger classes are subsampled afresh each epoch
    # Torch applies the class weights to the smoothing term too: with large weights (power near 1)
    # the rare classes then win everywhere, so keep one of the two small.
    label_smoothing: float = 0.0
    # Time stretch of each training beat by up to this fraction, about ``stretch_centre`` (the
    # R-peak's sample): wider or narrower waves, as between patients. 0 leaves beats alone.
    stretch: float = 0.0
    stretch_centre: int = 0


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def stretch(x: torch.Tensor, most: float, centre: int, gen: torch.Generator) -> torch.Tensor:
    """Each beat of ``x`` (n, leads, length) stretched in time by a factor drawn from
    [1 - most, 1 + most] about sample ``centre``, by linear interpolation (edges held)."""
    n, leads, length = x.shape
    factor = 1 - most + 2 * most * torch.rand(n, 1, generator=gen)
    t = torch.arange(length, dtype=torch.float32)
    pos = (centre + (t - centre) / factor).clamp(0, length - 1)
    left = pos.floor().long().clamp(max=length - 2)
    w = (pos - left).unsqueeze(1)
    left = left.unsqueeze(1).expand(n, leads, length)
    return x.gather(2, left) * (1 - w) + x.gather(2, left + 1) * w


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Small amplitude scaling, time shift and noise: cheap robustness to unseen patients."""
    n, leads, _ = x.shape
    scale = 0.85 + 0.3 * torch.rand(n, leads, 1, generator=gen)
    shift = int(torch.randint(-4, 5, (1,), generator=gen))
    noise = 0.02 * torch.randn(x.shape, generator=gen)
    return torch.roll(x, shift, dims=2) * scale + noise


def class_weights(
    y: np.ndarray, n_classes: int, power: float, max_weight: float | None = None
) -> torch.Tensor:
    """(n_max / n_class) ** power per class, at most ``max_weight``, scaled to mean 1."""
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    weights = np.where(counts > 0, (counts.max() / np.maximum(counts, 1)) ** power, 0.0)
    if max_weight is not None:
        weights = np.minimum(weights, max_weight)
    return torch.tensor(weights / weights[counts > 0].mean(), dtype=torch.float32)


def predict_logits(
    model: nn.Module, x: np.ndarray, rr: np.ndarray, batch: int = 2048
) -> np.ndarray:
    model.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(x), batch):
            out.append(
                model(torch.from_numpy(x[i : i + batch]), torch.from_numpy(rr[i : i + batch]))
            )
    return torch.cat(out).numpy() if out else np.zeros((0, 0), np.float32)


def reconstruction_error(model: nn.Module, x: np.ndarray, batch: int = 2048) -> np.ndarray:
    model.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(x), batch):
            out.append(model.score(torch.from_numpy(x[i : i + batch])))
    return torch.cat(out).numpy() if out else np.zeros(0, np.float32)


def epoch_sampler(y: np.ndarray, max_per_class: int) -> Callable[[np.random.Generator], np.ndarray]:
    """Each epoch: every example of small classes, a fresh random ``max_per_class`` of large ones."""
    groups = [np.flatnonzero(y == c) for c in np.unique(y)]

    def draw(rng: np.random.Generator) -> np.ndarray:
        parts = [
            g if len(g) <= max_per_class else rng.choice(g, max_per_class, replace=False)
            for g in groups
        ]
        return rng.permutation(np.concatenate(parts))

    return draw


def _fit(
    model: nn.Module,
    sample: Callable[[np.random.Generator], np.ndarray],
    loss_on: Callable[[np.ndarray, torch.Generator], torch.Tensor],
    validate: Callable[[], float],
    settings: Settings,
) -> tuple[dict, list[dict]]:
    gen = torch.Generator().manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    optimiser = torch.optim.Adam(
        model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, settings.epochs)
    # The starting point competes too: training never leaves a model worse on validation.
    best_score, best_state, stale, history = validate(), copy.deepcopy(model.state_dict()), 0, []
    bar = tqdm(range(settings.epochs), desc="epochs", unit="epoch")
    for epoch in bar:
        model.train()
        order = sample(rng)
        n_train = len(order)
        total = 0.0
        for i in range(0, n_train, settings.batch_size):
            index = order[i : i + settings.batch_size]
            if len(index) < 2:
                continue
            loss = loss_on(index, gen)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(index)
        scheduler.step()
        score = validate()
        history.append({"epoch": epoch + 1, "train_loss": total / n_train, "val_score": score})
        bar.set_postfix(loss=f"{total / n_train:.4f}", val=f"{score:.4f}")
        if score > best_score:
            best_score, best_state, stale = score, copy.deepcopy(model.state_dict()), 0
        else:
            stale += 1
            if stale >= settings.patience:
                break
    bar.close()
    model.load_state_dict(best_state)
    model.eval()
    return best_state, history


def fit_classifier(
    model: nn.Module,
    train: Arrays,
    val: Arrays,
    n_classes: int,
    settings: Settings,
    val_score: Callable[[np.ndarray, np.ndarray], float],
) -> list[dict]:
    """Weighted cross-entropy; ``val_score(y_true, logits)`` (higher is better) drives early stopping."""
    sample = epoch_sampler(train.y, settings.max_per_class)
    seen = np.minimum(np.bincount(train.y, minlength=n_classes), settings.max_per_class)
    weights = class_weights(
        np.repeat(np.arange(n_classes), seen),
        n_classes,
        settings.weight_power,
        settings.max_weight,
    )
    criterion = nn.CrossEntropyLoss(weight=weights, label_smoothing=settings.label_smoothing)
    x, rr, y = torch.from_numpy(train.x), torch.from_numpy(train.rr), torch.from_numpy(train.y)

    def loss_on(index: np.ndarray, gen: torch.Generator) -> torch.Tensor:
        xb = x[index]
        if settings.stretch:
            xb = stretch(xb, settings.stretch, settings.stretch_centre, gen)
        if settings.augment:
            xb = augment(xb, gen)
        return criterion(model(xb, rr[index]), y[index])

    def validate() -> float:
        return val_score(val.y, predict_logits(model, val.x, val.rr))

    _, history = _fit(model, sample, loss_on, validate, settings)
    return history


def fit_autoencoder(
    model: nn.Module, train_x: np.ndarray, val_x: np.ndarray, settings: Settings
) -> list[dict]:
    """MSE reconstruction of normal beats; early stopping on validation error."""
    x = torch.from_numpy(train_x)

    def loss_on(index: np.ndarray, gen: torch.Generator) -> torch.Tensor:
        xb = x[index]
        target = model.target(xb)
        if settings.augment:
            xb = xb + 0.02 * torch.randn(xb.shape, generator=gen)
        return ((model(xb) - target) ** 2).mean()

    def validate() -> float:
        return -float(np.mean(reconstruction_error(model, val_x)))

    sample = epoch_sampler(np.zeros(len(train_x), dtype=np.int64), settings.max_per_class)
    _, history = _fit(model, sample, loss_on, validate, settings)
    return history
