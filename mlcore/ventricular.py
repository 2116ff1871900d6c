"""Ventricular flutter / fibrillation (VF/VFL): stretches of one lead that look like VF.

VF and flutter have no QRS complexes to detect: the lead shows a fast, nearly sinusoidal wave
(flutter, about 180-300 /min) or an irregular one (fibrillation). Beat detectors and the noise index
(``mlcore.quality``) misread both, so this looks at the shape of the spectrum instead, over windows
of ``WINDOW_S`` seconds every ``STEP_S`` seconds, with two published criteria from the comparison of
Amann, Tratnig & Unterkofler, "Reliability of old and new ventricular fibrillation detection
algorithms for automated external defibrillators", BioMed Eng OnLine 4:60 (2005):

* the spectral algorithm of Barro et al., "Algorithmic sequential decision-making in the frequency
  domain for life threatening ventricular arrhythmias and imitative artefacts: a diagnostic system",
  J Biomed Eng 11:320-328 (1989): with ``peak_hz`` the largest component in 0.5-9 Hz (Hamming
  window, amplitudes under 5 % of the peak's set to zero), the first spectral moment relative to it
  (``moment``, up to min(20 peak, 100 Hz)) is small, little amplitude lies in 0.5 Hz-peak/2
  (``low_fraction``) and much lies in 0.7-1.4 peak (``peak_fraction``): the power is concentrated
  on one fundamental, as in VF, not spread over the harmonics of narrow QRS complexes or over a
  broad band, as in noise;
* the VF filter of Kuo & Dillman, "Computer detection of ventricular fibrillation", Computers in
  Cardiology 1978:347-349: a narrow-band elimination filter tuned to the window's mean period lets
  little of a VF-like signal through (``leakage``), much of a QRS-T train or of noise.

A window is VF-like when both hold and its amplitude is not that of a flat line; ``vf_spans`` merges
runs of VF-like windows and keeps those of at least ``MIN_SPAN_S`` seconds. Barro et al.'s fourth
criterion (little amplitude at the harmonics) is left out: the first moment already rejects
harmonic-rich windows here. Both criteria miss much coarse, irregular VF (Amann et al. report low
sensitivity and high specificity for both); the aim here is to rarely flag noise or fast rhythms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft

from mlcore.errors import SignalError
from mlcore.preprocess import as_signal_array, bandpass, check_fs
from mlcore.spans import merge_spans

WINDOW_S = 4.0  # long enough for several flutter cycles at 3 Hz, short enough to place an episode
STEP_S = 1.0  # one decision per second, as in Amann et al.
# Amann et al.'s preprocessing: drift (1 Hz) and high-frequency (30 Hz) removal.
BAND_HZ = (1.0, 30.0)
PEAK_BAND_HZ = (0.5, 9.0)  # where Barro et al. look for the fundamental
# Barro et al.'s published thresholds, as given by Amann et al. (recalled, not checked against the
# paper's text here: docs/benchmarks.md measures them on MIT-BIH).
MAX_MOMENT = 1.55
MAX_LOW_FRACTION = 0.19
MIN_PEAK_FRACTION = 0.45
# Kuo & Dillman's VF filter threshold, as Amann et al. use it.
MAX_LEAKAGE = 0.406
# Not a flat or near-flat lead: a window's 5-95 % range of at least this fraction of the lead's
# median window range, and of at least MIN_RANGE signal units (0.05 mV in mV, as model_input gives).
MIN_RANGE_RATIO = 0.2
MIN_RANGE = 0.05
# A span is the union of its VF-like windows, so it reaches up to half a window beyond the VF-like
# signal on each side (about 2 s for clean flutter). 7 s means at least 4 consecutive VF-like
# windows (one per STEP_S): on synthetic flutter inside normal beats a 2 s burst is dropped, 3 s may
# be kept, 4 s or more is kept. (5 s, two windows, kept 2 s bursts as 6 s spans.)
MIN_SPAN_S = 7.0


@dataclass(frozen=True)
class VFWindows:
    """Per-window criteria; every array has one entry per window starting at ``starts_s``."""

    starts_s: np.ndarray
    window_s: float
    peak_hz: np.ndarray
    moment: np.ndarray
    low_fraction: np.ndarray
    peak_fraction: np.ndarray
    leakage: np.ndarray
    signal_range: np.ndarray  # 5-95 % percentile range, signal units
    vf_like: np.ndarray  # bool


def _window_starts(n: int, size: int, step: int) -> np.ndarray:
    """Starts every ``step`` samples; the last window is aligned to the end."""
    starts = np.arange(0, n - size + 1, step, dtype=np.int64)
    if starts[-1] + size < n:
        starts = np.append(starts, n - size)
    return starts


def _spectral(w: np.ndarray, fs: float) -> tuple[np.ndarray, ...]:
    """Barro et al.'s peak frequency, relative first moment, low and peak band fractions."""
    size = w.shape[1]
    nfft = max(2048, fft.next_fast_len(size))
    amp = np.abs(fft.rfft(w * np.hamming(size).astype(np.float32), nfft, axis=1))
    f = fft.rfftfreq(nfft, 1.0 / fs).astype(np.float32)
    in_band = (f >= PEAK_BAND_HZ[0]) & (f <= PEAK_BAND_HZ[1])
    peak = np.argmax(np.where(in_band, amp, 0.0), axis=1)
    peak_hz = f[peak]
    peak_amp = amp[np.arange(len(peak)), peak]
    amp = np.where(amp >= 0.05 * peak_amp[:, None], amp, 0.0)
    upper = np.minimum(20.0 * peak_hz, 100.0)[:, None]
    total = np.where((f >= 0.5) & (f <= upper), amp, 0.0)
    norm = np.maximum(total.sum(axis=1), 1e-12)
    moment = (total * f).sum(axis=1) / norm / np.maximum(peak_hz, 1e-6)
    low = np.where(f <= 0.5 * peak_hz[:, None], total, 0.0).sum(axis=1) / norm
    near = (f >= 0.7 * peak_hz[:, None]) & (f <= 1.4 * peak_hz[:, None])
    return peak_hz, moment, low, np.where(near, total, 0.0).sum(axis=1) / norm


def _leakage(w: np.ndarray) -> np.ndarray:
    """Kuo & Dillman's VF-filter leakage: half the mean period N from the mean slope, then
    sum|V_i + V_(i-N)| / sum(|V_i| + |V_(i-N)|) over the window."""
    size = w.shape[1]
    mag = np.abs(w)
    slope = np.abs(np.diff(w, axis=1)).sum(axis=1)
    half = np.floor(np.pi * mag.sum(axis=1) / np.maximum(slope, 1e-12) + 0.5).astype(np.int64)
    half = np.clip(half, 1, size - 1)
    back = np.arange(size)[None, :] - half[:, None]
    valid = back >= 0
    shifted = np.take_along_axis(w, np.maximum(back, 0), axis=1)
    num = np.where(valid, np.abs(w + shifted), 0.0).sum(axis=1)
    den = np.where(valid, mag + np.abs(shifted), 0.0).sum(axis=1)
    return num / np.maximum(den, 1e-12)


def vf_windows(x: np.ndarray, fs: float) -> VFWindows:
    """The VF criteria of every window of the 1-D lead ``x`` (e.g. a lead of ``model_input``)."""
    fs = check_fs(fs)
    x = as_signal_array(x, fs, min_seconds=WINDOW_S)
    if x.ndim != 1:
        raise SignalError(f"expected one lead (1-D), got shape {x.shape}")
    y = bandpass(x, fs, *BAND_HZ)
    size, step = int(round(WINDOW_S * fs)), int(round(STEP_S * fs))
    starts = _window_starts(y.shape[0], size, step)
    w = y[starts[:, None] + np.arange(size)[None, :]]
    w = w - w.mean(axis=1, keepdims=True)
    peak_hz, moment, low, near = _spectral(w, fs)
    leakage = _leakage(w)
    lo, hi = np.percentile(w, [5, 95], axis=1)
    signal_range = hi - lo
    enough = (signal_range >= MIN_RANGE_RATIO * np.median(signal_range)) & (
        signal_range >= MIN_RANGE
    )
    vf_like = (
        (moment <= MAX_MOMENT)
        & (low < MAX_LOW_FRACTION)
        & (near >= MIN_PEAK_FRACTION)
        & (leakage < MAX_LEAKAGE)
        & enough
    )
    return VFWindows(
        starts_s=starts / fs,
        window_s=WINDOW_S,
        peak_hz=peak_hz,
        moment=moment,
        low_fraction=low,
        peak_fraction=near,
        leakage=leakage,
        signal_range=signal_range,
        vf_like=vf_like,
    )


def vf_spans(x: np.ndarray, fs: float) -> np.ndarray:
    """[start, stop) seconds (float64, shape (k, 2)) of the stretches of ``x`` that look like
    ventricular flutter/fibrillation: merged VF-like windows, at least ``MIN_SPAN_S`` long.

    ``x`` is one lead (1-D, signal units of mV, any supported rate), e.g. the beat models' lead of
    ``mlcore.datasets.model_input``; a lead shorter than ``WINDOW_S`` has no spans.
    """
    fs = check_fs(fs)
    if np.asarray(x).shape[-1] < WINDOW_S * fs:
        return np.zeros((0, 2), dtype=np.float64)
    windows = vf_windows(x, fs)
    starts = windows.starts_s[windows.vf_like]
    spans = merge_spans(np.stack([starts, starts + windows.window_s], axis=1))
    out = np.array(spans, dtype=np.float64).reshape(-1, 2)
    return out[out[:, 1] - out[:, 0] >= MIN_SPAN_S - 1e-9]
