import numpy as np
import pytest

from mlcore.errors import SignalError
from mlcore.segment import (
    AAMI_CLASSES,
    RR_FEATURES,
    aami_class,
    beat_windows,
    sliding_windows,
)
from mlcore.signal import Annotations

FS = 360.0


def regular_peaks(n: int, rr_s: float = 0.8, start_s: float = 0.1) -> np.ndarray:
    return np.round((start_s + rr_s * np.arange(n)) * FS).astype(np.int64)


def test_aami_mapping_follows_ec57():
    expected = {
        "N": "NLRej",
        "S": "AaJS",
        "V": "VE",
        "F": "F",
        "Q": "/fQ",
    }
    for cls, symbols in expected.items():
        assert [aami_class(s) for s in symbols] == [cls] * len(symbols)
    assert aami_class("+") is None
    assert aami_class("~") is None
    assert AAMI_CLASSES == ("N", "S", "V", "F", "Q")


def test_beat_windows_shapes_and_dropped_edges():
    x = np.random.default_rng(0).normal(size=(2, int(10 * FS))).astype(np.float32)
    peaks = regular_peaks(12)  # the first peak is 0.1 s in, the last ones beyond 9.5 s
    beats = beat_windows(x, peaks, FS)
    length = round(0.25 * FS) + round(0.45 * FS)
    assert beats.windows.shape == (len(beats), 2, length)
    assert beats.windows.dtype == np.float32
    assert beats.rr.shape == (len(beats), len(RR_FEATURES))
    assert 0 not in beats.kept  # too close to the start
    assert np.array_equal(beats.samples, peaks[beats.kept])
    assert np.all(beats.samples + round(0.45 * FS) <= x.shape[1])
    assert beats.template.shape == (2, length)


def test_window_is_centred_on_the_peak():
    x = np.zeros(int(5 * FS), dtype=np.float32)
    peaks = regular_peaks(5, rr_s=0.9, start_s=0.5)
    x[peaks] = 2.0
    beats = beat_windows(x, peaks, FS)
    before = round(0.25 * FS)
    assert np.all(beats.windows[:, 0].argmax(axis=1) == before)
    assert np.allclose(beats.windows[:, 0, before], 1.0)  # divided by the median R amplitude


def test_rr_features_mark_a_premature_beat():
    peaks = regular_peaks(20).astype(np.float64)
    peaks[10] -= 0.3 * FS  # premature by 300 ms
    peaks = peaks.astype(np.int64)
    x = np.zeros(int(20 * FS), dtype=np.float32)
    beats = beat_windows(x, peaks, FS, normalise=False)
    rr = dict(zip(RR_FEATURES, beats.rr[list(beats.kept).index(10)], strict=True))
    assert rr["pre_rr_s"] == pytest.approx(0.5, abs=0.01)
    assert rr["post_rr_s"] == pytest.approx(1.1, abs=0.01)
    assert rr["pre_over_local"] < 0.7
    normal = beats.rr[list(beats.kept).index(5)]
    assert normal[RR_FEATURES.index("pre_over_local")] == pytest.approx(1.0, abs=0.01)


def test_rr_features_count_pauses_in_the_average():
    # Ectopic beats as the majority rhythm: runs of four at 0.8 s, each run ended by a 2 s pause.
    intervals = np.tile([0.8, 0.8, 0.8, 0.8, 2.0], 40)
    peaks = np.round(np.concatenate([[1.0], 1.0 + np.cumsum(intervals)]) * FS).astype(np.int64)
    x = np.zeros(int(peaks[-1] + FS), dtype=np.float32)
    rr = beat_windows(x, peaks, FS, normalise=False).rr
    pre = rr[:, RR_FEATURES.index("pre_rr_s")]
    over_average = rr[:, RR_FEATURES.index("pre_over_average")]
    assert np.all(over_average[np.isclose(pre, 0.8, atol=0.01)] < 0.85)
    assert np.all(over_average[np.isclose(pre, 2.0, atol=0.01)] > 1.9)


def test_bad_input_raises_signal_error():
    x = np.zeros(1000, dtype=np.float32)
    with pytest.raises(SignalError, match="increasing"):
        beat_windows(x, np.array([500, 400]), FS)
    bad = x.copy()
    bad[3] = np.nan
    with pytest.raises(SignalError, match="NaN"):
        beat_windows(bad, np.array([500]), FS)
    with pytest.raises(SignalError, match="overlap"):
        sliding_windows(x, FS, overlap=1.0)


def test_sliding_windows_count_and_overlap():
    x = np.zeros((1, int(60 * FS)), dtype=np.float32)
    w = sliding_windows(x, FS, window_s=10.0, overlap=0.5)
    assert w.windows.shape == (11, 1, int(10 * FS))
    assert np.array_equal(np.diff(w.starts), np.full(10, int(5 * FS)))
    w5 = sliding_windows(x, FS, window_s=5.0, overlap=0.0)
    assert w5.windows.shape[0] == 12
    assert w.labels is None


def test_sliding_window_labels_take_the_most_severe_beat():
    x = np.zeros(int(30 * FS), dtype=np.float32)
    samples = regular_peaks(36)
    symbols = np.array(["N"] * 36, dtype=object)
    symbols[3] = "V"  # at 2.5 s: only in the first 10 s window
    symbols[20] = "A"  # at 16.1 s
    ann = Annotations(samples=samples, symbols=symbols.astype(str))
    w = sliding_windows(x, FS, window_s=10.0, overlap=0.0, annotations=ann)
    assert list(w.labels) == ["V", "S", "N"]
    assert w.counts[0].tolist() == [12, 0, 1, 0, 0]
    assert w.counts.sum() == np.searchsorted(samples, 30 * FS)


def test_no_rpeaks_gives_an_empty_beat_set():
    beats = beat_windows(np.zeros((2, 2000), np.float32), np.zeros(0, np.int64), FS)
    assert len(beats) == 0
    assert beats.windows.shape == (0, 2, 252)
    assert beats.rr.shape == (0, len(RR_FEATURES))
