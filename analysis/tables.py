"""Analysis of a beat table (UCR/ECG5000 rows): one step in the start task, no chunks, no events.

Each row is classified and scored by the ECG5000 models (``mlcore.tables``). The per-row results
are stored as one .npz (``row_labels``, ``row_classes``, ``row_confidence``, ``row_scores``, and
``row_median``, the median z-normalised row).
"""

from __future__ import annotations

import logging
import time

import numpy as np
from django.utils import timezone

from analysis.models import INTERNAL_ERROR, Analysis
from analysis.storage import model_version, save_arrays
from analysis.timeline import results
from mlcore.datasets import ECG5000_CLASSES
from mlcore.errors import SignalError
from mlcore.readers import read_ucr, read_ucr_row
from mlcore.tables import (
    CLASS_NAMES,
    analyse_table,
    load_table_models,
    normalise_rows,
    summarise_table,
)

log = logging.getLogger(__name__)

NO_TIMELINE = "A beat table is separate beats, not a recording: it has no timeline or report."


def run(analysis: Analysis) -> None:
    """Classify and score every row; store the results and the final status."""
    try:
        models = load_table_models()
    except Exception:
        log.exception("cannot load the beat-table models for analysis %s", analysis.pk)
        analysis.fail(INTERNAL_ERROR)
        return
    versions = {
        "classifier": model_version(models.classifier.folder),
        "autoencoder": model_version(models.autoencoder.folder),
    }
    analysis.mark_running(0, versions)
    began = time.perf_counter()
    try:
        with analysis.recording.local_path() as path:
            table = read_ucr(path)
        result = analyse_table(table, models)
    except SignalError as exc:
        analysis.fail(str(exc))
        return
    except Exception:
        log.exception("beat-table analysis %s failed", analysis.pk)
        analysis.fail(INTERNAL_ERROR)
        return
    arrays = {f"row_{key}": value for key, value in result.as_arrays().items()}
    name = save_arrays(
        f"{analysis.storage_prefix}/results.npz",
        row_labels=table.labels,
        row_median=np.median(normalise_rows(table.beats), axis=0),  # what a row is plotted over
        **arrays,
    )
    finished = timezone.now()
    updated = Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.RUNNING).update(
        status=Analysis.Status.SUCCEEDED,
        progress=100,
        summary=summarise_table(table, result),
        artefacts={"results": name},
        timings={"table_s": round(time.perf_counter() - began, 3)},
        finished=finished,
        updated=finished,
    )
    if updated:
        analysis.announce_finished()


class Rows:
    """The per-row results of a finished table analysis, in file order, as a sliceable sequence
    (what the API's paginator needs)."""

    def __init__(self, analysis: Analysis) -> None:
        self.arrays = results(analysis)

    def __len__(self) -> int:
        return len(self.arrays["row_classes"])

    def __getitem__(self, index: slice) -> list[dict]:
        return [row_dict(self.arrays, i) for i in range(*index.indices(len(self)))]


def row_dict(arrays: dict[str, np.ndarray], i: int) -> dict:
    return {
        "row": i + 1,
        "label": int(arrays["row_labels"][i]),
        "class": ECG5000_CLASSES[int(arrays["row_classes"][i])],
        "confidence": round(float(arrays["row_confidence"][i]), 4),
        "score": round(float(arrays["row_scores"][i]), 6),
    }


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
        "beat": np.round(beat, 4).tolist(),
        "median": np.round(arrays["row_median"], 4).tolist(),
    }
