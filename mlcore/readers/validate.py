"""Checks every reader applies; each failure names the problem in words a user understands."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from mlcore.errors import InvalidSignalError, RecordTooLargeError
from mlcore.signal import ECGSignal

MIN_FS = 25.0  # Hz; below this an ECG cannot be analysed
MAX_FS = 20_000.0  # Hz; MAX_FS / MIN_FS < 1000 keeps the s/ms guess for CSV time columns unique
MIN_DURATION_S = 2.0  # one heartbeat at 30 bpm
MAX_VALUES = 2**28  # float32 values loaded at once (1 GiB); larger records go through iter_chunks
# Largest sample magnitude read, in the file's units after conversion to mV: far above any ECG in
# mV and any 32-bit ADC count, far below where float32 arithmetic and the display scale break down.
MAX_ABS_VALUE = 1e12


def check_fs(fs: object, *, source: str = "the recording") -> float:
    """Return ``fs`` as a float, or raise if it is missing, not a number or out of range."""
    try:
        value = float(fs)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidSignalError(
            f"The sampling rate of {source} is not a number ({fs!r})."
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidSignalError(
            f"The sampling rate of {source} is {fs!r}; it must be a positive number of Hz."
        )
    if not MIN_FS <= value <= MAX_FS:
        raise InvalidSignalError(
            f"The sampling rate of {source} is {value:g} Hz, outside the supported range "
            f"{MIN_FS:g}-{MAX_FS:g} Hz for ECG."
        )
    return value


def check_shape(n_leads: int, n_samples: int, fs: float, *, source: str = "the recording") -> None:
    """Header-level checks: at least one lead, at least one beat long, not absurdly large."""
    if n_leads < 1:
        raise InvalidSignalError(f"{_cap(source)} contains no ECG leads.")
    if n_samples <= 0:
        raise InvalidSignalError(f"{_cap(source)} contains no samples.")
    duration = n_samples / fs
    if duration < MIN_DURATION_S:
        raise InvalidSignalError(
            f"{_cap(source)} is {duration:.2f} s long ({n_samples} samples at {fs:g} Hz); "
            f"at least {MIN_DURATION_S:g} s (one heartbeat) are needed."
        )


def check_size(n_leads: int, n_samples: int) -> None:
    if n_leads * n_samples > MAX_VALUES:
        raise RecordTooLargeError(
            f"The recording has {n_leads} leads x {n_samples} samples, too many to load at once "
            f"(limit {MAX_VALUES} values); it must be processed in chunks."
        )


def check_finite(signal: ECGSignal, *, offset: int = 0) -> None:
    """Raise on NaN/inf samples or samples beyond ±MAX_ABS_VALUE, naming the lead and the time of
    the first one.

    ``offset`` is the index of the first sample in the whole record (for chunks).
    """
    for lead, row in enumerate(signal.samples):
        # min/max propagate NaN and expose inf without allocating a mask for the whole lead
        lo, hi = row.min(), row.max()
        if np.isfinite(lo) and np.isfinite(hi):
            if max(-lo, hi) <= MAX_ABS_VALUE:
                continue
            first = int(np.argmax(np.abs(row) > MAX_ABS_VALUE)) + offset
            raise InvalidSignalError(
                f"Lead {signal.lead_names[lead]} has samples out of range (up to "
                f"{float(max(-lo, hi)):.3g} {signal.units[lead]}), the first at "
                f"{first / signal.fs:.3f} s (sample {first}); Beatline reads values up to "
                f"±{MAX_ABS_VALUE:.0e}."
            )
        bad = ~np.isfinite(row)
        first = int(np.argmax(bad)) + offset
        count = int(bad.sum())
        if np.isnan(row).any():
            kind, why = "missing (NaN)", "gaps in the recording are not supported"
        else:
            kind, why = "infinite", "the values are out of range"
        raise InvalidSignalError(
            f"Lead {signal.lead_names[lead]} has {count} {kind} sample(s), the first at "
            f"{first / signal.fs:.3f} s (sample {first}); {why}."
        )


def validate(signal: ECGSignal) -> ECGSignal:
    """Return ``signal`` (samples as C-contiguous float32) if it is usable, else raise.

    Checks: 2-D samples, one name and unit per lead, sampling rate, duration of at least one
    beat, no NaN/inf, no constant lead, annotations inside the record.
    """
    samples = signal.samples
    if not isinstance(samples, np.ndarray) or samples.ndim != 2:
        shape = getattr(samples, "shape", None)
        raise InvalidSignalError(f"The samples must be a 2-D array (leads x samples), got {shape}.")
    if not np.issubdtype(samples.dtype, np.number) or np.iscomplexobj(samples):
        raise InvalidSignalError(f"The samples must be real numbers, got {samples.dtype}.")
    fs = check_fs(signal.fs)
    n_leads, n_samples = samples.shape
    if len(signal.lead_names) != n_leads or len(signal.units) != n_leads:
        raise InvalidSignalError(
            f"The recording has {n_leads} leads but {len(signal.lead_names)} lead names and "
            f"{len(signal.units)} units."
        )
    check_shape(n_leads, n_samples, fs)
    if samples.dtype != np.float32 or not samples.flags.c_contiguous:
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        signal = dataclasses.replace(signal, samples=samples, fs=fs)
    check_finite(signal)
    for lead, row in enumerate(samples):
        if row.min() == row.max():
            raise InvalidSignalError(
                f"Lead {signal.lead_names[lead]} is flat (every sample is {float(row[0]):g} "
                f"{signal.units[lead]}); check the electrode or remove the lead."
            )
    _check_annotations(signal)
    return signal


def _check_annotations(signal: ECGSignal) -> None:
    ann = signal.annotations
    if ann is None:
        return
    if len(ann.samples) != len(ann.symbols):
        raise InvalidSignalError(
            f"The annotations have {len(ann.samples)} positions but {len(ann.symbols)} symbols."
        )
    if len(ann.samples) == 0:
        return
    if np.any(np.diff(ann.samples) < 0):
        raise InvalidSignalError("The annotations are not in time order.")
    if ann.samples[0] < 0 or ann.samples[-1] >= signal.n_samples:
        raise InvalidSignalError(
            f"An annotation lies outside the recording (sample {int(ann.samples[-1])}, the "
            f"recording has {signal.n_samples} samples); the annotation file does not match."
        )


def _cap(source: str) -> str:
    """``source`` to begin a sentence: the default phrase capitalised, a file name as it is."""
    return "The recording" if source == "the recording" else source
