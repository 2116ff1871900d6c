"""Beat tables (UCR/ECG5000 rows): each row is one beat, classified and scored by the ECG5000 models
(``mlcore.infer.analyse_table``). This module needs no torch: the web pages use it too.

ECG5000's rows are single beats of one patient (BIDMC chf07), each interpolated to 140 samples and
z-normalised on its own. An uploaded table is z-normalised row by row the same way, which leaves
ECG5000 itself as it is and makes a table in other units (e.g. mV) readable by the same models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlcore.datasets import ECG5000_CLASSES
from mlcore.errors import InvalidSignalError
from mlcore.readers.records import BeatTable
from mlcore.segment import BeatSet

BEAT_LENGTH = 140
CLASS_NAMES = {
    "normal": "Normal beat",
    "R-on-T": "R-on-T premature ventricular contraction",
    "PVC": "Premature ventricular contraction",
    "SP-EB": "Supraventricular premature or ectopic beat",
    "UB": "Unclassified beat",
}


def check_table(table: BeatTable) -> None:
    """Refuse a table the ECG5000 models cannot read, saying why."""
    if table.n_beats == 0:
        raise InvalidSignalError("The beat table has no rows.")
    if table.length != BEAT_LENGTH:
        raise InvalidSignalError(
            f"The beat table's rows have {table.length} samples after the label; the beat-table "
            f"models read ECG5000-style beats of {BEAT_LENGTH} samples (one beat per row, "
            "resampled to that length)."
        )


def normalise_rows(beats: np.ndarray) -> np.ndarray:
    """Each row minus its mean, over its standard deviation (ddof 1, as the UCR archive); flat rows
    stay at zero."""
    centred = beats - beats.mean(axis=1, keepdims=True)
    std = beats.std(axis=1, ddof=1, keepdims=True)
    return (centred / np.where(std > 0, std, 1.0)).astype(np.float32)


def table_beatset(beats: np.ndarray) -> BeatSet:
    """(n, length) rows as the one-lead BeatSet the models read; the template is the median row."""
    n = len(beats)
    windows = np.ascontiguousarray(beats[:, None, :], dtype=np.float32)
    return BeatSet(
        windows=windows,
        rr=np.zeros((n, 0), dtype=np.float32),
        kept=np.arange(n, dtype=np.int64),
        samples=np.arange(n, dtype=np.int64),
        fs=float("nan"),
        template=np.median(windows, axis=0).astype(np.float32),
    )


@dataclass(frozen=True)
class TableResult:
    classes: np.ndarray  # int8 (n,), index into ECG5000_CLASSES
    confidence: np.ndarray  # float32 (n,), the classifier's probability of that class
    scores: np.ndarray  # float32 (n,), autoencoder reconstruction error
    threshold: float  # a row scoring above it is anomalous
    # float32 (length,), the median z-normalised row (what a row is plotted over)
    median: np.ndarray

    @property
    def anomalous(self) -> np.ndarray:
        return self.scores > self.threshold

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {
            "classes": self.classes,
            "confidence": self.confidence,
            "scores": self.scores,
            "median": self.median,
        }


def has_ecg5000_labels(labels: np.ndarray) -> bool:
    """Labels 1-5 on every row: the file says what each beat is, in ECG5000's classes."""
    return bool(len(labels)) and bool(np.isin(labels, np.arange(1, 6)).all())


def summarise_table(table: BeatTable, result: TableResult) -> dict:
    """Counts per class, anomalous rows, and agreement with the file's labels when it has them."""
    counts = np.bincount(result.classes, minlength=len(ECG5000_CLASSES))
    summary = {
        "rows": table.n_beats,
        "beat_length": table.length,
        "classes": {name: int(n) for name, n in zip(ECG5000_CLASSES, counts, strict=True)},
        "anomalous_rows": int(result.anomalous.sum()),
        "anomaly_threshold": result.threshold,
        "agreement": None,
    }
    if has_ecg5000_labels(table.labels):
        truth = table.labels - 1
        confusion = np.zeros((len(ECG5000_CLASSES),) * 2, dtype=np.int64)
        np.add.at(confusion, (truth, result.classes), 1)
        summary["agreement"] = {
            "accuracy": round(float(np.trace(confusion) / confusion.sum()), 4),
            "confusion": confusion.tolist(),  # rows: the file's labels, columns: the model's
        }
    return summary
