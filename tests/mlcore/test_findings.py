import numpy as np
import pytest

from mlcore.findings import (
    MAJOR,
    MINOR,
    MODERATE,
    BeatTrack,
    find_events,
    needs_review,
    runs,
    summarise,
)
from mlcore.segment import AAMI_CLASSES


def track(labels: str, rr_s: float | list[float] = 0.8, scores=None, threshold=1.0) -> BeatTrack:
    """A beat track from a string of AAMI letters, e.g. "NNVNN"."""
    n = len(labels)
    rr = np.broadcast_to(np.asarray(rr_s, float), (n - 1,)) if n > 1 else np.zeros(0)
    times = np.concatenate([[1.0], 1.0 + np.cumsum(rr)])
    classes = np.array([AAMI_CLASSES.index(c) for c in labels], np.int64)
    scores = np.zeros(n, np.float32) if scores is None else np.asarray(scores, np.float32)
    return BeatTrack(times, classes, scores, threshold)


def types(events) -> list[str]:
    return [e.type for e in events]


def test_runs():
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs(np.zeros(3, bool)) == []


def test_isolated_ectopic_beats():
    events = find_events(track("NNNVNNNNSNNN"), [])
    assert types(events) == ["pvc", "pac"]
    assert all(e.severity == MINOR and e.beats == 1 for e in events)
    assert events[0].start_s == pytest.approx(1.0 + 3 * 0.8)


def test_couplets_and_runs():
    rr = [0.8] * 22
    rr[8:11], rr[18:20] = [0.5] * 3, [0.5] * 2  # the runs at 120 bpm, the rest at 75
    events = find_events(track("NNVVNNNNVVVVNNSSNNSSSNN", rr_s=rr), [])
    assert types(events) == ["v_couplet", "v_run", "s_couplet", "s_run"]
    v_run, s_run = events[1], events[3]
    assert v_run.beats == 4 and v_run.severity == MAJOR
    assert v_run.end_s - v_run.start_s == pytest.approx(3 * 0.5)
    assert v_run.description == "4 beats at 120 bpm"  # ventricular tachycardia
    assert s_run.severity == MODERATE


def test_a_slow_run_is_not_tachycardia():
    events = find_events(track("NNVVVVNNSSSNN", rr_s=0.8), [])
    v_run, s_run = events
    assert v_run.severity == MODERATE and s_run.severity == MINOR
    assert v_run.description == (
        "4 beats at 75 bpm: slower than 100 bpm, an idioventricular rhythm rather than tachycardia"
    )
    assert "an atrial run rather than tachycardia" in s_run.description


def test_bigeminy_and_trigeminy_replace_isolated_pvcs():
    events = find_events(track("NNVNVNVNVNN" + "NNNN" + "NNVNNVNNVNNN"), [])
    assert types(events) == ["bigeminy", "trigeminy"]
    assert events[0].score == 4 and events[0].severity == MODERATE
    assert events[1].score == 3


def test_pause():
    events = find_events(track("NNNNN", rr_s=[0.8, 0.8, 3.2, 0.8]), [])
    assert types(events) == ["pause"]
    assert events[0].score == pytest.approx(3.2)
    assert events[0].severity == MAJOR


def test_bradycardia_and_tachycardia_episodes():
    slow = track("N" * 30, rr_s=1.5)  # 40 bpm for 43 s
    [brady] = find_events(slow, [])
    assert brady.type == "bradycardia" and brady.score == pytest.approx(40.0)
    assert brady.severity == MODERATE
    fast = track("N" * 40, rr_s=0.35)  # 171 bpm for 14 s
    [tachy] = find_events(fast, [])
    assert tachy.type == "tachycardia" and tachy.severity == MAJOR
    short = track("N" * 10, rr_s=0.35)  # too short to be an episode
    assert find_events(short, []) == []


def test_bradycardia_says_its_mean_rate_and_its_lowest():
    slowing = track("N" * 25, rr_s=[1.25] * 12 + [1.9] * 12)  # 48 bpm, then 32 bpm
    [brady] = find_events(slowing, [])
    assert brady.severity == MAJOR
    assert brady.description == "mean 38 bpm for 38 s (lowest 32 bpm over 10 beats)"


def test_couplets_at_a_normal_rate_are_not_tachycardia():
    # N V V at 77 bpm: two of every three intervals are short, so a median of intervals would say
    # 120 bpm; the beats over time say 77.
    couplets = track("NVV" * 20 + "N", rr_s=[0.5, 0.5, 1.34] * 20)
    assert "tachycardia" not in types(find_events(couplets, []))
    assert summarise(couplets, [], 50.0)["hr_max_bpm"] == pytest.approx(77, abs=3)


def test_atrial_fibrillation_gives_its_own_rates_instead_of_tachycardia():
    fast = track("N" * 120, 0.45)  # 133 bpm throughout, in AF from beat 20 on
    in_af = np.arange(120) >= 20
    events = find_events(BeatTrack(fast.times_s, fast.classes, fast.scores, 1.0, in_af), [])
    assert types(events) == ["af"]  # the 9 s before it are too short for a tachycardia episode
    assert (
        events[0].description
        == "irregular rhythm for 45 s, mean 133 bpm (highest 133 bpm over 10 beats)"
    )


def test_anomaly_windows_bridge_small_gaps():
    scores = [0, 2, 2, 0, 2, 2, 0, 0, 0, 0, 2, 0]
    events = find_events(track("N" * 12, scores=scores), [])
    assert types(events) == ["anomaly"]
    assert events[0].beats == 4
    assert events[0].score == 2.0


def test_ectopic_beats_are_not_reported_again_as_anomalous():
    scores = [0, 2, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0]
    bigeminy = find_events(track("NVNVNVNVNNNN", scores=scores), [])
    assert types(bigeminy) == ["bigeminy"]  # the unusual shapes are the PVCs, reported as such
    odd_normals = find_events(
        track("NVNNNNNNNNNN", scores=[0, 2, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0]), []
    )
    assert types(odd_normals) == ["pvc", "anomaly"] and odd_normals[1].beats == 3


def test_unreadable_spans_silence_rhythm_rules():
    t = track("NNNVNNNNNN")
    pvc_time = t.times_s[3]
    events = find_events(t, [(pvc_time - 0.5, pvc_time + 0.5)])
    assert types(events) == ["unreadable"]
    anomalous = track("N" * 12, scores=[0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0])
    assert types(find_events(anomalous, [(2.0, 6.0)])) == ["unreadable"]
    assert types(find_events(anomalous, [], vf=[(2.0, 6.0)])) == ["vf"]


def test_a_gap_with_noise_inside_is_not_a_pause():
    gap = track("NNNNN", rr_s=[0.8, 0.8, 3.2, 0.8])  # the long gap is 2.6-5.8 s
    assert types(find_events(gap, [(3.5, 4.5)])) == ["unreadable"]


def test_review_rule():
    assert not needs_review(find_events(track("NNNVNNNN"), []))
    assert needs_review(find_events(track("NNVVVNN", rr_s=0.5), []))  # a run of VT


def test_summary():
    t = track("NNNVNNNNSN", scores=[0, 0, 0, 3, 0, 0, 0, 0, 0, 0])
    summary = summarise(t, [(100.0, 110.0)], duration_s=200.0)
    assert summary["beats_by_class"] == {"N": 8, "S": 1, "V": 1, "F": 0, "Q": 0}
    assert summary["abnormal_beats_pct"] == 20.0
    assert summary["anomalous_beats_pct"] == 10.0
    assert summary["readable_pct"] == 95.0
    assert summary["hr_mean_bpm"] == pytest.approx(75.0)


def af_track(seconds_in_af: float) -> BeatTrack:
    beats = track("N" * 120, 0.8)
    in_af = (beats.times_s >= 20.0) & (beats.times_s < 20.0 + seconds_in_af)
    return BeatTrack(beats.times_s, beats.classes, beats.scores, beats.threshold, in_af)


def test_thirty_seconds_of_af_make_one_major_event():
    (event,) = [e for e in find_events(af_track(40.0), []) if e.type == "af"]
    assert event.severity == MAJOR and 39.0 <= event.end_s - event.start_s <= 40.0
    assert event.beats == 50 and "75 bpm" in event.description
    assert needs_review([event])


def test_shorter_af_or_af_in_noise_makes_no_event():
    assert "af" not in types(find_events(af_track(25.0), []))
    assert "af" not in types(find_events(af_track(40.0), [(30.0, 35.0)]))
    assert "af" not in types(find_events(track("N" * 120), []))  # no AF mask at all


def test_af_burden_is_the_share_of_the_recording_in_af_events():
    beats = af_track(40.0)
    duration = float(beats.times_s[-1] + 1.0)
    (event,) = [e for e in find_events(beats, []) if e.type == "af"]
    expected = round(100 * (event.end_s - event.start_s) / duration, 2)
    assert summarise(beats, [], duration)["af_burden_pct"] == expected > 0
    assert summarise(af_track(25.0), [], duration)["af_burden_pct"] == 0.0  # too short for an event
    assert summarise(track("N" * 120), [], duration)["af_burden_pct"] == 0.0


def test_summary_hrv_leaves_out_ectopic_beats_and_unreadable_signal():
    rr = [0.8, 0.8, 0.8, 0.4, 1.2] * 24  # N N N N V ...: every fifth beat a PVC
    ectopy = track("NNNNV" * 24 + "N", rr)
    summary = summarise(ectopy, [], duration_s=120.0)
    assert summary["sdnn_ms"] == pytest.approx(0.0, abs=0.5)  # the N-N intervals are all 800 ms
    assert summary["hr_mean_bpm"] == pytest.approx(75.0)  # 121 beats in 96 s, PVCs counted
    in_af = np.zeros(len(ectopy), bool)
    in_af[: len(in_af) // 2] = True
    af = BeatTrack(ectopy.times_s, ectopy.classes, ectopy.scores, ectopy.threshold, in_af)
    assert summarise(af, [], duration_s=120.0)["sdnn_ms"] is None  # too few N-N in sinus rhythm
    noise = summarise(track("N" * 20), [(0.0, 30.0)], duration_s=30.0)
    assert noise["beats"] == 20 and noise["hr_mean_bpm"] is None and noise["rmssd_ms"] is None


def test_ventricular_flutter_is_one_major_episode_and_its_beats_are_left_out():
    t = track("N" * 10 + "V" * 30 + "N" * 10, rr_s=0.25)  # flutter "beats" at 240 bpm
    vf = [(3.0, 6.0), (7.0, 11.0)]  # two pieces of one episode, 3.5-10.75 s
    events = find_events(t, [], vf)
    assert types(events) == ["vf"]  # no ventricular run or tachycardia from the flutter
    assert (events[0].start_s, events[0].end_s, events[0].severity) == (3.0, 11.0, MAJOR)
    assert types(find_events(t, [], [(3.0, 4.0), (40.0, 45.0)])).count("vf") == 2
    noisy = find_events(t, [(6.0, 7.0), (12.0, 14.0)], vf)  # noise between two pieces: VF
    assert [(e.type, e.start_s) for e in noisy] == [("vf", 3.0), ("unreadable", 12.0)]
    assert summarise(t, [], 20.0, [(0.0, 20.0)])["hr_mean_bpm"] is None  # no heart rate in VF
    # The waves found inside (3.0-11.0 s) are not counted as beats either: 8 N before, 10 after.
    summary = summarise(t, [], 20.0, vf)
    assert summary["beats"] == 18 and summary["beats_by_class"] == {
        "N": 18,
        "S": 0,
        "V": 0,
        "F": 0,
        "Q": 0,
    }
