"""Cross-validated ensembles: K members, each trained with one fold held out for early stopping.

The members' predictions on their own held-out fold ("out of fold") cover every training example
once, which gives a validation estimate on all the training data, by patient for MIT-BIH.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from mlcore.models import Ensemble
from mlcore.train.loop import (
    Arrays,
    Settings,
    class_weights,
    fit_classifier,
    predict_logits,
    seed_everything,
)


def group_folds(groups: np.ndarray, folds: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """Fold index of each example from the group (record) names of each fold.

    Examples of groups in no fold (e.g. reviewers' beats) get -1: every member trains on them.
    """
    index = np.full(len(groups), -1, dtype=np.int64)
    for k, members in enumerate(folds):
        index[np.isin(groups, members)] = k
    return index


def stratified_folds(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold index of each example, every class spread evenly over the k folds."""
    rng = np.random.default_rng(seed)
    index = np.zeros(len(y), dtype=np.int64)
    offset = 0
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        index[members] = (np.arange(len(members)) + offset) % k
        offset += len(members)  # rare classes do not all land in fold 0
    return index


def _take(data: Arrays, mask: np.ndarray) -> Arrays:
    return Arrays(data.x[mask], data.rr[mask], data.y[mask])


def fit_fold_ensemble(
    build: Callable[[], nn.Module],
    data: Arrays,
    folds: np.ndarray,
    n_classes: int,
    settings: Settings,
    val_score: Callable[[np.ndarray, np.ndarray], float],
) -> tuple[Ensemble, list[list[dict]], np.ndarray]:
    """One member per fold; returns the ensemble, each member's history and out-of-fold logits
    (rows of examples that were never held out stay zero)."""
    members, histories = [], []
    oof = np.zeros((len(data.y), n_classes), dtype=np.float32)
    for k in range(int(folds.max()) + 1):
        held_out = folds == k
        if not held_out.any():
            raise ValueError(f"fold {k} holds no examples")  # member k must be fold k's
        member_settings = Settings(**{**settings.__dict__, "seed": settings.seed + k})
        seed_everything(member_settings.seed)
        model = build()
        history = fit_classifier(
            model,
            _take(data, ~held_out),
            _take(data, held_out),
            n_classes,
            member_settings,
            val_score,
        )
        oof[held_out] = predict_logits(model, data.x[held_out], data.rr[held_out])
        members.append(model)
        histories.append(history)
    return Ensemble(members).eval(), histories, oof


def cross_validate(
    build: Callable[[], nn.Module],
    data: Arrays,
    folds: np.ndarray,
    n_classes: int,
    settings: Settings,
    val_score: Callable[[np.ndarray, np.ndarray], float],
) -> np.ndarray:
    """Nested cross-validation of the ``fit_fold_ensemble`` recipe: log-probabilities per example.

    Each fold t in turn is the test fold. An ensemble is fitted on the other folds exactly as the
    committed artefacts are (one member early-stopped on each of them), and only it predicts fold t.
    Unlike out-of-fold predictions, no prediction comes from a model that stopped early on the
    examples it predicts. Examples of fold -1 are always trained on and never predicted.
    """
    k = int(folds.max()) + 1
    if k < 3:
        raise ValueError("nested cross-validation needs at least 3 folds")
    out = np.zeros((len(data.y), n_classes), dtype=np.float32)
    for test in range(k):
        train = folds != test
        inner = folds[train]
        inner = np.where(inner > test, inner - 1, inner)  # folds 0..k-2, -1 stays -1
        ensemble, _, _ = fit_fold_ensemble(
            build,
            _take(data, train),
            inner,
            n_classes,
            Settings(**{**settings.__dict__, "seed": settings.seed + 100 * test}),
            val_score,
        )
        held = folds == test
        out[held] = predict_logits(ensemble, data.x[held], data.rr[held])
    return out


def out_of_fold_log_probs(
    ensemble: Ensemble, x: np.ndarray, rr: np.ndarray, folds: np.ndarray, n_classes: int
) -> np.ndarray:
    """Log-probabilities of each example from the member that held out its fold (``folds``)."""
    if (folds < 0).any() or folds.max() >= len(ensemble.members):
        raise ValueError("every example must belong to a fold that one member held out")
    out = np.zeros((len(x), n_classes), dtype=np.float32)
    for k in np.unique(folds):
        mask = folds == k
        logits = predict_logits(ensemble.members[k], x[mask], rr[mask])
        out[mask] = torch.log_softmax(torch.from_numpy(logits), dim=1).numpy()
    return out


def fit_head(
    head: nn.Linear, features: np.ndarray, y: np.ndarray, weight_power: float, steps: int = 300
) -> list[dict]:
    """Class-weighted cross-entropy of a linear head on fixed features, full batch.

    This is the combined model's head: a few dozen weights on thousands of held-out beats, so it
    needs no early stopping.
    """
    x, target = torch.from_numpy(features.astype(np.float32)), torch.from_numpy(y)
    criterion = nn.CrossEntropyLoss(weight=class_weights(y, head.out_features, weight_power))
    optimiser = torch.optim.Adam(head.parameters(), lr=1e-2)
    history = []
    for step in range(steps):
        loss = criterion(head(x), target)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 50 == 0 or step == steps - 1:
            history.append({"step": step + 1, "train_loss": float(loss.detach())})
    return history
