"""The small interface every format module implements."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Protocol

import numpy as np

from mlcore.readers.records import RecordInfo
from mlcore.signal import Annotations, ECGSignal

BLOCK = 1 << 20  # samples per lead decoded at a time while filling a float32 result


class Source(Protocol):
    """An opened record: its metadata, and random access to sample spans."""

    info: RecordInfo

    def read(self, start: int, stop: int) -> ECGSignal:
        """Samples ``start:stop`` as float32 (unvalidated); annotations relative to ``start``."""
        ...


def slice_annotations(ann: Annotations | None, start: int, stop: int) -> Annotations | None:
    if ann is None:
        return None
    lo, hi = np.searchsorted(ann.samples, [start, stop])
    return Annotations(ann.samples[lo:hi] - start, ann.symbols[lo:hi])


def signal_at(
    info: RecordInfo, samples: np.ndarray, start: int, ann: Annotations | None
) -> ECGSignal:
    """Wrap a span of samples as an ECGSignal whose start time is shifted to the span."""
    start_time = info.start_time
    if start_time is not None and start:
        start_time = start_time + timedelta(seconds=start / info.fs)
    stop = start + samples.shape[1]
    return ECGSignal(
        samples,
        info.fs,
        info.lead_names,
        info.units,
        start_time,
        slice_annotations(ann, start, stop),
        info.time_origin_s + start / info.fs,
    )


def is_number(token: str, decimal_comma: bool = False) -> bool:
    """Whether a text cell holds a number (with ``decimal_comma``, "1,5" is one)."""
    if decimal_comma:
        token = token.replace(",", ".")
    try:
        float(token)
    except ValueError:
        return False
    return True


def reason(exc: BaseException) -> str:
    """The first line of an exception's message for the user: a path in it without its folders."""
    if isinstance(exc, OSError) and exc.strerror:
        name = os.path.basename(str(exc.filename)) if exc.filename else ""
        return f"{exc.strerror} ({name})" if name else exc.strerror
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
