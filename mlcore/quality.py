"""Per-window signal-quality index, so later stages can say "unreadable" instead of guessing.

Each lead of each window gets three flags and a 0..1 score:

* flat: almost no variation (lead off, dead channel), relative to the lead's own typical amplitude;
* saturated: the signal sits on its extreme values for a noticeable fraction of the window (clipping
  at the amplifier or ADC limit);
* noisy: the QRS complexes do not stand out: the QRS-band envelope between beats is high compared with
  its peaks (muscle noise, electrode motion), or most of the power is above the ECG band.

A window is readable when at least one lead has a score of at least ``READABLE_SQI``.

``organised_spans`` then takes back, from the beats found, what the noise test gets wrong: a fast,
regular run of beats is a rhythm (a ventricular tachycardia's wide complexes leave no quiet
baseline between them, which the contrast test reads as noise), while noise makes irregular
detections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from mlcore.errors import SignalError
from mlcore.preprocess import as_signal_array, bandpass, check_fs
from mlcore.spans import runs

READABLE_SQI = 0.5
FLAT_RATIO = 0.02  # window amplitude below 2 % of the lead's typical window amplitude
SATURATED_FRACTION = 0.05  # 5 % of the window's samples on the lead's extreme values
CONTRAST_GOOD, CONTRAST_BAD = 0.15, 0.45  # envelope floor / peak within a window
HF_GOOD, HF_BAD = 0.3, 1.0  # power above 40 Hz relative to the 0.5-40 Hz band (std ratio)
ORGANISED_MIN_BEATS = 4
ORGANISED_RR_S = (0.2, 0.6)  # 100-300 bpm
ORGANISED_MAX_STEP = 0.15  # successive R-R intervals within 15 % of the shorter one


@dataclass(frozen=True)
class QualityReport:
    """Arrays are (n_leads, n_windows) except ``readable`` and ``starts`` (n_windows,)."""

    window_s: float
    fs: float
    starts: np.ndarray  # first sample of each window
    flat: np.ndarray
    saturated: np.ndarray
    noisy: np.ndarray
    sqi: np.ndarray  # 0 (unusable) .. 1 (clean)
    readable: np.ndarray

    @property
    def n_windows(self) -> int:
        return int(self.starts.shape[0])

    @property
    def readable_fraction(self) -> float:
        return float(self.readable.mean()) if self.n_windows else 0.0


def _window_starts(n: int, size: int) -> np.ndarray:
    """Consecutive window starts; the last window is aligned to the end (it overlaps the one before)."""
    if n <= size:
        return np.zeros(1, dtype=np.int64)
    starts = np.arange(0, n - size + 1, size, dtype=np.int64)
    if starts[-1] + size < n:
        starts = np.append(starts, n - size)
    return starts


def _windows(x: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """(n_leads, n_windows, size) copy of the windows starting at ``starts``."""
    size = min(size, x.shape[-1])
    return x[:, starts[:, None] + np.arange(size)[None, :]]


def _ramp(value: np.ndarray, good: float, bad: float) -> np.ndarray:
    """1 at or below ``good``, 0 at or above ``bad``, linear in between."""
    return np.clip((bad - value) / (bad - good), 0.0, 1.0)


def signal_quality(x: np.ndarray, fs: float, window_s: float = 5.0) -> QualityReport:
    """Quality flags and score for consecutive windows of ``window_s`` seconds.

    The last window ends at the last sample (it may overlap the one before).
    """
    fs = check_fs(fs)
    x = as_signal_array(x, fs, min_seconds=0.5)
    if x.ndim == 1:
        x = x[None, :]
    if not window_s > 0:
        raise SignalError(f"window length must be positive, got {window_s} s")
    size = max(1, int(round(window_s * fs)))
    starts = _window_starts(x.shape[-1], size)
    raw = _windows(x, starts, size)

    # Flat: robust amplitude of the window against the lead's typical window amplitude.
    amp = np.percentile(raw, 99, axis=2) - np.percentile(raw, 1, axis=2)
    typical = np.median(amp, axis=1, keepdims=True)
    scale = np.maximum(np.abs(x).max(axis=1, keepdims=True), 1e-12)
    flat = (amp <= FLAT_RATIO * typical) | (amp <= 1e-6 * scale)

    # Saturation: time spent on the lead's extreme values (clipping plateaus).
    lo = x.min(axis=1)[:, None, None]
    hi = x.max(axis=1)[:, None, None]
    tol = 1e-3 * (hi - lo)
    at_limit = (raw >= hi - tol) | (raw <= lo + tol)
    saturated = (at_limit.mean(axis=2) >= SATURATED_FRACTION) & ~flat

    # Noise: QRS contrast of the band-passed envelope, and power above the ECG band.
    ecg = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs))
    q = bandpass(x, fs, 5.0, min(20.0, 0.45 * fs))
    slope = np.diff(q, axis=-1, prepend=q[:, :1])
    env = np.sqrt(uniform_filter1d(slope * slope, size=max(1, int(0.12 * fs)), axis=-1))
    env_w = _windows(env, starts, size)
    contrast = np.median(env_w, axis=2) / np.maximum(env_w.max(axis=2), 1e-12)
    score = _ramp(contrast, CONTRAST_GOOD, CONTRAST_BAD)
    if fs > 100:
        hf = _windows(bandpass(x, fs, 40.0, 0.45 * fs), starts, size).std(axis=2)
        hf_ratio = hf / np.maximum(_windows(ecg, starts, size).std(axis=2), 1e-12)
        score = np.minimum(score, _ramp(hf_ratio, HF_GOOD, HF_BAD))
    noisy = (score < READABLE_SQI) & ~flat & ~saturated
    sqi = np.where(flat | saturated, 0.0, score)
    return QualityReport(
        window_s=float(window_s),
        fs=fs,
        starts=starts,
        flat=flat,
        saturated=saturated,
        noisy=noisy,
        sqi=sqi.astype(np.float32),
        readable=(sqi >= READABLE_SQI).any(axis=0),
    )


def organised_spans(times_s: np.ndarray) -> list[tuple[float, float]]:
    """Spans of at least ORGANISED_MIN_BEATS beats (R-peak ``times_s``, sorted) at 100-300 bpm
    whose successive R-R intervals differ by at most ORGANISED_MAX_STEP: a tachycardia, to be read
    as such even where ``signal_quality`` calls the signal noisy. Each span reaches a tenth of a
    second beyond its first and last beat, so that both count as inside it."""
    rr = np.diff(np.asarray(times_s, dtype=np.float64))
    fast = (rr >= ORGANISED_RR_S[0]) & (rr <= ORGANISED_RR_S[1])
    steady = np.abs(np.diff(rr)) <= ORGANISED_MAX_STEP * np.minimum(rr[:-1], rr[1:])
    regular = fast[:-1] & fast[1:] & steady  # pair i: intervals i and i + 1, beats i .. i + 2
    return [
        (float(times_s[start]) - 0.1, float(times_s[stop + 1]) + 0.1)
        for start, stop in runs(regular)
        if stop - start + 2 >= ORGANISED_MIN_BEATS
    ]
