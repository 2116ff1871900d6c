"""The ectopic-interval filter (the "20 % rule") in front of SDNN and RMSSD."""

import numpy as np
import pytest

from mlcore.hrv import ectopic_intervals, heart_rate_summary


def test_the_filter_drops_intervals_more_than_20_percent_from_the_local_median():
    nn = np.array([0.80, 0.82, 0.79, 0.81, 0.55, 0.95, 0.80, 0.81, 0.79, 0.80])
    np.testing.assert_array_equal(np.flatnonzero(ectopic_intervals(nn)), [4])  # 0.95 is +19 %
    assert ectopic_intervals(np.zeros(0)).size == 0


def test_the_filter_follows_a_change_of_rate():
    # A step from 1.0 s to 0.7 s (e.g. across unreadable signal): only the step's neighbourhood
    # can be judged ectopic, not the rest of the recording.
    nn = np.array([1.0] * 30 + [0.7] * 30)
    assert ectopic_intervals(nn).sum() <= 2


def test_pacs_called_normal_do_not_inflate_rmssd():
    fs = 1000.0
    rng = np.random.default_rng(0)
    rr = 800 + np.round(rng.normal(0, 15, 300))  # sinus rhythm, RMSSD about 21 ms
    for i in range(20, 300, 50):  # six PACs, each a short interval then a long one
        rr[i], rr[i + 1] = 560, 1000
    sinus = np.ones(rr.size, bool)
    sinus[[i + d for i in range(20, 300, 50) for d in (0, 1)]] = False
    expected = np.sqrt(np.mean(np.diff(rr)[sinus[:-1] & sinus[1:]] ** 2))
    rpeaks = np.concatenate([[0], np.cumsum(rr)])
    summary = heart_rate_summary(rpeaks, fs)  # every beat called N, as the classifier did
    assert summary.rmssd_ms == pytest.approx(expected, rel=0.05)
    assert summary.sdnn_ms == pytest.approx(np.std(rr[sinus], ddof=1), rel=0.05)
