"""EDF/EDF+ and BDF/BDF+ files via pyedflib: ECG channels sharing one sampling rate."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np
import pyedflib

from mlcore.errors import CorruptRecordError, InvalidSignalError
from mlcore.readers.channels import ecg_channels
from mlcore.readers.records import RecordInfo
from mlcore.readers.source import BLOCK, signal_at
from mlcore.readers.validate import check_fs, check_shape
from mlcore.signal import Annotations, ECGSignal

# an ECG word or lead name, not inside a longer word; digits and "_" may follow (ECG1, ECG_II)
_ECG_LABEL = re.compile(
    r"(?<![a-z])(ecg|ekg|lead|mlii|ml\d|v[1-6]|i{1,3}|avr|avl|avf|d[1-3]|cm\d|cc\d)(?![a-z])",
    re.IGNORECASE,
)


@contextmanager
def _open(path: Path):
    try:
        reader = pyedflib.EdfReader(str(path))
    except Exception as exc:  # pyedflib raises OSError with the edflib reason
        if "filesize" in str(exc).lower():
            raise CorruptRecordError(
                f"{path.name} is truncated or damaged: its size does not match the number of "
                "samples its header declares."
            ) from exc
        raise CorruptRecordError(
            f"{path.name} is not a valid EDF/BDF file, or its header disagrees with its data: "
            f"{str(exc).strip()[:200]}"
        ) from exc
    try:
        yield reader
    finally:
        reader.close()


class EdfSource:
    def __init__(self, path: Path):
        self.path = path
        if _is_discontinuous(path):
            raise InvalidSignalError(
                f"{path.name} is a discontinuous EDF+D recording; only continuous recordings "
                "are supported."
            )
        with _open(path) as f:
            labels = [label.strip() for label in f.getSignalLabels()]
            rates = [float(r) for r in f.getSampleFrequencies()]
            lengths = [int(n) for n in f.getNSamples()]
            all_units = [f.getPhysicalDimension(c).strip() or "mV" for c in range(len(labels))]
            channels = _pick_channels(path, labels, rates, all_units)
            _check_digital_range(path, f, labels, channels)
            fs = check_fs(rates[channels[0]], source=path.name)
            n_samples = lengths[channels[0]]
            if any(lengths[c] != n_samples for c in channels):
                raise CorruptRecordError(
                    f"The channels of {path.name} have different lengths: "
                    + ", ".join(f"{labels[c]} {lengths[c]}" for c in channels)
                )
            check_shape(len(channels), n_samples, fs, source=path.name)
            units = tuple(all_units[c] for c in channels)
            start_time = _start_time(f)
            self.annotations = _annotations(f, fs, n_samples)
        self.channels = channels
        self.info = RecordInfo(
            format="edf",
            fs=fs,
            n_samples=n_samples,
            n_leads=len(channels),
            lead_names=tuple(labels[c] or f"lead{i + 1}" for i, c in enumerate(channels)),
            units=units,
            duration_s=n_samples / fs,
            start_time=start_time,
            has_annotations=self.annotations is not None,
        )

    def read(self, start: int, stop: int) -> ECGSignal:
        out = np.empty((self.info.n_leads, stop - start), dtype=np.float32)
        with _open(self.path) as f:
            for row, channel in enumerate(self.channels):
                for a in range(start, stop, BLOCK):
                    n = min(BLOCK, stop - a)
                    data = f.readSignal(channel, start=a, n=n)
                    if len(data) != n:
                        raise CorruptRecordError(
                            f"{self.path.name} ends early: channel {self.info.lead_names[row]} "
                            f"holds fewer samples than its header declares."
                        )
                    out[row, a - start : a - start + n] = data
        return signal_at(self.info, out, start, self.annotations)


def _is_discontinuous(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(256)
    return head[192:197] in (b"EDF+D", b"BDF+D")


def _pick_channels(
    path: Path, labels: list[str], rates: list[float], units: list[str]
) -> list[int]:
    """The channels labelled as ECG (``_ECG_LABEL``) or, if none is, those with plain labels
    (``CH1``, ``Channel 2``: many Holters write no more); either way ``ecg_channels`` drops the
    other signals (EEG, EOG, EMG, SpO2, ... of a sleep study). They must share one rate."""
    if not labels:
        raise InvalidSignalError(f"{path.name} contains no signals.")
    labelled = [i for i, label in enumerate(labels) if _ECG_LABEL.search(label)]
    candidates = labelled or list(range(len(labels)))
    kept = ecg_channels([labels[i] for i in candidates], [units[i] for i in candidates], path.name)
    channels = [candidates[i] for i in kept]
    if len({rates[c] for c in channels}) > 1:
        raise InvalidSignalError(
            f"The ECG channels of {path.name} have different sampling rates ("
            + ", ".join(f"{labels[c]}: {rates[c]:g} Hz" for c in channels)
            + "), so their leads have different lengths; export them at one rate."
        )
    return channels


def _check_digital_range(path: Path, f, labels: list[str], channels: list[int]) -> None:
    """Physical values are scaled from the digital range; without one they would be raw counts."""
    for c in channels:
        lo, hi = f.getDigitalMinimum(c), f.getDigitalMaximum(c)
        if hi <= lo:
            raise CorruptRecordError(
                f"The header of {path.name} gives channel {labels[c] or c + 1} a digital maximum "
                f"({hi}) that is not above its digital minimum ({lo}), so its values cannot be "
                "converted to millivolts; the file is damaged or was exported wrongly."
            )


def _start_time(f) -> datetime | None:
    try:
        return f.getStartdatetime()
    except Exception:  # an unparsable date is not worth rejecting the recording
        return None


def _annotations(f, fs: float, n_samples: int) -> Annotations | None:
    try:
        onsets, _, texts = f.readAnnotations()
    except Exception:
        return None
    if len(onsets) == 0:
        return None
    samples = np.round(np.asarray(onsets, dtype=np.float64) * fs).astype(np.int64)
    symbols = np.asarray([str(t) for t in texts], dtype=str)
    keep = (samples >= 0) & (samples < n_samples)
    order = np.argsort(samples[keep], kind="stable")
    return Annotations(samples[keep][order], symbols[keep][order])
