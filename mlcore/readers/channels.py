"""Which channels of a record are ECG, and what their units are in millivolts.

Every reader keeps only the ECG channels (``ecg_channels``); ``Millivolts`` then reads them in
mV, the unit the analysis assumes.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from mlcore.errors import InvalidSignalError
from mlcore.readers.records import RecordInfo
from mlcore.readers.source import Source
from mlcore.signal import ECGSignal

# millivolts per unit, by the unit in lowercase without spaces
_MILLIVOLTS = {
    "v": 1e3,
    "volt": 1e3,
    "volts": 1e3,
    "mv": 1.0,
    "millivolt": 1.0,
    "millivolts": 1.0,
    "uv": 1e-3,
    "\u00b5v": 1e-3,  # micro sign
    "\u03bcv": 1e-3,  # Greek mu
    "microvolt": 1e-3,
    "microvolts": 1e-3,
    "nv": 1e-6,
    "nanovolt": 1e-6,
    "nanovolts": 1e-6,
}
# units that say "raw ADC counts": the scale is unknown, the values are kept as they are
_COUNTS = {"", "adu", "count", "counts", "digital", "raw"}

# names of signals recorded beside an ECG (respiration, blood pressure, oximetry, EEG, ...)
_NOT_ECG = re.compile(
    r"(?<![a-z])("
    r"resp\w*|pleth\w*|spo2|sao2|so2|eeg\w*|eog\w*|emg\w*|temp\w*|thor\w*|abdo?\w*|snor\w*|"
    r"flow|airflow|nasal|co2|etco2|pco2|"
    r"bp|abp|art|nbp|sbp|dbp|mbp|cvp|pap|icp|lap|rap|uap|"
    r"hr|pulse|rate|bpm|status|event|marker|position|pos|light|sound"
    r")(?![a-z])",
    re.IGNORECASE,
)


def millivolts_per(unit: str) -> float | None:
    """How many mV one ``unit`` is: 1 for raw counts (unknown), None if it is not a voltage."""
    key = unit.strip().lower().replace(" ", "")
    if key in _COUNTS:
        return 1.0
    return _MILLIVOLTS.get(key)


def is_ecg(name: str, unit: str) -> bool:
    """Whether a channel may be an ECG lead: its name is not another signal's and its unit is a
    voltage (or raw counts)."""
    return millivolts_per(unit) is not None and not _NOT_ECG.search(name)


def ecg_channels(names: list[str], units: list[str], source: str) -> list[int]:
    """Indices of the ECG channels (``is_ecg``); raise if there is none."""
    keep = [
        i for i, (name, unit) in enumerate(zip(names, units, strict=True)) if is_ecg(name, unit)
    ]
    if not keep:
        raise InvalidSignalError(
            f"No ECG channel found in {source} (channels: {describe_channels(names, units)}). "
            "A channel is read as ECG when its name is not that of another signal (respiration, "
            "blood pressure, SpO2, EEG, heart rate, ...) and its unit is a voltage (V, mV, µV)."
        )
    return keep


def describe_channels(names: list[str], units: list[str]) -> str:
    """``RESP, BP (mmHg)``: each channel's name, with its unit where that is not a voltage."""
    return ", ".join(
        f"{name} ({unit})" if millivolts_per(unit) is None else name
        for name, unit in zip(names, units, strict=True)
    )


class Millivolts:
    """A source whose leads in V, µV or nV are read in mV; other units are left as they are."""

    def __init__(self, source: Source):
        self.source = source
        factors = [millivolts_per(unit) for unit in source.info.units]
        self.factors = np.array([f or 1.0 for f in factors], dtype=np.float32)
        units = tuple(
            "mV" if f is not None and unit.strip().lower() not in _COUNTS else unit
            for f, unit in zip(factors, source.info.units, strict=True)
        )
        self.info: RecordInfo = dataclasses.replace(source.info, units=units)

    def read(self, start: int, stop: int) -> ECGSignal:
        signal = self.source.read(start, stop)
        samples = signal.samples
        if np.any(self.factors != 1):
            # float32, and just read: scaled in place (V to mV cannot overflow float32's range)
            samples = np.asarray(samples, dtype=np.float32)
            with np.errstate(over="ignore"):
                samples *= self.factors[:, None]
        return dataclasses.replace(signal, samples=samples, units=self.info.units)
