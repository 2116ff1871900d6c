"""R-peak detection on real MIT-BIH slices, inverted, noisy and resampled copies, and bad input."""

import numpy as np
import pytest
import wfdb

from mlcore.errors import SignalError
from mlcore.evaluate.rpeaks import BEAT_SYMBOLS, match_beats, match_pairs
from mlcore.preprocess import resample, resample_indices
from mlcore.rpeaks import detect_rpeaks, refine_on_lead

SECONDS = 120


def _slice(mitdb, record):
    rec = wfdb.rdrecord(str(mitdb / record), sampto=SECONDS * 360)
    ann = wfdb.rdann(str(mitdb / record), "atr", sampto=SECONDS * 360)
    beats = np.array(
        [s for s, sym in zip(ann.sample, ann.symbol, strict=True) if sym in BEAT_SYMBOLS]
    )
    return rec.p_signal.T.astype(np.float32), float(rec.fs), beats


def _scores(reference, detected, fs):
    tp, fn, fp = match_beats(reference, detected, int(0.15 * fs))
    return tp / (tp + fn), tp / (tp + fp)


@pytest.mark.parametrize("record", ["100", "208", "107"])  # clean, many PVCs, paced
def test_detects_beats_on_two_leads(mitdb, record):
    x, fs, ref = _slice(mitdb, record)
    peaks = detect_rpeaks(x, fs)
    assert peaks.dtype == np.int64
    assert np.all(np.diff(peaks) > 0)
    se, ppv = _scores(ref, peaks, fs)
    assert se > 0.99 and ppv > 0.99


def test_inverted_single_lead_gives_same_beats(mitdb):
    x, fs, ref = _slice(mitdb, "100")
    upright = detect_rpeaks(x[0], fs)
    inverted = detect_rpeaks(-x[0], fs)
    se, ppv = _scores(ref, inverted, fs)
    assert se > 0.99 and ppv > 0.99
    assert _scores(upright, inverted, fs) == (1.0, 1.0)


def test_noisy_lead_still_detected(mitdb):
    x, fs, ref = _slice(mitdb, "100")
    rng = np.random.default_rng(0)
    noisy = x[0] + rng.normal(0, 0.1, x.shape[1]).astype(np.float32)  # ~SNR 14 dB on the QRS
    noisy += 0.3 * np.sin(2 * np.pi * 0.3 * np.arange(x.shape[1]) / fs).astype(np.float32)
    se, ppv = _scores(ref, detect_rpeaks(noisy, fs), fs)
    assert se > 0.98 and ppv > 0.98


@pytest.mark.parametrize("fs_out", [128.0, 250.0, 1000.0])
def test_works_at_other_sampling_rates(mitdb, fs_out):
    x, fs, ref = _slice(mitdb, "105")
    y = resample(x, fs, fs_out)
    peaks = detect_rpeaks(y, fs_out)
    se, ppv = _scores(resample_indices(ref, fs, fs_out), peaks, fs_out)
    assert se > 0.98 and ppv > 0.98
    assert peaks.max() < y.shape[1]


def test_one_flat_lead_is_ignored(mitdb):
    x, fs, ref = _slice(mitdb, "100")
    x[1] = 0.0
    se, ppv = _scores(ref, detect_rpeaks(x, fs), fs)
    assert se > 0.99 and ppv > 0.99


@pytest.mark.parametrize(
    ("x", "fs", "message"),
    [
        (np.zeros(3600), 360.0, "constant"),
        (np.full(3600, np.nan), 360.0, "NaN"),
        (np.ones(100), 360.0, "too short"),
        (np.random.default_rng(0).normal(size=3600), 0.0, "sampling rate"),
        (np.random.default_rng(0).normal(size=3600), 1e9, "sampling rate"),
        (np.random.default_rng(0).normal(size=3600), float("nan"), "sampling rate"),
        (np.zeros((2, 2, 3600)), 360.0, "3-D"),
    ],
)
def test_bad_input_raises_signal_error(x, fs, message):
    with pytest.raises(SignalError, match=message):
        detect_rpeaks(x, fs)


def _offsets(reference, detected, fs):
    """Signed detection - annotation offsets (samples) of the matched beats."""
    pairs = match_pairs(np.sort(reference), detected, int(0.15 * fs))
    return detected[pairs[pairs >= 0]] - np.sort(reference)[pairs >= 0]


def test_refine_on_lead_puts_every_beat_on_that_leads_r_wave(mitdb):
    x, fs, ref = _slice(mitdb, "220")  # DS1: the detector's best lead changes from beat to beat
    peaks = detect_rpeaks(x, fs)
    refined = refine_on_lead(x[0], fs, peaks)
    assert len(refined) == len(peaks)
    assert np.mean(np.abs(_offsets(ref, peaks, fs)) <= 2) < 0.8
    assert np.mean(np.abs(_offsets(ref, refined, fs)) <= 2) > 0.95  # the annotations' fiducial
    with pytest.raises(SignalError, match="one lead"):
        refine_on_lead(x, fs, peaks)
    np.testing.assert_array_equal(refine_on_lead(np.zeros(x.shape[1]), fs, peaks), peaks)  # flat
