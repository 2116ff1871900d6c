"""Classification metrics as used in the ECG literature: Se (recall), +P (precision), F1, ROC-AUC."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, n_classes) counts; rows are the reference class, columns the prediction."""
    index = np.asarray(y_true, dtype=np.int64) * n_classes + np.asarray(y_pred, dtype=np.int64)
    return np.bincount(index, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else 0.0


def classification_report(y_true: np.ndarray, y_pred: np.ndarray, classes: tuple[str, ...]) -> dict:
    """Per-class Se, +P, F1 and support; accuracy; macro-F1 over classes present in y_true."""
    cm = confusion(y_true, y_pred, len(classes))
    per_class = {}
    for i, name in enumerate(classes):
        tp = cm[i, i]
        se = _ratio(tp, cm[i].sum())
        ppv = _ratio(tp, cm[:, i].sum())
        f1 = _ratio(2 * se * ppv, se + ppv)
        per_class[name] = {"support": int(cm[i].sum()), "se": se, "ppv": ppv, "f1": f1}
    present = [m["f1"] for m in per_class.values() if m["support"] > 0]
    return {
        "n": int(cm.sum()),
        "accuracy": _ratio(np.trace(cm), cm.sum()),
        "macro_f1": float(np.mean(present)) if present else 0.0,
        "per_class": per_class,
        "confusion": cm.tolist(),
    }


def roc_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with ties averaged); positive is boolean."""
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_curve(positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False- and true-positive rates for every threshold (descending scores)."""
    positive = np.asarray(positive, dtype=bool)
    order = np.argsort(-np.asarray(scores), kind="stable")
    tp = np.concatenate([[0], np.cumsum(positive[order])])
    fp = np.concatenate([[0], np.cumsum(~positive[order])])
    return fp / max(fp[-1], 1), tp / max(tp[-1], 1)
