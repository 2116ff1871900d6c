"""Per-window signal-quality index, so later stages can say "unreadable" instead of guessing.

Each lead of each window gets three flags and a 0..1 score:

* flat: almost no variation (lead off, dead channel), relative to the lead's own typical amplitude;
* saturated: the signal sits on its extreme values for a noticeable fraction of the window (clipping
  at the amplifier or ADC limit);
* noisy: the QRS complexes do not stand out: the QRS-band envelope between beats is high compared with
  its peaks (muscle noise, electrode motion), or most of the power is above the ECG band.

A window is readable when at least one lead has a score of at least ``READABLE_SQI``.

``hidden_beat_gaps`` adds, from the beats found, the long R-R gaps with QRS-like activity in them:
a beat may be hidden there (in noise, or one the detector missed), so such a gap is no evidence of a
pause, and is unreadable instead.

``organised_spans`` then takes back, from the beats found, what the noise test gets wrong: a fast,
regular run of beats is a rhythm (a ventricular tachycardia's wide complexes leave no quiet
baseline between them, which the contrast test reads as noise), while noise makes irregular
detections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d

from mlcore.errors import SignalError
from mlcore.preprocess import as_signal_array, bandpass, check_fs
from mlcore.spans import runs

READABLE_SQI = 0.5
FLAT_RATIO = 0.02  # window amplitude below 2 % of the lead's typical window amplitude
SATURATED_FRACTION = 0.05  # 5 % of the window's samples on the lead's extreme values
CONTRAST_GOOD, CONTRAST_BAD = 0.15, 0.45  # envelope floor / peak within a window
HF_GOOD, HF_BAD = 0.3, 1.0  # power above 40 Hz relative to the 0.5-40 Hz band (std ratio)
# A gap whose QRS-band activity on some lead reaches the lead's typical beat's may hide a beat.
HIDDEN_BEAT_RATIO = 1.0
GAP_MARGIN_S = 0.2  # the ends of a gap belong to the beats around it (their QRS and T waves)
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


def qrs_activity(x: np.ndarray, fs: float) -> np.ndarray:
    """(n_leads, n) mean absolute slope of the 5-20 Hz band over 50 ms: high on QRS complexes
    (and on noise), low on P and T waves and on a quiet baseline."""
    q = bandpass(np.atleast_2d(x), fs, 5.0, min(20.0, 0.45 * fs))
    slope = np.abs(np.diff(q, axis=-1, prepend=q[:, :1]))
    return uniform_filter1d(slope, size=max(1, round(0.05 * fs)), axis=-1)


def hidden_beat_gaps(x: np.ndarray, fs: float, rpeaks: np.ndarray, min_gap_s: float) -> np.ndarray:
    """(k, 2) seconds (from the start of ``x``) inside the R-R gaps of at least ``min_gap_s``
    where some lead's QRS activity reaches HIDDEN_BEAT_RATIO times that lead's median activity at
    the ``rpeaks`` (sorted sample indices). The ends (GAP_MARGIN_S) stay with their beats.

    A true pause is a quiet baseline, with at most P waves; measured on MIT-BIH on 2026-12-02, the
    pauses found with no reference beat inside had at most half a typical beat's activity, and
    those hiding noise or missed beats up to four times it (docs/benchmarks.md, "Pauses")."""
    rpeaks = np.asarray(rpeaks, dtype=np.int64)
    gaps = np.flatnonzero(np.diff(rpeaks) >= min_gap_s * fs)
    if not len(gaps):
        return np.zeros((0, 2))
    activity = qrs_activity(x, fs)
    at_beats = maximum_filter1d(activity, size=round(0.1 * fs) + 1, axis=-1)[:, rpeaks]
    typical = np.median(at_beats, axis=1)
    margin = round(GAP_MARGIN_S * fs)
    busy = []
    for i in gaps:
        first, last = rpeaks[i] + margin, rpeaks[i + 1] - margin
        if (
            last > first
            and (activity[:, first:last].max(axis=1) >= HIDDEN_BEAT_RATIO * typical).any()
        ):
            busy.append((first / fs, last / fs))
    return np.array(busy, dtype=np.float64).reshape(-1, 2)


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
