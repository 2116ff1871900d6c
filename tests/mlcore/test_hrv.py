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


def test_the_lowest_and_highest_rates_say_when():
    fs = 1000.0
    rr = [1000] * 30 + [1500] * 20 + [1000] * 30 + [400] * 20 + [1000] * 30  # ms
    rpeaks = np.concatenate([[0], np.cumsum(rr)])
    summary = heart_rate_summary(rpeaks, fs)
    assert (summary.hr_min_bpm, summary.hr_max_bpm) == (40.0, 150.0)
    slow_end, fast_end = rpeaks[50] / fs, rpeaks[100] / fs  # the last beat of each stretch
    assert rpeaks[39] / fs <= summary.hr_min_at_s <= slow_end
    assert rpeaks[89] / fs <= summary.hr_max_at_s <= fast_end


def test_alternating_rr_gives_rmssd():
    fs = 1000.0
    rr = np.tile([800, 900], 50)  # ms
    rpeaks = np.concatenate([[0], np.cumsum(rr)])
    summary = heart_rate_summary(rpeaks, fs)
    assert summary.rmssd_ms == pytest.approx(100.0, abs=0.1)
    assert summary.sdnn_ms == pytest.approx(50.0, abs=0.5)


def test_gaps_are_not_heart_beats():
    fs = 100.0
    rpeaks = np.array([0, 100, 200, 1400, 1500, 1600])  # a 12 s gap: the detector lost the beats
    summary = heart_rate_summary(rpeaks, fs)
    assert summary.hr_mean_bpm == pytest.approx(60.0)


def test_too_few_beats():
    summary = heart_rate_summary(np.array([5]), 360.0)
    assert summary.beats == 1
    assert summary.hr_mean_bpm is None


def test_hrv_uses_normal_to_normal_intervals_only():
    fs = 1000.0
    # Bigeminy: N at 1000 ms, a PVC 500 ms later, the next N 1500 ms after the PVC.
    rpeaks = np.cumsum([0] + [500, 1500] * 30)
    normal = np.arange(len(rpeaks)) % 2 == 0
    everything = heart_rate_summary(rpeaks, fs)  # the PVCs called N: the 20 % rule drops them
    assert everything.rmssd_ms is None  # not the 1000 ms of counting the PVCs' intervals
    summary = heart_rate_summary(rpeaks, fs, normal=normal)
    assert summary.hr_mean_bpm == pytest.approx(60.0)  # the heart rate still counts every beat
    assert summary.sdnn_ms is None and summary.rmssd_ms is None  # no two successive N beats


def test_rmssd_skips_differences_across_an_ectopic_beat():
    fs = 1000.0
    rr = [800] * 20 + [400, 1200] + [900] * 20  # a PVC between two runs of N beats
    rpeaks = np.concatenate([[0], np.cumsum(rr)])
    normal = np.ones(len(rpeaks), bool)
    normal[21] = False  # the beat after the 400 ms interval
    summary = heart_rate_summary(rpeaks, fs, normal=normal)
    assert summary.rmssd_ms == pytest.approx(0.0)  # 800 -> 800 and 900 -> 900 only
    assert summary.sdnn_ms == pytest.approx(np.std([800] * 20 + [900] * 20, ddof=1), abs=0.1)


def test_unreadable_signal_gives_no_heart_rate():
    rpeaks = np.arange(0, 10_000, 470)
    summary = heart_rate_summary(rpeaks, 1000.0, readable=np.zeros(len(rpeaks), bool))
    assert summary.beats == len(rpeaks)
    assert summary.hr_mean_bpm is None and summary.sdnn_ms is None


def test_pauses_count_in_the_heart_rate():
    rr = [1.0] * 20 + [3.0] + [1.0] * 20  # a 3 s pause in a rhythm of 60 bpm
    summary = heart_rate_summary(np.concatenate([[0], np.cumsum(rr)]), 1.0)
    assert summary.hr_mean_bpm == pytest.approx(60 * 41 / 43, abs=0.1)


def test_no_hrv_when_most_intervals_are_not_normal_to_normal():
    rpeaks = np.arange(0, 60_000, 800)
    normal = np.zeros(len(rpeaks), bool)
    normal[: len(rpeaks) // 3] = True  # a third of the beats in sinus rhythm
    summary = heart_rate_summary(rpeaks, 1000.0, normal=normal)
    assert summary.hr_mean_bpm == pytest.approx(75.0)
    assert summary.sdnn_ms is None and summary.rmssd_ms is None
