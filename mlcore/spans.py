"""Spans of time, [start, stop) in seconds: unreadable signal, ventricular flutter, episodes.

Arrays of spans have shape (k, 2); lists hold (start, stop) tuples. Every function here takes
spans sorted by start, as the detectors and the chunks produce them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

Spans = Sequence[tuple[float, float]]


def merge_spans(spans: Iterable, gap: float = 0.0) -> list[tuple[float, float]]:
    """The spans with those that overlap, touch or are at most ``gap`` apart joined into one."""
    out: list[tuple[float, float]] = []
    for start, stop in spans:
        if out and start - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], float(stop)))
        else:
            out.append((float(start), float(stop)))
    return out


def clip_spans(spans: np.ndarray, start_s: float, stop_s: float) -> np.ndarray:
    """(k, 2) spans cut to [start_s, stop_s); those left empty are dropped."""
    clipped = np.clip(np.asarray(spans, dtype=np.float64).reshape(-1, 2), start_s, stop_s)
    return clipped[clipped[:, 1] > clipped[:, 0]]


def subtract_spans(spans: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """(k, 2) ``spans`` without the time covered by the ``removed`` spans."""
    out = []
    for start, stop in np.asarray(spans, dtype=np.float64).reshape(-1, 2):
        for cut_start, cut_stop in np.asarray(removed, dtype=np.float64).reshape(-1, 2):
            if cut_stop <= start or cut_start >= stop:
                continue
            if cut_start > start:
                out.append((start, cut_start))
            start = max(start, cut_stop)
        if stop > start:
            out.append((start, stop))
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def in_spans(times: np.ndarray, spans: Spans) -> np.ndarray:
    """Which ``times`` fall inside any of the spans."""
    mask = np.zeros(times.size, bool)
    for start, end in spans:
        mask |= (times >= start) & (times < end)
    return mask


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the runs of True in ``mask``."""
    padded = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def overlap_s(a: np.ndarray, b: np.ndarray) -> float:
    """Total overlap of two sets of disjoint [start, stop) intervals."""
    if not len(a) or not len(b):
        return 0.0
    lo = np.maximum(a[:, None, 0], b[None, :, 0])
    hi = np.minimum(a[:, None, 1], b[None, :, 1])
    return float(np.clip(hi - lo, 0.0, None).sum())
