"""Signal conditioning: resampling, zero-phase filters, baseline removal and robust normalisation.

Every function works along the last axis, accepts a 1-D array or an ``(n_leads, n)`` array and returns
float32 of the same leading shape. Filters are applied forward and backward (``sosfiltfilt``), so they
add no delay: an R peak stays at the sample where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy import signal as sps

from mlcore.errors import SignalError
from mlcore.signal import Annotations, ECGSignal

MODEL_FS = 360.0
MIN_FS = 20.0
MAX_FS = 20_000.0
MIN_SECONDS = 0.5


def check_fs(fs: float) -> float:
    """Validate a sampling rate and return it as float."""
    try:
        fs = float(fs)
    except (TypeError, ValueError):
        raise SignalError(f"sampling rate {fs!r} is not a number") from None
    if not np.isfinite(fs) or fs <= 0:
        raise SignalError(f"sampling rate must be a positive number of Hz, got {fs}")
    if fs < MIN_FS or fs > MAX_FS:
        raise SignalError(
            f"sampling rate {fs:g} Hz is outside the supported range {MIN_FS:g}-{MAX_FS:g} Hz"
        )
    return fs


def as_signal_array(x: np.ndarray, fs: float, min_seconds: float = MIN_SECONDS) -> np.ndarray:
    """Validate samples (1-D or 2-D, finite, long enough) and return them as float32."""
    x = np.asarray(x)
    if x.ndim not in (1, 2):
        raise SignalError(f"expected a 1-D signal or an (n_leads, n_samples) array, got {x.ndim}-D")
    if x.size == 0 or x.shape[-1] == 0:
        raise SignalError("the signal is empty")
    if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        raise SignalError(f"signal samples must be real numbers, got dtype {x.dtype}")
    x = x.astype(np.float32, copy=False)
    if not np.all(np.isfinite(x)):
        raise SignalError("the signal contains NaN or infinite samples")
    if x.shape[-1] < min_seconds * fs:
        raise SignalError(
            f"the signal is too short: {x.shape[-1]} samples ({x.shape[-1] / fs:.3g} s at "
            f"{fs:g} Hz); at least {min_seconds:g} s is needed"
        )
    return x


@lru_cache(maxsize=64)
def _sos(kind: str, fs: float, low: float, high: float, order: int) -> np.ndarray:
    nyq = fs / 2.0
    if kind == "bandpass":
        return sps.butter(order, [low / nyq, high / nyq], btype="bandpass", output="sos")
    if kind == "highpass":
        return sps.butter(order, low / nyq, btype="highpass", output="sos")
    return sps.butter(order, high / nyq, btype="lowpass", output="sos")


def _filtfilt(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    # Short inputs: shrink the edge padding so sosfiltfilt accepts them.
    padlen = min(3 * (2 * len(sos) + 1), x.shape[-1] - 1)
    return sps.sosfiltfilt(sos, x, axis=-1, padlen=padlen).astype(np.float32, copy=False)


def bandpass(x: np.ndarray, fs: float, low: float = 0.5, high: float = 40.0) -> np.ndarray:
    """Zero-phase Butterworth band-pass (2nd order each way, i.e. 4th order in effect)."""
    fs = check_fs(fs)
    x = as_signal_array(x, fs, min_seconds=0)
    nyq = fs / 2.0
    if not 0 <= low < high:
        raise SignalError(f"band-pass edges must satisfy 0 <= low < high, got {low:g}-{high:g} Hz")
    high = min(high, 0.95 * nyq)
    if low >= high:
        raise SignalError(f"band-pass low edge {low:g} Hz is above the usable band at {fs:g} Hz")
    if low <= 0:
        return _filtfilt(_sos("lowpass", fs, 0.0, high, 2), x)
    return _filtfilt(_sos("bandpass", fs, float(low), float(high), 2), x)


def notch(x: np.ndarray, fs: float, freq: float = 50.0) -> np.ndarray:
    """Zero-phase IIR notch at ``freq`` (mains interference, 50 or 60 Hz); a no-op above Nyquist."""
    fs = check_fs(fs)
    x = as_signal_array(x, fs, min_seconds=0)
    if freq <= 0:
        raise SignalError(f"notch frequency must be positive, got {freq:g} Hz")
    if freq >= 0.95 * fs / 2:
        return x.copy()
    b, a = sps.iirnotch(freq, Q=30.0, fs=fs)
    padlen = min(9, x.shape[-1] - 1)
    return sps.filtfilt(b, a, x, axis=-1, padlen=padlen).astype(np.float32, copy=False)


def remove_baseline(x: np.ndarray, fs: float) -> np.ndarray:
    """Remove baseline wander: subtract a zero-phase 0.5 Hz low-pass estimate of the baseline.

    Equivalent to a zero-phase high-pass; cheaper than median filters and keeps the ST segment shape
    better than a steeper cut-off would.
    """
    fs = check_fs(fs)
    x = as_signal_array(x, fs, min_seconds=0)
    return _filtfilt(_sos("highpass", fs, 0.5, 0.0, 2), x)


def normalize(x: np.ndarray) -> np.ndarray:
    """Robust per-lead scaling: subtract the median, divide by 1.4826 * MAD (a robust std).

    A lead whose MAD is zero (mostly constant with spikes) is divided by its standard deviation
    instead; a constant lead is only centred, so it stays flat instead of exploding.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise SignalError("expected a non-empty 1-D signal or an (n_leads, n_samples) array")
    if not np.all(np.isfinite(x)):
        raise SignalError("the signal contains NaN or infinite samples")
    # The median and MAD of long signals come from an even subsample (~100k points per lead): the
    # same robust level at a fraction of the cost.
    step = max(1, x.shape[-1] // 100_000)
    sample = x[..., ::step]
    med = np.median(sample, axis=-1, keepdims=True)
    centred = x - med
    scale = 1.4826 * np.median(np.abs(sample - med), axis=-1, keepdims=True)
    # MAD can be 0 for spiky signals that are mostly constant; fall back to the std then.
    tiny = 1e-12 * (1 + np.abs(med))
    if np.any(scale <= tiny):
        scale = np.where(scale > tiny, scale, centred.std(axis=-1, keepdims=True))
        scale = np.where(scale > tiny, scale, 1.0)
    return (centred / scale).astype(np.float32, copy=False)


def resample(x: np.ndarray, fs_in: float, fs_out: float) -> np.ndarray:
    """Polyphase resampling (anti-aliased) from ``fs_in`` to ``fs_out``."""
    fs_in, fs_out = check_fs(fs_in), check_fs(fs_out)
    x = as_signal_array(x, fs_in, min_seconds=0)
    if x.shape[-1] < 2:
        raise SignalError("the signal is too short to resample: it needs at least 2 samples")
    if fs_in == fs_out:
        return x.copy()
    ratio = Fraction(fs_out / fs_in).limit_denominator(1000)
    up, down = ratio.numerator, ratio.denominator
    if up == 0:
        raise SignalError(f"cannot resample from {fs_in:g} Hz to {fs_out:g} Hz")
    y = sps.resample_poly(x, up, down, axis=-1, padtype="line")
    return y.astype(np.float32, copy=False)


def resample_indices(samples: np.ndarray, fs_in: float, fs_out: float) -> np.ndarray:
    """Map sample indices from one rate to another (rounded to the nearest sample)."""
    return np.round(np.asarray(samples, dtype=np.float64) * (fs_out / fs_in)).astype(np.int64)


@dataclass(frozen=True)
class PreprocessConfig:
    fs: float = MODEL_FS
    low: float = 0.5
    high: float = 40.0
    notch_hz: float | None = None
    normalize: bool = True


def preprocess(signal: ECGSignal, config: PreprocessConfig = PreprocessConfig()) -> ECGSignal:
    """Resample to ``config.fs``, remove baseline, band-pass, optionally notch and normalise.

    Annotation sample indices are rescaled to the new rate.
    """
    fs_in = check_fs(signal.fs)
    x = as_signal_array(signal.samples, fs_in)
    if x.ndim == 1:
        x = x[None, :]
    fs = check_fs(config.fs)
    if fs != fs_in:
        x = resample(x, fs_in, fs)
    # The band-pass low edge already removes wander; a separate high-pass is only needed when low == 0.
    if config.low <= 0:
        x = remove_baseline(x, fs)
    x = bandpass(x, fs, config.low, config.high)
    if config.notch_hz:
        x = notch(x, fs, config.notch_hz)
    if config.normalize:
        x = normalize(x)
    annotations = signal.annotations
    if annotations is not None and fs != fs_in:
        idx = resample_indices(annotations.samples, fs_in, fs)
        annotations = Annotations(
            samples=np.clip(idx, 0, x.shape[-1] - 1), symbols=annotations.symbols
        )
    return replace(
        signal, samples=np.ascontiguousarray(x, dtype=np.float32), fs=fs, annotations=annotations
    )
