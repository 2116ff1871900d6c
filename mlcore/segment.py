"""Cut a preprocessed signal into beat windows (with RR features) or sliding windows.

Beat windows are what the beat models consume. Two choices make them generalise across patients:

* amplitudes are divided by the recording's median R-peak amplitude per lead (patient-level scale), and
  each window has its own median removed;
* RR features are given both in seconds and normalised by the local and the average RR, so a premature
  beat looks premature whatever the patient's heart rate.

The normalisers are means, as in de Chazal et al. 2004 (local: 10 surrounding intervals; average:
every interval within 5 minutes), not medians: a mean counts the long pauses, so in a rhythm where
ectopic beats are the majority (frequent APCs with pauses) they still look early against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from mlcore.errors import SignalError

AAMI_CLASSES = ("N", "S", "V", "F", "Q")

# AAMI EC57 grouping of MIT-BIH beat symbols.
AAMI_MAP = {
    **dict.fromkeys(("N", "L", "R", "e", "j"), "N"),
    **dict.fromkeys(("A", "a", "J", "S"), "S"),
    **dict.fromkeys(("V", "E"), "V"),
    "F": "F",
    **dict.fromkeys(("/", "f", "Q"), "Q"),
}

# Order used when one window holds beats of several classes: the most clinically urgent wins.
SEVERITY = ("V", "F", "S", "Q", "N")

RR_FEATURES = (
    "pre_rr_s",  # previous R-R interval, seconds
    "post_rr_s",  # next R-R interval, seconds
    "pre_over_post",  # pre_rr / post_rr
    "pre_over_local",  # pre_rr / local mean RR (LOCAL_BEATS intervals around the beat)
    "post_over_local",  # post_rr / local mean RR
    "pre_over_average",  # pre_rr / mean RR within AVERAGE_S seconds either side
    "local_over_average",  # local mean RR / average RR
)
LOCAL_BEATS = 10
AVERAGE_S = 300.0

BEFORE_S = 0.25
AFTER_S = 0.45


def aami_class(symbol: str) -> str | None:
    """AAMI class of a WFDB beat symbol, or None for non-beat annotations (rhythm, noise, ...)."""
    return AAMI_MAP.get(symbol)


@dataclass(frozen=True)
class BeatSet:
    """Beat windows centred on R-peaks.

    ``kept`` indexes the ``rpeaks`` array that was passed in: beats whose window would cross the start
    or end of the signal are dropped, so ``samples == rpeaks[kept]``.
    """

    windows: np.ndarray  # float32 (n_beats, n_leads, length)
    rr: np.ndarray  # float32 (n_beats, len(RR_FEATURES))
    kept: np.ndarray  # int64 (n_beats,), positions in the rpeaks array given
    samples: np.ndarray  # int64 (n_beats,), R-peak sample index of each beat
    fs: float
    template: np.ndarray  # float32 (n_leads, length), median beat of the recording

    def __len__(self) -> int:
        return int(self.windows.shape[0])

    def subset(self, index: np.ndarray) -> BeatSet:
        return BeatSet(
            self.windows[index],
            self.rr[index],
            self.kept[index],
            self.samples[index],
            self.fs,
            self.template,
        )

    def with_difference(self) -> np.ndarray:
        """Model input (n, 2 * n_leads, length): each beat, then the beat minus the template.

        The difference from the recording's own median beat is what lets a model compare a beat with
        the patient's usual morphology instead of with other patients' beats.
        """
        return np.concatenate([self.windows, self.windows - self.template[None]], axis=1)


@dataclass(frozen=True)
class WindowSet:
    """Fixed-length windows; ``labels``/``counts`` only when reference annotations were given.

    ``labels[i]`` is the most severe AAMI class (order V, F, S, Q, N) among the annotated beats inside
    window i, or "" when it holds no beat; ``counts[i]`` counts beats per class in AAMI_CLASSES order.
    """

    windows: np.ndarray  # float32 (n_windows, n_leads, length)
    starts: np.ndarray  # int64 (n_windows,), first sample of each window
    fs: float
    labels: np.ndarray | None = None  # str (n_windows,)
    counts: np.ndarray | None = None  # int64 (n_windows, 5)


def _as_2d(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] == 0:
        raise SignalError(
            f"signal must have shape (n_samples,) or (n_leads, n_samples), got {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise SignalError("signal contains NaN or infinite values")
    return x


def rr_features(rpeaks: np.ndarray, fs: float) -> np.ndarray:
    """RR features (see RR_FEATURES) for every R-peak; edges reuse the neighbouring interval."""
    rpeaks = np.asarray(rpeaks, dtype=np.int64)
    n = len(rpeaks)
    if n < 2:
        return np.zeros((n, len(RR_FEATURES)), dtype=np.float32)
    rr = np.diff(rpeaks).astype(np.float64) / fs
    rr = np.clip(rr, 0.05, 5.0)
    pre = np.concatenate([rr[:1], rr])
    post = np.concatenate([rr, rr[-1:]])
    local = uniform_filter1d(pre, size=min(LOCAL_BEATS, n), mode="nearest")
    average = _mean_within(rpeaks / fs, pre, AVERAGE_S)
    feats = [pre, post, pre / post, pre / local, post / local, pre / average, local / average]
    return np.stack(feats, axis=1).astype(np.float32)


def _mean_within(times: np.ndarray, values: np.ndarray, half_width: float) -> np.ndarray:
    """Mean of ``values`` over the beats whose time is within ``half_width`` of each beat's time."""
    total = np.concatenate([[0.0], np.cumsum(values)])
    lo = np.searchsorted(times, times - half_width, side="left")
    hi = np.searchsorted(times, times + half_width, side="right")
    return (total[hi] - total[lo]) / (hi - lo)


def beat_windows(
    x: np.ndarray,
    rpeaks: np.ndarray,
    fs: float,
    *,
    before_s: float = BEFORE_S,
    after_s: float = AFTER_S,
    normalise: bool = True,
) -> BeatSet:
    """Windows of ``before_s`` + ``after_s`` seconds around each R-peak, with RR features.

    ``x`` is a preprocessed signal (n_samples,) or (n_leads, n_samples) at ``fs``; ``rpeaks`` sorted
    sample indices. Beats too close to either edge are dropped (see ``BeatSet.kept``). With
    ``normalise`` each lead is divided by the recording's median absolute R-peak amplitude and each
    window has its median removed.
    """
    x = _as_2d(x)
    if fs <= 0:
        raise SignalError(f"sampling rate must be positive, got {fs}")
    rpeaks = np.asarray(rpeaks, dtype=np.int64).ravel()
    if len(rpeaks) and (np.any(np.diff(rpeaks) <= 0) or rpeaks[0] < 0 or rpeaks[-1] >= x.shape[1]):
        raise SignalError("R-peak indices must be strictly increasing and inside the signal")
    before = int(round(before_s * fs))
    length = before + int(round(after_s * fs))
    rr = rr_features(rpeaks, fs)
    kept = np.flatnonzero((rpeaks - before >= 0) & (rpeaks - before + length <= x.shape[1]))
    starts = rpeaks[kept] - before
    idx = starts[:, None] + np.arange(length)[None, :]
    windows = np.ascontiguousarray(x[:, idx].transpose(1, 0, 2))  # (n, leads, length)
    if normalise and len(kept):
        windows = windows - np.median(windows, axis=2, keepdims=True)
        peak = np.abs(windows[:, :, before])
        scale = np.median(peak, axis=0)  # per lead
        scale = np.where(scale > 1e-6, scale, 1.0)
        windows = windows / scale[None, :, None]
    if len(kept):
        template = np.median(windows, axis=0)
    else:
        template = np.zeros((x.shape[0], length), dtype=np.float32)
    return BeatSet(
        windows=windows.astype(np.float32),
        rr=rr[kept],
        kept=kept.astype(np.int64),
        samples=rpeaks[kept],
        fs=float(fs),
        template=template.astype(np.float32),
    )


def sliding_windows(
    x: np.ndarray,
    fs: float,
    window_s: float = 10.0,
    overlap: float = 0.5,
    annotations=None,
) -> WindowSet:
    """Windows of ``window_s`` seconds (5 and 10 are the usual) overlapping by ``overlap`` (0 <= o < 1).

    The tail shorter than one window is dropped. ``annotations`` (mlcore.signal.Annotations) gives each
    window a label from the beats annotated inside it.
    """
    x = _as_2d(x)
    if not 0.0 <= overlap < 1.0:
        raise SignalError(f"overlap must be in [0, 1), got {overlap}")
    length = int(round(window_s * fs))
    if length <= 0:
        raise SignalError(f"window of {window_s} s at {fs} Hz is empty")
    step = max(1, int(round(length * (1.0 - overlap))))
    if x.shape[1] < length:
        starts = np.zeros(0, dtype=np.int64)
    else:
        starts = np.arange(0, x.shape[1] - length + 1, step, dtype=np.int64)
    idx = starts[:, None] + np.arange(length)[None, :]
    windows = np.ascontiguousarray(x[:, idx].transpose(1, 0, 2)).astype(np.float32)
    labels = counts = None
    if annotations is not None:
        classes = [aami_class(str(s)) for s in annotations.symbols]
        beat = np.array([c is not None for c in classes], dtype=bool)
        pos = np.asarray(annotations.samples, dtype=np.int64)[beat]
        cls = np.array([AAMI_CLASSES.index(c) for c in classes if c is not None], dtype=np.int64)
        counts = np.zeros((len(starts), len(AAMI_CLASSES)), dtype=np.int64)
        lo = np.searchsorted(pos, starts, side="left")
        hi = np.searchsorted(pos, starts + length, side="left")
        for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
            counts[i] = np.bincount(cls[a:b], minlength=len(AAMI_CLASSES))
        labels = np.array(
            [next((c for c in SEVERITY if row[AAMI_CLASSES.index(c)] > 0), "") for row in counts],
            dtype=object,
        ).astype(str)
    return WindowSet(windows=windows, starts=starts, fs=float(fs), labels=labels, counts=counts)
