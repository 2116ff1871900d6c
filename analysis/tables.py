"""The results of a beat-table analysis (UCR/ECG5000 rows) for the pages and the API.

``analysis.pipeline.run_table`` stores them as one .npz: ``row_labels`` (the file's), and
``row_classes``, ``row_confidence``, ``row_scores`` and ``row_median`` (``mlcore.tables.TableResult``).
No torch here: the web process reads results, the workers compute them.
"""

from __future__ import annotations

import numpy as np

from analysis.models import Analysis
from analysis.timeline import PROBABILITY, SAMPLE, SCORE, fixed, results, rounded
from mlcore.datasets import ECG5000_CLASSES
from mlcore.readers import read_ucr_row
from mlcore.tables import CLASS_NAMES, normalise_rows

NO_TIMELINE = "A beat table is separate beats, not a recording: it has no timeline or report."


class Rows:
    """The per-row results of a finished table analysis, in file order, as a sliceable sequence
    (what the API's paginator needs)."""

    def __init__(self, analysis: Analysis) -> None:
        self.arrays = results(analysis)

    def __len__(self) -> int:
        return len(self.arrays["row_classes"])

    def __getitem__(self, index: slice) -> list[dict]:
        return [row_dict(self.arrays, i) for i in range(*index.indices(len(self)))]


ROW_FIELDS = ["row", "label", "class", "confidence", "score"]


def row_dict(arrays: dict[str, np.ndarray], i: int) -> dict:
    return {
        "row": i + 1,
        "label": int(arrays["row_labels"][i]),
        "class": ECG5000_CLASSES[int(arrays["row_classes"][i])],
        "confidence": rounded(arrays["row_confidence"][i], PROBABILITY),
        "score": rounded(arrays["row_scores"][i], SCORE),
    }


def csv_row(row: dict) -> list:
    """A ``row_dict`` as a line of the rows CSV: its numbers with fixed decimals."""
    return [
        row["row"],
        row["label"],
        row["class"],
        fixed(row["confidence"], PROBABILITY),
        fixed(row["score"], SCORE),
    ]


def most_anomalous(analysis: Analysis, n: int) -> list[dict]:
    """The ``n`` rows with the highest anomaly score, highest first."""
    arrays = results(analysis)
    order = np.argsort(-arrays["row_scores"], kind="stable")[:n]
    return [row_dict(arrays, int(i)) for i in order]


def class_counts(summary: dict) -> list[tuple[str, str, int]]:
    """(class, its full name, rows) for the page, in ECG5000's order (a JSON column may not keep
    the summary's key order)."""
    return [(key, CLASS_NAMES[key], summary["classes"][key]) for key in ECG5000_CLASSES]


def confusion_rows(summary: dict) -> list[tuple[str, list[int]]]:
    """(the file's label, counts per predicted class) per label, or [] when the file has none."""
    agreement = summary.get("agreement")
    if not agreement:
        return []
    return list(zip(ECG5000_CLASSES, agreement["confusion"], strict=True))


def row_beat(analysis: Analysis, row: int) -> dict:
    """One row's beat as the models read it (z-normalised), with the table's median row."""
    arrays = results(analysis)
    if not 1 <= row <= len(arrays["row_classes"]):
        raise IndexError(f"row must be between 1 and {len(arrays['row_classes'])}")
    with analysis.recording.local_path() as path:
        beat = normalise_rows(read_ucr_row(path, row)[None])[0]
    return {
        **row_dict(arrays, row - 1),
        "beat": rounded(beat, SAMPLE),
        "median": rounded(arrays["row_median"], SAMPLE),
    }
