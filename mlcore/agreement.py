"""How analysed beats agree with a record's reference beat annotations (a WFDB ``.atr``), scored as
ANSI/AAMI EC57 does: each annotated beat is matched to the nearest unmatched beat found within
150 ms, and episodes of ventricular flutter/fibrillation (``[`` to ``]``) are left out.

An annotated beat with no beat found counts against its class's Se, a beat found with no annotated
beat against the +P of the class it was given; both are "none" in the confusion matrix. Only
annotated beats where a beat can be classified count (a whole window, ``BEFORE_S`` to ``AFTER_S``
around it, inside the recording), as in ``mlcore.segment.beat_windows``.
"""

from __future__ import annotations

import numpy as np

from mlcore.evaluate.rpeaks import MATCH_WINDOW_S, drop_excluded, match_pairs, reference_beats
from mlcore.preprocess import MODEL_FS
from mlcore.segment import AAMI_CLASSES, AFTER_S, BEFORE_S, aami_class
from mlcore.signal import Annotations
from mlcore.train.metrics import classification_report, confusion

NO_BEAT = len(AAMI_CLASSES)  # "none": a beat found with no annotated beat, or a missed beat
ROWS = (*AAMI_CLASSES, "none")


def detection_report(labels: np.ndarray, predicted: np.ndarray, classes: tuple[str, ...]) -> dict:
    """``classification_report`` with "none" (NO_BEAT) as a sixth row and column, left out of the
    per-class metrics and the macro-F1: missed beats and false detections are errors of the classes
    they were or were given."""
    report = classification_report(labels, predicted, (*classes, "none"))
    del report["per_class"]["none"]
    present = [m["f1"] for m in report["per_class"].values() if m["support"]]
    report["macro_f1"] = float(np.mean(present)) if present else 0.0
    report["missed_beats"] = int(np.sum(predicted == NO_BEAT))
    report["false_detections"] = int(np.sum(labels == NO_BEAT))
    return report


def match_to_reference(
    found: np.ndarray, reference: np.ndarray, labels: np.ndarray, tolerance: int
) -> tuple[np.ndarray, np.ndarray]:
    """The reference label of each of the sorted ``found`` beats (NO_BEAT where none is within
    ``tolerance`` samples) and the labels of the sorted ``reference`` beats nothing matched."""
    pairs = match_pairs(reference, found, tolerance)
    found_labels = np.full(len(found), NO_BEAT, dtype=np.int64)
    found_labels[pairs[pairs >= 0]] = labels[pairs >= 0]
    return found_labels, labels[pairs < 0]


def reference_agreement(
    beat_times_s: np.ndarray,
    beat_classes: np.ndarray,
    annotations: Annotations,
    fs: float,
    duration_s: float,
) -> dict | None:
    """The beats found (times in seconds from the first sample, AAMI class indices) against the
    annotations (samples at ``fs``), as ``agreement_summary``; None if the annotations hold no
    beat to score."""
    symbols = np.asarray(annotations.symbols).astype(str)
    samples = np.asarray(annotations.samples, dtype=np.int64)
    _, flutter = reference_beats(samples, symbols)
    grid = MODEL_FS / fs  # both on the analysis's 360 Hz grid
    classes = [aami_class(s) for s in symbols]
    is_beat = np.array([c is not None for c in classes], dtype=bool)
    reference = np.round(samples[is_beat] * grid).astype(np.int64)
    labels = np.array([AAMI_CLASSES.index(c) for c in classes if c is not None], dtype=np.int64)
    flutter = np.round(flutter * grid).astype(np.int64).reshape(-1, 2)
    lo, hi = BEFORE_S * MODEL_FS, (duration_s - AFTER_S) * MODEL_FS

    def scored(x: np.ndarray) -> np.ndarray:
        return np.isin(x, drop_excluded(x, flutter)) & (x >= lo) & (x <= hi)

    keep = scored(reference)
    reference, labels = reference[keep], labels[keep]
    if len(reference) == 0:
        return None
    order = np.argsort(reference, kind="stable")
    reference, labels = reference[order], labels[order]
    found = np.round(np.asarray(beat_times_s, dtype=np.float64) * MODEL_FS).astype(np.int64)
    keep = scored(found)
    found, predicted = found[keep], np.asarray(beat_classes, dtype=np.int64)[keep]
    order = np.argsort(found, kind="stable")
    found, predicted = found[order], predicted[order]
    found_labels, missed = match_to_reference(
        found, reference, labels, round(MATCH_WINDOW_S * MODEL_FS)
    )
    cm = confusion(
        np.concatenate([found_labels, missed]),
        np.concatenate([predicted, np.full(len(missed), NO_BEAT)]),
        len(ROWS),
    )
    return agreement_summary(cm)


def ratio(hits: int, total: int) -> float | None:
    """``hits / total`` rounded for storing, None for 0/0 (undefined, not a zero)."""
    return round(float(hits / total), 4) if total else None


def agreement_summary(cm: np.ndarray) -> dict:
    """Counts, accuracy, Se and +P per class of a confusion matrix (rows: the annotated class,
    "none" for a beat found where none is annotated; columns: the class given, "none" for an
    annotated beat not found), rounded for storing with a summary; a ratio of nothing (Se of a
    class never annotated, +P of one never given) is None. Summed matrices pool recordings."""
    cm = np.asarray(cm, dtype=np.int64)
    classes = len(AAMI_CLASSES)
    per_class = {}
    for i, name in enumerate(AAMI_CLASSES):
        annotated = int(cm[i].sum())
        per_class[name] = {
            "annotated": annotated,
            "se": ratio(cm[i, i], annotated),
            "ppv": ratio(cm[i, i], cm[:, i].sum()),
        }
    return {
        "annotated_beats": int(cm[:classes].sum()),
        "found_beats": int(cm[:, :classes].sum()),
        "missed_beats": int(cm[:, NO_BEAT].sum()),
        "extra_beats": int(cm[NO_BEAT].sum()),
        "accuracy": ratio(np.trace(cm), cm.sum()),
        "per_class": per_class,
        "labels": list(ROWS),  # of the confusion matrix's rows and columns (JSON objects may
        "confusion": cm.tolist(),  # come back from a database with their keys reordered)
        "match_window_s": MATCH_WINDOW_S,
    }


def pooled(summaries: list[dict]) -> dict | None:
    """``agreement_summary`` of several recordings' agreements together (their confusion matrices
    summed, so ratios stored as 0.0 for 0/0 by earlier analyses come back None), or None for
    none."""
    if not summaries:
        return None
    return agreement_summary(sum(np.array(s["confusion"]) for s in summaries))
