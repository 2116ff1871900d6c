"""WFDB records (.hea + .dat/.atr): every format wfdb reads, single- and multi-segment."""

from __future__ import annotations

import math
import os
from datetime import datetime
from pathlib import Path

import numpy as np
import wfdb

from mlcore.errors import CorruptRecordError, InvalidSignalError
from mlcore.readers.channels import ecg_channels
from mlcore.readers.records import RecordInfo
from mlcore.readers.source import BLOCK, reason, signal_at
from mlcore.readers.validate import check_fs, check_shape
from mlcore.signal import Annotations, ECGSignal

# bytes per stored sample for the uncompressed formats (FLAC sizes cannot be predicted)
_BYTES_PER_SAMPLE = {
    "8": 1.0,
    "16": 2.0,
    "61": 2.0,
    "80": 1.0,
    "160": 2.0,
    "212": 1.5,
    "24": 3.0,
    "32": 4.0,
    "310": 4 / 3,
    "311": 4 / 3,
}
_FLAC_FORMATS = {"508", "516", "524"}  # compressed: sizes checked while decoding


class WfdbSource:
    def __init__(self, path: Path):
        self.path = path
        self.record_name = str(path.with_suffix(""))
        header = _read_header(path)
        _check_declared_fs(path, header)
        if isinstance(header, wfdb.MultiRecord):
            lead_names, units = _check_segments(path, header)
        else:
            if not header.n_sig:
                raise CorruptRecordError(
                    f"{path.name} declares no signals: a WFDB header needs a line for each "
                    "signal after its first line."
                )
            _check_dat_files(path, header)
            lead_names, units = _names_units(header)
        # only the ECG channels: Fantasia's RESP, ECG, BP or MIMIC's ABP, PLETH are not leads
        self.channels = ecg_channels(list(lead_names), list(units), path.name)
        lead_names = tuple(lead_names[c] for c in self.channels)
        units = tuple(units[c] for c in self.channels)
        fs = check_fs(header.fs, source=path.name)
        n_samples = int(header.sig_len or 0)
        check_shape(len(lead_names), n_samples, fs, source=path.name)
        self.annotations = _read_annotations(path, n_samples)
        self.info = RecordInfo(
            format="wfdb",
            fs=fs,
            n_samples=n_samples,
            n_leads=len(lead_names),
            lead_names=lead_names,
            units=units,
            duration_s=n_samples / fs,
            start_time=_start_time(header),
            has_annotations=self.annotations is not None,
        )

    def read(self, start: int, stop: int) -> ECGSignal:
        out = np.empty((self.info.n_leads, stop - start), dtype=np.float32)
        for a in range(start, stop, BLOCK):
            b = min(a + BLOCK, stop)
            out[:, a - start : b - start] = self._read_block(a, b).T
        return signal_at(self.info, out, start, self.annotations)

    def _read_block(self, a: int, b: int) -> np.ndarray:
        try:
            rec = wfdb.rdrecord(
                self.record_name, sampfrom=a, sampto=b, channels=self.channels, return_res=32
            )
        except Exception as exc:  # wfdb raises many types on bad bytes
            raise CorruptRecordError(
                f"The signal data of {self.path.name} cannot be decoded at samples {a}-{b}; "
                f"the signal file is damaged or truncated ({reason(exc)})."
            ) from exc
        data = rec.p_signal
        expected = (b - a, self.info.n_leads)
        if data is None or data.shape != expected:
            got = None if data is None else data.shape
            raise CorruptRecordError(
                f"The signal data of {self.path.name} does not match its header: expected "
                f"{expected[0]} samples x {expected[1]} leads at sample {a}, got {got}."
            )
        return data


def _read_header(path: Path):
    try:
        return wfdb.rdheader(str(path.with_suffix("")))
    except Exception as exc:
        why = reason(exc)
        if "does not match format" in why:  # datetime's words for the base time or date
            why = f"its start time or date on the first line is not a real one ({why})"
        raise CorruptRecordError(f"{path.name} is not a valid WFDB header: {why}") from exc


def _check_declared_fs(path: Path, header) -> None:
    """Check the sampling rate as the header's first line writes it: wfdb reads an absurd or
    malformed rate (``1e12``, ``abc``, ``-5``) as another number or its 250 Hz default."""
    with open(path, encoding="latin-1") as fh:
        line = next((x for x in fh if x.strip() and not x.lstrip().startswith("#")), "")
    tokens = line.split()
    if len(tokens) < 3:
        return  # no rate written: WFDB's default of 250 Hz
    written = tokens[2].split("/")[0]  # fs[/counter frequency[(base counter)]]
    try:
        value = float(written)
    except ValueError:
        value = written  # check_fs says it is not a number
    check_fs(value, source=path.name)
    if not math.isclose(float(header.fs or 0), value):
        raise CorruptRecordError(
            f"The sampling rate of {path.name} is written as {written!r}, which the WFDB reader "
            "does not understand; write it as a plain number of Hz, e.g. 360."
        )


def _names_units(header) -> tuple[tuple[str, ...], tuple[str, ...]]:
    n = int(header.n_sig or 0)
    names = list(header.sig_name or [])
    units = list(header.units or [])
    names = [names[i] if i < len(names) and names[i] else f"lead{i + 1}" for i in range(n)]
    units = [units[i] if i < len(units) and units[i] else "mV" for i in range(n)]
    return tuple(names), tuple(units)


def _plain_file(path: Path, name: str, kind: str) -> Path:
    """Resolve a file named in a header; only plain names beside the header are allowed."""
    if not name or name != os.path.basename(name) or name in (".", "..") or "\\" in name:
        raise CorruptRecordError(
            f"{path.name} names the {kind} {name!r}; only plain file names beside the header "
            "are accepted."
        )
    return path.parent / name


def _check_dat_files(path: Path, header) -> None:
    """Each signal file named in the header must exist and hold the declared samples."""
    if not header.n_sig:
        return
    described = len(header.file_name or [])
    if described != header.n_sig:
        raise CorruptRecordError(
            f"{path.name} declares {header.n_sig} signals but describes {described}."
        )
    files: dict[str, list[int]] = {}
    for i, name in enumerate(header.file_name):
        if name != "~":  # a signal without a file (a layout header's, or a null signal)
            files.setdefault(name, []).append(i)
    for name, sigs in files.items():
        dat = _plain_file(path, name, "signal file")
        if not dat.is_file():
            raise CorruptRecordError(
                f"{path.name} refers to the signal file {name}, which is missing; upload it "
                "together with the header."
            )
        fmt = header.fmt[sigs[0]]
        if fmt in _FLAC_FORMATS:
            continue
        if fmt not in _BYTES_PER_SAMPLE:
            known = ", ".join(sorted([*_BYTES_PER_SAMPLE, *_FLAC_FORMATS], key=int))
            raise CorruptRecordError(
                f"{path.name} gives {name} the storage format {fmt!r}, which is not a WFDB "
                f"format (those are {known})."
            )
        offset = int((header.byte_offset or [None] * header.n_sig)[sigs[0]] or 0)
        spf = header.samps_per_frame or [1] * header.n_sig
        per_frame = sum(int(spf[i] or 1) for i in sigs)
        have = dat.stat().st_size
        frames = max(0, int((have - offset) / (per_frame * _BYTES_PER_SAMPLE[fmt])))
        if header.sig_len is None:  # wfdb cannot read slices of such a record
            raise CorruptRecordError(
                f"{path.name} does not declare the number of samples (the signal file holds "
                f"{frames}); add it after the sampling rate on the header's first line."
            )
        need = offset + math.floor(header.sig_len * per_frame * _BYTES_PER_SAMPLE[fmt])
        if have < need:
            fs = float(header.fs or 1)
            raise CorruptRecordError(
                f"The signal file {name} is truncated: {path.name} declares {header.sig_len} "
                f"samples per lead ({header.sig_len / fs:.1f} s) but the file holds only "
                f"{frames} ({frames / fs:.1f} s)."
            )


def _check_segments(path: Path, header) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Check every segment's header and files; return the record's lead names and units."""
    names: list[str] = []
    units: list[str] = []
    total = 0
    for seg_name, seg_len in zip(header.seg_name, header.seg_len, strict=False):
        if seg_name == "~":
            if int(seg_len):
                _refuse_gap(path, header, total, int(seg_len))
            continue
        seg_path = _plain_file(path, seg_name + ".hea", "segment header")
        if not seg_path.is_file():
            raise CorruptRecordError(
                f"{path.name} refers to the segment {seg_name}, whose header {seg_name}.hea is "
                "missing."
            )
        seg = _read_header(seg_path)
        if isinstance(seg, wfdb.MultiRecord):
            raise CorruptRecordError(f"Segment {seg_name} of {path.name} is itself multi-segment.")
        seg_names, seg_units = _names_units(seg)
        if int(seg_len) == 0:  # layout segment of a variable-layout record: no signal files
            names, units = list(seg_names), list(seg_units)
            continue
        _check_dat_files(seg_path, seg)
        if seg.sig_len is not None and int(seg.sig_len) != int(seg_len):
            raise CorruptRecordError(
                f"{path.name} declares {seg_len} samples for segment {seg_name}, but its header "
                f"declares {seg.sig_len}."
            )
        total += int(seg_len)
        if not names:
            names, units = list(seg_names), list(seg_units)
    if header.sig_len is not None and int(header.sig_len) != total:
        raise CorruptRecordError(
            f"{path.name} declares {header.sig_len} samples, but its segments add up to {total}."
        )
    if not names:
        raise CorruptRecordError(f"{path.name} has no segment with signals.")
    return tuple(names), tuple(units)


def _refuse_gap(path: Path, header, start: int, length: int) -> None:
    """A ``~`` segment is a stretch without signal: the analysis needs a continuous recording."""
    fs = float(header.fs or 250)
    raise InvalidSignalError(
        f"{path.name} has a gap without signal of {length} samples ({length / fs:.1f} s) "
        f"starting at {start / fs:.1f} s (a '~' segment); recordings with gaps are not "
        "supported. Upload the part before or after the gap as a record of its own."
    )


def _read_annotations(path: Path, n_samples: int) -> Annotations | None:
    atr = path.with_suffix(".atr")
    if not atr.is_file():
        return None
    try:
        ann = wfdb.rdann(str(path.with_suffix("")), "atr")
    except Exception as exc:
        raise CorruptRecordError(
            f"The annotation file {atr.name} cannot be read: {reason(exc)}"
        ) from exc
    samples = np.asarray(ann.sample, dtype=np.int64)
    symbols = np.asarray(ann.symbol if ann.symbol is not None else [], dtype=str)
    if len(symbols) != len(samples):
        raise CorruptRecordError(f"The annotation file {atr.name} is inconsistent.")
    order = np.argsort(samples, kind="stable")
    samples, symbols = samples[order], symbols[order]
    if len(samples) and (samples[0] < 0 or samples[-1] >= n_samples):
        raise CorruptRecordError(
            f"The annotation file {atr.name} has an annotation at sample {int(samples[-1])}, "
            f"beyond the end of the record ({n_samples} samples); it belongs to another record."
        )
    return Annotations(samples, symbols)


def _start_time(header) -> datetime | None:
    if header.base_date is None or header.base_time is None:
        return None
    try:
        return datetime.combine(header.base_date, header.base_time)
    except (TypeError, ValueError):
        return None
