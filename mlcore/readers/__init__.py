"""Read ECG recordings of every supported format into ECGSignal, whole or in chunks.

Every failure on bad input is a SignalError whose message can be shown to the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from mlcore.errors import (
    CorruptRecordError,
    RecordTooLargeError,
    SignalError,
    UnsupportedFormatError,
)
from mlcore.readers import ucr_io
from mlcore.readers.channels import Millivolts
from mlcore.readers.detect import detect_format
from mlcore.readers.records import BeatTable, Chunk, RecordInfo
from mlcore.readers.source import Source, reason
from mlcore.readers.validate import check_finite, check_size, validate
from mlcore.signal import Annotations, ECGSignal

FORMATS = ("wfdb", "csv", "edf", "npy", "ucr")

__all__ = [
    "FORMATS",
    "BeatTable",
    "Chunk",
    "RecordInfo",
    "describe",
    "detect_format",
    "iter_chunks",
    "read_annotations",
    "read_record",
    "read_ucr",
    "read_ucr_row",
    "validate",
]


def read_record(path: str | Path, *, fs: float | None = None) -> ECGSignal:
    """Read and validate a whole record as float32 (n_leads, n_samples).

    ``fs`` is needed where the file carries no sampling rate (npy, CSV without time column)
    and ignored otherwise.
    """
    path = Path(path)
    with _guard(path):
        source = _open(path, fs)
        info = source.info
        check_size(info.n_leads, info.n_samples)
        return validate(source.read(0, info.n_samples))


def read_ucr(path: str | Path) -> BeatTable:
    """UCR rows (label first, then one beat) as int64 labels and float32 beats (n, length)."""
    with _guard(Path(path)):
        return ucr_io.read_ucr(path)


def read_ucr_row(path: str | Path, row: int) -> np.ndarray:
    """One row's beat (1 = the first row) of a UCR table that ``read_ucr`` accepts."""
    with _guard(Path(path)):
        return ucr_io.read_ucr_row(path, row)


def describe(path: str | Path, *, fs: float | None = None) -> RecordInfo:
    """Cheap metadata, from the header where the format has one (CSV is scanned once)."""
    path = Path(path)
    with _guard(path):
        return _open(path, fs).info


def read_annotations(path: str | Path) -> Annotations | None:
    """A record's reference annotations (samples at its own rate, symbols), None if it has none;
    no samples are read. Only WFDB (.atr) and EDF+ files carry them."""
    path = Path(path)
    if detect_format(path) not in ("wfdb", "edf"):
        return None
    with _guard(path):
        return _open_format(path, None).annotations


def iter_chunks(
    path: str | Path, *, chunk_s: float, overlap_s: float = 0.0, fs: float | None = None
) -> Iterator[Chunk]:
    """Yield consecutive chunks of ``chunk_s`` seconds, each sharing ``overlap_s`` with the last.

    Only each slice is read. The last chunk may be shorter. Chunks are checked for NaN/inf;
    the whole-record checks (flat leads) need the whole record and are left to the caller.
    """
    path = Path(path)
    with _guard(path):
        source = _open(path, fs)
    info = source.info
    size = max(1, round(chunk_s * info.fs))
    overlap = round(overlap_s * info.fs)
    if chunk_s <= 0 or not 0 <= overlap < size:
        raise ValueError(
            f"need chunk_s > 0 and 0 <= overlap_s < chunk_s, got {chunk_s}, {overlap_s}"
        )
    check_size(info.n_leads, size)
    start = 0
    while True:
        stop = min(start + size, info.n_samples)
        with _guard(path):
            signal = source.read(start, stop)
            check_finite(signal, offset=start)
        yield Chunk(start, signal)
        if stop >= info.n_samples:
            return
        start = stop - overlap


def _open(path: Path, fs: float | None) -> Source:
    """The record's ECG channels, read in mV where their unit is a voltage."""
    return Millivolts(_open_format(path, fs))


def _open_format(path: Path, fs: float | None) -> Source:
    fmt = detect_format(path)
    if fmt == "wfdb":
        from mlcore.readers.wfdb_io import WfdbSource

        header = path.with_suffix(".hea")
        if not header.is_file():  # e.g. REC.HEA: wfdb opens the record name + ".hea"
            raise UnsupportedFormatError(
                f"{path.name} must be named {header.name}: a WFDB header is read by its record "
                "name and a lowercase .hea."
            )
        return WfdbSource(header)
    if fmt == "csv":
        from mlcore.readers.csv_io import CsvSource

        return CsvSource(path, fs)
    if fmt == "edf":
        from mlcore.readers.edf_io import EdfSource

        return EdfSource(path)
    if fmt == "npy":
        from mlcore.readers.npy_io import NpyArraySource

        return NpyArraySource(path, fs)
    raise UnsupportedFormatError(
        f"{path.name} is a table of separate labelled beats (UCR format), not a continuous "
        "recording; it cannot be analysed as one."
    )


class _guard:
    """Turn anything but a SignalError raised while reading bad bytes into a SignalError."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or isinstance(exc, SignalError) or not isinstance(exc, Exception):
            return False
        if isinstance(exc, MemoryError):
            raise RecordTooLargeError(
                f"{self.path.name} is too large to load into memory."
            ) from exc
        raise CorruptRecordError(f"{self.path.name} cannot be read: {reason(exc)}") from exc


def read_span(path: str | Path, start: int, stop: int, *, fs: float | None = None) -> ECGSignal:
    """Samples ``start:stop`` of a record (clipped to its length), reading only that slice.

    Annotation sample indices are relative to ``start``. Checked for NaN/inf like ``iter_chunks``.
    """
    path = Path(path)
    with _guard(path):
        source = _open(path, fs)
        info = source.info
        start, stop = max(0, start), min(stop, info.n_samples)
        if stop <= start:
            raise ValueError(f"empty span {start}:{stop} of a record of {info.n_samples} samples")
        check_size(info.n_leads, stop - start)
        signal = source.read(start, stop)
        check_finite(signal, offset=start)
        return signal
