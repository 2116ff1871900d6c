"""The 10-beat heart rate of the findings: only real windows (no made-up rates before the first
one), and bradycardia / tachycardia episodes that start and end with the slow (fast) beats and
state a mean that agrees with their rule."""

import numpy as np
import pytest

from mlcore.findings import (
    BRADY_BPM,
    RATE_BEATS,
    TACHY_BPM,
    BeatTrack,
    find_events,
    rolling_heart_rate,
)


def beats(rr_s, in_af=None) -> BeatTrack:
    times = np.concatenate([[1.0], 1.0 + np.cumsum(rr_s)])
    n = times.size
    return BeatTrack(times, np.zeros(n, np.int64), np.zeros(n, np.float32), 1.0, in_af)


def stretch(*parts: tuple[float, float, float]) -> BeatTrack:
    """Beats every ``rr`` seconds from ``start`` to ``stop`` for each (start, stop, rr)."""
    times = np.unique(np.concatenate([np.arange(a, b - 1e-9, rr) for a, b, rr in parts]))
    n = times.size
    return BeatTrack(times, np.zeros(n, np.int64), np.zeros(n, np.float32), 1.0)


def test_the_rolling_rate_has_only_real_windows():
    times = np.concatenate([[0.0], 0.25 + np.arange(20) * 0.8])  # a short first interval
    hr = rolling_heart_rate(times)
    assert hr.size == times.size - 1 - RATE_BEATS + 1
    assert hr.max() == pytest.approx(60 * 10 / (0.25 + 9 * 0.8))  # not 10 x 0.25 s = 240 bpm
    short = rolling_heart_rate(np.arange(5) * 0.5)  # fewer intervals than a window: one rate
    np.testing.assert_allclose(short, [120.0])
    assert rolling_heart_rate(np.array([3.0])).size == 0


def test_af_starting_on_a_short_interval_has_no_made_up_highest_rate():
    rr = [0.8] * 20 + [0.25] + [0.8] * 60  # AF at 75 bpm from beat 20, opening on 0.25 s
    in_af = np.arange(len(rr) + 1) >= 20
    [af] = find_events(beats(rr, in_af), [])
    assert af.type == "af"
    assert af.description == "irregular rhythm for 48 s, mean 76 bpm (highest 81 bpm over 10 beats)"


def test_bradycardia_spans_the_slow_beats():
    track = stretch((0, 60, 1.0), (60, 90, 1.5), (90, 150.5, 1.0))  # 40 bpm from 60 to 90 s
    [brady] = find_events(track, [])
    assert (brady.type, brady.start_s, brady.end_s) == ("bradycardia", 60.0, 90.0)
    assert brady.beats == 21
    assert brady.description == "mean 40 bpm for 30 s (lowest 40 bpm over 10 beats)"


def test_tachycardia_spans_the_fast_beats():
    track = stretch((0, 60, 1.0), (60, 90, 0.4), (90, 150.5, 1.0))  # 150 bpm from 60 to 90 s
    [tachy] = find_events(track, [])
    assert (tachy.type, tachy.start_s, tachy.end_s) == ("tachycardia", 60.0, 90.0)
    assert tachy.description == "mean 150 bpm for 30 s (highest 150 bpm over 10 beats)"


def test_a_short_slow_stretch_between_faster_beats_states_a_mean_below_50():
    rr = [1.0] * 30 + [1.35] * 10 + [1.0] * 30  # 44 bpm for 13.5 s
    [brady] = find_events(beats(rr), [])
    assert brady.end_s - brady.start_s == pytest.approx(13.5)
    assert brady.description == "mean 44 bpm for 14 s (lowest 44 bpm over 10 beats)"


def test_a_pause_is_not_also_bradycardia():
    rr = [1.0] * 30 + [4.0] + [1.0] * 30  # the 10-beat windows with the pause are at 46 bpm
    assert [e.type for e in find_events(beats(rr), [])] == ["pause"]


def test_rate_episodes_agree_with_their_rule():
    rng = np.random.default_rng(1)
    # Minutes alternating between slow, normal and fast stretches with beat-to-beat variation.
    rr = np.concatenate(
        [rng.normal(mean, 0.2 * mean, rng.integers(8, 40)) for mean in [1.3, 0.9, 0.55] * 12]
    ).clip(0.3, 2.5)
    events = [e for e in find_events(beats(rr), []) if e.type in ("bradycardia", "tachycardia")]
    assert {e.type for e in events} == {"bradycardia", "tachycardia"}
    times = beats(rr).times_s
    for e in events:
        inside = (times >= e.start_s) & (times <= e.end_s)
        assert inside.sum() == e.beats > RATE_BEATS
        mean = 60 * (e.beats - 1) / (e.end_s - e.start_s)
        assert mean < BRADY_BPM if e.type == "bradycardia" else mean > TACHY_BPM
    for kind in ("bradycardia", "tachycardia"):
        spans = sorted((e.start_s, e.end_s) for e in events if e.type == kind)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # no overlap
