"""Delimited text (.csv/.txt): one column per lead, optional header, units row and time column.

The file is streamed twice at most: once to count rows, check numbers and infer the sampling
rate from a time column, then once per read; byte offsets noted on the first pass let chunked
reads seek near their start instead of rescanning from the top.
"""

from __future__ import annotations

import io
import itertools
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mlcore.errors import CorruptRecordError, InvalidSignalError, MissingSamplingRateError
from mlcore.readers.channels import ecg_channels
from mlcore.readers.records import RecordInfo
from mlcore.readers.source import is_number, signal_at
from mlcore.readers.validate import MAX_FS, MIN_FS, check_fs, check_shape
from mlcore.signal import ECGSignal

LINES_PER_BLOCK = 1 << 16
SNIFF_LINES = 50
DEFAULT_UNIT = "mV"
MAX_LEADS = 64  # as for .npy: more columns are not the leads of one recording

_UNIT_WORDS = {
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "ms": 1e-3,
    "msec": 1e-3,
    "millis": 1e-3,
    "milliseconds": 1e-3,
    "us": 1e-6,
    "µs": 1e-6,
    "usec": 1e-6,
    "microseconds": 1e-6,
}
_UNITS = "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True))
_TIME_RE = re.compile(rf"^(elapsed[ _]?)?(time|t|timestamp|{_UNITS})([ _\-]?({_UNITS}))?$")
_INDEX_RE = re.compile(
    r"^(index|idx|sample|samples|sample ?#|sample[ _]?(no|nr|number|index)|n|#)$"
)
_UNIT_IN_NAME = re.compile(r"^(.*?)\s*[\(\[]([^\)\]]*)[\)\]]\s*$")
# ... or after the name: "ECG_uV", "II mV" (not a bare V: "lead_V" may be a precordial lead)
_VOLTAGE_AFTER_NAME = re.compile(r"^(.+?)[ _\-]+(mv|uv|\u00b5v|\u03bcv|nv)$", re.IGNORECASE)
# a line of nothing but spaces and delimiters (Excel's trailing ";;" rows): no data, skipped
_BLANK_ROW = re.compile(r"^[ \t,;\r\f\v]+$", re.MULTILINE)
# a whole number, or two around one comma ("0,512"), maybe quoted
_COMMA_NUMBER = re.compile(r"^([\"']?)([+-]?\d+)(?:,(\d+))?\1$")


@dataclass
class _Layout:
    delimiter: str | None
    decimal_comma: bool
    trailing: bool  # every line ends with the delimiter (an empty last column to ignore)
    data_offset: int  # byte offset of the first line after the header/units rows
    first_line: int  # 1-based line number at data_offset
    n_cols: int
    lead_cols: list[int]
    time_col: int | None
    time_scale: float | None  # seconds per time unit, None when to be guessed
    names: list[str]  # of every column
    all_units: list[str]
    time_guessed: bool = False  # first column taken for time because it increases
    time_origin_s: float = 0.0  # the time column's value at the first data row, in seconds
    n_rows: int = 0
    # (data rows before, byte offset, line number) at block starts, for seeking
    checkpoints: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def lead_names(self) -> tuple[str, ...]:
        return tuple(self.names[c] for c in self.lead_cols)

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(self.all_units[c] for c in self.lead_cols)


class _NotIncreasing(InvalidSignalError):
    pass


class CsvSource:
    def __init__(self, path: Path, fs: float | None):
        self.path = path
        layout = _sniff(path)
        try:
            fs_from_time = _scan(path, layout)
        except _NotIncreasing:
            if not layout.time_guessed:
                raise
            # the increasing first lines were a lead after all
            layout.lead_cols.insert(0, layout.time_col)
            layout.time_col, layout.time_guessed, layout.checkpoints = None, False, []
            fs_from_time = _scan(path, layout)
        if layout.time_col is not None and layout.n_rows < 2:
            raise InvalidSignalError(f"{path.name} has {layout.n_rows} data rows; too short.")
        if layout.time_col is not None:
            how = "" if layout.time_scale else ", read as seconds"
            fs_value = check_fs(fs_from_time, source=f"{path.name} (from its time column{how})")
        elif fs is None:
            raise MissingSamplingRateError(
                f"{path.name} has no time column, so its sampling rate is unknown: please give "
                "the sampling rate in Hz (or add a time column in seconds)."
            )
        else:
            fs_value = check_fs(fs, source=path.name)
        self.layout = layout
        check_shape(len(layout.lead_cols), layout.n_rows, fs_value, source=path.name)
        self.info = RecordInfo(
            format="csv",
            fs=fs_value,
            n_samples=layout.n_rows,
            n_leads=len(layout.lead_cols),
            lead_names=layout.lead_names,
            units=layout.units,
            duration_s=layout.n_rows / fs_value,
            start_time=None,
            has_annotations=False,
            time_origin_s=layout.time_origin_s,
        )

    def read(self, start: int, stop: int) -> ECGSignal:
        lay = self.layout
        out = np.empty((len(lay.lead_cols), stop - start), dtype=np.float32)
        idx = max(i for i, cp in enumerate(lay.checkpoints) if cp[0] <= start)
        row, offset, line_no = lay.checkpoints[idx]
        filled = 0
        with open(self.path, "rb") as f:
            f.seek(offset)
            for block in _blocks(f):
                arr = _parse(block, lay, line_no, self.path)
                line_no += len(block)
                lo, hi = max(start - row, 0), min(stop - row, len(arr))
                if hi > lo:
                    with np.errstate(over="ignore"):  # beyond float32 -> inf, caught by validate
                        out[:, filled : filled + hi - lo] = arr[lo:hi, lay.lead_cols].T
                    filled += hi - lo
                row += len(arr)
                if row >= stop:
                    break
        if filled != stop - start:
            raise CorruptRecordError(f"{self.path.name} changed while it was being read.")
        return signal_at(self.info, out, start, None)


def _blocks(f):
    while True:
        block = list(itertools.islice(f, LINES_PER_BLOCK))
        if not block:
            return
        yield block


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise CorruptRecordError(f"{name} is not a text file (it contains binary data).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _is_data_line(text: str) -> bool:
    """Not blank, not a ``#`` comment, not a row of empty fields only (``;;``)."""
    s = text.strip()
    return bool(s.strip(" \t,;")) and not s.startswith("#")


def _split(text: str, delimiter: str | None, trailing: bool = False) -> list[str]:
    """Fields of a line, unquoted; ``trailing``: every line ends with a delimiter, drop it."""
    text = text.strip()
    if trailing and delimiter is not None and text.endswith(delimiter):
        text = text[: -len(delimiter)]
    return [_cell(p) for p in text.split(delimiter)]


def _cell(text: str) -> str:
    return text.strip().strip("'\"").strip()


def _sniff(path: Path) -> _Layout:
    """Find delimiter, header and units rows, time/index columns from the first lines."""
    head: list[tuple[int, int, str]] = []  # (line number, byte offset, text)
    offset = 0
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, start=1):
            text = _decode(raw, path.name)
            if _is_data_line(text):
                head.append((line_no, offset, text))
            offset += len(raw)
            if len(head) >= SNIFF_LINES:
                break
    if not head:
        raise InvalidSignalError(f"{path.name} contains no samples.")
    if _comma_decimals([t for _, _, t in head], path.name):
        delimiter, decimal_comma = None, True  # one lead, "0,512": the comma is no separator
    else:
        delimiter, decimal_comma = _delimiter([t for _, _, t in head[-max(1, len(head) // 2) :]])
    trailing = delimiter is not None and all(t.strip().endswith(delimiter) for _, _, t in head)
    # a header is a first line with any text; a units row under it has no number at all
    numeric = [
        [is_number(t, decimal_comma) for t in _split(text, delimiter, trailing)]
        for _, _, text in head[:2]
    ]
    n_text_rows = 0 if all(numeric[0]) else 1
    if n_text_rows and len(numeric) > 1 and not any(numeric[1]):
        n_text_rows = 2
    if n_text_rows == len(head):
        raise CorruptRecordError(
            f"{path.name} has no numeric rows in its first lines; it does not look like a CSV "
            "of ECG samples."
        )
    header = _split(head[0][2], delimiter, trailing) if n_text_rows else None
    unit_row = _split(head[1][2], delimiter, trailing) if n_text_rows == 2 else None
    first = head[n_text_rows]
    n_cols = len(_split(first[2], delimiter, trailing))
    if delimiter is None and n_cols == 1:  # one column: its name may hold spaces, "ECG (µV)"
        header = None if header is None else [_cell(head[0][2])]
        unit_row = None if unit_row is None else [_cell(head[1][2])]
    if header is not None and len(header) != n_cols:
        raise CorruptRecordError(
            f"The header of {path.name} names {len(header)} columns but line {first[0]} has "
            f"{n_cols} values."
        )
    names, units, time_col, time_scale, index_cols = _columns(header, unit_row, n_cols)
    time_guessed = False
    if time_col is None and not index_cols and n_cols >= 2:
        time_col, index_cols = _increasing_first_column(
            head[n_text_rows:], delimiter, decimal_comma
        )
        time_guessed = time_col is not None
    drop = set(index_cols) | ({time_col} if time_col is not None else set())
    lead_cols = [c for c in range(n_cols) if c not in drop]
    if len(lead_cols) > MAX_LEADS:
        raise InvalidSignalError(
            f"{path.name} has {n_cols} columns, too many to be the leads of one recording (at "
            f"most {MAX_LEADS}); it looks like a table of beats, one beat per row. Beatline reads "
            "beat tables in the UCR layout: one beat per row, its class label (a whole number) "
            "first, then the beat's samples; no header line; the values separated by tabs, in a "
            ".tsv file."
        )
    keep = ecg_channels([names[c] for c in lead_cols], [units[c] for c in lead_cols], path.name)
    lead_cols = [lead_cols[i] for i in keep]
    # data starts right after the text rows (or at the first data line)
    data_offset, first_line = first[1], first[0]
    return _Layout(
        delimiter=delimiter,
        decimal_comma=decimal_comma,
        trailing=trailing,
        data_offset=data_offset,
        first_line=first_line,
        n_cols=n_cols,
        lead_cols=lead_cols,
        time_col=time_col,
        time_scale=time_scale,
        names=names,
        all_units=units,
        time_guessed=time_guessed,
    )


def _comma_decimals(lines: list[str], name: str) -> bool:
    """Whether lines such as ``0,512`` are one lead written with decimal commas.

    Asked when a comma is the only separator and every data line is a whole number or two
    around one comma. A header (and units row) without a comma names one column: decimal
    commas. Without a header, an integer part "-0" or decimals with a leading zero ("0,05")
    can only be decimal commas, and a first number that increases on every line is a time or
    sample column beside one lead; anything else could be either, and is refused.
    """
    rows = [_COMMA_NUMBER.match(line.strip()) for line in lines]
    n_text = next((i for i, m in enumerate(rows) if m), len(rows))
    data = rows[n_text:]
    if n_text > 2 or not data or not all(data) or not any(m[3] for m in data):
        return False
    if any(";" in line or "\t" in line for line in lines):
        return False
    if n_text:
        return not any("," in line for line in lines[:n_text])
    pairs = [m for m in data if m[3]]
    if any(m[2] in ("-0", "+0") for m in pairs) or any(
        len(m[3]) > 1 and m[3][0] == "0" for m in pairs
    ):
        return True
    firsts = [int(m[2]) for m in data]
    if all(b > a for a, b in itertools.pairwise(firsts)):
        return False
    raise CorruptRecordError(
        f"{name} has two whole numbers on each line, separated by a comma (e.g. "
        f"{lines[0].strip()[:40]!r}): they could be two leads, or one lead written with a "
        "decimal comma. Add a header line naming the columns (e.g. 'I,II' for two leads, or "
        "'ECG' for one), or save the numbers with decimal points."
    )


def _delimiter(lines: list[str]) -> tuple[str | None, bool]:
    for d in ("\t", ";", ","):
        counts = {line.count(d) for line in lines}
        if len(counts) == 1 and counts.pop() > 0:
            decimal_comma = d != "," and any("," in line for line in lines)
            return d, decimal_comma
    return None, False


def _columns(header, unit_row, n_cols):
    names = [f"lead{i + 1}" for i in range(n_cols)]
    units = [DEFAULT_UNIT] * n_cols
    time_col, time_scale, index_cols = None, None, []
    if header is None:
        return names, units, time_col, time_scale, index_cols
    for c, raw in enumerate(header):
        name, unit = raw, None
        m = _UNIT_IN_NAME.match(raw) or _VOLTAGE_AFTER_NAME.match(raw.strip())
        if m:
            name, unit = m.group(1).strip(), m.group(2).strip()
        if unit_row is not None and unit_row[c]:
            unit = unit_row[c]
        key = name.lower()
        names[c] = name or f"lead{c + 1}"
        units[c] = unit or DEFAULT_UNIT
        tm = _TIME_RE.match(key)
        if tm and time_col is None:
            time_col = c
            word = (unit or "").lower() or tm.group(4) or tm.group(2)
            time_scale = _UNIT_WORDS.get(word)
            continue
        if _INDEX_RE.match(key):
            index_cols.append(c)
    return names, units, time_col, time_scale, index_cols


def _increasing_first_column(head, delimiter, decimal_comma):
    """An unnamed, strictly increasing first column is time (or a sample index).

    Returns (time column, index columns).
    """
    try:
        firsts = [_split(t, delimiter)[0] for _, _, t in head]
        col = np.array([float(v.replace(",", ".") if decimal_comma else v) for v in firsts])
    except (ValueError, IndexError):
        return None, []
    if len(col) < 3 or not np.all(np.diff(col) > 0):
        return None, []
    if np.all(np.diff(col) == 1) and col[0] in (0, 1):
        return None, [0]  # a sample counter carries no time
    return 0, []


def _parse(block: list[bytes], lay: _Layout, line_no: int, path: Path) -> np.ndarray:
    """Parse raw lines (blank and # lines skipped) into a (rows, n_cols) float64 array."""
    text = _BLANK_ROW.sub("", _decode(b"".join(block), path.name))
    if lay.decimal_comma:
        text = text.replace(",", ".")
    try:
        with warnings.catch_warnings():  # a block of only comments holds no data: fine
            warnings.simplefilter("ignore", UserWarning)
            arr = np.loadtxt(
                io.StringIO(text),
                delimiter=lay.delimiter,
                dtype=np.float64,
                comments="#",
                ndmin=2,
                quotechar='"',
                usecols=range(lay.n_cols) if lay.trailing else None,
            )
    except ValueError:
        raise _explain(text, lay, line_no, path) from None
    if arr.shape[0] and arr.shape[1] != lay.n_cols:
        raise _explain(text, lay, line_no, path)
    return arr


def _explain(text: str, lay: _Layout, line_no: int, path: Path) -> CorruptRecordError:
    """Find the first bad line of a block and say what is wrong with it."""
    for i, line in enumerate(text.splitlines()):
        if not _is_data_line(line):
            continue
        values = _split(line, lay.delimiter, lay.trailing)
        where = f"Line {line_no + i} of {path.name}"
        if len(values) != lay.n_cols:
            return CorruptRecordError(
                f"{where} has {len(values)} values but the file has {lay.n_cols} "
                "columns; all leads must have the same length (no missing values)."
            )
        for c, v in enumerate(values):
            if v == "":
                return CorruptRecordError(
                    f"{where} has an empty value in column {c + 1} (a missing sample)."
                )
            if not is_number(v, False):
                hint = " (times must be seconds or milliseconds)" if c == lay.time_col else ""
                return CorruptRecordError(
                    f"{where} has {v[:40]!r} in column {c + 1}, which is not a number{hint}."
                )
    return CorruptRecordError(f"{path.name} cannot be parsed as numbers near line {line_no}.")


def _scan(path: Path, lay: _Layout) -> float | None:
    """Count rows, check every value, and return the sampling rate of the time column if any."""
    rows = 0
    line_no = lay.first_line
    offset = lay.data_offset
    t_first = t_prev = None
    dt_ref = None
    with open(path, "rb") as f:
        f.seek(offset)
        for block in _blocks(f):
            lay.checkpoints.append((rows, offset, line_no))
            arr = _parse(block, lay, line_no, path)
            bad = ~np.isfinite(arr[:, lay.lead_cols]).all(axis=1)
            if bad.any():
                row = int(np.argmax(bad))
                raise InvalidSignalError(
                    f"{path.name} has a missing (NaN) or infinite sample at data row "
                    f"{rows + row + 1}; gaps in the recording are not supported."
                )
            if lay.time_col is not None and len(arr):
                t = arr[:, lay.time_col]
                if t_first is None:
                    t_first = t[0]
                    if len(t) > 1:
                        dt_ref = float(np.median(np.diff(t)))
                diffs = np.diff(t, prepend=t[0] if t_prev is None else t_prev)
                if t_prev is None:
                    diffs = diffs[1:]
                _check_steps(diffs, dt_ref, rows + (0 if t_prev is None else -1), path)
                t_prev = t[-1]
            rows += len(arr)
            offset += sum(len(b) for b in block)
            line_no += len(block)
    lay.n_rows = rows
    if lay.time_col is None or rows < 2:
        return None
    per_unit = (rows - 1) / float(t_prev - t_first)  # samples per unit of the time column
    scale = lay.time_scale or _guess_time_scale(per_unit)
    lay.time_origin_s = float(t_first) * scale
    return _round_fs(per_unit / scale)


def _guess_time_scale(per_unit: float) -> float:
    """Seconds per unit of a time column that does not name its unit: seconds, or ms or µs
    where seconds cannot be meant.

    A step of 0.1 could be 10 Hz in seconds or 10 kHz in ms: it is taken as seconds (and the
    rate refused as 10 Hz). Only a step of at least one unit (at most one sample per unit, which
    no ECG has in seconds) moves on to the next smaller unit: 0, 1, 2, ... or 0, 3, 6, ... are
    milliseconds.
    """
    for scale in (1.0, 1e-3, 1e-6):
        rate = per_unit / scale
        if MIN_FS <= rate <= MAX_FS:
            return scale
        if rate > 1.001:  # a step of less than one unit
            break
    return 1.0  # the rate in seconds, for check_fs to refuse


def _check_steps(diffs: np.ndarray, dt_ref: float | None, row0: int, path: Path) -> None:
    if not len(diffs):
        return
    if not (np.isfinite(diffs).all() and (diffs > 0).all()):
        row = int(np.argmax(~(diffs > 0))) + row0 + 2
        raise _NotIncreasing(
            f"The time column of {path.name} does not increase at data row {row}; the samples "
            "must be in time order without repeated times."
        )
    if dt_ref is None or dt_ref <= 0:
        return
    # timestamps rounded to a coarse resolution may jitter, but never by half a sample period
    off = (diffs < 0.5 * dt_ref) | (diffs > 1.5 * dt_ref)
    if off.any():
        row = int(np.argmax(off)) + row0 + 2
        raise InvalidSignalError(
            f"{path.name} is irregularly sampled: at data row {row} the time step is "
            f"{float(diffs[np.argmax(off)]):g} instead of about {dt_ref:g}; only regularly "
            "sampled recordings are supported."
        )


def _round_fs(fs: float) -> float:
    """Timestamps carry rounding noise; a rate within 0.1% of a whole number is that number."""
    nearest = round(fs)
    return float(nearest) if nearest > 0 and abs(fs - nearest) <= 1e-3 * fs else fs
