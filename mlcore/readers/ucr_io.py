"""UCR archive rows (e.g. ECG5000): one beat per row, the class label first."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np

from mlcore.errors import CorruptRecordError, InvalidSignalError
from mlcore.readers.records import BeatTable

MIN_LENGTH = 8  # samples per beat


def read_ucr(path: str | Path) -> BeatTable:
    """Read tab-, comma- or space-separated UCR rows into labels (int64) and beats (float32)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorruptRecordError(f"{path.name} cannot be opened: {exc.strerror}") from exc
    if not data.strip():
        raise InvalidSignalError(f"{path.name} is empty.")
    if b"\x00" in data:
        raise CorruptRecordError(f"{path.name} is not a text file (it contains binary data).")
    text = data.decode("utf-8-sig", errors="replace")
    delimiter = _delimiter(next(filter(_is_row, text.splitlines()), ""))
    try:
        with warnings.catch_warnings():  # "input contained no data": reported below
            warnings.simplefilter("ignore", UserWarning)
            table = np.loadtxt(io.StringIO(text), delimiter=delimiter, dtype=np.float64, ndmin=2)
    except ValueError as exc:
        raise CorruptRecordError(
            f"{path.name} is not a table of numbers with the same count on every row (UCR "
            f"format: label, then the beat's samples): {str(exc)[:200]}"
        ) from None
    if table.shape[1] < MIN_LENGTH + 1:
        raise InvalidSignalError(
            f"{path.name} has {table.shape[1]} columns; UCR rows need a label and at least "
            f"{MIN_LENGTH} samples."
        )
    labels, beats = table[:, 0], table[:, 1:]
    if not np.isfinite(labels).all() or np.any(labels != np.round(labels)):
        row = int(np.argmax(~np.isfinite(labels) | (labels != np.round(labels))))
        raise InvalidSignalError(
            f"Row {row + 1} of {path.name} has label {labels[row]!r}; labels must be integers."
        )
    bad = ~np.isfinite(beats)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        raise InvalidSignalError(
            f"Row {row + 1} of {path.name} has missing (NaN) or infinite samples; all beats must "
            "have the same length."
        )
    return BeatTable(labels.astype(np.int64), np.ascontiguousarray(beats, dtype=np.float32))


def read_ucr_row(path: str | Path, row: int) -> np.ndarray:
    """The beat of row ``row`` (1 = the first) of a table ``read_ucr`` has read, as float32, without
    parsing the rows before it: a click on one row of a large table stays fast."""
    seen = 0
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line in filter(_is_row, fh):
            seen += 1
            if seen == row:
                return np.array(line.split(_delimiter(line))[1:], dtype=np.float32)
    raise InvalidSignalError(f"{Path(path).name} has {seen} rows, not {row}.")


def _is_row(line: str) -> bool:
    """A data row: not blank and not a ``#`` comment (the lines np.loadtxt skips)."""
    stripped = line.strip()
    return bool(stripped) and stripped[0] != "#"


def _delimiter(line: str) -> str | None:
    """Tab, else comma, else any whitespace: what separates the values of a row like ``line``."""
    return "\t" if "\t" in line else ("," if "," in line else None)


def looks_like_ucr(lines: list[str]) -> bool:
    """Many columns and an integer first column on every line: UCR rows, not a recording."""
    rows = []
    for line in lines:
        if not line.strip():
            continue
        delimiter = "\t" if "\t" in line else ("," if "," in line else None)
        rows.append(line.split(delimiter))
    if not rows or len({len(r) for r in rows}) != 1 or len(rows[0]) < 17:
        return False
    try:
        labels = [float(r[0]) for r in rows]
        values = [float(v) for r in rows for v in r[1:]]
    except ValueError:
        return False
    # integer labels, but not an all-integer table (that would be ADC counts of many leads)
    return all(v.is_integer() for v in labels) and not all(v.is_integer() for v in values)
