"""Rhythm episodes of a WFDB database's reference annotations, and how detected spans meet them
(shared by ``evaluate vf`` and ``evaluate af``)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from mlcore.evaluate.rpeaks import database_arguments


def rhythm_notes(record_path: Path) -> tuple[np.ndarray, list[str]]:
    """Times (s) and labels of the rhythm aux notes, e.g. ``(N``, ``(VFL``."""
    import wfdb

    ann = wfdb.rdann(str(record_path), "atr")
    fs = float(ann.fs or 360.0)
    times, labels = [], []
    for sample, note in zip(ann.sample, ann.aux_note, strict=True):
        note = note.strip("\x00 ")
        if note.startswith("("):
            times.append(sample / fs)
            labels.append(note)
    return np.asarray(times, dtype=np.float64), labels


def reference_episodes(
    times: np.ndarray, labels: list[str], duration_s: float, rhythms: tuple[str, ...]
) -> np.ndarray:
    """(k, 2) seconds of the episodes of ``rhythms`` (e.g. ``("(VFL", "(VF")``), each from its
    rhythm note to the next one."""
    ends = np.append(times[1:], duration_s)
    keep = np.isin(labels, rhythms) if labels else np.zeros(0, dtype=bool)
    return np.stack([times[keep], ends[keep]], axis=1) if keep.any() else np.zeros((0, 2))


def overlap_s(a: np.ndarray, b: np.ndarray) -> float:
    """Total overlap of two sets of disjoint [start, stop) intervals."""
    if not len(a) or not len(b):
        return 0.0
    lo = np.maximum(a[:, None, 0], b[None, :, 0])
    hi = np.minimum(a[:, None, 1], b[None, :, 1])
    return float(np.clip(hi - lo, 0.0, None).sum())


def rhythms_in(times: np.ndarray, labels: list[str], start: float, stop: float) -> list[str]:
    """The rhythm labels in effect anywhere in [start, stop)."""
    if not labels:
        return []
    first = max(0, int(np.searchsorted(times, start, side="right")) - 1)
    last = int(np.searchsorted(times, stop, side="left"))
    return sorted(set(labels[first:last]) or {labels[first]})


def percent(part: float, whole: float) -> str:
    """``part`` as a percentage of ``whole`` to one decimal, "-" when there is no whole."""
    return f"{100 * part / whole:.1f}" if whole else "-"


def episode_arguments(parser: argparse.ArgumentParser, printed: str) -> None:
    """``database_arguments`` and ``--all``: every record printed, not only ``printed``."""
    database_arguments(parser)
    parser.add_argument(
        "--all", action="store_true", help=f"print every record (default: {printed})"
    )
