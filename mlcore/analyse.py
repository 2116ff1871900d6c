"""The analysis of one span of a recording, and the stitching of spans into one beat track.

A long recording is cut into spans ("chunks") of ``chunk_s`` seconds, each read with ``margin_s``
seconds of extra signal on both sides so filters, R-peak detection and RR features see the same
context as in a whole-recording run. A chunk keeps only the beats whose R-peak falls inside its own
core span [start_s, stop_s), so stitched chunks have no doubled and no missing beats at borders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlcore.datasets import lead_order, model_input
from mlcore.findings import PAUSE_S, BeatTrack
from mlcore.infer import DefaultModels, anomaly_scores, classify_beats
from mlcore.quality import hidden_beat_gaps, organised_spans, signal_quality
from mlcore.rhythm import classify_with_rhythm
from mlcore.rpeaks import detect_rpeaks, refine_on_lead
from mlcore.segment import beat_windows
from mlcore.signal import ECGSignal
from mlcore.spans import clip_spans, merge_spans, subtract_spans
from mlcore.ventricular import vf_spans

DISPLAY_SCALE = 1000.0  # microvolts per signal unit (signal units are mV)
INT16_MAX = 32767
# Small enough that a worker's activations stay in tens of MB, large enough to keep the CPU busy.
INFERENCE_BATCH = 256


@dataclass(frozen=True)
class Span:
    """Core span of chunk ``index`` and the wider span read around it, in seconds."""

    index: int
    start_s: float
    stop_s: float
    read_start_s: float
    read_stop_s: float


def plan_chunks(duration_s: float, chunk_s: float, margin_s: float) -> list[Span]:
    n = max(1, math.ceil(duration_s / chunk_s - 1e-9))
    spans = []
    for i in range(n):
        start, stop = i * chunk_s, min((i + 1) * chunk_s, duration_s)
        spans.append(
            Span(i, start, stop, max(0.0, start - margin_s), min(duration_s, stop + margin_s))
        )
    return spans


@dataclass(frozen=True)
class ChunkResult:
    """Per-beat results of one core span (times in seconds from the recording start)."""

    beat_times_s: np.ndarray  # float64 (n,)
    classes: np.ndarray  # int64 (n,), index into AAMI_CLASSES (after mlcore.rhythm's rules)
    confidence: np.ndarray  # float32 (n,), probability of the chosen class
    scores: np.ndarray  # float32 (n,), autoencoder anomaly score
    unreadable_s: np.ndarray  # float64 (k, 2), unreadable [start, stop) spans inside the core
    display: np.ndarray  # int16 (n_samples, n_leads), filtered signal at fs, display_scale_uv µV
    fs: float
    in_af: np.ndarray  # bool (n,), beat inside a span judged atrial fibrillation (mlcore.rhythm)
    vf_s: np.ndarray  # float64 (k, 2), possible ventricular flutter/fibrillation inside the core
    # float64 (k, 2), the parts of unreadable_s that are gaps between beats which may hide beats
    hidden_s: np.ndarray
    display_scale_uv: int = 1  # microvolts per display step

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {
            "beat_times_s": self.beat_times_s,
            "classes": self.classes,
            "confidence": self.confidence,
            "scores": self.scores,
            "unreadable_s": self.unreadable_s,
            "display": self.display,
            "fs": np.array(self.fs),
            "in_af": self.in_af,
            "vf_s": self.vf_s,
            "hidden_s": self.hidden_s,
            "display_scale_uv": np.array(self.display_scale_uv),
        }

    @classmethod
    def from_arrays(cls, arrays) -> ChunkResult:
        scalars = ("fs", "display_scale_uv")
        fields = {
            k: arrays[k] for k in cls.__dataclass_fields__ if k in arrays and k not in scalars
        }
        # Chunks stored before the atrial-fibrillation rule existed have no in_af.
        fields.setdefault("in_af", np.zeros(len(fields["beat_times_s"]), dtype=bool))
        # ... and those stored before the ventricular flutter detector no vf_s.
        fields.setdefault("vf_s", np.zeros((0, 2)))
        # ... and those stored before gaps that may hide beats were told apart, no hidden_s.
        fields.setdefault("hidden_s", np.zeros((0, 2)))
        return cls(**fields, fs=float(arrays["fs"]), display_scale_uv=stored_scale_uv(arrays))


def stored_scale_uv(arrays) -> int:
    """µV per display step of a stored chunk's arrays; chunks stored before the scale was chosen
    per chunk are in µV."""
    return int(arrays["display_scale_uv"]) if "display_scale_uv" in arrays else 1


def analyse_span(signal: ECGSignal, span: Span, models: DefaultModels) -> ChunkResult:
    """Detect, classify and score the beats of ``signal`` (read from ``span.read_start_s``).

    R-peaks are found on all leads, then placed on the R wave of the beat models' lead
    (``refine_on_lead``); the models read the leads in ``lead_order``. The rhythm
    rules (``classify_with_rhythm``) see the margins too, so a chunk's borders do not change its classes.
    Stretches that look like ventricular flutter/fibrillation (``mlcore.ventricular``) are reported
    as such, and fast regular runs of beats (``organised_spans``: ventricular tachycardia) as
    beats, not as unreadable signal, which the noise index would call both.
    """
    x, fs = model_input(signal)
    offset = span.read_start_s
    ordered = x[lead_order(signal.lead_names, x.shape[0])]
    rpeaks = refine_on_lead(ordered[0], fs, detect_rpeaks(x, fs))
    beats = beat_windows(ordered, rpeaks, fs)
    probs = classify_beats(models.classifier, beats, batch_size=INFERENCE_BATCH)
    scores = anomaly_scores(models.autoencoder, beats, batch_size=INFERENCE_BATCH)
    times = offset + beats.samples / fs
    classes, in_af = classify_with_rhythm(probs, beats)
    core = (times >= span.start_s) & (times < span.stop_s)
    first = round((span.start_s - offset) * fs)
    last = round((span.stop_s - offset) * fs)
    scale = display_scale_uv(x[:, first:last])
    display = to_display(x[:, first:last].T, scale)
    vf = clip_spans(vf_spans(ordered[0], fs) + offset, span.start_s, span.stop_s)
    rhythm = merge_spans(sorted([*map(tuple, vf), *organised_spans(times)]))
    gaps = clip_spans(offset + hidden_beat_gaps(x, fs, rpeaks, PAUSE_S), span.start_s, span.stop_s)
    unreadable = merge_spans(sorted(map(tuple, [*unreadable_spans(signal, offset, span), *gaps])))
    return ChunkResult(
        beat_times_s=times[core],
        classes=classes[core],
        confidence=np.take_along_axis(probs, classes[:, None], axis=1)[core, 0].astype(np.float32),
        scores=scores[core].astype(np.float32),
        unreadable_s=subtract_spans(np.array(unreadable).reshape(-1, 2), rhythm),
        display=display,
        fs=fs,
        in_af=in_af[core],
        vf_s=vf,
        hidden_s=subtract_spans(gaps, rhythm),
        display_scale_uv=scale,
    )


def display_scale_uv(x: np.ndarray) -> int:
    """The smallest power of ten of microvolts per int16 step that keeps the peak of ``x`` (mV)
    unclipped: 1 µV for an ECG in mV (up to ±32.767 mV); more for a file in other units, such as
    ADC counts left as they are."""
    peak = float(np.max(np.abs(x), initial=0.0)) * DISPLAY_SCALE
    if peak <= INT16_MAX:
        return 1
    return 10 ** math.ceil(math.log10(peak / INT16_MAX))


def to_display(x: np.ndarray, scale_uv: int) -> np.ndarray:
    """``x`` (mV) as int16 steps of ``scale_uv`` microvolts."""
    steps = np.round(x * (DISPLAY_SCALE / scale_uv))
    return np.clip(steps, -INT16_MAX - 1, INT16_MAX).astype(np.int16)


def rescale_display(display: np.ndarray, from_uv: int, to_uv: int) -> np.ndarray:
    """int16 display samples in steps of ``from_uv`` µV, in the coarser steps of ``to_uv`` µV:
    the chunks of one recording may have chosen different scales."""
    if from_uv == to_uv:
        return display
    return np.round(display * (from_uv / to_uv)).astype(np.int16)


def unreadable_spans(signal: ECGSignal, offset_s: float, span: Span) -> np.ndarray:
    """Unreadable windows of the quality index (on the raw signal, where clipping and flat lines
    show), merged and clipped to the core span."""
    quality = signal_quality(signal.samples, signal.fs)
    starts = offset_s + quality.starts[~quality.readable] / signal.fs
    windows = np.stack([starts, starts + quality.window_s], axis=1)
    spans = merge_spans(clip_spans(windows, span.start_s, span.stop_s))
    return np.array(spans, dtype=np.float64).reshape(-1, 2)


@dataclass(frozen=True)
class Stitched:
    """The recording's beat track and its spans of unreadable signal and of possible ventricular
    flutter/fibrillation, in seconds."""

    track: BeatTrack
    unreadable: list[tuple[float, float]]
    vf: list[tuple[float, float]]
    hidden: list[tuple[float, float]]  # the unreadable gaps between beats that may hide beats


def stitch(chunks: list[ChunkResult], threshold: float) -> Stitched:
    """Chunks in order -> the recording's beat track and spans.

    The display samples are left to the caller, which can stream them to disk chunk by chunk.
    """
    track = BeatTrack(
        times_s=np.concatenate([c.beat_times_s for c in chunks]),
        classes=np.concatenate([c.classes for c in chunks]),
        scores=np.concatenate([c.scores for c in chunks]),
        threshold=threshold,
        in_af=np.concatenate([c.in_af for c in chunks]),
    )
    return Stitched(
        track,
        merge_spans(np.concatenate([c.unreadable_s for c in chunks])),
        merge_spans(np.concatenate([c.vf_s for c in chunks])),
        merge_spans(np.concatenate([c.hidden_s for c in chunks])),
    )
