"""Reviewers' labels as training data: the export format, the labelling rule, and reading it back.

``python manage.py export_review_labels OUT`` writes, for the closed review cases:

* ``OUT/labels.csv``: one row per reviewed event, columns ``CSV_COLUMNS``:

  - ``record``: the exported WFDB record (``a<analysis id>``), ``analysis``, ``recording`` (its name),
    ``event`` (id), ``start_s``/``end_s`` (seconds from the recording start);
  - ``event_type``: the type the pipeline found; ``decision``: confirm, reject or relabel;
    ``label_type``: the type after review (blank when rejected);
  - ``aami_class``: the AAMI class (N, S, V, F, Q) the reviewed beats get (``reviewed_class``), blank
    when the review says nothing about beat classes; ``beats_labelled``: how many beats got it;
  - ``reviewer``, ``reviewed_at`` (ISO 8601, UTC).

* per exported analysis (unless ``--no-signals``) a WFDB record ``OUT/a<id>``: ``.hea``/``.dat`` (the
  signal, physical units, format 16), ``.qrs`` (every beat the pipeline detected, symbol "N": the
  R-peak context for RR features) and ``.atr`` (only the reviewed beats, with their reviewed AAMI
  class as MIT-BIH symbol N, A, V, F, Q).

Which beats a review labels (``flagged_beats`` and ``reviewed_class``): the beats of the event's span
whose predicted class is the event's class (V for pvc, couplets, runs, bigeminy and trigeminy; S for
pac, couplets and runs; N for atrial fibrillation, whose beats AAMI labels N; every beat of the span
for other event types). They get the relabelled class when the reviewer gave one, else the class the
(confirmed or relabelled) event type implies: an S run relabelled atrial fibrillation makes its beats
N. A rejection, or another rhythm event confirmed, labels no beats: the reviewer did not say what
they are.

``reviewed_beats(OUT, leads)`` turns the records into a ``BeatDataset`` like ``mitdb_beats``, to
``datasets.concat`` with the training beats.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np

from mlcore.datasets import BeatDataset, concat, model_input, reference_beats
from mlcore.segment import AAMI_CLASSES, beat_windows

log = logging.getLogger(__name__)

CSV_COLUMNS = (
    "record",
    "analysis",
    "recording",
    "event",
    "start_s",
    "end_s",
    "event_type",
    "decision",
    "label_type",
    "aami_class",
    "beats_labelled",
    "reviewer",
    "reviewed_at",
)
NUMERIC = {"analysis": int, "event": int, "start_s": float, "end_s": float, "beats_labelled": int}
EVENT_CLASS = {
    **dict.fromkeys(("pvc", "v_couplet", "v_run", "bigeminy", "trigeminy"), "V"),
    **dict.fromkeys(("pac", "s_couplet", "s_run"), "S"),
    "af": "N",
}
# MIT-BIH symbol written to .atr for each AAMI class (read back through segment.AAMI_MAP).
SYMBOL = {"N": "N", "S": "A", "V": "V", "F": "F", "Q": "Q"}
SPAN_TOLERANCE_S = 0.01


def flagged_beats(
    event_type: str, start_s: float, end_s: float, times_s: np.ndarray, classes: np.ndarray
) -> np.ndarray:
    """Indices of the beats an event is about (see the module docstring)."""
    times_s = np.asarray(times_s)
    lo, hi = np.searchsorted(times_s, [start_s - SPAN_TOLERANCE_S, end_s + SPAN_TOLERANCE_S])
    index = np.arange(lo, hi)
    cls = EVENT_CLASS.get(event_type)
    if cls is not None:
        index = index[np.asarray(classes)[lo:hi] == AAMI_CLASSES.index(cls)]
    return index


def reviewed_class(event_type: str, decision: str, new_type: str = "", new_class: str = "") -> str:
    """The AAMI class the reviewed beats get, or "" when the review does not tell."""
    if decision == "reject":
        return ""
    if decision == "relabel":
        return new_class or EVENT_CLASS.get(new_type, "")
    return EVENT_CLASS.get(event_type, "")


def write_record(
    folder: Path,
    name: str,
    signal,
    beat_times_s: np.ndarray,
    labelled: dict[int, str],
) -> None:
    """Write ``signal`` (an ECGSignal) as WFDB ``name`` with .qrs (all beats) and .atr (labelled).

    ``labelled`` maps beat indices (into ``beat_times_s``) to AAMI classes.
    """
    import wfdb

    folder.mkdir(parents=True, exist_ok=True)
    n = signal.n_samples
    names = [str(lead).replace(" ", "_") or f"lead{i}" for i, lead in enumerate(signal.lead_names)]
    units = [u or "mV" for u in signal.units]
    wfdb.wrsamp(
        name,
        fs=float(signal.fs),
        units=units,
        sig_name=names,
        p_signal=np.asarray(signal.samples, dtype=np.float64).T,
        fmt=["16"] * signal.n_leads,
        write_dir=str(folder),
    )
    samples = np.clip(np.round(np.asarray(beat_times_s) * signal.fs).astype(np.int64), 0, n - 1)
    samples, first = np.unique(samples, return_index=True)
    if samples.size:
        wfdb.wrann(name, "qrs", samples, ["N"] * samples.size, write_dir=str(folder), fs=signal.fs)
    where = {int(index): k for k, index in enumerate(first)}
    rows = sorted((samples[where[i]], SYMBOL[c]) for i, c in labelled.items() if i in where)
    if rows:
        wfdb.wrann(
            name,
            "atr",
            np.array([s for s, _ in rows], dtype=np.int64),
            [sym for _, sym in rows],
            write_dir=str(folder),
            fs=signal.fs,
        )


def read_labels(path: Path) -> dict[str, np.ndarray]:
    """``labels.csv`` as one array per column (numbers as numbers, text as str)."""
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(
                f"{path} is not a review label export: no {', '.join(sorted(missing))}"
            )
        rows = list(reader)
    return {
        column: np.array([NUMERIC.get(column, str)(row[column]) for row in rows])
        if rows
        else np.array([], dtype=np.float64 if column in NUMERIC else str)
        for column in CSV_COLUMNS
    }


def reviewed_beats(folder: Path, leads: int = 1) -> BeatDataset | None:
    """The reviewed beats of every exported record in ``folder``, cut like ``mitdb_beats``.

    RR features and amplitude scaling use every detected beat (.qrs); only the reviewed ones (.atr)
    are returned, grouped as ``review:<record>``. Records with fewer than ``leads`` leads are
    skipped (logged). None when there is nothing to add.
    """
    from mlcore.readers import read_record

    parts = []
    for atr in sorted(Path(folder).glob("*.atr")):
        part = _record_beats(atr.with_suffix(""), leads, read_record)
        if part is not None and len(part):
            parts.append(part)
    return concat(parts) if parts else None


def _record_beats(path: Path, leads: int, read_record) -> BeatDataset | None:
    import wfdb

    signal = read_record(path.with_suffix(".hea"))
    if signal.n_leads < leads:
        log.warning("%s has %d leads, %d needed; skipped", path.name, signal.n_leads, leads)
        return None
    x, fs = model_input(signal)
    x = x[:leads]
    scale = fs / float(signal.fs)
    qrs = wfdb.rdann(str(path), "qrs").sample
    context = np.unique(
        np.clip(np.round(np.asarray(qrs) * scale).astype(np.int64), 0, x.shape[1] - 1)
    )
    positions, labels = reference_beats(signal, fs, x.shape[1])
    beats = beat_windows(x, context, fs)
    keep = np.isin(beats.samples, positions)
    label_of = dict(zip(positions.tolist(), labels.tolist(), strict=True))
    return BeatDataset(
        windows=beats.windows[keep],
        rr=beats.rr[keep],
        diff=beats.with_difference()[keep][:, leads:],
        labels=np.array([label_of[s] for s in beats.samples[keep].tolist()], dtype=np.int64),
        groups=np.full(int(keep.sum()), f"review:{path.name}").astype(str),
        classes=AAMI_CLASSES,
    )


def append_reviewed(train: BeatDataset, folder: Path | None, leads: int) -> tuple[BeatDataset, int]:
    """``train`` plus the reviewed beats exported to ``folder`` (if any): (dataset, beats added).

    For ``python -m mlcore.train --reviewed-labels FOLDER``: call on the training split only, so
    validation and test records stay untouched.
    """
    if folder is None:
        return train, 0
    if not Path(folder).is_dir():
        raise FileNotFoundError(f"no review label export at {folder}")
    extra = reviewed_beats(folder, leads=leads)
    if extra is None:
        return train, 0
    return concat([train, extra]), len(extra)
