"""UCR archive rows (e.g. ECG5000): one beat per row, the class label first."""

from __future__ import annotations

import io
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from mlcore.errors import CorruptRecordError, InvalidSignalError, SignalError
from mlcore.readers.records import BeatTable
from mlcore.readers.source import is_number

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
    # only the rows, each without a trailing delimiter: np.loadtxt reads a line of spaces or a
    # row ending with a tab as a row with an empty value
    text = "\n".join(
        _trimmed(line)
        for line in data.decode("utf-8-sig", errors="replace").splitlines()
        if _is_row(line)
    )
    delimiter = _delimiter(text.partition("\n")[0])
    try:
        with warnings.catch_warnings():  # "input contained no data": reported below
            warnings.simplefilter("ignore", UserWarning)
            table = np.loadtxt(io.StringIO(text), delimiter=delimiter, dtype=np.float64, ndmin=2)
    except ValueError as exc:
        raise _explain(text, path.name, str(exc)) from None
    if table.shape[1] < MIN_LENGTH + 1:
        raise InvalidSignalError(
            f"{path.name} has {table.shape[1]} columns; UCR rows need a label and at least "
            f"{MIN_LENGTH} samples."
        )
    labels, beats = table[:, 0], table[:, 1:]
    # Whole numbers of up to 15 digits: float64 holds them exactly, so a label is kept as written.
    bad = ~np.isfinite(labels) | (labels != np.round(labels)) | (np.abs(labels) >= 1e15)
    if bad.any():
        row = int(np.argmax(bad))
        raise InvalidSignalError(
            f"Row {row + 1} of {path.name} has label {float(labels[row]):g}; labels must be "
            "whole numbers of at most 15 digits."
        )
    bad = ~np.isfinite(beats)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        raise InvalidSignalError(
            f"Row {row + 1} of {path.name} has a value that is not a number (NaN) or is "
            "infinite; every sample of a beat must be a number."
        )
    if np.all(beats.min(axis=1) == beats.max(axis=1)):
        raise InvalidSignalError(
            f"Every row of {path.name} is flat (one value repeated); a beat table holds one "
            "heartbeat per row, its label first."
        )
    return BeatTable(labels.astype(np.int64), np.ascontiguousarray(beats, dtype=np.float32))


def _explain(text: str, name: str, error: str) -> SignalError:
    """Say which row of a table np.loadtxt refused is wrong, and how."""
    fields = _cells(text.splitlines())
    usual = Counter(len(f) for f in fields).most_common(1)[0][0]
    for number, values in enumerate(fields, start=1):
        if len(values) != usual:
            return CorruptRecordError(
                f"Row {number} of {name} has {len(values)} values, the others {usual}; every row "
                "is a label, then one beat of the same length."
            )
        if not is_number(values[0]):
            return InvalidSignalError(
                f"Row {number} of {name} has the label {values[0][:40]!r}; labels must be "
                "whole numbers (e.g. ECG5000's classes 1-5)."
            )
        for column, value in enumerate(values[1:], start=2):
            if not is_number(value):
                return CorruptRecordError(
                    f"Row {number} of {name} has a value that is not a number ({value[:40]!r} "
                    f"in column {column})."
                )
    return CorruptRecordError(
        f"{name} is not a table of numbers with the same count on every row (UCR format: label, "
        f"then the beat's samples): {error[:200]}"
    )


def read_ucr_row(path: str | Path, row: int) -> np.ndarray:
    """The beat of row ``row`` (1 = the first) of a table ``read_ucr`` has read, as float32, without
    parsing the rows before it: a click on one row of a large table stays fast."""
    seen = 0
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line in filter(_is_row, fh):
            seen += 1
            if seen == row:
                line = _trimmed(line)
                return np.array(line.split(_delimiter(line))[1:], dtype=np.float32)
    raise InvalidSignalError(f"{Path(path).name} has {seen} rows, not {row}.")


def _is_row(line: str) -> bool:
    """A data row: not blank, not a ``#`` comment, not only delimiters (Excel's ",,," rows)."""
    stripped = line.strip()
    return bool(stripped.strip(",")) and stripped[0] != "#"


def _trimmed(line: str) -> str:
    """A row without surrounding spaces and without a delimiter at its end."""
    line = line.strip()
    delimiter = _delimiter(line)
    return line[: -len(delimiter)] if delimiter and line.endswith(delimiter) else line


def _cells(lines) -> list[list[str]]:
    """The values of each data row (``_is_row``) of ``lines``, as text."""
    rows = (_trimmed(line) for line in lines if _is_row(line))
    return [[v.strip() for v in row.split(_delimiter(row))] for row in rows]


def _delimiter(line: str) -> str | None:
    """Tab, else comma, else any whitespace: what separates the values of a row like ``line``."""
    return "\t" if "\t" in line else ("," if "," in line else None)


def looks_like_ucr(lines: list[str], *, tsv: bool = False) -> bool:
    """Many columns and a label first on every line: UCR rows, not a recording.

    A table with faults (a row of another length, a value or label that is not a number) still
    counts, so that ``read_ucr`` says what is wrong with it. ``tsv``: the file's name says it is a
    beat table, so an all-integer table (or one with fractional labels) is one too, not ADC counts
    of many leads.
    """
    rows = _cells(lines)
    if not rows:
        return False
    usual, seen = Counter(len(r) for r in rows).most_common(1)[0]
    if usual < 17 or 2 * seen < len(rows):
        return False
    cells = [v for r in rows for v in r[1:]]
    values = [float(v) for v in cells if is_number(v)]
    if len(values) < 0.9 * len(cells):
        return False
    labels = [float(r[0]) if is_number(r[0]) else None for r in rows]
    if all(label is None for label in labels):
        return True  # text labels: read_ucr says they must be numbers
    if any(label is None for label in labels):
        return False  # e.g. a header line over numeric rows: a CSV
    if tsv:
        return True
    # integer labels, but not an all-integer table (that would be ADC counts of many leads)
    return all(v.is_integer() for v in labels) and not all(v.is_integer() for v in values)
