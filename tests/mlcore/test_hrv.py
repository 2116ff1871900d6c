import numpy as np
import pytest

from mlcore.hrv import heart_rate_summary


def test_regular_rhythm():
    fs = 360.0
    rpeaks = np.arange(0, 60 * fs, 0.75 * fs).astype(int)  # 80 bpm for a minute
    summary = heart_rate_summary(rpeaks, fs)
    assert summary.beats == 80
    assert summary.hr_mean_bpm == pytest.approx(80.0, abs=0.1)
    assert summary.hr_min_bpm == summary.hr_max_bpm == pytest.approx(80.0, abs=0.1)
    assert summary.sdnn_ms == pytest.approx(0.0, abs=0.5)
    assert summary.rmssd_ms == pytest.approx(0.0, abs=0.5)


def test_alternating_rr_gives_rmssd():
    fs = 1000.0
    rr = np.tile([800, 900], 50)  # ms
    rpeaks = np.concatenate([[0], np.cumsum(rr)])
    summary = heart_rate_summary(rpeaks, fs)
    assert summary.rmssd_ms == pytest.approx(100.0, abs=0.1)
    assert summary.sdnn_ms == pytest.approx(50.0, abs=0.5)


def test_gaps_are_not_heart_beats():
    fs = 100.0
    rpeaks = np.array([0, 100, 200, 1000, 1100, 1200])  # an 8 s gap in the middle
    summary = heart_rate_summary(rpeaks, fs)
    assert summary.hr_mean_bpm == pytest.approx(60.0)


def test_too_few_beats():
    summary = heart_rate_summary(np.array([5]), 360.0)
    assert summary.beats == 1
    assert summary.hr_mean_bpm is None
